# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..models.account_move import BACKGROUND_THRESHOLD
from ..models.ui import notification


class L10nFrUrssafSend(models.TransientModel):
    _name = "l10n.fr.urssaf.send"
    _description = "Send Invoices to Urssaf"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    line_ids = fields.One2many(
        "l10n.fr.urssaf.send.line", "wizard_id", compute="_compute_line_ids"
    )
    ready_count = fields.Integer(string="Invoices Ready", compute="_compute_line_ids")
    blocked_count = fields.Integer(
        string="Invoices Blocked", compute="_compute_line_ids"
    )
    # Totals of the invoices ready to send.
    currency_id = fields.Many2one("res.currency", compute="_compute_totals")
    amount_total = fields.Monetary(string="Total", compute="_compute_totals")
    tax_credit = fields.Monetary(
        string="Tax Credit Advanced by Urssaf", compute="_compute_totals"
    )
    customer_share = fields.Monetary(
        string="Customers' Share", compute="_compute_totals"
    )
    ceiling_warning = fields.Text(compute="_compute_totals")

    @api.depends("move_ids")
    def _compute_line_ids(self):
        for wizard in self:
            checked = wizard.move_ids._l10n_fr_urssaf_sending_problems()
            lines = [
                fields.Command.create(
                    {"move_id": move.id, "problems": "\n".join(problems)}
                )
                for move, problems in checked.items()
            ]
            wizard.line_ids = [fields.Command.clear(), *lines]
            ready = wizard.line_ids.filtered("ready")
            wizard.ready_count = len(ready)
            wizard.blocked_count = len(wizard.line_ids) - len(ready)

    @api.depends("line_ids")
    def _compute_totals(self):
        for wizard in self:
            moves = wizard.line_ids.filtered("ready").move_id
            wizard.currency_id = moves.currency_id[:1] or self.env.company.currency_id
            wizard.amount_total = sum(moves.mapped("amount_total"))
            wizard.tax_credit = sum(moves.mapped("l10n_fr_urssaf_tax_credit"))
            wizard.customer_share = sum(moves.mapped("l10n_fr_urssaf_customer_share"))
            # In the dialog's onchange, the invoices are new records.
            wizard.ceiling_warning = "\n".join(
                self.env["res.partner"]._l10n_fr_urssaf_ceiling_warnings(moves._origin)
            )

    def action_send(self):
        """Send the invoices that can go; say how each one went. A large
        selection goes to the background."""
        self.ensure_one()
        moves = self.line_ids.filtered("ready").move_id
        if len(moves) > BACKGROUND_THRESHOLD:
            moves._l10n_fr_urssaf_queue()
            return notification(
                self.env,
                self.env._("Avance immédiate"),
                self.env._(
                    "%(count)s invoices are being sent to Urssaf in the "
                    "background; you will be notified when it is done.",
                    count=len(moves),
                ),
                "info",
                next_action={"type": "ir.actions.act_window_close"},
            )
        results = moves._l10n_fr_urssaf_send()
        counts = {}
        for outcome, _message in results.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        failed = [
            f"{move.name}: {message}"
            for move, (outcome, message) in results.items()
            if outcome != "sent"
        ]
        sent = counts.get("sent", 0)
        message = (
            self.env._("No invoice sent to Urssaf.")
            if not sent
            else self.env._("1 invoice sent to Urssaf.")
            if sent == 1
            else self.env._("%(sent)s invoices sent to Urssaf.", sent=sent)
        )
        if failed:
            message += "\n" + "\n".join(failed)
        return notification(
            self.env,
            self.env._("Avance immédiate"),
            message,
            "warning" if failed else "success",
            simulation=any(moves.mapped("l10n_fr_urssaf_simulation")),
            next_action={"type": "ir.actions.act_window_close"},
        )


class L10nFrUrssafSendLine(models.TransientModel):
    _name = "l10n.fr.urssaf.send.line"
    _description = "Invoice to Send to Urssaf"

    wizard_id = fields.Many2one(
        "l10n.fr.urssaf.send", required=True, ondelete="cascade"
    )
    move_id = fields.Many2one("account.move", string="Invoice", required=True)
    partner_id = fields.Many2one(related="move_id.partner_id", string="Customer")
    amount_total = fields.Monetary(related="move_id.amount_total")
    tax_credit = fields.Monetary(related="move_id.l10n_fr_urssaf_tax_credit")
    customer_share = fields.Monetary(related="move_id.l10n_fr_urssaf_customer_share")
    currency_id = fields.Many2one(related="move_id.currency_id")
    problems = fields.Text(string="Why It Cannot Be Sent")
    ready = fields.Boolean(compute="_compute_ready")

    @api.depends("problems")
    def _compute_ready(self):
        for line in self:
            line.ready = not line.problems
