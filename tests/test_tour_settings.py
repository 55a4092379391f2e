# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTourSettings(HttpCase):
    def test_settings_block(self):
        company = self.env.ref("base.user_admin").company_id
        company.account_fiscal_country_id = self.env.ref("base.fr")
        self.start_tour(
            "/odoo/settings#account", "l10n_fr_urssaf_settings", login="admin"
        )
        self.assertRecordValues(
            company,
            [
                {
                    "l10n_fr_urssaf_environment": "sandbox",
                    "l10n_fr_urssaf_client_id": "tour-client-id",
                    "l10n_fr_urssaf_sap_number": "SAP123456789",
                }
            ],
        )
