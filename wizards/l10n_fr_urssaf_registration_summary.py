# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class L10nFrUrssafRegistrationSummary(models.TransientModel):
    _name = "l10n.fr.urssaf.registration.summary"
    _description = "Urssaf Registration Summary"

    message = fields.Char(readonly=True)
    linked = fields.Boolean(readonly=True, help="Links checked, not registrations.")
    line_ids = fields.One2many(
        "l10n.fr.urssaf.registration.summary.line", "summary_id", readonly=True
    )
    failed_count = fields.Integer(compute="_compute_failed_count")

    def _compute_failed_count(self):
        for summary in self:
            summary.failed_count = len(
                summary.line_ids.filtered(lambda line: not line.registered)
            )

    def action_open_failed(self):
        """The customers to correct, to open one by one."""
        self.ensure_one()
        failed = self.line_ids.filtered(lambda line: not line.registered).partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers not linked")
            if self.linked
            else self.env._("Customers not registered"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", failed.ids)],
        }


class L10nFrUrssafRegistrationSummaryLine(models.TransientModel):
    _name = "l10n.fr.urssaf.registration.summary.line"
    _description = "Urssaf Registration Result"
    _order = "registered, id"

    summary_id = fields.Many2one(
        "l10n.fr.urssaf.registration.summary", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    registered = fields.Boolean(string="Done", readonly=True)
    result = fields.Text(readonly=True)
