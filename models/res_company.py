# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Intervenant identifier sent as complement2: SAP + SIREN (NOVA declaration).
SAP_NUMBER_RE = re.compile(r"^SAP\d{9}$")


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_fr_urssaf_environment = fields.Selection(
        selection=[
            ("simulation", "Local simulation"),
            ("sandbox", "Urssaf sandbox"),
            ("production", "Production"),
        ],
        string="Urssaf Environment",
        default="simulation",
        required=True,
        help="Local simulation needs no credentials: a simulator inside Odoo plays "
        "the Urssaf role, for training and demonstrations. The Urssaf sandbox uses "
        "the test credentials given to software editors; production uses the "
        "credentials Urssaf gave to this company.",
    )
    l10n_fr_urssaf_client_id = fields.Char(
        string="Urssaf Client ID",
        groups="base.group_system",
        copy=False,
    )
    l10n_fr_urssaf_client_secret = fields.Char(
        string="Urssaf Client Secret",
        groups="base.group_system",
        copy=False,
    )
    l10n_fr_urssaf_sap_number = fields.Char(
        string="SAP Number",
        help="Declaration number of the services à la personne activity (NOVA): "
        "SAP followed by the 9 digits of the SIREN, e.g. SAP123456789.",
        copy=False,
    )

    @api.constrains("l10n_fr_urssaf_sap_number")
    def _check_l10n_fr_urssaf_sap_number(self):
        for company in self:
            number = company.l10n_fr_urssaf_sap_number
            if number and not SAP_NUMBER_RE.match(number):
                raise ValidationError(
                    self.env._(
                        "The SAP number of %(company)s must be SAP followed by the 9 "
                        "digits of the SIREN, without spaces (e.g. SAP123456789); "
                        "got %(number)s.",
                        company=company.display_name,
                        number=number,
                    )
                )
