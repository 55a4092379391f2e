# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourJournal(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_invoicing_user_reads_a_request_s_exchanges(self):
        move = self.posted_invoice_of_admin_company()
        self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")
        request = move.l10n_fr_urssaf_request_ids
        self.simulator.validate(request.urssaf_id)
        request.action_refresh()
        new_test_user(
            self.env,
            login="billing_journal",
            groups="account.group_account_invoice",
            company_id=move.company_id.id,
        )
        self.start_tour(
            f"/odoo/action-l10n_fr_urssaf_avance_immediate.action_payment_request/"
            f"{request.id}",
            "l10n_fr_urssaf_journal",
            login="billing_journal",
        )
