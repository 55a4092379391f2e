# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from .l10n_fr_urssaf_payment_request import REJECTION_LABELS, STATES

# Where a status came from: Urssaf's answer to a call, or our own change.
OPERATIONS = [
    ("M050", "M050 · Payment requests sent"),
    ("M070", "M070 · Payment requests searched"),
    ("cancellation", "Cancellation requested in Odoo"),
    ("upgrade", "Status when the history started"),
]


class L10nFrUrssafRequestStatus(models.Model):
    """One status a payment request went through, as we saw it: the history
    Urssaf's support and auditors ask for. Written by the addon only, as
    superuser, never changed."""

    _name = "l10n.fr.urssaf.request.status"
    _description = "Urssaf Payment Request Status History"
    _order = "seen_at, id"

    request_id = fields.Many2one(
        "l10n.fr.urssaf.payment.request",
        string="Payment Request",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    status_code = fields.Char(string="Urssaf Status Code", readonly=True)
    status_label = fields.Char(
        string="Urssaf Status", readonly=True, help="Label Urssaf gave the status."
    )
    state = fields.Selection(selection=STATES, required=True, readonly=True)
    reason_code = fields.Char(
        readonly=True,
        help="Urssaf's reason code of a refusal or cancellation, the reason of "
        "our cancellation request, or Urssaf's error codes.",
    )
    reason = fields.Char(compute="_compute_reason")
    comment = fields.Text(
        readonly=True,
        help="The customer's or Urssaf's comment, ours on a cancellation, or "
        "why Urssaf rejected the request.",
    )
    seen_at = fields.Datetime(string="Seen On", required=True, readonly=True)
    operation = fields.Selection(
        selection=OPERATIONS, string="From", required=True, readonly=True
    )
    exchange_ref = fields.Char(
        string="Exchange Reference",
        readonly=True,
        index="btree_not_null",
        help="Reference of the Urssaf call this status came from.",
    )
    exchange_id = fields.Many2one(
        "l10n.fr.urssaf.exchange",
        string="Exchange",
        compute="_compute_exchange_id",
        help="The Urssaf call this status came from, in the exchange journal "
        "(empty once purged after the retention period).",
    )

    @api.depends("exchange_ref")
    def _compute_exchange_id(self):
        exchanges = self.env["l10n.fr.urssaf.exchange"].search(
            [("ref", "in", [ref for ref in self.mapped("exchange_ref") if ref])]
        )
        by_ref = {exchange.ref: exchange for exchange in exchanges}
        for row in self:
            row.exchange_id = by_ref.get(row.exchange_ref)

    @api.depends("reason_code")
    def _compute_reason(self):
        for row in self:
            label = REJECTION_LABELS.get(row.reason_code)
            row.reason = self.env._(label) if label else row.reason_code

    def write(self, vals):
        if self:
            raise AccessError(self.env._("The status history cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise AccessError(self.env._("The status history cannot be deleted."))
