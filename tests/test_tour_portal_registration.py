# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from html import unescape

from odoo.tests import HttpCase, tagged

from ..models.res_partner_portal import LINK_CONTEXT
from .common import SimulatorMixin, contact_values

MODULE = "l10n_fr_urssaf_avance_immediate"


@tagged("post_install", "-at_install")
class TestTourPortalRegistration(SimulatorMixin, HttpCase):
    def test_customer_fills_the_form_then_provider_registers(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["fr_FR"])
        admin = self.env.ref("base.user_admin")
        admin.lang = "fr_FR"
        admin.company_id.l10n_fr_urssaf_responsible_id = admin
        # What the provider knows: name, e-mail and address.
        partner = self.env["res.partner"].create(contact_values(self.env, lang="fr_FR"))
        url = (
            partner.with_user(admin)
            .with_context(**{LINK_CONTEXT: True})
            ._l10n_fr_urssaf_portal_url()
        )
        self.start_tour(
            url.removeprefix(partner.get_base_url()),
            "l10n_fr_urssaf_portal_registration",
        )
        self.assertEqual(partner.l10n_fr_urssaf_birth_commune_id.code, "35238")
        # The address as split, no suffix picked by the browser.
        self.assertEqual(partner.street, "8 rue du Soleil")
        self.assertFalse(partner.l10n_fr_urssaf_street_letter)
        self.assertEqual(partner.l10n_fr_urssaf_consent_id.lang, "fr_FR")
        self.assertIn("Je demande à", partner.l10n_fr_urssaf_consent_id.text)
        self.start_tour(
            f"/odoo/action-base.action_partner_form/{partner.id}",
            "l10n_fr_urssaf_portal_register",
            login="admin",
        )
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
        path = url.removeprefix(partner.get_base_url())
        self.assertIn(
            "Consultez l'e-mail de l'Urssaf", unescape(self.url_open(path).text)
        )
        # The footer's language selector: the customer may read it in English.
        page = self.url_open("/en" + path)
        self.assertIn("Check your e-mail from Urssaf", unescape(page.text))
