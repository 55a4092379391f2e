# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal of every call made to Urssaf: what was sent, when, by whom,
and what Urssaf answered, kept as it was for the retention period."""

import json
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, format_datetime
from odoo.tools.sql import create_index

from ..lib.redact import REDACTED, redact
from .res_company import ENVIRONMENTS

_logger = logging.getLogger(__name__)

OPERATIONS = [
    ("token", "Connection (access token)"),
    ("M010", "M010 · Customer registration"),
    ("M020", "M020 · Customer account status"),
    ("M050", "M050 · Payment requests sent"),
    ("M070", "M070 · Payment requests searched"),
]
OUTCOMES = [
    ("ok", "Succeeded"),
    ("refused", "Refused"),
    ("auth", "Credentials refused"),
    ("temporary", "Urssaf unavailable"),
    ("unknown", "Answer lost"),
    ("error", "Error"),
]
PURGE_BATCH = 1000


class L10nFrUrssafExchange(models.Model):
    _name = "l10n.fr.urssaf.exchange"
    _description = "Urssaf exchange"
    _order = "started_at desc, id desc"
    _rec_name = "ref"

    ref = fields.Char(string="Reference", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    environment = fields.Selection(ENVIRONMENTS, required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True)
    operation = fields.Selection(OPERATIONS, required=True, readonly=True)
    method = fields.Char(readonly=True)
    path = fields.Char(readonly=True)
    started_at = fields.Datetime(
        string="Date", required=True, readonly=True, index=True
    )
    duration_ms = fields.Integer(
        string="Duration (ms)", readonly=True, aggregator="avg"
    )
    http_status = fields.Integer(string="HTTP status", readonly=True, aggregator=None)
    outcome = fields.Selection(OUTCOMES, required=True, readonly=True)
    error_codes = fields.Char(string="Urssaf codes", readonly=True)
    error = fields.Char(readonly=True)
    item_count = fields.Integer(string="Items", readonly=True)
    request_body = fields.Text(
        string="Request body", readonly=True, groups="account.group_account_manager"
    )
    response_body = fields.Text(
        string="Answer body", readonly=True, groups="account.group_account_manager"
    )
    # As shown: indented, the personal data hidden from non-managers.
    request_text = fields.Text(string="Sent to Urssaf", compute="_compute_texts")
    response_text = fields.Text(string="Urssaf's answer", compute="_compute_texts")
    redacted = fields.Boolean(compute="_compute_texts")
    link_ids = fields.One2many(
        "l10n.fr.urssaf.exchange.link", "exchange_id", string="Links", readonly=True
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_linked",
        search="_search_partner_ids",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_linked",
        search="_search_move_ids",
    )
    payment_request_ids = fields.Many2many(
        "l10n.fr.urssaf.payment.request",
        string="Payment Requests",
        compute="_compute_linked",
        search="_search_payment_request_ids",
    )

    _sql_constraints = [
        ("ref_unique", "UNIQUE(ref)", "An Urssaf call is journaled once."),
    ]

    def init(self):
        # The journal's filters pick a rare operation, environment or outcome
        # among millions of calls: each index gives them in the list's order
        # (an older sandbox call is found at once), and the list's count (up
        # to 10,001 rows) under the multi-company rule from the index alone.
        for name, column, where in (
            ("operation", "operation", ""),
            ("environment", "environment", ""),
            # As the ORM writes "!= 'ok'" (NULL included; there is none).
            ("failed", "outcome", "outcome != 'ok' OR outcome IS NULL"),
        ):
            create_index(
                self.env.cr,
                f"{self._table}_{name}_index",
                self._table,
                [column, "started_at", "id", "company_id"],
                where=where,
            )

    def _compute_display_name(self):
        labels = dict(self._fields["operation"]._description_selection(self.env))
        for exchange in self:
            when = format_datetime(self.env, exchange.started_at)
            exchange.display_name = f"{labels.get(exchange.operation)} · {when}"

    @api.depends_context("uid")
    def _compute_texts(self):
        redacted = not self.env.user.has_group("account.group_account_manager")
        for exchange in self:
            bodies = exchange.sudo()
            exchange.request_text = _readable(bodies.request_body, redacted)
            exchange.response_text = _readable(bodies.response_body, redacted)
            exchange.redacted = redacted

    @api.depends("link_ids")
    def _compute_linked(self):
        by_exchange = {}
        for link in self.sudo().link_ids:
            by_exchange.setdefault(link.exchange_id, {}).setdefault(
                link.res_model, []
            ).append(link.res_id)
        for exchange in self:
            ids = by_exchange.get(exchange, {})
            exchange.partner_ids = [Command.set(ids.get("res.partner", []))]
            exchange.move_ids = [Command.set(ids.get("account.move", []))]
            exchange.payment_request_ids = [
                Command.set(ids.get("l10n.fr.urssaf.payment.request", []))
            ]

    def _search_about(self, model, operator, value):
        """Exchanges about the records of ``model`` matching ``value``: ids,
        a name typed in the search bar, or False (about none of them); a
        negative operator gives the other exchanges."""
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        records = self.env[model]
        if value is False:
            # "Is set" means about at least one record of the model.
            negative = not negative
            domain = [("link_ids", "any", [("res_model", "=", model)])]
        else:
            if isinstance(value, str):
                if negative:
                    operator = expression.TERM_OPERATORS_NEGATION[operator]
                records = records.search([("display_name", operator, value)])
            else:
                records = records.browse(
                    value if isinstance(value, list | tuple) else [value]
                )
            domain = self._domain_about(records)
        return ["!", *domain] if negative else domain

    def _search_partner_ids(self, operator, value):
        return self._search_about("res.partner", operator, value)

    def _search_move_ids(self, operator, value):
        return self._search_about("account.move", operator, value)

    def _search_payment_request_ids(self, operator, value):
        return self._search_about("l10n.fr.urssaf.payment.request", operator, value)

    @api.model
    def _domain_about(self, records):
        return [
            (
                "link_ids",
                "any",
                [("res_model", "=", records._name), ("res_id", "in", records.ids)],
            )
        ]

    @api.model
    def _count_about(self, records):
        """``{id: number of exchanges}`` for these records, in one query,
        counting only those of the user's companies (as the list shows)."""
        groups = self.env["l10n.fr.urssaf.exchange.link"]._read_group(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)],
            ["res_id"],
            ["__count"],
        )
        return dict(groups)

    @api.model
    def _action_open(self, records):
        """The exchanges that concern these records, newest first."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exchanges with Urssaf"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": self._domain_about(records),
            "context": {"create": False},
        }

    # Append-only: the addon creates (as superuser), nobody changes.
    def write(self, vals):  # pylint: disable=method-required-super
        _refuse_change(self.env)

    def unlink(self):
        if not self.env.context.get("l10n_fr_urssaf_purge"):
            raise UserError(
                self.env._(
                    "Urssaf exchanges are kept for the retention period set in the "
                    "settings, then deleted automatically."
                )
            )
        return super().unlink()

    @api.model
    def _cron_purge(self):
        """Delete the exchanges older than each company's retention, in
        batches, committing after each so that a timeout loses nothing."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        for company in companies.search([]):
            years = company.l10n_fr_urssaf_journal_retention
            if years <= 0:
                continue  # kept forever
            limit = now - timedelta(days=round(365.25 * years))
            domain = [("company_id", "=", company.id), ("started_at", "<", limit)]
            while True:
                old = self.sudo().search(domain, limit=PURGE_BATCH, order="id")
                if not old:
                    break
                old.with_context(l10n_fr_urssaf_purge=True).unlink()
                _logger.info("Urssaf journal: %d exchanges purged", len(old))
                if self.env["account.move"]._l10n_fr_urssaf_can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit


def _refuse_change(env):
    raise UserError(env._("The journal of Urssaf exchanges cannot be changed."))


def _readable(body, redacted):
    if not body:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        # A text answer (an error page) may quote anything.
        return REDACTED if redacted else body
    return json.dumps(redact(data) if redacted else data, ensure_ascii=False, indent=2)


class L10nFrUrssafExchangeLink(models.Model):
    """What an exchange is about. Plain ids, no foreign key: the journal is
    written on its own cursor, before the records it names may be committed."""

    _name = "l10n.fr.urssaf.exchange.link"
    _description = "Urssaf exchange link"
    _log_access = False

    exchange_id = fields.Many2one(
        "l10n.fr.urssaf.exchange", required=True, ondelete="cascade", index=True
    )
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True
    )

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (res_model, res_id)",
                SQL.identifier(f"{self._table}_record_index"),
                SQL.identifier(self._table),
            )
        )

    # Deleted only with their exchange (ON DELETE CASCADE).
    def write(self, vals):  # pylint: disable=method-required-super
        _refuse_change(self.env)

    def unlink(self):  # pylint: disable=method-required-super
        _refuse_change(self.env)


class L10nFrUrssafExchangeMixin(models.AbstractModel):
    """A record the journal can name: its count of exchanges and the action
    listing them (customers, invoices, payment requests)."""

    _name = "l10n.fr.urssaf.exchange.mixin"
    _description = "Record named in Urssaf exchanges"

    l10n_fr_urssaf_exchange_count = fields.Integer(
        string="Urssaf exchanges",
        compute="_compute_l10n_fr_urssaf_exchange_count",
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    def _compute_l10n_fr_urssaf_exchange_count(self):
        counts = self.env["l10n.fr.urssaf.exchange"]._count_about(self)
        for record in self:
            record.l10n_fr_urssaf_exchange_count = counts.get(record.id, 0)

    def action_l10n_fr_urssaf_exchanges(self):
        return self.env["l10n.fr.urssaf.exchange"]._action_open(self)
