# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourMoney(UrssafTourMixin, SimulatorMixin, HttpCase):
    def open_invoice(self, move, tour):
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            tour,
            login="admin",
        )

    def sent_invoice(self):
        move = self.posted_invoice_of_admin_company()
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent", message)
        return move, move.l10n_fr_urssaf_request_ids

    def test_payment_by_hand_while_urssaf_collects(self):
        move, _request = self.sent_invoice()
        self.open_invoice(move, "l10n_fr_urssaf_double_payment")
        self.assertIn(move.payment_state, ("in_payment", "paid"))

    def test_without_avance_immediate_and_back(self):
        move = self.posted_invoice_of_admin_company()
        self.open_invoice(move, "l10n_fr_urssaf_without_avance_immediate")
        self.assertRecordValues(
            move,
            [{"l10n_fr_urssaf_excluded": False, "l10n_fr_urssaf_state": "to_send"}],
        )
        # The tour went through "excluded": its change is in the chatter.
        tracked = move.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "l10n_fr_urssaf_excluded"
        )
        self.assertEqual(len(tracked), 2)

    def test_refused_banner_then_cancellation(self):
        move, request = self.sent_invoice()
        self.simulator.refuse(request.urssaf_id, "CONTEST_ERR_FACT", "3 heures, pas 4")
        request.action_refresh()
        self.assertTrue(move.activity_ids)
        self.open_invoice(move, "l10n_fr_urssaf_refused")
        self.env.invalidate_all()
        self.assertTrue(move.l10n_fr_urssaf_cancelled)
        self.assertFalse(move.activity_ids)
