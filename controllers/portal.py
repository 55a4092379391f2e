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


class UrssafPortalRegistration(http.Controller):
    """The customer's registration form, reached by the signed link the
    provider e-mails: nothing but that customer is read or written."""

    def _l10n_fr_urssaf_attempts(self):
        return request.env["l10n.fr.urssaf.portal.attempt"].sudo()

    def _l10n_fr_urssaf_open(self, token):
        """``(partner, company, sender)`` of the link, or the page to show
        instead."""
        ip_address = request.httprequest.remote_addr
        Attempt = self._l10n_fr_urssaf_attempts()
        if Attempt._l10n_fr_urssaf_too_many(ip_address):
            return None, self._l10n_fr_urssaf_page("too_many", status=429)
        found = request.env["res.partner"]._l10n_fr_urssaf_from_portal_token(token)
        if not found:
            Attempt.create({"ip_address": ip_address, "kind": "link"})
            return None, self._l10n_fr_urssaf_page("invalid", status=403)
        return found, None

    def _l10n_fr_urssaf_lang(self, partner):
        """The page in the customer's language, unless the footer's language
        selector (or an earlier visit) chose one."""
        installed = dict(request.env["res.lang"].get_installed())
        if (
            not request.httprequest.cookies.get("frontend_lang")
            and partner.lang in installed
        ):
            request.update_context(lang=partner.lang)
            request.future_response.set_cookie("frontend_lang", partner.lang)

    def _l10n_fr_urssaf_page(self, problem, status=200, **values):
        return request.render(
            "l10n_fr_urssaf_avance_immediate.portal_registration",
            {"problem": problem, **values},
            status=status,
        )

    @http.route(
        "/urssaf/registration/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def l10n_fr_urssaf_registration(self, token, **form):
        found, page = self._l10n_fr_urssaf_open(token)
        if page:
            return page
        partner, company, sender = found
        self._l10n_fr_urssaf_lang(partner)
        # As superuser: the link grants this customer's form, nothing else.
        partner = request.env["res.partner"].sudo().browse(partner.id)
        partner = partner.with_company(company)
        # Registered, or sent through this link: the status only.
        closed = partner._l10n_fr_urssaf_portal_done() or (
            partner.l10n_fr_urssaf_customer_id and not partner.l10n_fr_urssaf_elsewhere
        )
        errors, choices = {}, []
        values = partner._l10n_fr_urssaf_portal_form()
        if request.httprequest.method == "POST" and not closed:
            ip_address = request.httprequest.remote_addr
            Attempt = self._l10n_fr_urssaf_attempts()
            if Attempt._l10n_fr_urssaf_too_many(ip_address, partner):
                return self._l10n_fr_urssaf_page("too_many", status=429)
            Attempt.create(
                {"ip_address": ip_address, "partner_id": partner.id, "kind": "form"}
            )
            errors, choices = partner._l10n_fr_urssaf_portal_submit(
                form, company, sender, ip_address
            )
            if not errors:
                return request.redirect(request.httprequest.path, code=303)
            values.update({key: form.get(key, "") for key in values})
        level, status = partner._l10n_fr_urssaf_portal_status()
        return self._l10n_fr_urssaf_page(
            None,
            status=400 if errors else 200,
            partner=partner,
            res_company=company,
            provider=company,
            closed=closed,
            # Sent, not registered yet: what the customer gave, to check.
            recap=partner._l10n_fr_urssaf_portal_done()
            and not partner.l10n_fr_urssaf_customer_id
            and partner._l10n_fr_urssaf_portal_recap(),
            email_locked=bool(partner._l10n_fr_urssaf_users()),
            level=level,
            status_text=status,
            values=values,
            errors=errors,
            choices=choices,
            masked_iban=partner._l10n_fr_urssaf_masked_iban(),
            consent_text=partner._l10n_fr_urssaf_consent_text(company),
            countries=request.env["res.country"].sudo().search([]),
            street_letters=partner._fields["l10n_fr_urssaf_street_letter"].selection,
            road_types=partner._fields["l10n_fr_urssaf_road_type"].selection,
        )

    @http.route(
        "/urssaf/registration/<string:token>/communes",
        type="json",
        auth="public",
    )
    def l10n_fr_urssaf_registration_communes(self, token, term=""):
        """Birth communes matching a name or postal code, for the form."""
        found, page = self._l10n_fr_urssaf_open(token)
        if page or not 2 <= len(term or "") <= 64:
            return []
        communes = request.env["res.partner"]._l10n_fr_urssaf_portal_communes(
            term, limit=10
        )
        return [commune._l10n_fr_urssaf_portal_label() for commune in communes]
