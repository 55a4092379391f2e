# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.l10n_fr_urssaf_avance_immediate import uninstall_hook

from .common import PAUL, SimulatorMixin
from .test_payment_request import PaymentRequestCommon

OCA_FORM = "account_reconcile_oca.bank_statement_line_form_reconcile_view"


class StatementCommon(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company.l10n_fr_urssaf_journal_id
        cls.urssaf_model = cls.env["account.reconcile.model"].search(
            [("l10n_fr_urssaf_payouts", "=", True), ("company_id", "=", cls.company.id)]
        )

    def setUp(self):
        super().setUp()
        if not hasattr(self.env["account.reconcile.model"], "_apply_rules"):
            self.skipTest(
                "no bank reconciliation engine installed (Enterprise's "
                "account_accountant or OCA's account_reconcile_model_oca)"
            )
        self.customer = self.active_customer()

    def paid_invoice(self, quantity=4):
        move, request = self.sent_invoice(
            self.customer,
            lines=[{"product_id": self.cleaning.id, "quantity": quantity}],
        )
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertTrue(request.payment_id)
        return move, request

    def statement_line(self, amount, date, label="VIR SEPA URSSAF AVANCE IMMEDIATE"):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank.id,
                "amount": amount,
                "date": date,
                "payment_ref": label,
            }
        )

    def proposal(self, st_line):
        """What the reconciliation screen proposes for the line: the result of
        the company's reconciliation models, as Odoo applies them."""
        models = self.env["account.reconcile.model"].search(
            [
                ("rule_type", "in", ("invoice_matching", "writeoff_suggestion")),
                ("company_id", "=", self.company.id),
            ]
        )
        return models._apply_rules(st_line, st_line._retrieve_partner())

    def bank_line(self, request):
        """The payout's line the bank statement settles."""
        return request.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id == request.payment_id.outstanding_account_id
        )

    def receivable_line(self, request):
        return request.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )


@tagged("post_install", "-at_install")
class TestStatementMatching(StatementCommon):
    def test_model_follows_the_payout_journal(self):
        self.assertEqual(len(self.urssaf_model), 1)
        self.assertEqual(self.urssaf_model.match_journal_ids, self.bank)
        other = self.bank.copy({"code": "BNK9"})
        self.company.l10n_fr_urssaf_journal_id = other
        # Transfers still due on the former journal stay proposed.
        self.assertEqual(self.urssaf_model.match_journal_ids, self.bank | other)
        # Archived by a user: stays so, not duplicated.
        self.urssaf_model.active = False
        self.company.l10n_fr_urssaf_journal_id = self.bank
        Model = self.env["account.reconcile.model"].with_context(active_test=False)
        self.assertEqual(
            Model.search(
                [
                    ("l10n_fr_urssaf_payouts", "=", True),
                    ("company_id", "=", self.company.id),
                ]
            ),
            self.urssaf_model,
        )
        self.assertFalse(self.urssaf_model.copy().l10n_fr_urssaf_payouts)

    def test_removed_with_the_addon(self):
        uninstall_hook(self.env)
        self.assertFalse(self.urssaf_model.exists())

    def test_single_transfer(self):
        _move, request = self.paid_invoice()
        _other_move, other = self.paid_invoice(quantity=2)
        st_line = self.statement_line(132.0, request.transfer_date + timedelta(days=1))
        result = self.proposal(st_line)
        self.assertEqual(result["model"], self.urssaf_model)
        self.assertEqual(result["amls"], self.bank_line(request))
        self.assertNotIn(self.bank_line(other), result["amls"])

    def test_only_urssaf_lines_of_its_environment(self):
        _move, request = self.paid_invoice()
        # A customer's own transfer of the same amount is not Urssaf's.
        st_line = self.statement_line(132.0, request.transfer_date, "VIR M DUPONT")
        self.assertNotEqual(self.proposal(st_line).get("model"), self.urssaf_model)
        st_line = self.statement_line(132.0, request.transfer_date)
        self.assertEqual(self.proposal(st_line)["amls"], self.bank_line(request))
        # Payouts of another environment (tests in the sandbox) are not.
        self.assertEqual(request.environment, self.company.l10n_fr_urssaf_environment)
        other = "sandbox" if request.environment != "sandbox" else "simulation"
        self.company.l10n_fr_urssaf_environment = other
        self.assertNotEqual(self.proposal(st_line).get("model"), self.urssaf_model)

    def test_grouped_transfer_of_the_same_day(self):
        requests = [self.paid_invoice(quantity)[1] for quantity in (4, 2, 1)]
        self.assertEqual(len({request.transfer_date for request in requests}), 1)
        # 132 + 66 + 33
        st_line = self.statement_line(231.0, requests[0].transfer_date)
        result = self.proposal(st_line)
        self.assertEqual(result["model"], self.urssaf_model)
        self.assertEqual(
            result["amls"],
            self.bank_line(requests[0])
            | self.bank_line(requests[1])
            | self.bank_line(requests[2]),
        )

    def test_nearest_day_first_and_no_wrong_sum(self):
        old = self.paid_invoice(quantity=4)[1]
        self.simulator.advance(days=3)
        new = self.paid_invoice(quantity=4)[1]
        self.assertEqual(new.transfer_date - old.transfer_date, timedelta(days=3))
        result = self.proposal(self.statement_line(132.0, new.transfer_date))
        self.assertEqual(result["amls"], self.bank_line(new))
        # 264 is no day's total: the Urssaf model proposes nothing.
        result = self.proposal(self.statement_line(264.0, new.transfer_date))
        self.assertNotEqual(result.get("model"), self.urssaf_model)

    def test_debit_back_after_an_unpaid_debit(self):
        move, request = self.paid_invoice()
        self.assertEqual(move.payment_state, "paid")
        self.simulator.bounce(request.urssaf_id)
        request.action_refresh()
        # Urssaf may still debit the customer: the payout pays the invoice.
        self.assertEqual(move.payment_state, "paid")
        self.simulator.close_unpaid(request.urssaf_id, "111")
        request.action_refresh()
        # Urssaf takes its payout back: the customer owes the invoice again,
        # the payout is their credit, proposed against Urssaf's debit.
        self.assertEqual(move.payment_state, "not_paid")
        self.assertFalse(self.receivable_line(request).reconciled)
        self.assertIn("owes you again", "".join(move.activity_ids.mapped("note")))
        result = self.proposal(self.statement_line(-132.0, request.status_date.date()))
        self.assertEqual(result["model"], self.urssaf_model)
        self.assertEqual(result["amls"], self.receivable_line(request))

    def test_same_debit_for_two_requests_is_told_apart_by_its_label(self):
        requests = []
        for customer in (self.customer, self.active_customer(**PAUL)):
            self.customer = customer
            requests.append(self.paid_invoice()[1])
        for request in requests:
            self.simulator.bounce(request.urssaf_id)
            self.simulator.close_unpaid(request.urssaf_id, "111")
            request.action_refresh()
        day = requests[0].status_date.date()
        # 132 is each one's and their sum is not: nothing proposed.
        result = self.proposal(self.statement_line(-132.0, day))
        self.assertNotEqual(result.get("model"), self.urssaf_model)
        label = f"PRLV URSSAF REGUL {requests[1].move_id.name}"
        result = self.proposal(self.statement_line(-132.0, day, label))
        self.assertEqual(result["amls"], self.receivable_line(requests[1]))
        # A debit is never validated on its own.
        self.assertFalse(result.get("auto_reconcile"))

    def test_grouped_debit_back(self):
        first = self.paid_invoice(quantity=4)[1]
        second = self.paid_invoice(quantity=2)[1]
        for request, status in ((first, "120"), (second, "112")):
            self.simulator.bounce(request.urssaf_id)
            self.simulator.close_unpaid(request.urssaf_id, status)
            request.action_refresh()
            self.assertEqual(
                request.state, "recovered" if status == "120" else "cancelled"
            )
        result = self.proposal(self.statement_line(-66.0, first.transfer_date))
        self.assertEqual(result["amls"], self.receivable_line(second))
        result = self.proposal(self.statement_line(-198.0, first.transfer_date))
        self.assertEqual(
            result["amls"], self.receivable_line(first) | self.receivable_line(second)
        )


@tagged("post_install", "-at_install")
class TestStatementReconciliation(StatementCommon):
    """Validated in OCA's reconciliation screen of Community."""

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"].search(
            [("name", "=", "account_reconcile_oca"), ("state", "=", "installed")]
        ):
            self.skipTest("OCA's account_reconcile_oca is not installed")

    def reconcile(self, st_line):
        """Open the line in the reconciliation screen and validate what it
        proposes, as a user."""
        with Form(st_line, view=OCA_FORM) as form:
            self.assertTrue(form.can_reconcile)
        st_line.reconcile_bank_line()
        self.assertTrue(st_line.is_reconciled)

    def test_transfer_settles_the_payouts(self):
        requests = [self.paid_invoice(quantity)[1] for quantity in (4, 2)]
        st_line = self.statement_line(198.0, requests[0].transfer_date)
        self.reconcile(st_line)
        for request in requests:
            self.assertTrue(self.bank_line(request).reconciled)
            self.assertTrue(request.payment_id.is_matched)
            self.assertEqual(request.move_id.payment_state, "paid")
        # Matched: not proposed again.
        st_line = self.statement_line(198.0, requests[0].transfer_date)
        self.assertNotEqual(self.proposal(st_line).get("model"), self.urssaf_model)

    def test_debit_back_after_a_cancellation(self):
        move, request = self.paid_invoice()
        action = move.button_request_cancel()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.reason = "ANNUL_ERR_MNT"
        form.save().action_confirm()
        self.simulator.cancel(request.urssaf_id, "ANNUL_ERR_MNT")
        request.action_refresh()
        self.assertEqual(request.state, "cancelled")
        st_line = self.statement_line(-132.0, request.status_date.date())
        self.assertEqual(self.proposal(st_line)["amls"], self.receivable_line(request))
        self.reconcile(st_line)
        self.assertTrue(self.receivable_line(request).reconciled)
        # Nothing left between Urssaf, the customer and the provider.
        self.assertEqual(move.partner_id.credit, 0.0)


@tagged("post_install", "-at_install")
class TestDemoStatement(SimulatorMixin, TransactionCase):
    """The demo's story, played in the test (the tests install the addon
    without it, see res_company_demo.py)."""

    def test_each_line_of_the_demo_statement_is_proposed(self):
        customer = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.demo_customer_claire",
            raise_if_not_found=False,
        )
        if not customer:
            self.skipTest("no demo data")
        if not hasattr(self.env["account.reconcile.model"], "_apply_rules"):
            self.skipTest("no bank reconciliation engine installed")
        company = self.env.ref("base.demo_company_fr")
        product = self.env.ref("l10n_fr_urssaf_avance_immediate.demo_product_cleaning")
        statement = company._l10n_fr_urssaf_demo_story(customer, product)
        requests = customer.invoice_ids.l10n_fr_urssaf_request_ids.sorted("id")
        self.assertEqual(
            requests.mapped("state"), ["paid", "paid", "paid", "cancelled"]
        )
        # The simulator's clock is back where it was.
        self.assertEqual(self.simulator.clock.offset, timedelta(0))
        models = self.env["account.reconcile.model"].search(
            [("company_id", "=", company.id), ("rule_type", "=", "invoice_matching")]
        )
        payouts = requests.payment_id.move_id.line_ids
        expected = [
            payouts.filtered(
                lambda line: line.account_id.account_type != "asset_receivable"
                and line.payment_id == requests[0].payment_id
            ),
            payouts.filtered(
                lambda line: line.account_id.account_type != "asset_receivable"
                and line.payment_id in requests[1:].payment_id
            ),
            payouts.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
                and line.payment_id == requests[3].payment_id
            ),
        ]
        for st_line, amls in zip(
            statement.line_ids.sorted("date"), expected, strict=True
        ):
            with self.subTest(line=st_line.payment_ref, amount=st_line.amount):
                result = models._apply_rules(st_line, st_line._retrieve_partner())
                self.assertTrue(result["model"].l10n_fr_urssaf_payouts)
                self.assertEqual(result["amls"], amls)
