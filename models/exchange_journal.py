# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from collections import deque

from odoo import Command

from ..lib.journal import exchange_keys

_logger = logging.getLogger(__name__)


class ExchangeJournal:
    """Collects the exchanges of one company's client and writes them.

    The client reports from whatever thread made the call (a deque is
    thread-safe); :meth:`flush` runs in the ORM's thread. In production the
    rows are committed on their own cursor, so that a later rollback of the
    business transaction (a refused registration raising an error, a failed
    savepoint) never erases what was exchanged; in tests, where nothing may
    commit, they join the current transaction.
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

    def know(self, records, customer_id=None):
        """Link the coming exchanges that name these records (by Urssaf
        customer id, e-mail, invoice number or payment request id);
        ``customer_id``: an id these customers are about to be linked to."""
        for record in records.sudo():
            links = _record_links(record)
            keys = _record_keys(record)
            if customer_id:
                keys.add(("customer", customer_id))
            for key in keys:
                self._known.setdefault(key, set()).update(links)

    def flush(self):
        entries = []
        while self._pending:
            entries.append(self._pending.popleft())
        if not entries:
            return
        values = [self._values(entry) for entry in entries]
        journal = self.env["l10n.fr.urssaf.exchange"]
        if self.env["account.move"]._can_commit():
            try:
                with self.env.registry.cursor() as cr:
                    journal.with_env(self.env(cr=cr, su=True)).create(values)
                return
            except Exception:  # pylint: disable=broad-except
                # E.g. a company or user created in this very transaction.
                _logger.warning(
                    "Urssaf journal: written in the transaction instead", exc_info=True
                )
        journal.sudo().create(values)

    def _values(self, exchange):
        links = set()
        for key in exchange_keys(exchange):
            links |= self._known.get(key, set())
        items = exchange.request if isinstance(exchange.request, list) else None
        return {
            "ref": exchange.ref,
            "company_id": self.company.id,
            "environment": self.environment,
            "user_id": self.env.uid,
            "operation": exchange.operation,
            "method": exchange.method,
            "path": exchange.path,
            "started_at": exchange.started_at,
            "duration_ms": exchange.duration_ms,
            "http_status": exchange.http_status or False,
            "outcome": exchange.outcome,
            "error_codes": " ".join(exchange.error_codes) or False,
            "error": exchange.error or False,
            "item_count": len(items) if items is not None else 1,
            "request_body": _dump(exchange.request),
            "response_body": _dump(exchange.response),
            "link_ids": [
                Command.create({"res_model": model, "res_id": res_id})
                for model, res_id in sorted(links)
            ],
        }


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
        if record.email:
            keys.add(("email", record.email.strip().lower()))
    else:  # an invoice or a payment request: its number, the request's id
        keys = {("invoice", record.name)}
        if record._name == "l10n.fr.urssaf.payment.request":
            keys.add(("request", record.urssaf_id))
    return {key for key in keys if key[1]}


def _dump(body):
    if body is None:
        return False
    if isinstance(body, str):
        return body
    return json.dumps(body, ensure_ascii=False, indent=2, default=str)
