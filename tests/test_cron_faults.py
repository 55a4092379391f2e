# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The status cron never jams: whatever one record does, the others go on,
and a person gets the problem as an activity."""

from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_payment_request import PaymentRequestCommon

MODELS_LOGGER = "odoo.addons.l10n_fr_urssaf_avance_immediate.models"


@tagged("post_install", "-at_install")
class TestCronFaults(PaymentRequestCommon):
    def setUp(self):
        super().setUp()
        self.partner = self.active_customer()
        self.responsible = new_test_user(
            self.env,
            "urssaf_responsible",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        self.company.l10n_fr_urssaf_responsible_id = self.responsible

    def due_requests(self, count, step="validate"):
        moves = self.env["account.move"].union(
            *(self.invoice(self.partner, invoice_user_id=False) for _i in range(count))
        )
        moves._l10n_fr_urssaf_send()
        requests = moves.l10n_fr_urssaf_request_ids
        for request in requests:
            getattr(self.simulator, step)(request.urssaf_id)
        requests.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
        return requests

    def run_cron_as_odoobot(self):
        Request = self.env["l10n.fr.urssaf.payment.request"]
        with mute_logger(MODELS_LOGGER):
            Request.with_user(SUPERUSER_ID)._cron_refresh()

    def test_payout_that_cannot_be_booked_leaves_an_activity(self):
        journal = self.company.l10n_fr_urssaf_journal_id
        journal.inbound_payment_method_line_ids.unlink()
        requests = self.due_requests(3, step="pay")
        self.run_cron_as_odoobot()
        self.assertEqual(set(requests.mapped("state")), {"paid"})
        self.assertFalse(requests.payment_id)
        for move in requests.move_id:
            activity = move.activity_ids
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.summary, "Avance immédiate: payout to book")
            self.assertEqual(activity.user_id, self.responsible)
        # Polled again, not booked again, not told twice; booked once fixed.
        requests.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
        self.run_cron_as_odoobot()
        self.assertEqual(len(requests.move_id.activity_ids), 3)
        journal.inbound_payment_method_line_ids = [
            fields.Command.create(
                {
                    "payment_method_id": self.env.ref(
                        "account.account_payment_method_manual_in"
                    ).id
                }
            )
        ]
        requests.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
        self.run_cron_as_odoobot()
        self.assertEqual(len(requests.payment_id), 3)

    def test_payout_registered_by_hand_is_not_asked_again(self):
        journal = self.company.l10n_fr_urssaf_journal_id
        journal.inbound_payment_method_line_ids.unlink()
        requests = self.due_requests(1, step="pay")
        self.run_cron_as_odoobot()
        move = requests.move_id
        move.activity_ids.action_done()
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": self.company_data["default_journal_cash"].id})
            ._create_payments()
        )
        # That payment is the payout: nothing is asked or booked again.
        self.assertEqual(requests.payment_id, payment)
        requests.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
        self.run_cron_as_odoobot()
        self.assertFalse(move.activity_ids)
        self.assertEqual(requests.payment_id, payment)

    def test_any_error_on_one_request_spares_the_others(self):
        requests = self.due_requests(12)
        bad = requests.sorted("id")[3]
        Request = type(self.env["l10n.fr.urssaf.payment.request"])
        original = Request._write_info

        def failing(request, info, now):
            if request == bad:
                raise KeyError("account 411000 missing")
            return original(request, info, now)

        with patch.object(Request, "_write_info", failing):
            self.run_cron_as_odoobot()
        self.assertEqual(set((requests - bad).mapped("state")), {"validated"})
        self.assertEqual(bad.state, "sent")
        self.assertGreater(bad.next_check, fields.Datetime.now())
        activity = bad.move_id.activity_ids
        self.assertEqual(activity.summary, "Avance immédiate: status not recorded")
        self.assertIn("account 411000 missing", activity.note)
        self.assertEqual(activity.user_id, self.responsible)

    def test_progress_is_cumulative(self):
        requests = self.due_requests(23)
        progress = []
        Cron = type(self.env["ir.cron"])

        def notify(cron, *, done, remaining, deactivate=False):
            progress.append((done, remaining))

        with patch.object(Cron, "_notify_progress", notify):
            self.run_cron_as_odoobot()
        self.assertEqual(progress, [(10, 13), (20, 3), (23, 0)])
        self.assertEqual(set(requests.mapped("state")), {"validated"})

    def test_activities_never_go_to_odoobot(self):
        self.company.l10n_fr_urssaf_responsible_id = False
        requests = self.due_requests(1, step="refuse")
        self.run_cron_as_odoobot()
        activity = requests.move_id.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertNotEqual(activity.user_id.id, SUPERUSER_ID)
        self.assertFalse(activity.user_id.share)
        salesperson = self.responsible
        move = self.invoice(self.partner, invoice_user_id=salesperson.id)
        self.assertEqual(
            self.company._l10n_fr_urssaf_responsible(move.invoice_user_id),
            salesperson,
        )

    def test_each_batch_read_once_although_commits_clear_the_cache(self):
        """The cron commits after each batch, which clears the cache: the
        search keys of every batch are read before, each batch's rows once."""
        requests = self.due_requests(25)
        self.env.invalidate_all()
        Request = type(requests)
        fetch_query = Request._fetch_query
        reads = []

        def counting(records, *args, **kwargs):
            if records._name == requests._name and records:
                reads.append(records.ids)
            return fetch_query(records, *args, **kwargs)

        with patch.object(Request, "_fetch_query", counting):
            errors = requests._refresh(
                after_batch=lambda batch: self.env.invalidate_all()
            )
        self.assertFalse(errors)
        self.assertEqual(set(requests.mapped("state")), {"validated"})
        # Every key and what the journal links to, read up front; then one
        # read per batch of 10.
        self.assertEqual([len(ids) for ids in reads], [25, 10, 10, 5])

    def test_changed_statuses_recorded_in_bulk(self):
        """A batch whose statuses all change logs its notes in one create per
        model, and computes who collects its invoices once before its writes
        and once after, not per request."""
        requests = self.due_requests(10)
        Message = type(self.env["mail.message"])
        Move = type(self.env["account.move"])
        create, compute = Message.create, Move._compute_l10n_fr_urssaf_collected
        created, computed = [], []

        def counting_create(model, vals_list):
            created.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return create(model, vals_list)

        def counting_compute(moves):
            computed.append(len(moves))
            return compute(moves)

        with (
            patch.object(Message, "create", counting_create),
            patch.object(Move, "_compute_l10n_fr_urssaf_collected", counting_compute),
        ):
            self.assertFalse(requests._refresh())
        self.assertEqual(set(requests.mapped("state")), {"validated"})
        self.assertEqual(created, [10, 10])
        self.assertEqual(computed, [10, 10])
        for request in requests:
            self.assertIn("Validée", request.move_id.message_ids[0].body)
            self.assertIn("Validée", request.message_ids[0].body)
