# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin

# Long enough to be cut by a narrow column.
LONG_NAME = "Éloïse-Marie-Thérèse de La Tour d'Auvergne-Lauraguais"


@tagged("post_install", "-at_install")
class TestTourDocuments(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_amounts_and_send_dialog(self):
        move = self.posted_invoice_of_admin_company()
        move.partner_id.name = LONG_NAME
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_urssaf_documents",
            login="admin",
        )
        # Blocked: the "why" column appears.
        move.company_id.l10n_fr_urssaf_sap_number = False
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_urssaf_documents_blocked",
            login="admin",
        )

    def portal_page(self, move):
        response = self.url_open(
            f"/my/invoices/{move.id}?access_token={move._portal_ensure_token()}"
        )
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_portal_offers_no_online_payment(self):
        payment = self.env["ir.module.module"].search(
            [("name", "=", "account_payment")]
        )
        if payment.state != "installed":
            self.skipTest("account_payment is not installed")
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        move = self.posted_invoice_of_admin_company()
        self.assertFalse(move._has_to_be_paid())
        page = self.portal_page(move)
        self.assertIn(move.name, page)
        self.assertNotIn('data-bs-target="#pay_with"', page)
        self.assertNotIn("Pay Now", page)

        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent", message)
        request = move.l10n_fr_urssaf_request_ids
        page = self.portal_page(move)
        self.assertNotIn("Pay Now", page)
        # What Urssaf debits, and no "due today".
        self.assertIn('id="l10n_fr_urssaf_portal_share"', page)
        self.assertNotIn("o_portal_sidebar_timeago", page)

        # Refused: the customer pays us, online too.
        self.simulator.refuse(request.urssaf_id, "REGUL_NB_QTE_FACT", "3 heures")
        request.action_refresh()
        self.assertEqual(move.l10n_fr_urssaf_state, "refused")
        self.assertTrue(move._has_to_be_paid())
        page = self.portal_page(move)
        self.assertIn('data-bs-target="#pay_with"', page)
        self.assertNotIn('id="l10n_fr_urssaf_portal_share"', page)
        self.assertIn("o_portal_sidebar_timeago", page)
