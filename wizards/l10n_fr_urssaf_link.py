# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class L10nFrUrssafLink(models.TransientModel):
    _name = "l10n.fr.urssaf.link"
    _description = "Link an Urssaf Account"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    customer_id = fields.Char(
        string="Urssaf Customer ID",
        required=True,
        help="Shown in the customer's particulier.urssaf.fr space, or given by "
        "Urssaf. It is checked with Urssaf: it must be this customer's.",
    )

    def action_link(self):
        self.ensure_one()
        self.partner_id._l10n_fr_urssaf_link_existing(self.customer_id.strip())
        return {"type": "ir.actions.act_window_close"}
