# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SimulatorMixin
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourDashboard(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_follow_up_from_the_reporting_menu(self):
        late = self.posted_invoice_of_admin_company()
        recent = late.copy(
            {
                "invoice_date": late.invoice_date,
                "l10n_fr_urssaf_service_start": late.l10n_fr_urssaf_service_start,
                "l10n_fr_urssaf_service_end": late.l10n_fr_urssaf_service_end,
            }
        )
        recent.action_post()
        for move, since in ((late, timedelta(days=3)), (recent, timedelta(hours=2))):
            self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")
            move.l10n_fr_urssaf_request_ids.sudo().write(
                {"state": "waiting", "status_date": fields.Datetime.now() - since}
            )
        new_test_user(
            self.env,
            login="billing_dashboard",
            groups="account.group_account_invoice",
            company_id=late.company_id.id,
        )
        self.start_tour(
            "/odoo",
            "l10n_fr_urssaf_dashboard",
            login="billing_dashboard",
        )
