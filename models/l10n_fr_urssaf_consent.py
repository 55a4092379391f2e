# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_datetime

# Portal attempts allowed per hour: forms per customer, anything per IP address.
ATTEMPT_WINDOW = timedelta(hours=1)
FORM_LIMIT = 10
IP_LIMIT = 30


class L10nFrUrssafConsent(models.Model):
    """A customer's consent to the avance immédiate, given in the portal: the
    text shown, its version, when and from where. Kept as given."""

    _name = "l10n.fr.urssaf.consent"
    _description = "Avance Immédiate Consent"
    _order = "consent_date desc, id desc"

    # A contact erased on request takes its consents along.
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", string="Provider", required=True, readonly=True
    )
    consent_date = fields.Datetime(string="Given On", required=True, readonly=True)
    ip_address = fields.Char(string="IP Address", readonly=True)
    text_version = fields.Char(required=True, readonly=True)
    text = fields.Text(string="Text Accepted", required=True, readonly=True)
    lang = fields.Char(string="Language", readonly=True)
    # Which link the form came through (the partner's nonce when it was sent).
    link_nonce = fields.Char(
        string="Registration Link Key", readonly=True, groups="base.group_system"
    )

    @api.depends("consent_date", "ip_address", "text_version")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        for consent in self:
            consent.display_name = self.env._(
                "Given on %(date)s from IP address %(ip)s (text %(version)s)",
                date=format_datetime(self.env, consent.consent_date),
                ip=consent.ip_address or "-",
                version=consent.text_version,
            )

    def write(self, vals):
        if vals:
            raise AccessError(self.env._("A consent is kept as the customer gave it."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise AccessError(self.env._("A consent is kept as the customer gave it."))


class L10nFrUrssafPortalAttempt(models.Model):
    """Rate limit of the portal registration: forms sent and unknown links,
    by IP address and by customer, over the last hour."""

    _name = "l10n.fr.urssaf.portal.attempt"
    _description = "Urssaf Portal Registration Attempt"
    _log_access = False

    attempt_date = fields.Datetime(
        string="Date", required=True, index=True, default=fields.Datetime.now
    )
    ip_address = fields.Char(string="IP Address", required=True, index=True)
    partner_id = fields.Many2one("res.partner", index=True, ondelete="cascade")
    kind = fields.Selection(
        selection=[("form", "Form sent"), ("link", "Unknown or expired link")],
        required=True,
    )

    @api.model
    def _l10n_fr_urssaf_too_many(self, ip_address, partner=None):
        """Whether this IP address (or customer) tried too often lately."""
        since = fields.Datetime.now() - ATTEMPT_WINDOW
        by_ip = self.search_count(
            [("ip_address", "=", ip_address), ("attempt_date", ">=", since)],
            limit=IP_LIMIT,
        )
        if by_ip >= IP_LIMIT:
            return True
        return bool(partner) and (
            self.search_count(
                [
                    ("partner_id", "=", partner.id),
                    ("kind", "=", "form"),
                    ("attempt_date", ">=", since),
                ],
                limit=FORM_LIMIT,
            )
            >= FORM_LIMIT
        )

    @api.autovacuum
    def _gc_attempts(self):
        self.search(
            [("attempt_date", "<", fields.Datetime.now() - ATTEMPT_WINDOW)]
        ).unlink()
