# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from collections import deque

from odoo.tools import SQL

from ..lib.journal import exchange_keys

_logger = logging.getLogger(__name__)


class ExchangeJournal:
    """Collects the exchanges of one company's client and writes them.

    The client reports from whatever thread made the call (a deque is
    thread-safe); :meth:`flush` runs in the ORM's thread. By default the rows
    are committed on their own cursor, so that a later rollback of the
    business transaction (a refused registration raising an error) never
    erases what was exchanged; the batch loops, which commit right after,
    write them in their own transaction instead (no extra commit per call).
    In tests, where nothing may commit, they always join the transaction.
    """

    def __init__(self, company, records=()):
        self.env = company.env
        self.company = company
        self.environment = company.sudo().l10n_fr_urssaf_environment
        self._pending = deque()
        self._known = {}
        for recordset in records:
            self.know(recordset)

    def __call__(self, exchange):
        self._pending.append(exchange)

    def forget(self, records):
        """Link no coming exchange to these records (deleted: in flight, their
        call did not reach Urssaf)."""
        links = {(record._name, record.id) for record in records}
        for linked in self._known.values():
            linked -= links

    def pending(self):
        """How many exchanges are not written yet."""
        return len(self._pending)

    def know(self, records, customer_id=None):
        """Link the coming exchanges that name these records (by Urssaf
        customer id, e-mail, invoice number or payment request id);
        ``customer_id``: an id these customers are about to be linked to."""
        self.learn(identifiers(records, customer_id))

    def learn(self, identified):
        """:meth:`know` of what :func:`identifiers` read earlier."""
        for keys, links in identified:
            for key in keys:
                self._known.setdefault(key, set()).update(links)

    def flush(self, durable=True, count=None):
        """Write the exchanges reported so far (the ``count`` first ones: not
        those of a call still running); ``durable=False`` when the caller
        commits right after. A failure to write is logged (without the bodies,
        which hold personal data) and never stops the business work."""
        entries = []
        count = len(self._pending) if count is None else count
        while self._pending and len(entries) < count:
            entries.append(self._pending.popleft())
        if not entries:
            return
        query = self._insert_query(entries)
        if durable and self.env["account.move"]._l10n_fr_urssaf_can_commit():
            try:
                with self.env.registry.cursor() as cr:
                    cr.execute(query, log_exceptions=False)
                return
            except Exception as exc:  # pylint: disable=broad-except
                # E.g. a company or user created in this very transaction.
                _logger.info("Urssaf journal: own cursor refused (%r)", _reason(exc))
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
        except Exception as exc:  # pylint: disable=broad-except
            _logger.error(
                "Urssaf journal: %d exchanges of %s not written (%r)",
                len(entries),
                self.company.display_name,
                _reason(exc),
            )
            return
        self.env["l10n.fr.urssaf.exchange"].invalidate_model()

    def _insert_query(self, entries):
        """One statement for the exchanges and their links: the refresh writes
        one per call of 10 requests, on its hot path (no ORM create)."""
        rows, links = [], []
        for exchange in entries:
            items = exchange.request if isinstance(exchange.request, list) else None
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                    "%s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')",
                    exchange.ref,
                    self.company.id,
                    self.environment,
                    self.env.uid,
                    exchange.operation,
                    exchange.method,
                    exchange.path,
                    exchange.started_at,
                    exchange.duration_ms,
                    exchange.http_status,
                    exchange.outcome,
                    " ".join(exchange.error_codes) or None,
                    exchange.error,
                    len(items) if items is not None else 1,
                    _dump(exchange.request),
                    _dump(exchange.response),
                    self.env.uid,
                    self.env.uid,
                )
            )
            found = set()
            for key in exchange_keys(exchange):
                found |= self._known.get(key, set())
            links += [
                SQL("(%s, %s, %s)", exchange.ref, model, res_id)
                for model, res_id in sorted(found)
            ]
        links = links or [SQL("(NULL::varchar, NULL::varchar, NULL::int)")]
        return SQL(
            "WITH exchange AS (INSERT INTO l10n_fr_urssaf_exchange (ref, company_id, "
            "environment, user_id, operation, method, path, started_at, "
            "duration_ms, http_status, outcome, error_codes, error, item_count, "
            "request_body, response_body, create_uid, write_uid, create_date, "
            "write_date) VALUES %s RETURNING id, ref) "
            "INSERT INTO l10n_fr_urssaf_exchange_link (exchange_id, res_model, "
            "res_id) SELECT exchange.id, link.res_model, link.res_id FROM exchange "
            "JOIN (VALUES %s) AS link(ref, res_model, res_id) "
            "ON link.ref = exchange.ref",
            SQL(", ").join(rows),
            SQL(", ").join(links),
        )


def identifiers(records, customer_id=None):
    """``(keys, links)`` of each record: what names it in an exchange and
    what such an exchange is about."""
    identified = []
    for record in records.sudo():
        keys = _record_keys(record)
        if customer_id:
            keys.add(("customer", customer_id))
        identified.append((keys, _record_links(record)))
    return identified


def _record_links(record):
    """The records an exchange naming ``record`` is about."""
    if record._name == "res.partner":
        return {("res.partner", record.id)}
    links = {(record._name, record.id), ("res.partner", record.partner_id.id)}
    if record._name == "l10n.fr.urssaf.payment.request":
        links.add(("account.move", record.move_id.id))
    return links


def _record_keys(record):
    """The identifiers by which an exchange names ``record``."""
    if record._name == "res.partner":
        keys = {("customer", record.l10n_fr_urssaf_customer_id)}
        # By e-mail only until registered: several customers may share one.
        if record.email and not record.l10n_fr_urssaf_customer_id:
            keys.add(("email", record.email.strip().lower()))
    else:  # an invoice or a payment request: its number, the request's id
        keys = {("invoice", record.name)}
        if record._name == "l10n.fr.urssaf.payment.request":
            keys.add(("request", record.urssaf_id))
    return {key for key in keys if key[1]}


def _reason(exc):
    """What went wrong, without the query's values (bodies)."""
    return getattr(exc, "pgcode", None) or type(exc).__name__


def _dump(body):
    if body is None:
        return None
    if isinstance(body, str):
        return body.replace("\x00", "")  # PostgreSQL text holds no NUL
    # Compact: the C encoder (indented JSON is built in Python, 10 x slower).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
