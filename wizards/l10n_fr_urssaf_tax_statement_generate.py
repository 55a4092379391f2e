# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..lib.formats import urssaf_date


class L10nFrUrssafTaxStatementGenerate(models.TransientModel):
    _name = "l10n.fr.urssaf.tax.statement.generate"
    _description = "Generate Attestations Fiscales"

    year = fields.Integer(
        required=True,
        default=lambda self: urssaf_date(fields.Datetime.now()).year - 1,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def action_generate(self):
        self.ensure_one()
        statements = self.env["l10n.fr.urssaf.tax.statement"]._l10n_fr_urssaf_generate(
            self.company_id, self.year
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_urssaf_avance_immediate.action_tax_statement"
        )
        action["domain"] = [("id", "in", statements.ids)]
        return action
