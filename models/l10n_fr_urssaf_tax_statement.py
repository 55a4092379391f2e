# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..lib.codes import NATURE_CODES, NATURE_NOT_ELIGIBLE, UNIT_HOUR
from ..lib.formats import urssaf_date

TAX_STATEMENT_REPORT = "l10n_fr_urssaf_avance_immediate.action_report_tax_statement"


class L10nFrUrssafTaxStatement(models.Model):
    """The attestation fiscale annuelle (article D7233-4 du code du travail)
    a provider gives each customer before 31 March of the next year.

    A year's payments: through the avance immédiate, the day Urssaf paid us
    (its transfer date: the customer's share was debited the same week);
    otherwise the date of the customer's payment. See the README for the
    cut-off rule."""

    _name = "l10n.fr.urssaf.tax.statement"
    _description = "Attestation Fiscale"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "year desc, partner_id, id"
    _check_company_auto = True
    # Invoicing users only read attestations (generated from the books, never
    # typed), yet send them and note on them.
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    year = fields.Integer(required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many(
        "l10n.fr.urssaf.tax.statement.line",
        "statement_id",
        string="Services",
        readonly=True,
    )
    amount_urssaf = fields.Monetary(
        string="Paid through the Avance Immédiate",
        readonly=True,
        help="Invoices Urssaf paid us this year, taxes included: the customer's "
        "share it debited, and the tax credit it advanced.",
    )
    tax_credit_advanced = fields.Monetary(
        string="Tax Credit Advanced by Urssaf",
        readonly=True,
        help="Already received by the customer as an advance of the tax credit: "
        "the tax administration deducts it from the credit.",
    )
    customer_share = fields.Monetary(
        string="Customer's Share Debited by Urssaf", readonly=True
    )
    amount_other = fields.Monetary(
        string="Paid by Other Means",
        readonly=True,
        help="Paid to us by the customer directly this year (transfer, cheque, "
        "card, CESU...).",
    )
    amount_paid = fields.Monetary(
        string="Paid by the Customer after the Advance",
        readonly=True,
        help="What the customer paid out of pocket this year: their share debited "
        "by Urssaf and what they paid us directly.",
    )
    amount_total = fields.Monetary(
        string="Expenses of the Year",
        readonly=True,
        help="What the services cost the customer this year, the tax credit "
        "advanced by Urssaf included: what the tax credit is computed on.",
    )
    hours = fields.Float(readonly=True)
    generated_on = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "company_partner_year_unique",
            "UNIQUE(company_id, partner_id, year)",
            "A customer has one attestation fiscale a year.",
        )
    ]

    @api.depends("year", "partner_id.name")
    def _compute_name(self):
        for statement in self:
            statement.name = self.env._(
                "Attestation fiscale %(year)s - %(customer)s",
                year=statement.year,
                customer=statement.partner_id.name,
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/tax_statements/{statement.id}"
        return res

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Attestation fiscale {self.year} - {self.partner_id.name}"

    # ------------------------------------------------------------ figures

    @api.model
    def _l10n_fr_urssaf_figures(self, company, year, partners=None):
        """What each customer paid for services à la personne in ``year``:
        ``{partner: values}`` (create values without company, partner and
        year), for the customers who paid anything.

        :param partners: only these customers (default: all of ``company``)
        """
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("invoice_date", "<=", date(year, 12, 31)),
            (
                "invoice_line_ids.l10n_fr_urssaf_nature_code",
                "not in",
                [False, NATURE_NOT_ELIGIBLE],
            ),
        ]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        moves = self.env["account.move"].search(domain)
        start, end = date(year, 1, 1), date(year, 12, 31)
        environment = company.l10n_fr_urssaf_environment
        paid_requests = moves.l10n_fr_urssaf_request_ids.filtered(
            lambda request: request.state == "paid"
            and request.environment == environment
            and request.transfer_date
        )
        urssaf_paid = {
            request.move_id: request
            for request in paid_requests
            if start <= request.transfer_date <= end
        }
        payouts = paid_requests.payment_id.move_id
        payout_journal = company.l10n_fr_urssaf_journal_id
        paid_directly = defaultdict(float)
        receivables = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        for partial in receivables.matched_credit_ids:
            counterpart = partial.credit_move_id
            move = partial.debit_move_id.move_id
            # Urssaf's payouts are counted above, also when registered by hand
            # in the payout journal; a credit note pays nothing.
            if (
                counterpart.move_id in payouts
                or (
                    counterpart.journal_id == payout_journal
                    and move in paid_requests.move_id
                )
                or counterpart.move_id.move_type == "out_refund"
                or not start <= counterpart.date <= end
            ):
                continue
            # Only the services à la personne of the invoice count.
            paid_directly[move] += partial.amount * self._l10n_fr_urssaf_eligible_share(
                move
            )
        figures = {}
        for partner, partner_moves in moves.grouped("partner_id").items():
            paid = partner_moves.filtered(
                lambda move: move in urssaf_paid or paid_directly.get(move)
            )
            if not paid:
                continue
            through_urssaf = paid.filtered(lambda move: move in urssaf_paid)
            values = {
                "amount_urssaf": sum(
                    urssaf_paid[move].transfer_amount or move.amount_total
                    for move in through_urssaf
                ),
                "tax_credit_advanced": sum(
                    through_urssaf.mapped("l10n_fr_urssaf_tax_credit")
                ),
                "customer_share": sum(
                    through_urssaf.mapped("l10n_fr_urssaf_customer_share")
                ),
                "amount_other": sum(paid_directly.get(move, 0.0) for move in paid),
                # Months as the customer reads them, on the PDF in their language.
                "line_ids": self.with_context(
                    lang=partner.lang or self.env.lang
                )._l10n_fr_urssaf_summary(paid),
            }
            values["amount_paid"] = values["customer_share"] + values["amount_other"]
            values["amount_total"] = values["amount_urssaf"] + values["amount_other"]
            values["hours"] = sum(line[2]["hours"] for line in values["line_ids"])
            figures[partner] = values
        return figures

    @api.model
    def _l10n_fr_urssaf_eligible_share(self, move):
        """The part of ``move``'s total that is services à la personne (its
        lines of nature Divers - Non éligible are not)."""
        if move.currency_id.is_zero(move.amount_total):
            return 0.0
        eligible = sum(
            line.price_total
            for line in move.invoice_line_ids
            if line.l10n_fr_urssaf_nature_code
            and line.l10n_fr_urssaf_nature_code != NATURE_NOT_ELIGIBLE
        )
        return eligible / move.amount_total

    @api.model
    def _l10n_fr_urssaf_summary(self, moves):
        """One line per service nature of ``moves``: who performed them, the
        months of the services, the hours and the amount invoiced (taxes
        included)."""
        by_nature = defaultdict(
            lambda: {"hours": 0.0, "amount": 0.0, "months": set(), "who": {}}
        )
        for move in moves:
            start = move.l10n_fr_urssaf_service_start or move.invoice_date
            end = move.l10n_fr_urssaf_service_end or start
            months = {
                (y, m)
                for y in range(start.year, end.year + 1)
                for m in range(1, 13)
                if (start.year, start.month) <= (y, m) <= (end.year, end.month)
            }
            for line in move.invoice_line_ids:
                code = line.l10n_fr_urssaf_nature_code
                if not code or code == NATURE_NOT_ELIGIBLE:
                    continue
                service = line._l10n_fr_urssaf_service_line()
                nature = by_nature[code]
                if service.unit == UNIT_HOUR:
                    nature["hours"] += float(service.quantity)
                nature["amount"] += line.price_total
                nature["months"] |= months
                for name in (move.l10n_fr_urssaf_intervenants or "").split(","):
                    # Once each, as first written.
                    nature["who"].setdefault(name.strip().casefold(), name.strip())
        return [
            fields.Command.create(
                {
                    "nature_code": code,
                    "intervenants": ", ".join(
                        name for name in values["who"].values() if name
                    ),
                    "months": self._l10n_fr_urssaf_months(values["months"]),
                    "hours": values["hours"],
                    "amount": values["amount"],
                }
            )
            for code, values in sorted(by_nature.items(), key=lambda item: int(item[0]))
        ]

    @api.model
    def _l10n_fr_urssaf_months(self, months):
        """``{(year, month)}`` as the user reads months (``janv. 2026,
        févr. 2026``)."""
        return ", ".join(
            format_date(self.env, date(y, m, 1), date_format="MMM y")
            for y, m in sorted(months)
        )

    @api.model
    def _l10n_fr_urssaf_generate(self, company, year):
        """Create or renew the attestations of ``year`` for every customer of
        ``company`` who paid services à la personne that year."""
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot generate the attestations fiscales of %s: your user "
                    "has no access to this company. Choose one of your companies.",
                    company.name,
                )
            )
        if not (company.l10n_fr_urssaf_sap_number and company.l10n_fr_urssaf_sap_date):
            raise UserError(
                self.env._(
                    "An attestation fiscale gives the SAP declaration number and "
                    "date of %s: set both in the settings (Avance immédiate) first.",
                    company.name,
                )
            )
        # Read as the user; written by the addon only.
        figures = self._l10n_fr_urssaf_figures(company, year)
        self = self.sudo()  # noqa: PLW0642
        existing = {
            statement.partner_id: statement
            for statement in self.search(
                [("company_id", "=", company.id), ("year", "=", year)]
            )
        }
        now = fields.Datetime.now()
        # The services of the renewed ones are replaced, in one delete.
        self.browse(
            [existing[partner].id for partner in figures if partner in existing]
        ).line_ids.unlink()
        statements = self.browse()
        to_create = []
        for partner, values in figures.items():
            values = dict(values, generated_on=now)
            statement = existing.get(partner)
            if statement:
                statement.write(values)
                statements |= statement
            else:
                to_create.append(
                    dict(
                        values, company_id=company.id, partner_id=partner.id, year=year
                    )
                )
        return (statements | self.create(to_create)).sudo(False)

    # ------------------------------------------------------------ actions

    def action_send(self):
        """Odoo's mail composer with the attestation's template: one e-mail
        per customer with its PDF, queued when many."""
        template = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.mail_template_tax_statement"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Attestations Fiscales"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment"
                if len(self) == 1
                else "mass_mail",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                # A legal document: also to customers who refused marketing.
                "default_use_exclusion_list": False,
            },
        }

    def action_print(self):
        return self.env.ref(TAX_STATEMENT_REPORT).report_action(self)

    @api.model
    def _l10n_fr_urssaf_one_line_address(self, partner):
        lines = partner._display_address(without_company=True).splitlines()
        return ", ".join(line.strip(" ,") for line in lines if line.strip(" ,"))

    def _l10n_fr_urssaf_issued_on(self):
        """The day the attestation is issued, in Paris."""
        return urssaf_date(self.generated_on or fields.Datetime.now())


class L10nFrUrssafTaxStatementLine(models.Model):
    _name = "l10n.fr.urssaf.tax.statement.line"
    _description = "Attestation Fiscale Service"
    _order = "statement_id, id"

    statement_id = fields.Many2one(
        "l10n.fr.urssaf.tax.statement",
        required=True,
        ondelete="cascade",
        index=True,
    )
    currency_id = fields.Many2one(related="statement_id.currency_id")
    nature_code = fields.Selection(
        selection=list(NATURE_CODES.items()), string="Service", required=True
    )
    intervenants = fields.Char(
        help="Who performed the services, as written on the invoices; empty: "
        "the provider's staff."
    )
    months = fields.Char(string="Months of the Services")
    hours = fields.Float()
    amount = fields.Monetary(string="Amount Invoiced")
