# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import PAUL
from .test_payment_request import PaymentRequestCommon

REASONS = ("ANNUL_DBL", "ANNUL_ERR_MNT", "ANNUL_ERR_TECH", "ANNUL_AUTRE")


@tagged("post_install", "-at_install")
class TestCancellation(PaymentRequestCommon):
    def cancel(self, move, reason="ANNUL_ERR_MNT", comment=None):
        """Go through the dialog as a user; return what it showed and the
        action it gave."""
        action = move.button_request_cancel()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.reason = reason
        if comment:
            form.comment = comment
        wizard = form.save()
        shown = {
            "asks_urssaf": wizard.asks_urssaf,
            "payout_warning": wizard.payout_warning,
            "outcome": wizard.outcome,
        }
        return shown, wizard.action_confirm()

    def reach(self, request, status):
        """Drive the simulated Urssaf to ``status`` and refresh the request."""
        steps = {
            "10": [],
            "20": [],
            "30": [self.simulator.validate],
            "70": [self.simulator.pay],
            "60": [self.simulator.validate, self.simulator.bounce],
            "40": [self.simulator.refuse],
        }[status]
        for step in steps:
            step(request.urssaf_id)
        if status == "20":
            self.simulator.advance(minutes=2)
        request.action_refresh()

    def test_each_status_and_reason(self):
        paths = {
            "10": "cancel_requested",
            "20": "cancel_requested",
            "30": "cancel_requested",
            "70": "cancel_requested",
            "40": "refused",
            # Last: a bounced debit blocks the customer at Urssaf.
            "60": "cancel_requested",
        }
        partner = self.active_customer()
        for index, (status, expected) in enumerate(paths.items()):
            reason = REASONS[index % len(REASONS)]
            with self.subTest(status=status, reason=reason):
                move, request = self.sent_invoice(partner)
                self.reach(request, status)
                self.assertEqual(request.status_code, status)
                shown, action = self.cancel(move, reason, comment="Erreur de saisie")
                refund = move.reversal_move_ids
                self.assertEqual(refund.state, "posted")
                self.assertEqual(refund.amount_total, move.amount_total)
                self.assertEqual(move.payment_state, "reversed")
                self.assertEqual(request.state, expected)
                asks = expected == "cancel_requested"
                self.assertEqual(shown["asks_urssaf"], asks)
                self.assertEqual(
                    action.get("res_model") == "mail.compose.message", asks
                )
                self.assertEqual(
                    move.l10n_fr_urssaf_state, expected if asks else "cancelled"
                )
                self.assertEqual(request.cancel_reason, reason if asks else False)
                self.assertIn("Cancelled by credit note", move.message_ids[0].body)
                # Cancelled once: no second credit note.
                self.assertTrue(move._l10n_fr_urssaf_cancel_problem())
                self.simulator.advance(minutes=1)

    def test_rejected_at_sending_is_cancelled_here_only(self):
        move = self.rejected_invoice()
        shown, action = self.cancel(move, "ANNUL_ERR_TECH")
        self.assertFalse(shown["asks_urssaf"])
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertEqual(move.l10n_fr_urssaf_state, "cancelled")
        self.assertEqual(move.payment_state, "reversed")

    def test_cancellation_email(self):
        move, request = self.sent_invoice()
        _shown, action = self.cancel(move, "ANNUL_DBL", comment="Envoyée deux fois")
        composer = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        body = str(composer.body)
        for expected in (
            request.urssaf_id,
            move.name,
            "132",
            "Jeanne Martin",
            "ANNUL_DBL",
            "Envoyée deux fois",
            "SAP123456789",
        ):
            self.assertIn(expected, body)
        self.assertIn(request.urssaf_id, composer.subject)
        self.assertEqual(
            composer.partner_ids.email, self.company.l10n_fr_urssaf_cancellation_email
        )
        self.assertEqual(
            self.company.l10n_fr_urssaf_cancellation_email, "avance-immediate@urssaf.fr"
        )
        composer._action_send_mail()
        self.assertIn("Cancellation e-mail sent to Urssaf", move.message_ids[0].body)
        self.assertIn(
            "avance-immediate@urssaf.fr",
            request.message_ids[0].mail_ids.email_to
            or request.message_ids[0].partner_ids.email,
        )

    def test_cancellation_email_can_be_written_again(self):
        move, request = self.sent_invoice()
        self.cancel(move)
        action = move.action_l10n_fr_urssaf_cancellation_email()
        self.assertEqual(action["context"]["default_res_ids"], request.ids)

    def test_polled_until_urssaf_confirms(self):
        move, request = self.sent_invoice()
        self.cancel(move, "ANNUL_ERR_MNT")
        self.assertTrue(request.next_check)
        # Urssaf has not processed the e-mail yet: still waiting.
        self.simulator.advance(minutes=2)
        request.action_refresh()
        self.assertEqual(request.state, "cancel_requested")
        self.assertEqual(request.status_code, "20")
        self.simulator.cancel(request.urssaf_id, "ANNUL_ERR_MNT")
        request.action_refresh()
        self.assertRecordValues(
            request, [{"state": "cancelled", "status": "110", "next_check": False}]
        )
        self.assertIn("Urssaf confirmed the cancellation", move.message_ids[0].body)
        self.assertEqual(move.l10n_fr_urssaf_state, "cancelled")

    def test_urssaf_reports_otherwise(self):
        move, request = self.sent_invoice()
        self.cancel(move)
        self.simulator.refuse(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(request.state, "refused")
        self.assertIn("instead of the cancellation", move.message_ids[0].body)

    def test_payout_already_received(self):
        move, request = self.sent_invoice()
        self.reach(request, "70")
        payment = request.payment_id
        self.assertTrue(payment)
        shown, _action = self.cancel(move, "ANNUL_ERR_MNT")
        # Said once, in the warning, not again in what will happen.
        self.assertIn("debits that amount back", shown["payout_warning"])
        self.assertIn("132", shown["payout_warning"])
        self.assertNotIn("debits", shown["outcome"])
        self.assertIn("debits that amount", move.message_ids[0].body)
        # Balanced: the credit note settles the invoice, the payout is left as
        # the customer's credit until Urssaf debits it back.
        self.assertEqual(move.payment_state, "reversed")
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertFalse(receivable.reconciled)
        self.assertAlmostEqual(receivable.amount_residual, -132.0)

    def test_reissue(self):
        move, request = self.sent_invoice()
        self.cancel(move, "ANNUL_ERR_MNT")
        action = move.action_l10n_fr_urssaf_reissue()
        new = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(new.state, "draft")
        self.assertIn(f'data-oe-id="{new.id}"', move.message_ids[0].body)
        self.assertEqual(new.l10n_fr_urssaf_reissue_of_id, move)
        self.assertEqual(
            (new.l10n_fr_urssaf_service_start, new.l10n_fr_urssaf_service_end),
            (move.l10n_fr_urssaf_service_start, move.l10n_fr_urssaf_service_end),
        )
        self.assertEqual(
            new.invoice_line_ids.mapped("l10n_fr_urssaf_nature_code"), ["60"]
        )
        new.invoice_line_ids.quantity = 3
        new.invoice_date = move.invoice_date
        new.action_post()
        self.assertNotEqual(new.name, move.name)
        self.assertEqual(new._l10n_fr_urssaf_send()[new][0], "sent")
        self.assertNotEqual(new.l10n_fr_urssaf_request_ids.urssaf_id, request.urssaf_id)

    def test_reissue_needs_cancellation_first(self):
        move, _request = self.sent_invoice()
        with self.assertRaises(UserError):
            move.action_l10n_fr_urssaf_reissue()

    def test_credit_note_explains_it_is_not_sent(self):
        move, _request = self.sent_invoice()
        self.cancel(move)
        refund = move.reversal_move_ids
        self.assertIn(
            "Credit notes are never sent", refund._l10n_fr_urssaf_send_problems()[0]
        )

    def test_other_reason_needs_a_comment(self):
        move, _request = self.sent_invoice()
        action = move.button_request_cancel()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "ANNUL_AUTRE"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(move.l10n_fr_urssaf_cancelled)

    def test_invoicing_user_cancels_and_emails_urssaf(self):
        move, request = self.sent_invoice()
        clerk = new_test_user(
            self.env,
            "clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        _shown, action = self.cancel(move.with_user(clerk))
        composer = Form(
            self.env[action["res_model"]]
            .with_user(clerk)
            .with_context(**action["context"])
        ).save()
        composer._action_send_mail()
        self.assertEqual(request.message_ids[0].author_id, clerk.partner_id)
        self.assertEqual(request.state, "cancel_requested")

    def test_access_rights(self):
        move, _request = self.sent_invoice()
        employee = new_test_user(self.env, "employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            move.with_user(employee)._l10n_fr_urssaf_cancel("ANNUL_DBL")
        with self.assertRaises(AccessError):
            move.with_user(employee).action_l10n_fr_urssaf_reissue()
        self.assertFalse(move.l10n_fr_urssaf_cancelled)


@tagged("post_install", "-at_install")
class TestOdooReversalGuarded(PaymentRequestCommon):
    """Odoo's own credit note, reversal and reset to draft cannot go around
    Request cancellation on an invoice Urssaf holds."""

    def test_reverse_wizard_refused(self):
        move, request = self.sent_invoice()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "reason": "Erreur"})
        )
        for button in ("reverse_moves", "refund_moves"):
            with (
                self.subTest(button),
                self.assertRaisesRegex(UserError, "Request cancellation"),
            ):
                getattr(reversal, button)()
        self.assertEqual(request.state, "sent")
        self.assertFalse(move.reversal_move_ids)

    def test_forged_context_does_not_open_the_guard(self):
        """An RPC call can set any JSON context, not the marker object."""
        move, request = self.sent_invoice()
        forged = move.with_context(l10n_fr_urssaf_cancelling=True)
        with self.assertRaisesRegex(UserError, "Request cancellation"):
            forged._reverse_moves(cancel=True)
        self.assertEqual(request.state, "sent")

    def test_reverse_action_opens_the_cancellation(self):
        move, _request = self.sent_invoice()
        action = move.action_reverse()
        self.assertEqual(action["res_model"], "l10n.fr.urssaf.cancel")
        self.assertEqual(action["context"]["default_move_id"], move.id)

    def test_reset_to_draft_and_delete_refused(self):
        move, _request = self.sent_invoice()
        with self.assertRaisesRegex(UserError, "Request cancellation"):
            move.button_draft()
        with self.assertRaises(UserError):
            move.unlink()
        self.assertEqual(move.state, "posted")

    def test_invoices_urssaf_does_not_hold_reverse_as_usual(self):
        move = self.invoice(self.active_customer())
        refund = move._reverse_moves(cancel=True)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(move.payment_state, "reversed")
        rejected = self.invoice(self.active_customer(**PAUL))
        rejected.button_draft()
        self.assertEqual(rejected.state, "draft")

    def test_request_cancellation_still_reverses(self):
        move, request = self.sent_invoice()
        refund = move._l10n_fr_urssaf_cancel("ANNUL_ERR_MNT")
        self.assertEqual(refund.state, "posted")
        self.assertFalse(refund.env.context.get("l10n_fr_urssaf_cancelling"))
        self.assertEqual(request.state, "cancel_requested")
