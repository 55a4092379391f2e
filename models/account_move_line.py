# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..lib.amounts import round_quantity
from ..lib.codes import NATURE_CODES, UNIT_FLAT_RATE, UNIT_HOUR
from ..lib.payload import ServiceLine
from .guard import check_urssaf_owned


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    l10n_fr_urssaf_nature_code = fields.Selection(
        selection=list(NATURE_CODES.items()),
        string="Urssaf Service Nature",
        compute="_compute_l10n_fr_urssaf_nature_code",
        store=True,
        readonly=False,
        copy=True,
    )

    def write(self, vals):
        if "l10n_fr_urssaf_nature_code" in vals:
            # Urssaf holds the natures sent.
            held = self.move_id._l10n_fr_urssaf_held()
            lines = self.filtered(lambda line: line.move_id in held)
            if lines:
                check_urssaf_owned(lines, vals, ["l10n_fr_urssaf_nature_code"])
        return super().write(vals)

    @api.depends("product_id")
    def _compute_l10n_fr_urssaf_nature_code(self):
        for line in self:
            line.l10n_fr_urssaf_nature_code = (
                line.product_id.l10n_fr_urssaf_nature_code
                or line.l10n_fr_urssaf_nature_code
            )

    def _l10n_fr_urssaf_label(self):
        # Only named in problems: the products' names are reads of their own.
        return self.product_id.display_name or self.name or "-"

    def _l10n_fr_urssaf_service_line(self):
        """The line as ``lib`` expects it: hours when its unit is a time
        (days converted), else a flat rate per unit; prices include VAT."""
        self.ensure_one()
        # Not env.ref: its existence check is a query per line.
        hour = self.env["uom.uom"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "uom.product_uom_hour", raise_if_not_found=True
            )
        )
        quantity = self.quantity
        unit = UNIT_FLAT_RATE
        if self.product_uom_id.category_id == hour.category_id:
            quantity = self.product_uom_id._compute_quantity(
                quantity, hour, round=False
            )
            unit = UNIT_HOUR
        quantity = round_quantity(quantity)
        untaxed = self.price_subtotal
        return ServiceLine(
            nature_code=self.l10n_fr_urssaf_nature_code,
            quantity=quantity,
            unit_price=self.price_total / float(quantity) if quantity else 0,
            unit=unit,
            vat_rate=round((self.price_total / untaxed - 1) * 100, 2) if untaxed else 0,
            description=self.name,
            activity_code=self.product_id.l10n_fr_urssaf_activity_code or None,
        )
