# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import HttpCase, tagged

from .common import PAUL, SimulatorMixin, customer_values
from .test_tour_payment_request import UrssafTourMixin


@tagged("post_install", "-at_install")
class TestTourTaxStatement(UrssafTourMixin, SimulatorMixin, HttpCase):
    def pay(self, move, on):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": on})._create_payments()

    def test_bulk_attestations_for_a_year(self):
        template = self.posted_invoice_of_admin_company()
        paul = self.env["res.partner"].create(customer_values(self.env, **PAUL))
        moves = self.env["account.move"]
        for partner in template.partner_id | paul:
            # Services of May 2025, paid in June 2025.
            move = template.copy(
                {
                    "partner_id": partner.id,
                    "invoice_date": date(2025, 6, 1),
                    "l10n_fr_urssaf_service_start": date(2025, 5, 1),
                    "l10n_fr_urssaf_service_end": date(2025, 5, 31),
                }
            )
            move.action_post()
            self.pay(move, date(2025, 6, 15))
            moves |= move
        move = moves[0]
        other = moves[1]
        move.company_id.write(
            {
                "l10n_fr_urssaf_sap_date": date(2020, 3, 2),
                "email": "contact@sap-services.example.com",
            }
        )
        self.start_tour("/odoo", "l10n_fr_urssaf_tax_statements", login="admin")
        statements = self.env["l10n.fr.urssaf.tax.statement"].search(
            [("company_id", "=", move.company_id.id), ("year", "=", 2025)]
        )
        self.assertEqual(statements.partner_id, move.partner_id | other.partner_id)
        mails = self.env["mail.mail"].search(
            [("model", "=", statements._name), ("res_id", "in", statements.ids)]
        )
        self.assertEqual(len(mails), 2)
        self.assertTrue(all(mail.attachment_ids for mail in mails))
