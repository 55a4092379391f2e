# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tax-credit ceiling watch: the customer's year, the warning at sending."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import PAUL
from .test_payment_request import PaymentRequestCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 10:00:00")
class TestCeilings(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gardening = cls.env["product.product"].create(
            {
                "name": "Petit jardinage",
                "type": "service",
                "taxes_id": [Command.set(cls.tax_10.ids)],
                "l10n_fr_urssaf_nature_code": "70",
            }
        )

    def line(self, product, untaxed):
        return {"product_id": product.id, "quantity": 1, "price_unit": untaxed}

    def send(self, partner, *lines):
        move, request = self.sent_invoice(partner, lines=list(lines))
        return move, request

    def wizard(self, moves):
        form = Form(
            self.env["l10n.fr.urssaf.send"].with_context(
                **moves.action_l10n_fr_urssaf_send()["context"]
            )
        )
        shown = form.ceiling_warning  # computed in the dialog, on new records
        wizard = form.save()
        self.assertEqual(shown or False, wizard.ceiling_warning or False)
        return wizard

    def test_household_raises_the_ceiling(self):
        partner = self.make_customer()
        self.assertEqual(partner.l10n_fr_urssaf_ceiling, 12000)
        partner.write({"l10n_fr_urssaf_dependents": 1})
        self.assertEqual(partner.l10n_fr_urssaf_ceiling, 13500)
        partner.write({"l10n_fr_urssaf_seniors": 2})
        self.assertEqual(partner.l10n_fr_urssaf_ceiling, 15000)
        partner.write({"l10n_fr_urssaf_disabled": True})
        self.assertEqual(partner.l10n_fr_urssaf_ceiling, 20000)

    def test_year_total_counts_what_urssaf_may_pay_this_year(self):
        partner = self.active_customer()
        # 1,100 of cleaning and 550 of gardening (taxes included).
        self.send(
            partner, self.line(self.cleaning, 1000), self.line(self.gardening, 500)
        )
        refused, request = self.send(partner, self.line(self.cleaning, 300))
        self.simulator.refuse(request.urssaf_id, "REGUL_NB_QTE_FACT", "")
        request.action_refresh()
        self.assertEqual(refused.l10n_fr_urssaf_state, "refused")
        # Sent last year (Paris time: 31 December 23:30).
        _move, old = self.send(partner, self.line(self.cleaning, 200))
        old.sudo().sent_date = datetime(2025, 12, 31, 22, 30)
        # Rejected at sending: Urssaf holds nothing.
        rejected = self.invoice(partner, lines=[self.line(self.cleaning, 400)])
        self.env["l10n.fr.urssaf.payment.request"].sudo().create(
            {
                "name": rejected.name,
                "move_id": rejected.id,
                "partner_id": partner.id,
                "company_id": self.company.id,
                "amount": rejected.amount_total,
                "state": "error",
                "environment": "simulation",
            }
        )
        partner.invalidate_recordset()
        self.assertEqual(partner.l10n_fr_urssaf_year_total, 1650)
        summary = partner.l10n_fr_urssaf_year_summary
        self.assertIn("All services", summary)
        self.assertIn("1,650.00", summary)
        self.assertIn("12,000.00", summary)
        self.assertIn("Small gardening work", summary)
        self.assertIn("5,000.00", summary)
        self.assertNotIn("Small DIY jobs", summary)
        # Once sent on 1 January in Paris, it belongs to the new year.
        old.sudo().sent_date = datetime(2025, 12, 31, 23, 30)
        partner.invalidate_recordset()
        self.assertEqual(partner.l10n_fr_urssaf_year_total, 1870)

    def test_send_dialog_warns_past_the_ceiling_without_blocking(self):
        partner = self.active_customer()
        self.send(partner, self.line(self.cleaning, 10500))  # 11,550
        under = self.invoice(partner, lines=[self.line(self.cleaning, 400)])
        self.assertFalse(self.wizard(under).ceiling_warning)  # 11,990
        over = self.invoice(partner, lines=[self.line(self.cleaning, 500)])
        wizard = self.wizard(over)
        self.assertIn(f"{partner.display_name}, All services:", wizard.ceiling_warning)
        self.assertIn("12,100.00", wizard.ceiling_warning)
        self.assertIn("11,550.00", wizard.ceiling_warning)
        self.assertIn("12,000.00", wizard.ceiling_warning)
        self.assertIn("All services", wizard.ceiling_warning)
        # A warning: the invoice still goes.
        self.assertEqual(wizard.ready_count, 1)
        wizard.action_send()
        self.assertEqual(over.l10n_fr_urssaf_state, "sent")
        # A larger household: no warning for the same invoice.
        partner.l10n_fr_urssaf_dependents = 1
        self.assertFalse(self.wizard(under).ceiling_warning)

    def test_send_dialog_warns_past_a_sub_ceiling(self):
        partner = self.active_customer()
        self.send(partner, self.line(self.gardening, 4400))  # 4,840
        both = self.invoice(partner, lines=[self.line(self.gardening, 200)])
        other = self.invoice(
            self.active_customer(**PAUL), lines=[self.line(self.cleaning, 100)]
        )
        wizard = self.wizard(both | other)
        self.assertEqual(len(wizard.ceiling_warning.splitlines()), 1)
        self.assertIn("Small gardening work", wizard.ceiling_warning)
        self.assertIn("5,060.00", wizard.ceiling_warning)
        self.assertIn("5,000.00", wizard.ceiling_warning)
        self.assertEqual(wizard.ready_count, 2)
