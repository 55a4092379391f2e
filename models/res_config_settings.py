# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_fr_urssaf_environment = fields.Selection(
        related="company_id.l10n_fr_urssaf_environment", readonly=False
    )
    l10n_fr_urssaf_client_id = fields.Char(
        related="company_id.l10n_fr_urssaf_client_id",
        readonly=False,
        groups="base.group_system",
    )
    l10n_fr_urssaf_client_secret = fields.Char(
        related="company_id.l10n_fr_urssaf_client_secret",
        readonly=False,
        groups="base.group_system",
    )
    l10n_fr_urssaf_sap_number = fields.Char(
        related="company_id.l10n_fr_urssaf_sap_number", readonly=False
    )

    @api.onchange("l10n_fr_urssaf_sap_number")
    def _onchange_l10n_fr_urssaf_sap_number(self):
        # Users paste "SAP 123 456 789" from their NOVA receipt.
        number = self.l10n_fr_urssaf_sap_number
        if number:
            self.l10n_fr_urssaf_sap_number = "".join(number.split()).upper()
