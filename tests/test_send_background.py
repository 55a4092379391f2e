# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What Urssaf recorded is committed at once; large selections are sent in
the background."""

from contextlib import suppress
from unittest.mock import patch

from odoo.tests import Form, tagged

from ..models.account_move import BACKGROUND_THRESHOLD
from .common import PAUL
from .test_payment_request import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestCommitAfterEachCall(PaymentRequestCommon):
    def commits(self, counter):
        """Allow commits, and record ``counter()`` at each one instead."""
        seen = []
        Move = type(self.env["account.move"])
        self.startPatcher(patch.object(Move, "_can_commit", staticmethod(lambda: True)))
        self.patch(self.env.cr, "commit", lambda: seen.append(counter()))
        return seen

    def test_each_batch_of_ten_is_committed(self):
        partner = self.active_customer()
        moves = self.env["account.move"].union(
            *(self.invoice(partner) for _i in range(25))
        )
        seen = self.commits(
            lambda: len(moves.l10n_fr_urssaf_request_ids.filtered("urssaf_id"))
        )
        moves._l10n_fr_urssaf_send()
        # The two first batches marked in flight, then each answer recorded
        # with the next batch marked: a commit per call.
        self.assertEqual(seen, [0, 10, 20, 25])

    def test_each_registration_is_committed(self):
        partners = self.make_customer() | self.make_customer(**PAUL)
        seen = self.commits(lambda: len(self.simulator.customers()))
        partners.action_l10n_fr_urssaf_register()
        self.assertEqual(seen, [1, 2])

    def test_failure_after_a_batch_keeps_it(self):
        """A failure in the third call leaves the first two recorded."""
        partner = self.active_customer()
        moves = self.env["account.move"].union(
            *(self.invoice(partner) for _i in range(25))
        )
        Move = type(self.env["account.move"])
        original = Move._l10n_fr_urssaf_send_batch
        calls = []

        def batch(records, client):
            calls.append(records)
            if len(calls) == 3:
                raise MemoryError("worker killed")
            return original(records, client)

        seen = self.commits(lambda: len(moves.l10n_fr_urssaf_request_ids))
        # Not assertRaises: its savepoint would undo what was "committed".
        with (
            patch.object(Move, "_l10n_fr_urssaf_send_batch", batch),
            suppress(MemoryError),
        ):
            moves._l10n_fr_urssaf_send()
        # The two first batches were marked in flight and committed before
        # their calls: what Urssaf got is searched by number, not sent again.
        self.assertEqual(seen, [20])
        self.assertEqual(len(self.simulator.payment_requests()), 20)
        results = moves._l10n_fr_urssaf_send()
        outcomes = [outcome for outcome, _m in results.values()]
        self.assertEqual(outcomes.count("sent"), 5)
        self.assertEqual(len(self.simulator.payment_requests()), 25)


@tagged("post_install", "-at_install")
class TestBackgroundSending(PaymentRequestCommon):
    def test_large_selection_goes_to_the_background(self):
        partner = self.active_customer()
        count = BACKGROUND_THRESHOLD + 5
        moves = self.env["account.move"].union(
            *(self.invoice(partner) for _i in range(count))
        )
        calls = self.count_calls()
        action = moves.action_l10n_fr_urssaf_send()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        notice = wizard.action_send()
        self.assertIn("in the background", notice["params"]["message"])
        self.assertEqual(calls, [])
        self.assertEqual(len(moves.filtered("l10n_fr_urssaf_queued_by_id")), count)
        progress = []
        Cron = type(self.env["ir.cron"])

        def notify(cron, *, done, remaining, deactivate=False):
            progress.append((done, remaining))

        with patch.object(Cron, "_notify_progress", notify):
            self.env["account.move"].sudo()._cron_l10n_fr_urssaf_send()
        self.assertEqual(calls.count("submit_payment_requests"), 6)
        self.assertEqual(set(moves.mapped("l10n_fr_urssaf_state")), {"sent"})
        self.assertFalse(moves.filtered("l10n_fr_urssaf_queued_by_id"))
        self.assertEqual(progress, [(count, 0)])
        notices = self.env.cr.precommit.data.get("bus.bus.values", [])
        self.assertTrue(any("sending to Urssaf done" in n["message"] for n in notices))

    def test_invoices_that_cannot_go_leave_the_queue(self):
        partner = self.active_customer()
        good = self.invoice(partner)
        bad = self.invoice(partner, post=False)
        (good | bad)._l10n_fr_urssaf_queue()
        self.env["account.move"].sudo()._cron_l10n_fr_urssaf_send()
        self.assertEqual(good.l10n_fr_urssaf_state, "sent")
        self.assertFalse((good | bad).filtered("l10n_fr_urssaf_queued_by_id"))

    def test_small_selection_sent_at_once(self):
        move = self.invoice(self.active_customer())
        action = move.action_l10n_fr_urssaf_send()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        wizard.action_send()
        self.assertEqual(move.l10n_fr_urssaf_state, "sent")
