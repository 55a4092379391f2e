# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..models import res_company
from .common import SimulatorMixin, service_product
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourOffice(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_invoicing_user_sees_the_service_nature(self):
        company = self.env.ref("base.user_admin").company_id
        product = service_product(self.env, company).product_tmpl_id
        new_test_user(
            self.env,
            login="billing_only",
            groups="account.group_account_invoice",
            company_id=company.id,
        )
        self.start_tour(
            f"/odoo/action-account.product_product_action_sellable/{product.id}",
            "l10n_fr_urssaf_office_product",
            login="billing_only",
        )

    def test_settings_warn_then_test_the_connection(self):
        company = self.env.ref("base.user_admin").company_id
        company.account_fiscal_country_id = self.env.ref("base.fr")
        with self.simulator.serve() as base_url:
            urls = dict(res_company.ENVIRONMENT_URLS, sandbox=base_url)
            with patch.object(res_company, "ENVIRONMENT_URLS", urls):
                self.start_tour(
                    "/odoo/settings#account",
                    "l10n_fr_urssaf_office_settings",
                    login="admin",
                )
        self.assertRecordValues(
            company,
            [
                {
                    "l10n_fr_urssaf_environment": "sandbox",
                    "l10n_fr_urssaf_connection_checked": True,
                }
            ],
        )

    def test_simulation_said_on_the_invoice_and_request(self):
        move = self.posted_invoice_of_admin_company()
        self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_urssaf_office_invoice",
            login="admin",
        )
        self.assertEqual(move.l10n_fr_urssaf_state, "validated")
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{move.partner_id.id}",
            "l10n_fr_urssaf_office_customer",
            login="admin",
        )
