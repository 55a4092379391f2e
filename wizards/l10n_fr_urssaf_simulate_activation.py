# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..models.ui import format_user_datetime, notification


class L10nFrUrssafSimulateActivation(models.TransientModel):
    _name = "l10n.fr.urssaf.simulate.activation"
    _description = "Simulate a Customer's Urssaf Activation"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    activation_date = fields.Datetime(
        string="Activated On",
        required=True,
        default=fields.Datetime.now,
        help="When the customer activates the account: an earlier date lets "
        "invoices of past services be sent, e.g. last month's.",
    )

    def action_activate(self):
        self.ensure_one()
        if self.activation_date > fields.Datetime.now():
            raise UserError(
                self.env._(
                    "The activation date %(date)s is in the future: a customer "
                    "can only have activated the account already.",
                    date=format_user_datetime(self.env, self.activation_date),
                )
            )
        partner = self.partner_id
        partner._l10n_fr_urssaf_simulate_activation(at=self.activation_date)
        # What changed, since the dialog closes on the form.
        return notification(
            self.env,
            self.env._("Urssaf account"),
            self.env._(
                "%(customer)s: Urssaf account active since %(date)s.",
                customer=partner.display_name,
                date=format_user_datetime(
                    self.env, partner.l10n_fr_urssaf_activation_date
                ),
            ),
            "success",
            simulation=True,
            next_action={"type": "ir.actions.act_window_close"},
        )
