# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourBankStatement(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_reconcile_an_urssaf_transfer(self):
        if not self.env["ir.module.module"].search(
            [("name", "=", "account_reconcile_oca"), ("state", "=", "installed")]
        ):
            self.skipTest("OCA's account_reconcile_oca is not installed")
        move = self.posted_invoice_of_admin_company()
        self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")
        request = move.l10n_fr_urssaf_request_ids
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        payout = request.payment_id
        self.assertFalse(payout.is_matched)
        journal = move.company_id.l10n_fr_urssaf_journal_id
        journal.name = "Urssaf Payouts Bank"
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": journal.id,
                "date": request.transfer_date,
                "payment_ref": "VIR SEPA URSSAF 4242",
                "amount": request.transfer_amount,
            }
        )
        self.start_tour("/odoo", "l10n_fr_urssaf_bank_statement", login="admin")
        self.assertTrue(st_line.is_reconciled)
        self.assertTrue(payout.is_matched)
