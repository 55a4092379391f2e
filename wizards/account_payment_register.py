# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.account_move import COLLECTING_STATES


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    l10n_fr_urssaf_warning = fields.Text(
        string="Collected by Urssaf", compute="_compute_l10n_fr_urssaf_warning"
    )
    l10n_fr_urssaf_info = fields.Text(
        string="To Send to Urssaf", compute="_compute_l10n_fr_urssaf_warning"
    )
    l10n_fr_urssaf_confirmed = fields.Boolean(
        string="Record the payment anyway",
        help="Urssaf pays you the whole invoice and debits the customer's share: "
        "a payment by the customer recorded as well is to be refunded to them.",
    )

    @api.depends("line_ids")
    def _compute_l10n_fr_urssaf_warning(self):
        _ = self.env._
        for wizard in self:
            moves = wizard.line_ids.move_id
            payout_due = moves.filtered(
                lambda move: move._l10n_fr_urssaf_payout_to_book()
            )
            collected = (moves - payout_due).filtered(
                lambda move: move.l10n_fr_urssaf_state in COLLECTING_STATES
            )
            unpaid = collected.filtered(
                lambda move: move.l10n_fr_urssaf_state == "unpaid"
            )
            collected -= unpaid
            warnings = (
                [
                    _(
                        "Collected by Urssaf with the avance immédiate: %(invoices)s. "
                        "Urssaf pays you the whole amount and debits the customer's "
                        "share from their bank account: a payment by the "
                        "customer recorded here as well means they pay twice, and you "
                        "refund them. Record it only if the customer really paid you.",
                        invoices=", ".join(collected.mapped("name")),
                    )
                ]
                if collected
                else []
            )
            if unpaid:
                warnings.append(
                    _(
                        "The customer's debit bounced for %(invoices)s: Urssaf may "
                        "present it again, and the customer would then pay twice. "
                        "Record a payment only if the customer paid you directly, "
                        "as agreed with them.",
                        invoices=", ".join(unpaid.mapped("name")),
                    )
                )
            wizard.l10n_fr_urssaf_warning = "\n".join(warnings) or False
            to_send = moves.filtered(
                lambda move: move.l10n_fr_urssaf_state in ("to_send", "error")
            )
            info = []
            if to_send:
                info.append(
                    _(
                        "Not sent to Urssaf yet: %(invoices)s. Once a payment is "
                        "recorded on an invoice, it can no longer be sent with the "
                        "avance immédiate (Urssaf pays whole invoices only). If the "
                        "customer pays it directly, mark the invoice “Without avance "
                        "immédiate”.",
                        invoices=", ".join(to_send.mapped("name")),
                    )
                )
            if payout_due:
                info.append(
                    _(
                        "Urssaf paid %(invoices)s, but its payout is not booked: "
                        "record Urssaf's payout here, on the payout journal, not a "
                        "payment by the customer.",
                        invoices=", ".join(payout_due.mapped("name")),
                    )
                )
            wizard.l10n_fr_urssaf_info = "\n".join(info) or False

    def _create_payments(self):
        # Urssaf's payout registered by hand: the request knows it, so that
        # its next poll books nothing more.
        due = self.line_ids.move_id.filtered(
            lambda move: move._l10n_fr_urssaf_payout_to_book()
        )
        payments = super()._create_payments()
        for move in due:
            paid_by = payments.filtered(lambda p, m=move: m in p.reconciled_invoice_ids)
            request = move.sudo()._l10n_fr_urssaf_latest_request()
            request.payment_id = paid_by[:1] or payments[:1]
        return payments

    def action_create_payments(self):
        # Urssaf's own payout is registered by _create_payments, not here.
        if self.l10n_fr_urssaf_warning and not self.l10n_fr_urssaf_confirmed:
            raise UserError(
                self.env._(
                    "%(warning)s\nTo record this payment anyway, tick “Record the "
                    "payment anyway” under the warning.",
                    warning=self.l10n_fr_urssaf_warning,
                )
            )
        return super().action_create_payments()
