"""HTTP client of the Urssaf "API Tiers de Prestation".

Pure Python (``requests``), built from plain values, returning plain values.
One private :meth:`UrssafClient._request` centralises the bearer token, JSON,
the capped timeout, logging and the mapping of every HTTP outcome to the
exceptions of :mod:`.exceptions`.

Payloads are built and checked by :mod:`.payload` and :mod:`.validators`;
this module does not validate them again.
"""

import logging
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal

import requests
from dateutil.parser import isoparse
from urllib3.exceptions import NewConnectionError

from .amounts import to_decimal
from .codes import (
    ACCOUNT_ACTIVE,
    ACCOUNT_STATUSES,
    API_PATH,
    FINAL_PAYMENT_STATUSES,
    MAX_ITEMS_PER_CALL,
    OAUTH_SCOPE,
    TOKEN_PATH,
    payment_status_label,
    payment_status_state,
)
from .exceptions import (
    UrssafAuthError,
    UrssafBusinessError,
    UrssafError,
    UrssafErrorDetail,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from .payload import build_search_payload
from .redact import for_journal, redact

_logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://api.urssaf.fr"
SANDBOX_URL = "https://api-edi.urssaf.fr"

DEFAULT_TIMEOUT = 30
MAX_TIMEOUT = 60
# A token is renewed this many seconds before Urssaf says it expires.
TOKEN_EXPIRY_MARGIN = 60
DEFAULT_TOKEN_LIFETIME = 3600
# Read at call time so that tests can patch it.
MAX_BATCH_SIZE = MAX_ITEMS_PER_CALL

OUTCOME_ACCEPTED = "accepted"
OUTCOME_REJECTED = "rejected"
OUTCOME_RETRY = "retry"
OUTCOME_UNKNOWN = "unknown"

# Journal name of each client operation (the Urssaf test book's names).
OPERATION_CODES = {
    "token": "token",
    "register_customer": "M010",
    "customer_status": "M020",
    "submit_payment_requests": "M050",
    "search_payment_requests": "M070",
}
# An answer that is not JSON is kept up to this many characters.
MAX_TEXT_ANSWER = 2000

_ACTIVATION_RE = re.compile(
    r"(\d{2})/(\d{2})/(\d{4})(?:\D+(\d{2}):(\d{2})(?::(\d{2}))?)?"
)


@dataclass(frozen=True)
class Exchange:
    """One HTTP call to Urssaf as it happened, for the provider's journal.

    ``request`` is the JSON sent (the query of a GET, the form of the token
    call without credentials); ``response`` the decoded answer (text when not
    JSON), ``None`` when none came. Secrets are removed from both; personal
    data is not. ``outcome`` is ``ok``, ``refused`` (business errors, in
    ``error_codes``), ``auth``, ``temporary``, ``unknown`` (sent, answer lost)
    or ``error``. ``started_at`` is naive UTC.
    """

    ref: str
    operation: str
    method: str
    path: str
    started_at: datetime
    duration_ms: int
    http_status: int | None
    request: object
    response: object
    outcome: str
    error_codes: tuple = ()
    error: str | None = None


@dataclass(frozen=True)
class SubmissionResult:
    """Outcome of one transmitted payment request, in input order.

    ``outcome`` says what to do: ``accepted`` (store ``payment_request_id``),
    ``rejected`` (show ``errors``), ``retry`` (nothing was processed, resend
    later) or ``unknown`` (may have been processed: search, do not resend).
    """

    index: int
    invoice_number: str | None
    payment_request_id: str | None = None
    status: str | None = None
    errors: tuple = ()
    error: UrssafError | None = None
    exchange_ref: str | None = None

    @property
    def outcome(self):
        if self.errors:
            return OUTCOME_REJECTED
        if isinstance(self.error, UrssafOutcomeUnknownError):
            return OUTCOME_UNKNOWN
        if self.error is not None:
            return OUTCOME_RETRY
        return OUTCOME_ACCEPTED if self.payment_request_id else OUTCOME_UNKNOWN


@dataclass(frozen=True)
class PaymentRequestInfo:
    """One payment request as returned by a search.

    ``status`` is kept verbatim even when undocumented (``state`` is then
    ``unknown``). ``transfer_date`` may be set before ``transfer_amount``
    (transfer scheduled). ``raw`` is the decoded item, personal data included.
    """

    payment_request_id: str | None
    status: str | None
    status_label: str
    state: str
    customer_id: str | None = None
    invoice_number: str | None = None
    rejection_code: str | None = None
    rejection_comment: str | None = None
    transfer_amount: Decimal | None = None
    transfer_date: datetime | None = None
    raw: dict = field(default_factory=dict, repr=False)
    exchange_ref: str | None = None

    @property
    def final(self):
        return self.status in FINAL_PAYMENT_STATUSES


@dataclass(frozen=True)
class SearchResult:
    """Payment requests found, plus Urssaf's non-blocking errors."""

    items: list
    errors: list


@dataclass(frozen=True)
class CustomerStatus:
    """Account / link status of a registered customer (``GET /particulier``).

    ``activated_at`` is the date-time found in ``description`` once the link
    is valid: the earliest allowed service start. It is naive, as written by
    Urssaf (the simulator writes UTC; the real API is undocumented).
    """

    customer_id: str | None
    status: str | None
    state: str | None
    description: str
    label: str
    activated_at: datetime | None = None
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def active(self):
        return self.status == ACCOUNT_ACTIVE


def _to_epoch(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def _parse_datetime(value):
    """Lenient ISO-8601 parsing of dates read from Urssaf; naive means UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = isoparse(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _parse_activation(description):
    match = _ACTIVATION_RE.search(description or "")
    if not match:
        return None
    day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _error_list(body):
    """``Erreur`` objects from a decoded body: a list, or ``errors``/``Errors``."""
    if isinstance(body, dict):
        body = (
            body.get("errors")
            or body.get("Errors")
            or ([body] if "code" in body else [])
        )
    if not isinstance(body, list):
        return []
    return [UrssafErrorDetail.from_json(item) for item in body]


def _outcome(error, codes):
    """Journal outcome of a call (see :class:`Exchange`)."""
    if set(codes) == {"ERR_RECHERCHE_VIDE"}:
        return "ok"  # "nothing found" is a normal answer to a search
    if isinstance(error, UrssafBusinessError):
        return "refused"
    if isinstance(error, UrssafAuthError):
        return "auth"
    if isinstance(error, UrssafOutcomeUnknownError):
        return "unknown"
    if isinstance(error, UrssafTemporaryError):
        return "temporary"
    if error is not None:
        return "error"
    return "refused" if codes else "ok"


def _failed_before_sending(exc):
    """True when a connection error happened before the request left."""
    if isinstance(
        exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError
    ):
        return True
    reason = exc.args[0] if exc.args else None
    # urllib3 wraps connection failures in MaxRetryError(reason=...).
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, NewConnectionError)


class UrssafClient:
    """Client of one provider's Urssaf account.

    :param base_url: ``PRODUCTION_URL``, ``SANDBOX_URL`` or any other root
        (local simulator); the token and API paths are appended to it
    :param timeout: seconds, capped to ``MAX_TIMEOUT``
    :param session: ``requests.Session`` to reuse (e.g. with a WSGI adapter);
        the client only closes sessions it created
    :param token: access token obtained earlier, with ``token_expires_at``
        (datetime, naive means UTC)
    :param on_exchange: called with an :class:`Exchange` after every HTTP
        call, failed ones included (from the thread that made the call)

    After any call, :attr:`token` and :attr:`token_expires_at` hold the token
    in use, so that the caller can store it. Not thread-safe: use one client
    per thread.
    """

    def __init__(
        self,
        base_url,
        client_id,
        client_secret,
        *,
        timeout=DEFAULT_TIMEOUT,
        session=None,
        token=None,
        token_expires_at=None,
        on_exchange=None,
    ):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.timeout = min(timeout or DEFAULT_TIMEOUT, MAX_TIMEOUT)
        self._own_session = session is None
        self.session = session or requests.Session()
        self.token = token
        self._token_expiry = _to_epoch(token_expires_at) if token else None
        self.on_exchange = on_exchange
        self.last_exchange_ref = None

    def __repr__(self):
        return f"<UrssafClient {self.base_url} client_id={self.client_id!r}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._own_session:
            self.session.close()

    @property
    def token_expires_at(self):
        """Expiry of :attr:`token` as a naive UTC datetime (Odoo convention)."""
        if self._token_expiry is None:
            return None
        return datetime.fromtimestamp(self._token_expiry, timezone.utc).replace(
            tzinfo=None
        )

    # Token ---------------------------------------------------------------

    def fetch_token(self):
        """Request a new access token (OAuth2 client credentials).

        :return: the token; :attr:`token_expires_at` is updated
        :raises UrssafAuthError: credentials refused
        """
        form = {"grant_type": "client_credentials", "scope": OAUTH_SCOPE}
        body = self._exchange(
            "token",
            "POST",
            self.base_url + TOKEN_PATH,
            idempotent=True,
            decode=self._decode_token,
            journal=form,
            headers={"Accept": "application/json"},
            data={
                **form,
                "client_id": self.client_id,
                "client_secret": self._client_secret,
            },
        )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise UrssafAuthError("TOKEN_ERROR", "No access_token in the answer")
        try:
            lifetime = int(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
        except (TypeError, ValueError):
            lifetime = DEFAULT_TOKEN_LIFETIME
        self.token = token
        self._token_expiry = time.time() + lifetime
        return token

    def _decode_token(self, response):
        if response.status_code in (400, 401, 403):
            body = self._json_or_none(response)
            body = body if isinstance(body, dict) else {}
            raise UrssafAuthError(
                "TOKEN_ERROR",
                str(body.get("error") or f"HTTP {response.status_code}"),
                str(body.get("error_description") or ""),
                http_status=response.status_code,
            )
        return self._decode(response, idempotent=True)

    def _valid_token(self):
        expiry = self._token_expiry
        if not self.token or (
            expiry is not None and time.time() > expiry - TOKEN_EXPIRY_MARGIN
        ):
            self.fetch_token()
        return self.token

    # Transport -------------------------------------------------------------

    def _send(self, operation, method, url, *, idempotent, **kwargs):
        """Send one HTTP request; map transport failures to exceptions."""
        path = url[len(self.base_url) :] or "/"
        started = time.monotonic()
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as exc:
            raise UrssafError("CONFIGURATION", str(exc)) from exc
        except requests.exceptions.RequestException as exc:
            elapsed = (time.monotonic() - started) * 1000
            _logger.warning(
                "Urssaf %s %s %s failed after %d ms: %s",
                operation,
                method,
                path,
                elapsed,
                type(exc).__name__,
            )
            raise self._transport_error(exc, idempotent) from exc
        elapsed = (time.monotonic() - started) * 1000
        _logger.info(
            "Urssaf %s %s %s -> HTTP %s in %d ms",
            operation,
            method,
            path,
            response.status_code,
            elapsed,
        )
        if _logger.isEnabledFor(logging.DEBUG):
            if kwargs.get("json") is not None:
                _logger.debug(
                    "Urssaf %s request: %s", operation, redact(kwargs["json"])
                )
            _logger.debug(
                "Urssaf %s response: %s",
                operation,
                redact(self._json_or_none(response)) if response.content else "(empty)",
            )
        return response

    def _exchange(self, operation, method, url, *, idempotent, decode, journal, **kw):
        """:meth:`_send` then ``decode``; the call is reported to
        ``on_exchange`` whatever happens, ``journal`` being what was sent."""
        started = datetime.now(timezone.utc).replace(tzinfo=None)
        clock = time.monotonic()
        response = error = None
        try:
            response = self._send(operation, method, url, idempotent=idempotent, **kw)
            return decode(response)
        except UrssafError as exc:
            error = exc
            raise
        finally:
            self.last_exchange_ref = uuid.uuid4().hex
            if self.on_exchange:
                self.on_exchange(
                    self._journal_entry(
                        operation, method, url, started, clock, journal, response, error
                    )
                )

    def _journal_entry(
        self, operation, method, url, started, clock, journal, response, error
    ):
        answer = None
        if response is not None and response.content:
            answer = self._json_or_none(response)
            if answer is None:
                answer = response.text[:MAX_TEXT_ANSWER]
        codes = tuple(detail.code for detail in getattr(error, "errors", ()))
        if error is None and isinstance(answer, list | dict):
            items = answer if isinstance(answer, list) else [answer]
            codes = tuple(
                detail.code
                for item in items
                if isinstance(item, dict)
                for detail in _error_list(item)
            )
            codes += tuple(
                item["statut"]
                for item in items
                if isinstance(item, dict)
                and isinstance(item.get("statut"), str)
                and item["statut"].startswith("ERR_")
            )
        return Exchange(
            ref=self.last_exchange_ref,
            operation=OPERATION_CODES.get(operation, operation),
            method=method,
            path=url[len(self.base_url) :] or "/",
            started_at=started,
            duration_ms=round((time.monotonic() - clock) * 1000),
            http_status=None if response is None else response.status_code,
            request=for_journal(journal),
            response=for_journal(answer),
            outcome=_outcome(error, codes),
            error_codes=codes,
            error=None if error is None else f"{error.code}: {error.message}",
        )

    @staticmethod
    def _transport_error(exc, idempotent):
        timeout = isinstance(exc, requests.exceptions.Timeout)
        code = "TIMEOUT" if timeout else "NETWORK_ERROR"
        if idempotent or _failed_before_sending(exc):
            return UrssafTemporaryError(code, type(exc).__name__)
        return UrssafOutcomeUnknownError(
            "OUTCOME_UNKNOWN",
            type(exc).__name__,
            "Request sent, answer lost: search before sending it again",
        )

    @staticmethod
    def _json_or_none(response):
        # Once for the caller and the journal entry: decoding a search answer
        # is on the refresh's critical path (the thread waiting for Urssaf).
        if not hasattr(response, "urssaf_json"):
            try:
                response.urssaf_json = response.json()
            except ValueError:
                response.urssaf_json = None
        return response.urssaf_json

    def _decode(self, response, idempotent):
        """Decoded JSON of a 2xx answer, or the matching exception."""
        status = response.status_code
        if 200 <= status < 300:
            if not response.content:
                return None
            body = self._json_or_none(response)
            if body is None:
                error_class = (
                    UrssafTemporaryError if idempotent else UrssafOutcomeUnknownError
                )
                raise error_class(
                    "INVALID_RESPONSE", "Answer is not JSON", http_status=status
                )
            return body
        errors = _error_list(self._json_or_none(response)) if response.content else []
        if status == 400:
            raise UrssafBusinessError(errors, http_status=status)
        if status in (401, 403):
            code = "AUTH_FAILED" if status == 401 else "FORBIDDEN"
            raise UrssafAuthError(code, f"HTTP {status}", http_status=status)
        if status in (502, 504) and not idempotent:
            # A gateway failure may hide a request processed behind it.
            raise UrssafOutcomeUnknownError(
                "OUTCOME_UNKNOWN", f"HTTP {status}", http_status=status
            )
        if status in (408, 429) or status >= 500:
            code = {408: "TIMEOUT", 429: "RATE_LIMITED", 503: "MAINTENANCE"}.get(status)
            first = errors[0] if errors else UrssafErrorDetail(code or "SERVER_ERROR")
            raise UrssafTemporaryError(
                code or first.code,
                first.message or f"HTTP {status}",
                first.description,
                http_status=status,
            )
        raise UrssafError(f"HTTP_{status}", f"HTTP {status}", http_status=status)

    def _request(self, operation, method, path, *, idempotent, json=None, params=None):
        """Authenticated API call returning the decoded JSON body.

        A 401 triggers one token renewal and one retry: the request was not
        processed, so retrying is safe even for submissions.
        """
        url = self.base_url + API_PATH + path

        def send():
            return self._exchange(
                operation,
                method,
                url,
                idempotent=idempotent,
                decode=lambda response: self._decode(response, idempotent),
                journal={"query": params} if params else json,
                headers={
                    "Accept": "application/json",
                    "Authorization": f"Bearer {self._valid_token()}",
                },
                json=json,
                params=params,
            )

        try:
            return send()
        except UrssafAuthError as exc:
            # The token call's own refusal is final.
            if exc.http_status != 401 or exc.code == "TOKEN_ERROR":
                raise
        self.token = None
        return send()

    # Operations --------------------------------------------------------------

    def register_customer(self, payload):
        """Register a customer (``POST /particulier``, test book M010).

        :param payload: dict from :func:`.payload.build_customer_payload`
        :return: ``idClient`` (str)
        :raises UrssafBusinessError: identity, contact or bank details refused
        :raises UrssafOutcomeUnknownError: the answer was lost; check with
            :meth:`get_customer_status` (by e-mail) before registering again
        """
        body = self._request(
            "register_customer", "POST", "/particulier", idempotent=False, json=payload
        )
        customer_id = body.get("idClient") if isinstance(body, dict) else None
        if not customer_id:
            raise UrssafOutcomeUnknownError(
                "INVALID_RESPONSE", "No idClient in the answer"
            )
        return customer_id

    def get_customer_status(self, customer_id=None, email=None):
        """Account / link status of a customer (``GET /particulier``, M020).

        Prefer ``customer_id``: an e-mail travels in the query string, which
        ``urllib3`` logs at DEBUG level.

        :return: :class:`CustomerStatus`
        :raises UrssafBusinessError: e.g. ``ERR_RECHERCHE_PARTICULIER``
        """
        if not customer_id and not email:
            raise ValueError("customer_id or email is required")
        params = {"idClient": customer_id, "adresseMail": email}
        body = self._request(
            "customer_status",
            "GET",
            "/particulier",
            idempotent=True,
            params={key: value for key, value in params.items() if value},
        )
        if isinstance(body, list):  # tolerated by some clients, defensive
            body = body[0] if body else None
        if not isinstance(body, dict):
            raise UrssafTemporaryError("INVALID_RESPONSE", "Unexpected customer status")
        status = body.get("statut") or body.get("statutTransmission") or {}
        if not isinstance(status, dict):
            status = {"code": status}
        code = status.get("code")
        description = str(status.get("description") or "")
        return CustomerStatus(
            customer_id=body.get("idClient") or customer_id,
            status=code,
            state=status.get("etat"),
            description=description,
            label=ACCOUNT_STATUSES.get(code) or description or str(code),
            activated_at=_parse_activation(description)
            if code == ACCOUNT_ACTIVE
            else None,
            raw=body,
        )

    def submit_payment_requests(self, payloads):
        """Transmit payment requests (``POST /demandePaiement``, M050).

        Sends ``ceil(N / MAX_BATCH_SIZE)`` calls and never raises an
        :class:`UrssafError`: it returns one :class:`SubmissionResult` per
        payload, in input order. A 400 on a call rejects every item of that
        call with its errors; a transport, auth or server failure marks the
        items of that call ``retry`` or ``unknown`` and the following calls
        are not attempted (their items are ``retry`` with code ``NOT_SENT``).

        :param payloads: dicts from :func:`.payload.build_payment_request_payload`
        """
        payloads = list(payloads)
        size = MAX_BATCH_SIZE
        results = []
        stopped = False
        for start in range(0, len(payloads), size):
            chunk = payloads[start : start + size]
            if stopped:
                not_sent = UrssafTemporaryError("NOT_SENT", "A previous batch failed")
                results += self._chunk_failure(chunk, start, not_sent)
                continue
            try:
                body = self._request(
                    "submit_payment_requests",
                    "POST",
                    "/demandePaiement",
                    idempotent=False,
                    json=chunk,
                )
            except UrssafBusinessError as exc:
                results += self._chunk_failure(chunk, start, exc, errors=exc.errors)
            except UrssafError as exc:
                results += self._chunk_failure(chunk, start, exc)
                stopped = True
            else:
                results += self._match_submission(chunk, start, body)
            ref = self.last_exchange_ref
            results[start:] = [replace(r, exchange_ref=ref) for r in results[start:]]
        return results

    @staticmethod
    def _chunk_failure(chunk, start, error, errors=()):
        return [
            SubmissionResult(
                index=start + offset,
                invoice_number=_invoice_number(payload),
                errors=tuple(errors),
                error=error,
            )
            for offset, payload in enumerate(chunk)
        ]

    @staticmethod
    def _match_submission(chunk, start, body):
        """Pair answer items with the sent items: by position (the documented
        order) when the echoed invoice number agrees, else by invoice number."""
        body = body if isinstance(body, list) else []
        results = []
        for offset, payload in enumerate(chunk):
            number = _invoice_number(payload)
            item = None
            if len(body) == len(chunk) and isinstance(body[offset], dict):
                if body[offset].get("numFactureTiers") in (None, number):
                    item = body[offset]
            if item is None:
                same = [
                    i
                    for i in body
                    if isinstance(i, dict) and i.get("numFactureTiers") == number
                ]
                item = same[0] if len(same) == 1 else None
            if item is None:
                lost = UrssafOutcomeUnknownError(
                    "INVALID_RESPONSE", "No answer for this item"
                )
                results.append(SubmissionResult(start + offset, number, error=lost))
                continue
            status = item.get("statut")
            if isinstance(status, dict):
                status = status.get("code")
            errors = _error_list(item)
            if isinstance(status, str) and status.startswith("ERR_"):
                errors.append(UrssafErrorDetail(code=status))
            results.append(
                SubmissionResult(
                    index=start + offset,
                    invoice_number=number,
                    payment_request_id=None
                    if errors
                    else item.get("idDemandePaiement"),
                    status=None if status is None else str(status),
                    errors=tuple(errors),
                )
            )
        return results

    def search_by_ids(self, payment_request_ids):
        """Search payment requests by Urssaf ids (M070), 10 ids per call."""
        return self._search_chunked("ids", payment_request_ids)

    def search_by_invoice_numbers(self, invoice_numbers):
        """Search payment requests by invoice numbers (M070), 10 per call."""
        return self._search_chunked("invoice_numbers", invoice_numbers)

    def search_by_period(self, date_from, date_to):
        """Search payment requests whose **invoice date** is in the period.

        :raises UrssafBusinessError: ``ERR_NBRE_MAX_RESULTAT``, narrow the period
        """
        return self._search(build_search_payload(date_from=date_from, date_to=date_to))

    def _search_chunked(self, criterion, values):
        values = list(dict.fromkeys(values))
        size = MAX_BATCH_SIZE
        items, errors = [], []
        for start in range(0, len(values), size):
            found = self._search(
                build_search_payload(**{criterion: values[start : start + size]})
            )
            items += found.items
            errors += found.errors
        return SearchResult(items, errors)

    def _search(self, payload):
        """One search call; "nothing found" (400 ERR_RECHERCHE_VIDE) is empty."""
        try:
            body = self._request(
                "search_payment_requests",
                "POST",
                "/demandePaiement/rechercher",
                idempotent=True,
                json=payload,
            )
        except UrssafBusinessError as exc:
            if set(exc.codes) == {"ERR_RECHERCHE_VIDE"}:
                return SearchResult([], [])
            raise
        body = body if isinstance(body, dict) else {}
        infos = body.get("infoDemandePaiements") or []
        ref = self.last_exchange_ref
        return SearchResult(
            [
                replace(_payment_request_info(info), exchange_ref=ref)
                for info in infos
                if isinstance(info, dict)
            ],
            _error_list(body),
        )


def _invoice_number(payload):
    return payload.get("numFactureTiers") if isinstance(payload, dict) else None


def _payment_request_info(info):
    """Tolerant parsing of one ``InfoDemandePaiement``."""
    status = info.get("statut")
    label = None
    if isinstance(status, dict):
        status, label = status.get("code"), status.get("libelle")
    status = None if status is None else str(status)
    request = (
        info.get("demandePaiement")
        if isinstance(info.get("demandePaiement"), dict)
        else {}
    )
    rejection = info.get("infoRejet") if isinstance(info.get("infoRejet"), dict) else {}
    transfer = (
        info.get("infoVirement") if isinstance(info.get("infoVirement"), dict) else {}
    )
    amount = transfer.get("mntVirement")
    return PaymentRequestInfo(
        payment_request_id=info.get("idDemandePaiement"),
        status=status,
        status_label=label or payment_status_label(status),
        state=payment_status_state(status),
        customer_id=request.get("idClient"),
        invoice_number=request.get("numFactureTiers"),
        rejection_code=rejection.get("code"),
        rejection_comment=rejection.get("commentaire"),
        transfer_amount=to_decimal(amount) if isinstance(amount, int | float) else None,
        transfer_date=_parse_datetime(transfer.get("dateVirement")),
        raw=info,
    )
