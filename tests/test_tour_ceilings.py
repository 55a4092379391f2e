# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourCeilings(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_send_dialog_warns_past_the_yearly_ceiling(self):
        move = self.posted_invoice_of_admin_company()  # 132.00
        earlier = move.copy(
            {
                "invoice_date": move.invoice_date,
                "l10n_fr_urssaf_service_start": move.l10n_fr_urssaf_service_start,
                "l10n_fr_urssaf_service_end": move.l10n_fr_urssaf_service_end,
            }
        )
        earlier.invoice_line_ids.write({"quantity": 1, "price_unit": 10800})
        earlier.action_post()  # 11,880.00
        self.assertEqual(earlier._l10n_fr_urssaf_send()[earlier][0], "sent")
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_urssaf_ceiling_warning",
            login="admin",
        )
        self.assertEqual(move.l10n_fr_urssaf_state, "sent")
