# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..lib.codes import NATURE_CODES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    l10n_fr_urssaf_nature_code = fields.Selection(
        selection=list(NATURE_CODES.items()),
        string="Urssaf Service Nature",
        help="Nature of the service à la personne (article D7231-1 du code du "
        "travail), sent to Urssaf with each invoice line of this product.",
    )
    l10n_fr_urssaf_activity_code = fields.Char(
        string="Urssaf Activity Code",
        help="Optional activity code attached to the nature, when Urssaf gave you "
        "one.",
    )
