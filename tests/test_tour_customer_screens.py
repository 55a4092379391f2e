# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import PAUL, SimulatorMixin, customer_values
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourCustomerScreens(UrssafTourMixin, SimulatorMixin, HttpCase):
    @freeze_time("2026-12-15 10:00:00", tick=True)
    def test_customer_screens(self):
        move = self.posted_invoice_of_admin_company()
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent", message)
        company = move.company_id
        active = move.partner_id
        active.name = "Jeanne Tourmaline"
        pending = (
            self.env["res.partner"]
            .with_company(company)
            .create(customer_values(self.env, **dict(PAUL, name="Paul Tourmaline")))
        )
        pending.action_l10n_fr_urssaf_register()
        self.start_tour(
            "/odoo/action-base.action_partner_form",
            "l10n_fr_urssaf_customer_screens",
            login="admin",
        )
        self.env.invalidate_all()
        self.assertEqual(active.email, "jeanne.nouvelle@example.com")
        self.assertEqual(pending.l10n_fr_urssaf_state, "active")
        # Typed in the user's time zone.
        self.assertEqual(
            pending.l10n_fr_urssaf_activation_date.date(), datetime(2026, 11, 2).date()
        )
        new = self.env["res.partner"].search([("name", "=", "Claire Tourmaline")])
        self.assertEqual(len(new), 1)
        self.assertEqual(new.l10n_fr_urssaf_bank_account_id.partner_id, new)
        self.assertEqual(new.l10n_fr_urssaf_bank_account_id.bank_id.bic, "BNPAFRPP")
        self.assertEqual(new.l10n_fr_urssaf_birth_commune_id.code, "69123")
