# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_payment_request import PaymentRequestCommon

NOT_PAID = "l10n_fr_urssaf_avance_immediate.mail_activity_type_not_paid"


class MoneyCommon(PaymentRequestCommon):
    def payment_form(self, moves):
        """The Register payment dialog of these invoices."""
        action = moves.action_register_payment()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def pay_by_hand(self, move, amount=None, confirm=True):
        form = self.payment_form(move)
        if amount:
            form.amount = amount
        if confirm and form.l10n_fr_urssaf_warning:
            form.l10n_fr_urssaf_confirmed = True
        return form.save().action_create_payments()


@tagged("post_install", "-at_install")
class TestNoDoubleCollection(MoneyCommon):
    def test_payment_by_hand_needs_a_confirmation_while_urssaf_collects(self):
        move, _request = self.sent_invoice()
        form = self.payment_form(move)
        self.assertIn(move.name, form.l10n_fr_urssaf_warning)
        self.assertIn("pay twice", form.l10n_fr_urssaf_warning)
        self.assertFalse(form.l10n_fr_urssaf_info)
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Record the payment anyway"):
            wizard.action_create_payments()
        self.assertEqual(move.payment_state, "not_paid")
        wizard.l10n_fr_urssaf_confirmed = True
        wizard.action_create_payments()
        self.assertIn(move.payment_state, ("in_payment", "paid"))

    def test_customer_credit_is_not_added_while_urssaf_collects(self):
        move, _request = self.sent_invoice()
        credit = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": move.partner_id.id,
                "amount": 50,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        credit.action_post()
        line = credit.move_id.line_ids.filtered(
            lambda line: line.account_id
            == move.partner_id.property_account_receivable_id
        )
        with self.assertRaisesRegex(UserError, "customer's credit is not for it"):
            move.js_assign_outstanding_line(line.id)
        self.assertEqual(move.payment_state, "not_paid")

    def test_bounced_debit_says_what_to_record(self):
        move, request = self.sent_invoice()
        self.simulator.validate(request.urssaf_id)
        self.simulator.bounce(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(move.l10n_fr_urssaf_state, "unpaid")
        warning = self.payment_form(move).l10n_fr_urssaf_warning
        self.assertIn("pay twice", warning)
        self.assertIn("debit bounced", warning)

    def test_invoice_not_sent_yet_is_paid_with_an_explanation(self):
        move = self.invoice(self.active_customer())
        form = self.payment_form(move)
        self.assertFalse(form.l10n_fr_urssaf_warning)
        self.assertIn("can no longer be sent", form.l10n_fr_urssaf_info)
        self.assertIn("Without avance immédiate", form.l10n_fr_urssaf_info)
        self.assertTrue(move.l10n_fr_urssaf_collected)
        form.amount = 40
        form.save().action_create_payments()
        self.assertEqual(move.payment_state, "partial")
        # No "do not pay us" for it any more: it can no longer be sent.
        self.assertFalse(move.l10n_fr_urssaf_collected)

    def test_no_warning_once_urssaf_will_not_pay(self):
        refused, request = self.sent_invoice()
        self.simulator.refuse(request.urssaf_id)
        request.action_refresh()
        excluded = self.invoice(refused.partner_id)
        excluded.action_l10n_fr_urssaf_exclude()
        for move in (refused, excluded):
            form = self.payment_form(move)
            self.assertFalse(form.l10n_fr_urssaf_warning)
            self.assertFalse(form.l10n_fr_urssaf_info)
            form.save().action_create_payments()
            self.assertIn(move.payment_state, ("in_payment", "paid"))

    def test_several_invoices_at_once(self):
        partner = self.active_customer()
        sent, _request = self.sent_invoice(partner)
        to_send = self.invoice(partner)
        form = self.payment_form(sent | to_send)
        self.assertIn(sent.name, form.l10n_fr_urssaf_warning)
        self.assertNotIn(to_send.name, form.l10n_fr_urssaf_warning)
        self.assertIn(to_send.name, form.l10n_fr_urssaf_info)

    def refund_activity(self, move):
        return move.activity_ids.filtered(
            lambda activity: "refund the customer" in activity.summary
        )

    def test_payout_on_a_partly_paid_invoice_asks_for_a_refund(self):
        move, request = self.sent_invoice()
        self.pay_by_hand(move, amount=50)
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        payout = request.payment_id
        self.assertEqual(payout.amount, 132.0)
        self.assertIn(move.payment_state, ("in_payment", "paid"))
        # The 50 paid twice stay the customer's credit, to refund.
        receivable = payout.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(receivable.amount_residual, -50.0)
        activity = self.refund_activity(move)
        self.assertEqual(len(activity), 1)
        for text in (move.partner_id.name, "50.00", move.name, "Refund"):
            self.assertIn(text, activity.note)

    def test_payout_on_a_fully_paid_invoice_asks_for_a_refund(self):
        move, request = self.sent_invoice()
        self.pay_by_hand(move)
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        # That payment may be Urssaf's payout registered by hand: not booked
        # twice, a person decides.
        self.assertFalse(request.payment_id)
        activity = self.refund_activity(move)
        self.assertEqual(len(activity), 1)
        for text in (move.partner_id.name, "132.00", move.name, "refund"):
            self.assertIn(text, activity.note)
        request.action_refresh()
        self.assertEqual(len(self.refund_activity(move)), 1)

    def test_payout_to_register_by_hand_is_not_a_double_payment(self):
        self.company.l10n_fr_urssaf_journal_id = False
        move, request = self.sent_invoice()
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertIn("register the payment by hand", move.activity_ids.note)
        form = self.payment_form(move)
        self.assertFalse(form.l10n_fr_urssaf_warning)
        self.assertIn("record Urssaf's payout here", form.l10n_fr_urssaf_info)
        form.amount = 100  # a typing error leaves some to pay
        form.save().action_create_payments()
        payment = request.payment_id
        self.assertEqual(payment.amount, 100)
        # Set afterwards, the journal books nothing twice.
        self.company.l10n_fr_urssaf_journal_id = self.company_data[
            "default_journal_bank"
        ]
        request.action_refresh()
        self.assertEqual(request.payment_id, payment)
        self.assertEqual(move.payment_state, "partial")
        self.assertFalse(self.refund_activity(move))

    def test_payout_on_an_unpaid_invoice_asks_nothing(self):
        move, request = self.sent_invoice()
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertTrue(request.payment_id)
        self.assertFalse(self.refund_activity(move))


@tagged("post_install", "-at_install")
class TestWithoutAvanceImmediate(MoneyCommon):
    def to_send_filter(self):
        return self.env["account.move"].search(
            [("l10n_fr_urssaf_state", "in", ("to_send", "error"))]
        )

    def test_marked_then_back(self):
        move = self.invoice(self.active_customer())
        self.assertIn(move, self.to_send_filter())
        move.action_l10n_fr_urssaf_exclude()
        self.assertRecordValues(
            move,
            [{"l10n_fr_urssaf_excluded": True, "l10n_fr_urssaf_state": "excluded"}],
        )
        self.assertNotIn(move, self.to_send_filter())
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "not_sent")
        self.assertIn("Marked without avance immédiate", message)
        self.assertFalse(move.l10n_fr_urssaf_request_ids)
        move.action_l10n_fr_urssaf_include()
        self.assertEqual(move.l10n_fr_urssaf_state, "to_send")
        self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")

    def test_rejected_at_sending_can_be_marked(self):
        move = self.rejected_invoice()
        move.action_l10n_fr_urssaf_exclude()
        self.assertEqual(move.l10n_fr_urssaf_state, "excluded")
        self.assertNotIn(move, self.to_send_filter())
        move.action_l10n_fr_urssaf_include()
        self.assertEqual(move.l10n_fr_urssaf_state, "error")

    def test_not_while_urssaf_holds_it(self):
        move, _request = self.sent_invoice()
        with self.assertRaisesRegex(UserError, "Only an invoice to send"):
            move.action_l10n_fr_urssaf_exclude()
        # Nor by a write (an import, RPC), even as superuser.
        with self.assertRaisesRegex(UserError, "Only an invoice to send"):
            move.sudo().l10n_fr_urssaf_excluded = True
        self.assertEqual(move.l10n_fr_urssaf_state, "sent")

    def test_not_copied(self):
        move = self.invoice(self.active_customer())
        move.action_l10n_fr_urssaf_exclude()
        self.assertFalse(move.copy().l10n_fr_urssaf_excluded)


@tagged("post_install", "-at_install")
class TestRefusedRequest(MoneyCommon):
    def cancel(self, move, reason="ANNUL_ERR_MNT", comment=None):
        action = move.button_request_cancel()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.reason = reason
        if comment:
            form.comment = comment
        return form.save()

    def test_banner_with_the_reason_and_the_next_step(self):
        move, request = self.refused_invoice()
        banner = move.l10n_fr_urssaf_next_step
        self.assertIn(request.urssaf_id, banner)
        self.assertIn(request.rejection_label, banner)
        self.assertIn("3 heures, pas 4", banner)
        self.assertIn("Request cancellation", banner)
        self.assertIn("pay you directly", banner)
        self.assertEqual(move.activity_ids.activity_type_id, self.env.ref(NOT_PAID))

    def test_cancellation_closes_the_refusal(self):
        move, _request = self.refused_invoice()
        wizard = self.cancel(move)
        self.assertFalse(wizard.asks_urssaf)
        self.assertIn("Refused by the customer", wizard.outcome)
        self.assertIn("cancelled here only", wizard.outcome)
        for told in ("e-mail", "holds payment request", "asking Urssaf"):
            self.assertNotIn(told, wizard.outcome)
        self.assertFalse(wizard.payout_warning)
        wizard.action_confirm()
        self.assertFalse(move.activity_ids)
        self.assertFalse(move.l10n_fr_urssaf_next_step)
        done = move.message_ids.filtered(lambda m: m.mail_activity_type_id)
        self.assertIn("Cancelled by credit note", done[0].body)

    def test_other_reason_on_a_refusal_does_not_speak_of_urssaf(self):
        move, _request = self.refused_invoice()
        action = move.button_request_cancel()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": "ANNUL_AUTRE"})
        )
        with self.assertRaises(UserError) as raised:
            wizard.action_confirm()
        self.assertEqual(str(raised.exception), "Say why in the comment.")

    def test_reissue_closes_a_refusal_that_came_after_the_cancellation(self):
        move, request = self.sent_invoice()
        self.cancel(move).action_confirm()
        self.simulator.refuse(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(request.state, "refused")
        self.assertEqual(move.activity_ids.activity_type_id, self.env.ref(NOT_PAID))
        # Cancelled already: nothing more to do than re-issue.
        self.assertFalse(move.l10n_fr_urssaf_next_step)
        move.action_l10n_fr_urssaf_reissue()
        self.assertFalse(move.activity_ids)

    def test_customer_paying_directly_ends_the_banner(self):
        move, _request = self.refused_invoice()
        self.pay_by_hand(move)
        self.assertFalse(move.l10n_fr_urssaf_next_step)

    def test_cancelled_by_urssaf_after_an_unpaid_debit(self):
        move, request = self.sent_invoice()
        self.simulator.validate(request.urssaf_id)
        self.simulator.bounce(request.urssaf_id)
        self.simulator.close_unpaid(request.urssaf_id, "111")
        request.action_refresh()
        self.assertEqual(move.l10n_fr_urssaf_state, "cancelled")
        self.assertIn("collect the invoice", move.l10n_fr_urssaf_next_step)
        not_paid = move.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(NOT_PAID)
        )
        self.assertEqual(len(not_paid), 1)
        self.cancel(move, "ANNUL_ERR_MNT").action_confirm()
        self.assertFalse(not_paid.exists())
        self.assertFalse(move.l10n_fr_urssaf_next_step)
