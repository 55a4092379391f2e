# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Urssaf's transfers and debits proposed on the bank statement.

Odoo 18 Community defines reconciliation models but applies them in a bank
reconciliation screen: Enterprise's (account_accountant) or OCA's
(account_reconcile_oca). Both call ``_get_invoice_matching_rules_map``; the
company's *Urssaf* model (created with the payout journal) answers there
with the payouts the statement line pays, or the customer credit an Urssaf
debit takes back.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

# Urssaf's value date and the bank's booking date may differ by a few days.
TRANSFER_WINDOW = timedelta(days=10)
# Urssaf takes a payout back when the request ends cancelled or recovered,
# within weeks.
DEBITED_BACK_STATES = ("cancelled", "recovered")
DEBIT_WINDOW = timedelta(days=183)


class AccountReconcileModel(models.Model):
    _inherit = "account.reconcile.model"

    l10n_fr_urssaf_payouts = fields.Boolean(
        string="Urssaf Payouts",
        readonly=True,
        copy=False,
        help="Proposes the Urssaf payouts a transfer pays (one, or those of the "
        "same transfer date summing to it) and, for an Urssaf debit, the credit "
        "of the customer whose cancelled or recovered request it takes back.",
    )

    @api.model
    def _l10n_fr_urssaf_ensure(self, companies):
        """The Urssaf model of each company with a payout journal, on it (an
        archived one stays so)."""
        companies = companies.filtered("l10n_fr_urssaf_journal_id")
        Model = self.sudo().with_context(active_test=False)
        existing = Model.search(
            [("l10n_fr_urssaf_payouts", "=", True), ("company_id", "in", companies.ids)]
        )
        by_company = {model.company_id: model for model in existing}
        for company in companies:
            journal = company.l10n_fr_urssaf_journal_id
            model = by_company.get(company)
            if model:
                # Transfers still pending on an earlier journal stay proposed.
                model.match_journal_ids = [fields.Command.link(journal.id)]
                continue
            model = Model.with_context(lang="en_US").create(
                {
                    "name": self._l10n_fr_urssaf_name("en_US"),
                    "company_id": company.id,
                    "sequence": 0,
                    "rule_type": "invoice_matching",
                    "l10n_fr_urssaf_payouts": True,
                    "match_journal_ids": [fields.Command.set(journal.ids)],
                    # Only Urssaf's lines (users may widen it).
                    "match_label": "contains",
                    "match_label_param": "URSSAF",
                    "match_nature": "both",
                    "match_partner": False,
                    "match_same_currency": True,
                    "allow_payment_tolerance": False,
                    "auto_reconcile": False,
                }
            )
            model.update_field_translations(
                "name",
                {
                    lang: self._l10n_fr_urssaf_name(lang)
                    for lang, _label in self.env["res.lang"].get_installed()
                    if lang != "en_US"
                },
            )

    @api.model
    def _l10n_fr_urssaf_name(self, lang):
        env = self.with_context(lang=lang).env
        return env._("Urssaf payouts and debits (avance immédiate)")

    def _get_invoice_matching_rules_map(self):
        if not self.l10n_fr_urssaf_payouts:
            return super()._get_invoice_matching_rules_map()
        # The engines' type: other modules append to any priority.
        rules_map = defaultdict(list)
        rules_map[10].append(self._l10n_fr_urssaf_candidates)
        return rules_map

    def _l10n_fr_urssaf_candidates(self, st_line, partner):
        """The engine's candidates for an Urssaf transfer (payout lines) or
        debit (customer credit), or None to let the next model try."""
        # Without journals a model applies everywhere: not this one.
        if not self.match_journal_ids or st_line.currency_id.is_zero(st_line.amount):
            return None
        if st_line.amount > 0:
            amls = self._l10n_fr_urssaf_payout_lines(st_line)
        else:
            amls = self._l10n_fr_urssaf_debited_back_lines(st_line)
        if not amls:
            return None
        # A debit is checked by a person: Urssaf's social contributions are
        # debited from the same account.
        return {"amls": amls, "allow_auto_reconcile": st_line.amount > 0}

    def _l10n_fr_urssaf_requests(self, st_line, domain):
        """The payment requests of the line's company (and branches) in its
        Urssaf environment, paid out, matching ``domain``."""
        company = st_line.company_id
        return (
            self.env["l10n.fr.urssaf.payment.request"]
            .sudo()
            .search(
                [
                    ("company_id", "child_of", company.id),
                    ("environment", "=", company.l10n_fr_urssaf_environment),
                    ("payment_id", "!=", False),
                    *domain,
                ],
                order="id",
            )
        )

    def _l10n_fr_urssaf_payout_lines(self, st_line):
        """The payouts' bank lines (outstanding receipts) paid by this
        transfer: on the nearest transfer date, one payout of the same amount,
        else all the payouts of that date if they add up to it."""
        requests = self._l10n_fr_urssaf_requests(
            st_line,
            [
                ("transfer_date", ">=", st_line.date - TRANSFER_WINDOW),
                ("transfer_date", "<=", st_line.date + TRANSFER_WINDOW),
            ],
        )
        if not requests:
            return None
        date_by_payment = {r.payment_id: r.transfer_date for r in requests}
        lines = self.env["account.move.line"].search(
            st_line._get_default_amls_matching_domain()
            + [("payment_id", "in", requests.payment_id.ids), ("balance", ">", 0.0)]
        )
        by_date = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_date[date_by_payment[line.payment_id]] |= line
        currency = st_line.currency_id

        def same(amount):
            return not currency.compare_amounts(amount, st_line.amount)

        # The nearest date first; on a tie, the transfer before the booking.
        for day in sorted(
            by_date, key=lambda d: (abs((st_line.date - d).days), d > st_line.date)
        ):
            group = by_date[day].sorted("id")
            single = group.filtered(lambda line: same(line.amount_residual))
            if single:
                return single[:1]
            if same(sum(group.mapped("amount_residual"))):
                return group
        return None

    def _l10n_fr_urssaf_debited_back_lines(self, st_line):
        """The customer credit an Urssaf debit takes back: a request paid out
        then cancelled or recovered (in the half year before the debit) whose
        own credit is still open — the payout released from the invoice, or
        the invoice's credit note. One request of the debited amount (named
        by the line's label when several are), else all of them if they add
        up to it."""
        requests = self._l10n_fr_urssaf_requests(
            st_line,
            [
                ("state", "in", DEBITED_BACK_STATES),
                ("status_date", ">=", st_line.date - DEBIT_WINDOW),
            ],
        )
        if not requests:
            return None
        # Odoo's default candidates leave out the receivable lines of
        # payments; a payout released from its invoice is one.
        lines = self.env["account.move.line"].search(
            [
                ("parent_state", "=", "posted"),
                ("company_id", "child_of", st_line.company_id.id),
                ("reconciled", "=", False),
                ("account_id.account_type", "=", "asset_receivable"),
                ("balance", "<", 0.0),
                (
                    "move_id",
                    "in",
                    (
                        requests.payment_id.move_id | requests.move_id.reversal_move_ids
                    ).ids,
                ),
            ]
        )
        by_move = lines.grouped("move_id")
        pending = {}
        for request in requests:
            own = request.payment_id.move_id | request.move_id.reversal_move_ids
            credit = lines.browse().union(
                *(by_move.get(move, lines.browse()) for move in own)
            )
            if credit:
                pending[request] = credit
        currency = st_line.currency_id
        same = [
            request
            for request in pending
            if not currency.compare_amounts(request.transfer_amount, -st_line.amount)
        ]
        if len(same) > 1:
            label = (st_line.payment_ref or "").casefold()
            same = [
                request
                for request in same
                if (request.urssaf_id or "\0") in label
                or request.move_id.name.casefold() in label
            ]
        if len(same) == 1:
            return pending[same[0]]
        total = sum(request.transfer_amount for request in pending)
        if pending and not currency.compare_amounts(total, -st_line.amount):
            return lines.browse().union(*pending.values())
        return None
