# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
import os
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..lib.client import PaymentRequestInfo, SubmissionResult, UrssafClient
from ..lib.codes import payment_status_label, payment_status_state
from ..lib.payload import build_payment_request_payload
from .test_payment_request import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestStatusHistory(PaymentRequestCommon):
    def history(self, request):
        return [
            (row.status_code, row.status_label, row.state, row.operation)
            for row in request.status_history_ids
        ]

    def record_calls(self):
        """Patch the client to record (operation, exchange ref) of each call."""
        calls = []
        original = UrssafClient._exchange

        def exchange(client, operation, *args, **kwargs):
            try:
                return original(client, operation, *args, **kwargs)
            finally:
                calls.append((operation, client.last_exchange_ref))

        self.startPatcher(patch.object(UrssafClient, "_exchange", exchange))
        return calls

    def test_full_path(self):
        calls = self.record_calls()
        move, request = self.sent_invoice()
        refs = [calls[-1][1]]
        self.simulator.advance(minutes=2)
        request.action_refresh()
        refs.append(calls[-1][1])
        # Validated then debited between two polls: 30 is never seen.
        self.simulator.validate(request.urssaf_id)
        self.simulator.advance(days=2)
        request.action_refresh()
        refs.append(calls[-1][1])
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        refs.append(calls[-1][1])
        self.assertEqual(
            self.history(request),
            [
                ("10", "Intégrée", "sent", "M050"),
                ("20", "En attente de validation", "waiting", "M070"),
                ("50", "Prélevée", "validated", "M070"),
                ("70", "Payée", "paid", "M070"),
            ],
        )
        self.assertEqual(request.status_history_ids.mapped("exchange_ref"), refs)
        operations = {ref: operation for operation, ref in calls}
        self.assertEqual(
            [operations[ref] for ref in refs],
            ["submit_payment_requests", *["search_payment_requests"] * 3],
        )
        self.assertEqual(len(set(refs)), 4)
        # Each status opens the journal entry of the call it came from.
        self.assertEqual(
            request.status_history_ids.exchange_id.mapped("operation"),
            ["M050", "M070", "M070", "M070"],
        )
        seen = request.status_history_ids.mapped("seen_at")
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(
            move.l10n_fr_urssaf_status_history_ids, request.status_history_ids
        )
        self.assertEqual(set(request.status_history_ids.move_id), {move})

    def test_refusal_reason(self):
        _move, request = self.refused_invoice(comment="3 heures, pas 4")
        refusal = request.status_history_ids[-1]
        self.assertRecordValues(
            refusal,
            [
                {
                    "status_code": "40",
                    "state": "refused",
                    "reason_code": "REGUL_NB_QTE_FACT",
                    "comment": "3 heures, pas 4",
                    "operation": "M070",
                }
            ],
        )
        self.assertIn("number of hours or quantities", refusal.reason)
        self.assertEqual(len(request.status_history_ids), 2)

    def test_poll_without_change_adds_nothing(self):
        _move, request = self.sent_invoice()
        request.action_refresh()
        request.sudo().next_check = fields.Datetime.now()
        self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
        self.assertEqual(self.history(request), [("10", "Intégrée", "sent", "M050")])
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        request.action_refresh()  # paid requests are watched a week
        self.assertEqual(
            [row.status_code for row in request.status_history_ids], ["10", "70"]
        )

    def test_cancellation_requested_then_confirmed(self):
        move, request = self.sent_invoice()
        move._l10n_fr_urssaf_cancel("ANNUL_ERR_MNT", "4 heures, pas 5")
        self.simulator.cancel(request.urssaf_id, "ANNUL_ERR_MNT")
        request.action_refresh()
        self.assertRecordValues(
            request.status_history_ids[1:],
            [
                {
                    "status_code": "10",
                    "state": "cancel_requested",
                    "reason_code": "ANNUL_ERR_MNT",
                    "comment": "4 heures, pas 5",
                    "operation": "cancellation",
                },
                {
                    "status_code": "110",
                    "state": "cancelled",
                    "reason_code": "ANNUL_ERR_MNT",
                    "comment": False,
                    "operation": "M070",
                },
            ],
        )
        self.assertEqual(
            request.status_history_ids[1].reason, "Cancelled: wrong amount invoiced"
        )
        self.assertFalse(request.status_history_ids[1].exchange_ref)

    def test_lost_answer_then_found(self):
        move = self.invoice(self.active_customer())
        self.simulator.inject_fault("demande", "drop")
        move._l10n_fr_urssaf_send()
        request = move.l10n_fr_urssaf_request_ids
        self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
        self.assertEqual(
            [(row.state, row.operation) for row in request.status_history_ids],
            [("to_reconcile", "M050"), ("sent", "M070")],
        )
        self.assertFalse(request.status_history_ids[0].status_code)
        self.assertTrue(request.status_history_ids[0].comment)

    def test_exchange_refs_without_urssaf(self):
        """Each row holds the ref the client put on the result it came from."""
        move = self.invoice(self.active_customer())
        payload = build_payment_request_payload(move._l10n_fr_urssaf_payment_request())
        move._l10n_fr_urssaf_record(
            None,
            [payload],
            [
                SubmissionResult(
                    index=0,
                    invoice_number=move.name,
                    payment_request_id="11000000000999",
                    status="10",
                    exchange_ref="ref-m050",
                )
            ],
            move._l10n_fr_urssaf_mark_in_flight([payload]),
        )
        Request = self.env["l10n.fr.urssaf.payment.request"]
        request = move.l10n_fr_urssaf_request_ids
        info = PaymentRequestInfo(
            payment_request_id=request.urssaf_id,
            status="20",
            status_label=payment_status_label("20"),
            state=payment_status_state("20"),
            exchange_ref="ref-m070",
        )
        request.sudo()._apply_search([info])
        self.assertEqual(
            request.status_history_ids.mapped("exchange_ref"), ["ref-m050", "ref-m070"]
        )
        # Not found by number twice: the ref of that search.
        lost = self.invoice(move.partner_id)
        lost_request = Request.sudo().create(
            {
                "name": lost.name,
                "move_id": lost.id,
                "partner_id": lost.partner_id.id,
                "company_id": self.company.id,
                "state": "to_reconcile",
                "last_check": fields.Datetime.now(),
                "environment": "simulation",
            }
        )
        lost_request._apply_search([], "ref-numbers")
        self.assertRecordValues(
            lost_request.status_history_ids,
            [
                {
                    "state": "error",
                    "reason_code": "NOT_RECEIVED",
                    "exchange_ref": "ref-numbers",
                }
            ],
        )

    def test_requests_sent_before_the_history(self):
        _move, request = self.refused_invoice()
        self.env.cr.execute(
            "DELETE FROM l10n_fr_urssaf_request_status WHERE request_id = %s",
            request.ids,
        )
        request.invalidate_recordset(["status_history_ids"])
        path = os.path.join(
            os.path.dirname(__file__), "../migrations/18.0.1.2.0/post-migrate.py"
        )
        spec = importlib.util.spec_from_file_location("post_migrate", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.assertRecordValues(
            request.status_history_ids,
            [
                {
                    "status_code": "40",
                    "status_label": "Refusée",
                    "state": "refused",
                    "reason_code": "REGUL_NB_QTE_FACT",
                    "seen_at": request.status_date,
                    "operation": "upgrade",
                }
            ],
        )

    def test_nobody_changes_the_history(self):
        move, request = self.sent_invoice()
        row = request.status_history_ids
        profiles = {
            "clerk": "account.group_account_invoice",
            "billing_admin": "account.group_account_manager",
            "system_admin": "account.group_account_manager,base.group_system",
        }
        for login, groups in profiles.items():
            user = new_test_user(
                self.env,
                login=f"history_{login}",
                groups=groups,
                company_id=self.company.id,
                company_ids=self.company.ids,
            )
            with self.subTest(user=login):
                mine = row.with_user(user)
                self.assertEqual(mine.status_code, "10")
                self.assertEqual(
                    move.with_user(user).l10n_fr_urssaf_status_history_ids, row
                )
                with self.assertRaises(AccessError):
                    mine.write({"state": "paid"})
                with self.assertRaises(AccessError):
                    mine.unlink()
                with self.assertRaises(AccessError):
                    self.env["l10n.fr.urssaf.request.status"].with_user(user).create(
                        {
                            "request_id": request.id,
                            "move_id": move.id,
                            "company_id": self.company.id,
                            "state": "paid",
                            "seen_at": fields.Datetime.now(),
                            "operation": "M070",
                        }
                    )
        # Not even the addon's own code.
        with self.assertRaises(AccessError):
            row.sudo().write({"state": "paid"})
        with self.assertRaises(AccessError):
            row.sudo().unlink()
        elsewhere = new_test_user(
            self.env,
            login="history_elsewhere",
            groups="account.group_account_manager",
            company_id=self.env.ref("base.main_company").id,
            company_ids=self.env.ref("base.main_company").ids,
        )
        History = self.env["l10n.fr.urssaf.request.status"].with_user(elsewhere)
        self.assertFalse(History.search([("id", "=", row.id)]))
        self.assertEqual(row.state, "sent")
