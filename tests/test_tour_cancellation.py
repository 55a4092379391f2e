# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourCancellation(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_cancel_a_paid_invoice_and_reissue_it(self):
        move = self.posted_invoice_of_admin_company()
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent", message)
        request = move.l10n_fr_urssaf_request_ids
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(move.l10n_fr_urssaf_state, "paid")
        self.assertTrue(request.payment_id)

        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_urssaf_cancellation",
            login="admin",
        )

        self.env.invalidate_all()
        self.assertRecordValues(
            request,
            [{"state": "cancelled", "status": "110", "cancel_reason": "ANNUL_DBL"}],
        )
        self.assertRecordValues(
            move,
            [
                {
                    "l10n_fr_urssaf_state": "cancelled",
                    "l10n_fr_urssaf_cancelled": True,
                    "payment_state": "reversed",
                }
            ],
        )
        refund = move.reversal_move_ids
        self.assertRecordValues(
            refund,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "amount_total": move.amount_total,
                }
            ],
        )
        reissue = self.env["account.move"].search(
            [("l10n_fr_urssaf_reissue_of_id", "=", move.id)]
        )
        self.assertRecordValues(
            reissue,
            [
                {
                    "move_type": "out_invoice",
                    "state": "draft",
                    "partner_id": move.partner_id.id,
                    "amount_total": move.amount_total,
                }
            ],
        )
        urssaf = move.company_id.l10n_fr_urssaf_cancellation_email
        self.assertEqual(urssaf, "avance-immediate@urssaf.fr")
        sent = request.message_ids.filtered(
            lambda m: urssaf in m.partner_ids.mapped("email")
        )
        self.assertEqual(len(sent), 1, "The cancellation e-mail went to Urssaf")
        self.assertIn(request.urssaf_id, sent.subject)
