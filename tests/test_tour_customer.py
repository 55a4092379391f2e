# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin, contact_values


@tagged("post_install", "-at_install")
class TestTourCustomer(SimulatorMixin, HttpCase):
    def test_register_a_customer(self):
        admin = self.env.ref("base.user_admin")
        company = admin.company_id
        company.account_fiscal_country_id = self.env.ref("base.fr")
        bnp = self.env["res.bank"].create({"name": "BNP", "bic": "BNPAFRPP"})
        iban = "FR76 3000 4000 0312 3456 7890 143"
        partner = self.env["res.partner"].create(
            contact_values(
                self.env,
                bank_ids=[Command.create({"acc_number": iban, "bank_id": bnp.id})],
            )
        )
        self.start_tour(
            f"/odoo/action-base.action_partner_form/{partner.id}",
            "l10n_fr_urssaf_customer",
            login="admin",
        )
        self.assertEqual(partner.l10n_fr_urssaf_state, "active")
        self.assertEqual(partner.l10n_fr_urssaf_birth_commune_id.code, "35238")
