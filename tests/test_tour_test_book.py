# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourTestBook(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_test_book_from_the_settings(self):
        move = self.posted_invoice_of_admin_company()
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent", message)
        self.start_tour(
            "/odoo/settings#account", "l10n_fr_urssaf_test_book", login="admin"
        )
        company = move.company_id.sudo()
        self.assertTrue(company.l10n_fr_urssaf_test_book)
