"""The simulator: state, Urssaf operations, lifecycle and explicit actions."""

import json
import secrets
import threading
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta, timezone
from typing import get_args

from werkzeug.serving import WSGIRequestHandler, make_server

from ..amounts import to_decimal
from ..codes import (
    ACCOUNT_ACTIVE,
    ACCOUNT_BLOCKED,
    ACCOUNT_MANDATE_EXPIRED,
    ACCOUNT_NOT_FINALISED,
    ACCOUNT_PENDING,
    MAX_ITEMS_PER_CALL,
    REJECTION_REASONS,
)
from ..formats import DEPOSIT_MAX_RATIO, NAME_MAX_LENGTH, format_api_datetime
from . import codes, rules, swagger
from .app import SimulatorApp
from .clock import RealClock, clock_from_state, make_clock, to_utc
from .errors import SimulatorError, UnknownId
from .faults import FaultRegistry
from .identity import IdentityTable, normalize_name
from .rules import Rejected, parse_timestamp
from .store import Store, dumps

HOUR = 3600
DAY = 24 * HOUR
FIRST_DP_ID = 11000000000001  # shaped like the swagger example 11000000000104

# Automatic progression: status -> (Settings delay field, next status).
AUTO_STEPS = {
    codes.DP_INTEGREE: ("delay_waiting_validation", codes.DP_ATTENTE_VALIDATION),
    codes.DP_ATTENTE_VALIDATION: ("delay_auto_validation", codes.DP_VALIDEE),
    codes.DP_VALIDEE: ("delay_debit", codes.DP_PRELEVEE),
    codes.DP_PRELEVEE: ("delay_transfer", codes.DP_PAYEE),
}
# The settings due times are computed from (see ``_schedule``).
DUE_SETTINGS = tuple(setting for setting, _ in AUTO_STEPS.values()) + (
    "delay_activation",
    "activation_expiry",
)
MAIN_LINE = (
    codes.DP_INTEGREE,
    codes.DP_ATTENTE_VALIDATION,
    codes.DP_VALIDEE,
    codes.DP_PRELEVEE,
    codes.DP_PAYEE,
)


@dataclass
class Settings:
    """Behaviour switches; delays are seconds (None disables the transition)."""

    token_lifetime: int = HOUR
    accept_any_client: bool = True
    delay_waiting_validation: float | None = 60
    delay_auto_validation: float | None = 2 * DAY
    delay_debit: float | None = 2 * DAY
    delay_transfer: float | None = 2 * DAY
    delay_activation: float | None = None
    activation_expiry: float | None = 7 * DAY
    max_name_length: int | None = NAME_MAX_LENGTH
    accept_5_digit_birth_commune: bool = False
    deposit_max_ratio: float = float(DEPOSIT_MAX_RATIO)
    check_invoice_ht: bool = False
    require_intervenant: bool = True
    max_search_results: int = 100
    search_errors_key: str = "errors"
    block_on_bounce: bool = True
    scheme_start: str = "2022-01-01"

    @classmethod
    def fast(cls, **overrides):
        """Delays of a few seconds, for live demos on the real clock."""
        values = dict(
            delay_activation=5,
            delay_waiting_validation=2,
            delay_auto_validation=20,
            delay_debit=10,
            delay_transfer=10,
        )
        values.update(overrides)
        return cls(**values)

    def update(self, values):
        """Apply a partial ``{field: value}`` update, checking names and types
        (ValueError), e.g. from the ``/simulator/settings`` endpoint."""
        types = {f.name: f.type for f in fields(self)}
        unknown = set(values) - set(types)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        for name, value in values.items():
            if not _type_matches(value, types[name]):
                raise ValueError(f"{name}: {value!r} does not match {types[name]}")
        if "scheme_start" in values:
            to_utc(values["scheme_start"])
        for name, value in values.items():
            setattr(self, name, value)

    def as_dict(self):
        return asdict(self)


def _type_matches(value, annotation):
    """``value`` fits ``annotation`` (a type or ``X | None``); ints are floats,
    booleans are not numbers."""
    allowed = get_args(annotation) or (annotation,)
    if value is None or isinstance(value, bool):
        return type(value) in allowed
    if isinstance(value, int) and float in allowed:
        return True
    return isinstance(value, allowed)


@dataclass
class ProviderConfig:
    """Per-provider (OAuth client id) switches for BR18/BR19 and authentication."""

    secret: str | None = None
    habilitated: bool = True
    financial_guarantee: bool = True
    deposits_allowed: bool = True
    id_tiers_facturation: str | None = None
    blocked_intervenants: frozenset = field(default_factory=frozenset)

    def as_dict(self):
        out = asdict(self)
        out["secret"] = None if self.secret is None else "***"
        out["blocked_intervenants"] = sorted(self.blocked_intervenants)
        return out


class _QuietRequestHandler(WSGIRequestHandler):
    """The app logs each request itself, without the query string (e-mails)."""

    def log_request(self, code="-", size="-"):
        pass


def _after(moment, seconds):
    return None if seconds is None else moment + timedelta(seconds=seconds)


def _iso(moment):
    return moment.isoformat()


def _due_key(moment):
    """``due_at`` text: fixed width (microseconds included, as delays are
    floats), so that it compares as the moment does."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _value_date(moment):
    return moment.strftime("%Y-%m-%dT00:00:00Z")


class Simulator:
    """Local Urssaf API. See the package docstring and README.md.

    :param db_path: SQLite file (None: in-memory).
    :param clock: a :class:`RealClock`/:class:`ManualClock`; None restores the
        stored clock (or uses a real clock).
    :param settings: :class:`Settings`.
    :param identities: :class:`IdentityTable` (simulated tax office).
    """

    def __init__(self, db_path=None, clock=None, settings=None, identities=None):
        self.settings = settings or Settings()
        self.identities = identities or IdentityTable()
        self.providers = {}
        self.fault_registry = FaultRegistry()
        self._strict = swagger.validator(strict_dates=True)
        self._lenient = swagger.validator(strict_dates=False)
        self.store = Store(db_path)
        stored = self._stored_clock()
        self.clock = clock or (clock_from_state(stored) if stored else RealClock())
        with self.store.transaction():
            self.store.meta_set("clock", self.clock.state())
        self.wsgi_app = SimulatorApp(self)

    def _stored_clock(self):
        with self.store.transaction():
            return self.store.meta_get("clock")

    def close(self):
        self.store.close()

    # -- serving --------------------------------------------------------------------

    def make_server(self, host="127.0.0.1", port=0):
        return make_server(
            host,
            port,
            self.wsgi_app,
            threaded=True,
            request_handler=_QuietRequestHandler,
        )

    @contextmanager
    def serve(self, host="127.0.0.1", port=0):
        """Serve over HTTP in a daemon thread; yields ``http://host:port``."""
        server = self.make_server(host, port)
        thread = threading.Thread(
            target=server.serve_forever, name="urssaf-simulator", daemon=True
        )
        thread.start()
        try:
            yield f"http://{host}:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    # -- clock --------------------------------------------------------------------

    def now(self):
        return self.clock.now()

    def advance(self, days=0, hours=0, minutes=0, seconds=0):
        """Move the clock forward (or back with negative values)."""
        with self.store.transaction():
            self.clock.advance(
                timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
            )
            self._tick()
        return self.now()

    def set_time(self, moment, mode=None):
        """Jump to ``moment``; ``mode`` ("real"/"manual") switches clock kind."""
        with self.store.transaction():
            if mode is not None and mode != self.clock.mode:
                self.clock = make_clock(mode, moment)
            else:
                self.clock.set(moment)
            self._tick()
        return self.now()

    def clock_info(self):
        return {"now": format_api_datetime(self.now()), "mode": self.clock.mode}

    # -- configuration --------------------------------------------------------------

    def configure_provider(self, client_id, **flags):
        """Set the :class:`ProviderConfig` flags of ``client_id``."""
        if "blocked_intervenants" in flags:
            flags["blocked_intervenants"] = frozenset(flags["blocked_intervenants"])
        self.providers[client_id] = ProviderConfig(**flags)
        return self.providers[client_id]

    def provider(self, client_id):
        return self.providers.get(client_id) or ProviderConfig()

    def inject_fault(self, operation, kind, times=1, delay=0.0):
        """Register a fault (see README); ``times=None`` makes it persistent."""
        return self.fault_registry.add(operation, kind, times, delay)

    def faults(self):
        return self.fault_registry.list()

    def remove_fault(self, fault_id):
        self.fault_registry.remove(fault_id)

    def clear_faults(self):
        self.fault_registry.clear()

    def reset(self):
        """Forget every customer, payment request and token; clear faults."""
        self.store.wipe()
        self.clear_faults()
        with self.store.transaction():
            self.store.meta_set("clock", self.clock.state())

    # -- tokens -------------------------------------------------------------------

    def client_allowed(self, client_id, secret):
        if not client_id or not secret:
            return False
        config = self.providers.get(client_id)
        if config is not None and config.secret is not None:
            return secrets.compare_digest(config.secret, secret)
        return self.settings.accept_any_client

    def issue_token(self, client_id="test"):
        """Create a bearer token for provider ``client_id``."""
        token = secrets.token_urlsafe(32)
        with self.store.transaction():
            now = self.now()
            self.store.purge_tokens(_iso(now))
            expires = now + timedelta(seconds=self.settings.token_lifetime)
            self.store.add_token(token, client_id, _iso(expires))
        return token

    def authenticate(self, token):
        """Return the provider of a valid ``token``, else None."""
        with self.store.transaction():
            row = self.store.get_token(token)
        if row is None or to_utc(row["expires_at"]) <= self.now():
            return None
        return row["provider"]

    def revoke_token(self, token):
        with self.store.transaction():
            self.store.delete_token(token)

    # -- lifecycle ------------------------------------------------------------------

    def _tick(self):
        """Apply every automatic transition due at the current time. Each row
        stores when its next step is due (indexed), so only those due are read."""
        now = self.now()
        self.store.meta_set("clock", self.clock.state())
        self._schedule()
        due_by = _due_key(now)
        for link in self.store.links(due_by=due_by):
            self._progress_link(link, now)
        for dp in self.store.payment_requests(due_by=due_by):
            self._progress(dp, now)

    def _schedule(self):
        """Recompute every due time if the delays differ from those they were
        computed with: settings changed, or a file written with other settings
        or before due times existed. Rare, so a full scan is fine; it reads only
        the columns due times depend on (no JSON to decode)."""
        basis = dumps([getattr(self.settings, name) for name in DUE_SETTINGS])
        if self.store.meta_get("due_basis") == basis:
            return
        self.store.set_due_times(
            {
                (link["provider"], link["id_client"]): _due_key(self._link_due(link))
                for link in self.store.links(
                    status=ACCOUNT_PENDING,
                    columns="provider, id_client, status, created_at",
                )
            },
            {
                dp["id"]: _due_key(self._dp_due(dp))
                for dp in self.store.payment_requests(
                    statuses=tuple(AUTO_STEPS), columns="id, status, status_since"
                )
            },
        )
        self.store.meta_set("due_basis", basis)

    def _link_steps(self, link):
        """``(activation, expiry)`` moments of a pending link (None: never)."""
        created = to_utc(link["created_at"])
        activates_at = _after(created, self.settings.delay_activation)
        expires_at = _after(created, self.settings.activation_expiry)
        if expires_at and activates_at and expires_at < activates_at:
            activates_at = None  # the activation link expires first
        return activates_at, expires_at

    def _link_due(self, link):
        if link["status"] != ACCOUNT_PENDING:
            return None
        activates_at, expires_at = self._link_steps(link)
        return activates_at or expires_at

    def _save_link(self, link):
        self.store.save_link(dict(link, due_at=_due_key(self._link_due(link))))

    def _progress_link(self, link, now):
        activates_at, expires_at = self._link_steps(link)
        if activates_at and activates_at <= now:
            link.update(status=ACCOUNT_ACTIVE, activated_at=_iso(activates_at))
        elif expires_at and expires_at <= now:
            link["status"] = ACCOUNT_NOT_FINALISED
        else:
            return
        self._save_link(link)

    def _dp_due(self, dp):
        """When the next automatic step of ``dp`` is due (None: never)."""
        step = AUTO_STEPS.get(dp["status"])
        if step is None:
            return None
        return _after(to_utc(dp["status_since"]), getattr(self.settings, step[0]))

    def _progress(self, dp, now):
        while (due := self._dp_due(dp)) is not None and due <= now:
            self._transition(dp, AUTO_STEPS[dp["status"]][1], due)

    def _transition(self, dp, status, at, **info):
        """Move ``dp`` to ``status`` at ``at`` and persist it."""
        dp["status"] = status
        dp["status_since"] = _iso(at)
        dp["history"].append({"status": status, "at": format_api_datetime(at)})
        dp["info"].update(info)
        planned = _after(at, self.settings.delay_transfer)
        if status == codes.DP_PRELEVEE and planned:
            dp["info"]["infoVirement"] = {"dateVirement": _value_date(planned)}
        elif status == codes.DP_PAYEE:
            transfer = dict(dp["info"].get("infoVirement") or {})
            transfer.setdefault("dateVirement", _value_date(at))
            transfer.setdefault("mntVirement", self._amount_due(dp))
            dp["info"]["infoVirement"] = transfer
        self.store.update_payment_request(
            dp["id"],
            status=dp["status"],
            status_since=dp["status_since"],
            history=dp["history"],
            info=dp["info"],
            due_at=_due_key(self._dp_due(dp)),
        )

    @staticmethod
    def _amount_due(dp):
        payload = dp["payload"]
        deposit = payload.get("mntAcompte") or 0
        return to_decimal(payload["mntFactureTTC"]) - to_decimal(deposit)

    def _walk(self, dp, target, at):
        """Follow the main line 10→20→30→50→70 up to ``target``."""
        while dp["status"] != target:
            position = MAIN_LINE.index(dp["status"])
            self._transition(dp, MAIN_LINE[position + 1], at)

    # -- Urssaf operations (called by the WSGI app) -----------------------------------

    def register_customer(self, provider, body):
        """``POST /particulier``: return the ``idClient`` or raise Rejected."""
        with self.store.transaction():
            self._tick()
            now = self.now()
            rules.check_inscription(self._strict, body, self.settings, now.date())
            birth = parse_timestamp(body["dateNaissance"]).date()
            code = self.identities.check(body["nomNaissance"], birth, now.date())
            if code:
                raise Rejected(code)
            email = body["adresseMail"].lower()
            phone = rules.normalize_phone(body["numeroTelephonePortable"])
            customer = self.store.customer_by_identity(_identity_key(body))
            if customer is None:
                id_client = self._create_customer(body, email, phone, now)
            else:
                id_client = customer["id_client"]
                self._check_known_customer(provider, customer, email, phone)
            self._save_link(
                {
                    "provider": provider,
                    "id_client": id_client,
                    "status": ACCOUNT_PENDING,
                    "created_at": _iso(now),
                    "activated_at": None,
                }
            )
            return id_client

    def _create_customer(self, body, email, phone, now):
        if self.store.customer_by_contact(email, phone):
            raise Rejected("ERREUR_REFERENCE_PARTICULIER_EXISTANTE_TYPE")
        id_client = str(uuid.uuid4())
        self.store.add_customer(
            {
                "id_client": id_client,
                "identity_key": _identity_key(body),
                "email": email,
                "phone": phone,
                "data": body,
                "created_at": _iso(now),
            }
        )
        return id_client

    def _check_known_customer(self, provider, customer, email, phone):
        if customer["blocked"]:
            raise Rejected("ERR_COMPTE_BLOQUE")
        link = self.store.get_link(provider, customer["id_client"])
        if link and link["status"] != ACCOUNT_NOT_FINALISED:
            raise Rejected("ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE")
        if (customer["email"], customer["phone"]) != (email, phone):
            raise Rejected(
                "ERR_CONTACT",
                "Les coordonnées doivent être identiques à celles du particulier",
            )

    def customer_status(self, provider, id_client=None, email=None):
        """``GET /particulier``: status of the link with ``provider``."""
        if not id_client and not email:
            raise Rejected("ERREUR_VALIDATION", "idClient ou adresseMail obligatoire")
        with self.store.transaction():
            self._tick()
            link = None
            candidates = (
                [self.store.get_customer(id_client)]
                if id_client
                else self.store.customers_by_email(email.lower())
            )
            for customer in filter(None, candidates):
                if email and customer["email"] != email.lower():
                    continue
                link = self.store.get_link(provider, customer["id_client"])
                if link:
                    break
            if link is None:
                raise Rejected("ERR_RECHERCHE_PARTICULIER")
            data = customer["data"]
            out = {
                "idClient": customer["id_client"],
                "nomNaissance": data["nomNaissance"],
            }
            if data.get("nomUsage"):
                out["nomUsage"] = data["nomUsage"]
            out["prenoms"] = data["prenoms"]
            out["statut"] = _account_status(customer, link)
            return out

    def submit_payment_requests(self, provider, body):
        """``POST /demandePaiement``: per-item results, or raise Rejected (400)."""
        with self.store.transaction():
            self._tick()
            rules.check_schema(self._strict, "demande", body)
            if not body:
                raise Rejected(
                    "ERREUR_VALIDATION", "champ inputDemandePaiements : liste vide"
                )
            if len(body) > MAX_ITEMS_PER_CALL:
                raise Rejected("ERR_NBRE_PREST_MAX")
            return [self._submit_one(provider, item) for item in body]

    def _submit_one(self, provider, item):
        now = self.now()
        id_client, number = item["idClient"], item["numFactureTiers"]
        ctx = rules.PaymentContext(
            now=now,
            settings=self.settings,
            provider=self.provider(provider),
            customer=self.store.get_customer(id_client),
            link=self.store.get_link(provider, id_client),
            duplicate=self.store.payment_request_by_invoice(provider, number)
            is not None,
        )
        try:
            rules.check_payment_request(item, ctx=ctx)
        except Rejected as exc:
            return {
                "idClient": id_client,
                "numFactureTiers": number,
                "errors": [exc.error],
            }
        id_dp = str(self.store.next_sequence("payment_request_id", FIRST_DP_ID))
        dp = {
            "id": id_dp,
            "provider": provider,
            "num_facture": number,
            "id_client": id_client,
            "date_facture": parse_timestamp(item["dateFacture"]).date().isoformat(),
            "status": codes.DP_INTEGREE,
            "status_since": _iso(now),
            "payload": item,
            "info": {},
            "history": [{"status": codes.DP_INTEGREE, "at": format_api_datetime(now)}],
            "created_at": _iso(now),
        }
        self.store.add_payment_request(dp | {"due_at": _due_key(self._dp_due(dp))})
        return {
            "idClient": id_client,
            "idDemandePaiement": id_dp,
            "numFactureTiers": number,
            "statut": codes.DP_INTEGREE,
        }

    def search_payment_requests(self, provider, body):
        """``POST /demandePaiement/rechercher``: result, or raise Rejected (400)."""
        with self.store.transaction():
            self._tick()
            rules.check_schema(self._lenient, "recherche", body)
            keys = body.get("idDemandePaiements") or body.get("numFactureTiers") or []
            errors = []
            if keys:
                found, errors = self._search_by_keys(provider, body, keys)
            elif body.get("dateDebut") or body.get("dateFin"):
                found = self._search_by_period(provider, body)
            else:
                raise Rejected("ERR_CRITERE_RECHERCHE_VIDE")
            if not found:
                raise Rejected("ERR_RECHERCHE_VIDE")
            out = {"infoDemandePaiements": [_info(dp) for dp in found]}
            if errors:
                out[self.settings.search_errors_key] = errors
            return out

    def _search_by_keys(self, provider, body, keys):
        """Ids take precedence over invoice numbers, which take precedence over
        the period (documented for ids only)."""
        if len(keys) > MAX_ITEMS_PER_CALL:
            raise Rejected(
                "ERR_NBRE_MAX_RESULTAT", f"{MAX_ITEMS_PER_CALL} critères maximum"
            )
        by_id = bool(body.get("idDemandePaiements"))
        keys = list(dict.fromkeys(keys))
        stored = self.store.payment_requests_by_id(keys) if by_id else {}
        found, errors = [], []
        for key in keys:
            if by_id:
                dp = stored.get(key)
                dp = dp if dp and dp["provider"] == provider else None
            else:
                dp = self.store.payment_request_by_invoice(provider, key)
            if dp:
                found.append(dp)
            else:
                errors.append(
                    codes.error(
                        "ERR_RECHERCHE_VIDE", f"Aucune demande de paiement pour {key}"
                    )
                )
        return found, errors

    def _search_by_period(self, provider, body):
        first, last = (
            parse_timestamp(body[k]).date().isoformat() if body.get(k) else None
            for k in ("dateDebut", "dateFin")
        )
        found = self.store.payment_requests(provider, period=(first, last))
        if len(found) > self.settings.max_search_results:
            raise Rejected("ERR_NBRE_MAX_RESULTAT")
        return found

    # -- customer actions -----------------------------------------------------------

    def _customer_links(self, id_client, provider, statuses):
        customer = self.store.get_customer(id_client)
        if customer is None:
            raise UnknownId(f"unknown customer {id_client}")
        links = [
            link
            for link in self.store.links(id_client=id_client)
            if provider is None or link["provider"] == provider
        ]
        if provider is not None and not links:
            raise UnknownId(f"customer {id_client} is not linked to {provider}")
        eligible = [link for link in links if link["status"] in statuses]
        if not eligible:
            raise SimulatorError(f"no link of {id_client} in {', '.join(statuses)}")
        return eligible

    def activate(self, id_client, provider=None, at=None):
        """The customer activates his account / accepts the association."""
        with self.store.transaction():
            self._tick()
            moment = self.now() if at is None else to_utc(at)
            for link in self._customer_links(
                id_client, provider, (ACCOUNT_PENDING, ACCOUNT_NOT_FINALISED)
            ):
                link.update(status=ACCOUNT_ACTIVE, activated_at=_iso(moment))
                self._save_link(link)
        return self.customer(id_client)

    def expire_activation(self, id_client, provider=None):
        """The activation link expired before use (``APPAREILLAGE_NF``)."""
        with self.store.transaction():
            self._tick()
            for link in self._customer_links(id_client, provider, (ACCOUNT_PENDING,)):
                link["status"] = ACCOUNT_NOT_FINALISED
                self._save_link(link)
        return self.customer(id_client)

    def _set_customer_flag(self, id_client, **flags):
        with self.store.transaction():
            self._tick()
            if self.store.get_customer(id_client) is None:
                raise UnknownId(f"unknown customer {id_client}")
            self.store.update_customer(id_client, **flags)
        return self.customer(id_client)

    def block_customer(self, id_client):
        return self._set_customer_flag(id_client, blocked=1)

    def unblock_customer(self, id_client):
        return self._set_customer_flag(id_client, blocked=0)

    def expire_mandate(self, id_client):
        return self._set_customer_flag(id_client, mandate_expired=1)

    def renew_mandate(self, id_client):
        return self._set_customer_flag(id_client, mandate_expired=0)

    def customer(self, id_client):
        with self.store.transaction():
            self._tick()
            customer = self.store.get_customer(id_client)
            if customer is None:
                raise UnknownId(f"unknown customer {id_client}")
            return _customer_view(customer, self.store.links(id_client=id_client))

    def customers(self):
        with self.store.transaction():
            self._tick()
            return [
                _customer_view(c, self.store.links(id_client=c["id_client"]))
                for c in self.store.customers()
            ]

    # -- payment-request actions ----------------------------------------------------

    @contextmanager
    def _acting_on(self, id_dp, allowed):
        with self.store.transaction():
            self._tick()
            dp = self.store.get_payment_request(id_dp)
            if dp is None:
                raise UnknownId(f"unknown payment request {id_dp}")
            if dp["status"] not in allowed:
                raise SimulatorError(
                    f"payment request {id_dp} is {dp['status']}, "
                    f"expected one of {', '.join(allowed)}"
                )
            yield dp, self.now()

    def validate(self, id_dp):
        """The customer validates the payment request (→ 30)."""
        with self._acting_on(id_dp, MAIN_LINE[:2]) as (dp, now):
            self._walk(dp, codes.DP_VALIDEE, now)
        return self.payment_request(id_dp)

    def refuse(self, id_dp, code="CONTEST_ERR_FACT", commentaire=""):
        """The customer refuses (→ 40) with a ``REGUL_*``/``CONTEST_*`` reason."""
        _check_reason(code, codes.REFUSAL_PREFIXES)
        with self._acting_on(id_dp, MAIN_LINE[:2]) as (dp, now):
            self._walk(dp, codes.DP_ATTENTE_VALIDATION, now)
            self._transition(
                dp,
                codes.DP_REFUSEE,
                now,
                infoRejet={"code": code, "commentaire": commentaire or ""},
            )
        return self.payment_request(id_dp)

    def bounce(self, id_dp):
        """The customer's debit bounces (→ 60); blocks him if configured."""
        allowed = (codes.DP_VALIDEE, codes.DP_PRELEVEE, codes.DP_PAYEE)
        with self._acting_on(id_dp, allowed) as (dp, now):
            if dp["status"] == codes.DP_VALIDEE:
                self._walk(dp, codes.DP_PRELEVEE, now)
            self._transition(dp, codes.DP_REFUS_PRELEVEMENT, now)
            if self.settings.block_on_bounce:
                self.store.update_customer(dp["id_client"], blocked=1)
        return self.payment_request(id_dp)

    def pay(self, id_dp, amount=None):
        """Urssaf pays the provider (→ 70); ``amount`` defaults to TTC − acompte."""
        with self._acting_on(id_dp, MAIN_LINE[:4]) as (dp, now):
            self._walk(dp, codes.DP_PRELEVEE, now)
            transfer = dict(dp["info"].get("infoVirement") or {})
            transfer["dateVirement"] = _value_date(now)
            if amount is not None:
                transfer["mntVirement"] = to_decimal(amount)
            dp["info"]["infoVirement"] = transfer
            self._transition(dp, codes.DP_PAYEE, now)
        return self.payment_request(id_dp)

    def cancel(self, id_dp, code="ANNUL_AUTRE", commentaire=""):
        """Urssaf cancels at the provider's request (→ 110, ``ANNUL_*`` reason)."""
        _check_reason(code, (codes.CANCELLATION_PREFIX,))
        allowed = MAIN_LINE + (codes.DP_REFUS_PRELEVEMENT,)
        with self._acting_on(id_dp, allowed) as (dp, now):
            self._transition(
                dp,
                codes.DP_ANNULEE,
                now,
                infoRejet={"code": code, "commentaire": commentaire or ""},
            )
        return self.payment_request(id_dp)

    def close_unpaid(self, id_dp, status="120"):
        """Close an unpaid request: 111 (cancelled), 112 (cancelled after
        recovery) or 120 (recovered)."""
        status = str(status)
        if status not in codes.DP_UNPAID_OUTCOMES:
            raise ValueError(f"status must be one of {codes.DP_UNPAID_OUTCOMES}")
        with self._acting_on(id_dp, (codes.DP_REFUS_PRELEVEMENT,)) as (dp, now):
            self._transition(dp, status, now)
        return self.payment_request(id_dp)

    def payment_request(self, id_dp):
        with self.store.transaction():
            self._tick()
            dp = self.store.get_payment_request(id_dp)
            if dp is None:
                raise UnknownId(f"unknown payment request {id_dp}")
            return _payment_request_view(dp)

    def payment_requests(self, provider=None):
        with self.store.transaction():
            self._tick()
            return [
                _payment_request_view(dp)
                for dp in self.store.payment_requests(provider=provider)
            ]


def _check_reason(code, prefixes):
    if code not in REJECTION_REASONS or not code.startswith(prefixes):
        allowed = sorted(c for c in REJECTION_REASONS if c.startswith(prefixes))
        raise ValueError(f"reason must be one of {', '.join(allowed)}")


def _identity_key(body):
    place = body["lieuNaissance"]
    commune = place.get("communeNaissance") or {}
    return json.dumps(
        [
            body["civilite"],
            normalize_name(body["nomNaissance"]),
            normalize_name(body["prenoms"]),
            parse_timestamp(body["dateNaissance"]).date().isoformat(),
            place["codePaysNaissance"],
            (place.get("departementNaissance") or "").upper(),
            commune.get("codeCommune") or "",
        ]
    )


def _account_status(customer, link):
    if customer["blocked"]:
        code = ACCOUNT_BLOCKED
    elif customer["mandate_expired"]:
        code = ACCOUNT_MANDATE_EXPIRED
    else:
        code = link["status"]
    description = codes.ACCOUNT_STATUS_DESCRIPTIONS[code]
    if code == ACCOUNT_ACTIVE:
        activation = to_utc(link["activated_at"]).strftime("%d/%m/%Y %H:%M:%S")
        description = description.format(activation=activation)
    etat = "OK" if code == ACCOUNT_ACTIVE else "KO"
    return {"code": code, "description": description, "etat": etat}


def _info(dp):
    """``InfoDemandePaiement`` of the search response."""
    out = {
        "idDemandePaiement": dp["id"],
        "demandePaiement": dp["payload"],
        "statut": {
            "code": dp["status"],
            "libelle": codes.DP_STATUS_LABELS[dp["status"]],
        },
    }
    for key in ("infoRejet", "infoVirement"):
        if dp["info"].get(key):
            out[key] = dp["info"][key]
    return out


def _customer_view(customer, links):
    data = customer["data"]
    return {
        "id_client": customer["id_client"],
        "nomNaissance": data["nomNaissance"],
        "nomUsage": data.get("nomUsage"),
        "prenoms": data["prenoms"],
        "dateNaissance": data["dateNaissance"],
        "email": customer["email"],
        "phone": customer["phone"],
        "blocked": customer["blocked"],
        "mandate_expired": customer["mandate_expired"],
        "created_at": customer["created_at"],
        "links": [
            {
                "provider": link["provider"],
                "status": link["status"],
                "statut": _account_status(customer, link),
                "created_at": link["created_at"],
                "activated_at": link["activated_at"],
            }
            for link in links
        ],
    }


def _payment_request_view(dp):
    return {
        "id": dp["id"],
        "provider": dp["provider"],
        "num_facture": dp["num_facture"],
        "id_client": dp["id_client"],
        "status": dp["status"],
        "status_label": codes.DP_STATUS_LABELS[dp["status"]],
        "status_since": dp["status_since"],
        "created_at": dp["created_at"],
        "payload": dp["payload"],
        "infoRejet": dp["info"].get("infoRejet"),
        "infoVirement": dp["info"].get("infoVirement"),
        "history": dp["history"],
    }
