# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, RedirectWarning, ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import Form, new_test_user, tagged

from .common import UrssafCommon


@tagged("post_install", "-at_install")
class TestSettings(UrssafCommon):
    def test_defaults_to_local_simulation(self):
        company = self.env["res.company"].create({"name": "New SAP provider"})
        self.assertEqual(company.l10n_fr_urssaf_environment, "simulation")

    def test_settings_form_saves_on_the_company(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.l10n_fr_urssaf_environment = "sandbox"
            settings.l10n_fr_urssaf_client_id = "client-id"
            settings.l10n_fr_urssaf_client_secret = "client-secret"
            settings.l10n_fr_urssaf_sap_number = " sap 123 456 789 "
            self.assertEqual(settings.l10n_fr_urssaf_sap_number, "SAP123456789")
        self.assertRecordValues(
            self.company,
            [
                {
                    "l10n_fr_urssaf_environment": "sandbox",
                    "l10n_fr_urssaf_client_id": "client-id",
                    "l10n_fr_urssaf_client_secret": "client-secret",
                    "l10n_fr_urssaf_sap_number": "SAP123456789",
                }
            ],
        )

    def test_sap_number_format(self):
        for number in ("SAP12345678", "SIR12345678901234", "123456789", "SAP12345678A"):
            with self.subTest(number=number), self.assertRaises(ValidationError):
                self.company.l10n_fr_urssaf_sap_number = number
        self.company.l10n_fr_urssaf_sap_number = "SAP123456789"

    def test_intervenant_format(self):
        for number in ("SIR1234567890123", "SAP12345678", "12345678900012"):
            with self.subTest(number=number), self.assertRaises(ValidationError):
                self.company.l10n_fr_urssaf_intervenant = number
        self.company.l10n_fr_urssaf_intervenant = "SIR12345678900012"

    def test_each_company_has_its_own_settings(self):
        other = self.env["res.company"].create({"name": "Other SAP provider"})
        self.company.l10n_fr_urssaf_environment = "production"
        self.assertEqual(other.l10n_fr_urssaf_environment, "simulation")
        settings = self.env["res.config.settings"].with_company(other).create({})
        self.assertEqual(settings.l10n_fr_urssaf_environment, "simulation")

    def test_secret_is_for_system_administrators_only(self):
        self.company.l10n_fr_urssaf_client_secret = "client-secret"
        accountant = new_test_user(
            self.env,
            login="urssaf_accountant",
            groups="account.group_account_manager",
            company_id=self.company.id,
        )
        company = self.company.with_user(accountant)
        self.assertEqual(company.l10n_fr_urssaf_environment, "simulation")
        with self.assertRaises(AccessError):
            company.read(["l10n_fr_urssaf_client_secret"])
        with self.assertRaises(AccessError):
            company.read(["l10n_fr_urssaf_client_id"])

    def test_other_companies_settings_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other SAP provider"})
        user = new_test_user(
            self.env,
            login="urssaf_other_company",
            groups="account.group_account_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        with self.assertRaises(AccessError):
            self.company.with_user(user).read(["l10n_fr_urssaf_environment"])

    def test_neutralized_database_leaves_urssaf(self):
        self.company.write(
            {
                "l10n_fr_urssaf_environment": "production",
                "l10n_fr_urssaf_client_secret": "client-secret",
            }
        )
        self.company.l10n_fr_urssaf_token = "token"
        self.env.flush_all()
        for query in get_neutralization_queries(["l10n_fr_urssaf_avance_immediate"]):
            self.env.cr.execute(query)
        self.company.invalidate_recordset()
        self.assertEqual(self.company.l10n_fr_urssaf_environment, "simulation")
        self.assertFalse(self.company.l10n_fr_urssaf_client_secret)
        self.assertFalse(self.company.l10n_fr_urssaf_token)


@tagged("post_install", "-at_install")
class TestConnection(UrssafCommon):
    def _test_connection(self):
        settings = self.env["res.config.settings"].create({})
        return settings.action_l10n_fr_urssaf_test_connection()["params"]

    def test_local_simulation_needs_no_credentials(self):
        result = self._test_connection()
        self.assertEqual(result["type"], "success")
        self.assertIn("Local simulation", result["message"])

    def test_sandbox_over_http_stores_the_token(self):
        with self.urssaf_over_http(self.company):
            result = self._test_connection()
        self.assertEqual(result["type"], "success", result["message"])
        self.assertTrue(self.company.l10n_fr_urssaf_token)
        self.assertTrue(self.company.l10n_fr_urssaf_token_expiry)
        # New credentials invalidate the token of the old ones.
        self.company.l10n_fr_urssaf_client_secret = "another-secret"
        self.assertFalse(self.company.l10n_fr_urssaf_token)

    def test_refused_credentials(self):
        self.simulator.settings.accept_any_client = False
        self.simulator.configure_provider("provider-test", secret="the-real-one")
        with self.urssaf_over_http(self.company):
            result = self._test_connection()
        self.assertEqual(result["type"], "danger")
        self.assertIn("refused the credentials", result["message"])

    def test_maintenance(self):
        self.simulator.inject_fault("*", "maintenance_503", times=None)
        with self.urssaf_over_http(self.company):
            result = self._test_connection()
        self.assertEqual(result["type"], "warning")
        self.assertIn("cannot be reached right now", result["message"])

    def test_missing_credentials_lead_to_the_settings(self):
        self.company.l10n_fr_urssaf_environment = "production"
        with self.assertRaises(RedirectWarning) as caught:
            self._test_connection()
        self.assertIn("no client ID or client secret", str(caught.exception))
