# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount

from ..models.account_move import COLLECTED_STATES
from ..models.l10n_fr_urssaf_tax_statement import TAX_STATEMENT_REPORT

STATEMENT = "l10n.fr.urssaf.tax.statement"


class UrssafPortalAccount(PortalAccount):
    def _get_overdue_invoices_domain(self, partner_id=None):
        # The portal's "pay overdue invoices" never offers one Urssaf collects.
        return [
            *super()._get_overdue_invoices_domain(partner_id),
            ("l10n_fr_urssaf_state", "not in", COLLECTED_STATES),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "l10n_fr_urssaf_tax_statement_count" in counters:
            Statement = request.env[STATEMENT]
            values["l10n_fr_urssaf_tax_statement_count"] = (
                Statement.search_count([], limit=1)
                if Statement.has_access("read")
                else 0
            )
        return values

    @http.route("/my/tax_statements", type="http", auth="user", website=True)
    def portal_my_tax_statements(self, **kw):
        """The customer's attestations fiscales, the newest first (record
        rules keep them to the customer's own)."""
        values = self._prepare_portal_layout_values()
        values.update(
            statements=request.env[STATEMENT].search([]),
            page_name="l10n_fr_urssaf_tax_statements",
        )
        return request.render(
            "l10n_fr_urssaf_avance_immediate.portal_my_tax_statements", values
        )

    @http.route(
        "/my/tax_statements/<int:statement_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_tax_statement(
        self, statement_id, access_token=None, download=False, **kw
    ):
        """The attestation's PDF, for its customer or the link's holder."""
        try:
            statement = self._document_check_access(
                STATEMENT, statement_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=statement,
            report_type="pdf",
            report_ref=TAX_STATEMENT_REPORT,
            download=download,
        )
