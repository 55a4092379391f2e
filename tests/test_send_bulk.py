# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sending in bulk: queries per batch, not per invoice; each batch marked in
flight and committed before its call, so that nothing is ever sent twice."""

from contextlib import suppress
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..lib.client import UrssafClient
from .test_payment_request import PaymentRequestCommon

LIVE = (
    "SELECT name FROM l10n_fr_urssaf_payment_request "
    "WHERE move_id IN %s AND state != 'error'"
)


@tagged("post_install", "-at_install")
class TestBulkSending(PaymentRequestCommon):
    def setUp(self):
        super().setUp()
        self.partner = self.active_customer()

    def invoices(self, count):
        return self.env["account.move"].union(
            *(self.invoice(self.partner) for _i in range(count))
        )

    def submitted(self):
        """The invoice numbers of each sending call, as Urssaf got them."""
        calls = []
        original = UrssafClient.submit_payment_requests

        def submit(client, payloads):
            calls.append([payload["numFactureTiers"] for payload in payloads])
            return original(client, payloads)

        self.startPatcher(patch.object(UrssafClient, "submit_payment_requests", submit))
        return calls

    def queries_to_send(self, moves):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        results = moves._l10n_fr_urssaf_send()
        return self.env.cr.sql_log_count - before, results

    def test_queries_per_batch_not_per_invoice(self):
        """25 invoices in 3 calls; 10 more invoices cost at most 3 queries
        each (one create, one note per model, one history create... per
        batch of 10)."""
        calls = self.submitted()
        moves = self.invoices(25)
        results = moves._l10n_fr_urssaf_send()
        self.assertEqual([len(numbers) for numbers in calls], [10, 10, 5])
        self.assertEqual({outcome for outcome, _m in results.values()}, {"sent"})
        ten, _results = self.queries_to_send(self.invoices(10))
        twenty, _results = self.queries_to_send(self.invoices(20))
        self.assertLessEqual((twenty - ten) / 10, 3)

    def test_marked_in_flight_before_each_call(self):
        """A worker killed once Urssaf answered: what Urssaf got was committed
        as in flight before the call, is found by its number, and never sent
        again."""
        moves = self.invoices(15)
        Move = type(self.env["account.move"])
        self.startPatcher(patch.object(Move, "_can_commit", staticmethod(lambda: True)))
        committed = []  # per commit, the invoice numbers with a live request

        def commit():
            self.env.flush_all()
            self.env.cr.execute(LIVE, [tuple(moves.ids)])
            committed.append({row[0] for row in self.env.cr.fetchall()})

        self.patch(self.env.cr, "commit", commit)
        calls = []
        original = UrssafClient.submit_payment_requests

        def submit(client, payloads):
            # In the worker thread: no ORM here.
            calls.append(([p["numFactureTiers"] for p in payloads], len(committed)))
            return original(client, payloads)

        def killed(*args, **kwargs):
            raise MemoryError("worker killed")

        with (
            patch.object(UrssafClient, "submit_payment_requests", submit),
            patch.object(Move, "_l10n_fr_urssaf_record", killed),
            suppress(MemoryError),
        ):
            moves._l10n_fr_urssaf_send()
        self.assertEqual(len(self.simulator.payment_requests()), 15)
        for numbers, commits in calls:
            self.assertTrue(commits, "a call went out before any commit")
            self.assertLessEqual(set(numbers), committed[commits - 1])
        # The last commit is what a killed worker leaves: answers unknown.
        self.assertEqual(committed[-1], set(moves.mapped("name")))
        self.assertEqual(set(moves.mapped("l10n_fr_urssaf_state")), {"to_reconcile"})
        requests = moves.l10n_fr_urssaf_request_ids
        self.assertTrue(all(requests.mapped("next_check")))
        # Sent again: nothing goes. Found by number: followed.
        results = moves._l10n_fr_urssaf_send()
        self.assertEqual({outcome for outcome, _m in results.values()}, {"not_sent"})
        requests.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
        self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
        self.assertEqual(set(moves.mapped("l10n_fr_urssaf_state")), {"sent"})
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(self.simulator.payment_requests()), 15)

    def test_results_in_the_selection_order(self):
        """Not sent, lost answers, sent: each invoice's outcome and message as
        before, in the same order."""
        draft = self.invoice(self.partner, post=False)
        moves = self.invoices(12)
        self.simulator.inject_fault("demande", "drop")  # the first call
        results = (draft | moves)._l10n_fr_urssaf_send()
        self.assertEqual(list(results), [draft, *moves])
        self.assertEqual(results[draft], ("not_sent", "Confirm the invoice first."))
        lost = moves[:10]
        for move in lost:
            outcome, message = results[move]
            self.assertEqual(outcome, "unknown")
            self.assertIn("The Urssaf answer was lost", message)
        for move in moves[10:]:
            outcome, message = results[move]
            self.assertEqual(outcome, "sent")
            self.assertIn(move.l10n_fr_urssaf_request_ids.urssaf_id, message)
        self.assertEqual(set(lost.mapped("l10n_fr_urssaf_state")), {"to_reconcile"})
        self.assertEqual(
            set(lost.l10n_fr_urssaf_request_ids.mapped("status_history_ids.operation")),
            {"M050"},
        )
        self.assertFalse(
            any(moves[10:].l10n_fr_urssaf_request_ids.mapped("error_message"))
        )

    def test_call_that_never_reached_urssaf(self):
        """Urssaf processed nothing (maintenance): the in-flight requests go,
        the invoices are to send, and they go at the next try."""
        moves = self.invoices(3)
        self.simulator.inject_fault("demande", "maintenance_503")
        results = moves._l10n_fr_urssaf_send()
        self.assertEqual({outcome for outcome, _m in results.values()}, {"not_sent"})
        self.assertFalse(moves.l10n_fr_urssaf_request_ids)
        self.assertEqual(set(moves.mapped("l10n_fr_urssaf_state")), {"to_send"})
        results = moves._l10n_fr_urssaf_send()
        self.assertEqual({outcome for outcome, _m in results.values()}, {"sent"})
        self.assertEqual(len(self.simulator.payment_requests()), 3)
