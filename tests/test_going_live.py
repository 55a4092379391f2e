# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Production is chosen only once the company is ready for it."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import UrssafCommon


@tagged("post_install", "-at_install")
class TestGoingLive(UrssafCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "l10n_fr_urssaf_habilitation_date": False,
                "l10n_fr_urssaf_journal_id": False,
                "l10n_fr_urssaf_sap_number": False,
            }
        )
        cls.admin = new_test_user(
            cls.env,
            login="going_live_admin",
            groups="base.group_system,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )

    def test_each_missing_item_is_named(self):
        company = self.company.with_user(self.admin)
        with self.assertRaises(ValidationError) as caught:
            company.l10n_fr_urssaf_environment = "production"
        message = str(caught.exception)
        for expected in ("SAP number", "payout journal", "test book"):
            self.assertIn(expected, message)
        self.assertEqual(self.company.l10n_fr_urssaf_environment, "simulation")

    def test_allowed_once_ready(self):
        company = self.company.with_user(self.admin)
        company.write(
            {
                "l10n_fr_urssaf_sap_number": "SAP123456789",
                "l10n_fr_urssaf_journal_id": self.company_data[
                    "default_journal_bank"
                ].id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "test book") as caught:
            company.l10n_fr_urssaf_environment = "production"
        self.assertNotIn("SAP number", str(caught.exception))
        # A sandbox test book made here, or access granted after the
        # software's test book: either will do.
        self.company.sudo().l10n_fr_urssaf_test_book_date = "2026-03-02 10:00:00"
        company.l10n_fr_urssaf_environment = "production"
        self.assertEqual(self.company.l10n_fr_urssaf_environment, "production")

    def test_settings_refuse_production_until_ready(self):
        with self.assertRaises(ValidationError):
            with Form(self.env["res.config.settings"].with_user(self.admin)) as form:
                form.l10n_fr_urssaf_environment = "production"
        with Form(self.env["res.config.settings"].with_user(self.admin)) as form:
            form.l10n_fr_urssaf_sap_number = "SAP123456789"
            form.l10n_fr_urssaf_journal_id = self.company_data["default_journal_bank"]
            form.l10n_fr_urssaf_habilitation_date = "2026-02-01"
            form.l10n_fr_urssaf_environment = "production"
        self.assertEqual(self.company.l10n_fr_urssaf_environment, "production")

    def test_test_book_date_cannot_be_faked(self):
        with self.assertRaises(AccessError):
            self.company.with_user(
                self.admin
            ).l10n_fr_urssaf_test_book_date = "2026-03-02 10:00:00"
        with self.assertRaises(AccessError):
            self.company.with_user(self.admin).write(
                {"l10n_fr_urssaf_test_book_date": "2026-03-02 10:00:00"}
            )
        self.assertFalse(self.company.l10n_fr_urssaf_test_book_date)

    def test_a_company_live_before_keeps_saving_its_settings(self):
        self.company.write(
            {
                "l10n_fr_urssaf_sap_number": "SAP123456789",
                "l10n_fr_urssaf_journal_id": self.company_data[
                    "default_journal_bank"
                ].id,
                "l10n_fr_urssaf_habilitation_date": "2026-02-01",
                "l10n_fr_urssaf_environment": "production",
            }
        )
        company = self.company.with_user(self.admin)
        company.l10n_fr_urssaf_habilitation_date = False
        with Form(self.env["res.config.settings"].with_user(self.admin)) as form:
            form.l10n_fr_urssaf_cancellation_email = "annulation@example.fr"
        self.assertEqual(company.l10n_fr_urssaf_environment, "production")

    def test_new_company_in_production_only_when_ready(self):
        with self.assertRaisesRegex(ValidationError, "SAP number"):
            self.env["res.company"].create(
                {"name": "Live at once", "l10n_fr_urssaf_environment": "production"}
            )
        with self.assertRaises(AccessError):
            self.env["res.company"].with_user(self.admin).create(
                {"name": "Faked", "l10n_fr_urssaf_test_book_date": "2026-01-01"}
            )
