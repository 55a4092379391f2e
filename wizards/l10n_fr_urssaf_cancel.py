# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.account_move import HELD_STATES
from ..models.l10n_fr_urssaf_payment_request import CANCEL_REASONS


class L10nFrUrssafCancel(models.TransientModel):
    _name = "l10n.fr.urssaf.cancel"
    _description = "Cancel an Invoice Sent to Urssaf"

    move_id = fields.Many2one("account.move", string="Invoice", required=True)
    request_id = fields.Many2one(
        "l10n.fr.urssaf.payment.request", compute="_compute_outcome"
    )
    reason = fields.Selection(
        selection=CANCEL_REASONS, required=True, default="ANNUL_ERR_MNT"
    )
    comment = fields.Text(
        help="Noted on the invoice, and told to Urssaf with the reason when "
        "Urssaf is asked to cancel its payment request."
    )
    asks_urssaf = fields.Boolean(compute="_compute_outcome")
    payout_warning = fields.Text(compute="_compute_outcome")
    problem = fields.Char(compute="_compute_outcome")
    outcome = fields.Text(string="What Will Happen", compute="_compute_outcome")

    @api.depends("move_id")
    def _compute_outcome(self):
        _ = self.env._
        for wizard in self:
            move = wizard.move_id
            request = move._l10n_fr_urssaf_latest_request()
            wizard.request_id = request
            wizard.asks_urssaf = request.state in HELD_STATES
            wizard.payout_warning = (
                _(
                    "Urssaf already paid you %(amount)s for this invoice: once it "
                    "cancels the payment request, it debits that amount back from "
                    "your bank account.",
                    amount=request._format_amount(request.payment_id.amount),
                )
                if request.payment_id
                else False
            )
            wizard.problem = move._l10n_fr_urssaf_cancel_problem()
            steps = [
                _(
                    "A credit note for the whole invoice is created, confirmed and "
                    "reconciled with it."
                )
            ]
            if wizard.asks_urssaf:
                steps.append(
                    _(
                        "Urssaf holds payment request %(id)s (%(status)s): an e-mail "
                        "asking Urssaf to cancel it opens, ready to send, and the "
                        "request is followed until Urssaf confirms.",
                        id=request.urssaf_id,
                        status=request.status_code
                        and dict(
                            request._fields["status"]._description_selection(self.env)
                        ).get(request.status),
                    )
                )
            elif request:
                steps.append(
                    _(
                        "Urssaf will not pay this invoice (%(state)s): it is "
                        "cancelled here only.",
                        state=dict(
                            request._fields["state"]._description_selection(self.env)
                        ).get(request.state),
                    )
                )
            else:
                steps.append(
                    _("The invoice was not sent to Urssaf: it is cancelled here only.")
                )
            steps.append(
                _(
                    "The invoice number stays used at Urssaf: re-issue the invoice to "
                    "send a corrected one under a new number."
                )
            )
            wizard.outcome = "\n".join(f"• {step}" for step in steps)

    def action_confirm(self):
        self.ensure_one()
        if self.reason == "ANNUL_AUTRE" and not (self.comment or "").strip():
            raise UserError(
                self.env._("Say why in the comment: Urssaf asks for it.")
                if self.asks_urssaf
                else self.env._("Say why in the comment.")
            )
        asks_urssaf = self.asks_urssaf
        self.move_id._l10n_fr_urssaf_cancel(self.reason, (self.comment or "").strip())
        if asks_urssaf:
            return self.move_id.action_l10n_fr_urssaf_cancellation_email()
        return {"type": "ir.actions.act_window_close"}
