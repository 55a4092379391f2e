# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import SimulatorMixin


@tagged("post_install", "-at_install")
class TestTourPaymentRequest(SimulatorMixin, HttpCase):
    def french_company(self):
        """A company keeping its books in euros under the French chart: the
        French demo company when there is one, else a new one."""
        company = self.env.ref("base.demo_company_fr", raise_if_not_found=False)
        if not (company and company.chart_template == "fr"):
            company = self.env["res.company"].create(
                {"name": "SAP Services", "country_id": self.env.ref("base.fr").id}
            )
            self.env["account.chart.template"].try_loading(
                "fr", company=company, install_demo=False
            )
        bank = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        company.write(
            {
                "account_fiscal_country_id": self.env.ref("base.fr").id,
                "l10n_fr_urssaf_sap_number": "SAP123456789",
                "l10n_fr_urssaf_journal_id": bank.id,
            }
        )
        return company

    def active_customer(self, company):
        rennes = self.env["l10n.fr.urssaf.commune"].search(
            [("code", "=", "35238"), ("kind", "=", "current")], limit=1
        )
        bnp = self.env["res.bank"].create({"name": "BNP", "bic": "BNPAFRPP"})
        iban = "FR76 3000 4000 0312 3456 7890 143"
        partner = (
            self.env["res.partner"]
            .with_company(company)
            .create(
                {
                    "name": "Jeanne Martin",
                    "l10n_fr_urssaf_civility": "2",
                    "l10n_fr_urssaf_birth_name": "Durand",
                    "l10n_fr_urssaf_usage_name": "Martin",
                    "l10n_fr_urssaf_first_names": "Jeanne Marie",
                    "l10n_fr_urssaf_birth_date": date(1980, 3, 29),
                    "l10n_fr_urssaf_birth_commune_id": rennes.id,
                    "mobile": "06 12 34 56 78",
                    "email": "jeanne.martin@example.com",
                    "street": "8 rue du Soleil",
                    "zip": "35000",
                    "city": "Rennes",
                    "country_id": self.env.ref("base.fr").id,
                    "bank_ids": [
                        Command.create({"acc_number": iban, "bank_id": bnp.id})
                    ],
                }
            )
        )
        partner.action_l10n_fr_urssaf_register()
        self.simulator.activate(
            partner.l10n_fr_urssaf_customer_id,
            at=datetime.now() - timedelta(days=62),
        )
        partner.action_l10n_fr_urssaf_refresh_status()
        self.assertEqual(partner.l10n_fr_urssaf_state, "active")
        return partner

    def posted_invoice(self, company, partner):
        """An invoice of 4 hours of cleaning performed last month."""
        hour = self.env.ref("uom.product_uom_hour")
        tax = self.env["account.tax"].create(
            {
                "name": "TVA 10 % SAP",
                "amount": 10,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": company.id,
            }
        )
        cleaning = self.env["product.product"].create(
            {
                "name": "Ménage",
                "type": "service",
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "list_price": 30.0,
                "taxes_id": [Command.set(tax.ids)],
                "l10n_fr_urssaf_nature_code": "60",
            }
        )
        today = fields.Date.context_today(partner)
        last_month_end = today.replace(day=1) - timedelta(days=1)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today,
                    "l10n_fr_urssaf_service_start": last_month_end.replace(day=1),
                    "l10n_fr_urssaf_service_end": last_month_end,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cleaning.id,
                                "quantity": 4,
                                "price_unit": 30,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def test_send_an_invoice_until_paid(self):
        company = self.french_company()
        self.env.ref("base.user_admin").write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id}
        )
        partner = self.active_customer(company)
        move = self.posted_invoice(company, partner)
        self.assertEqual(move.l10n_fr_urssaf_state, "to_send")
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "l10n_fr_urssaf_payment_request",
            login="admin",
        )
        request = move.l10n_fr_urssaf_request_ids
        self.assertRecordValues(
            request, [{"state": "paid", "status": "70", "amount": 132.0}]
        )
        self.assertTrue(request.payment_id)
        self.assertEqual(
            request.payment_id.journal_id, company.l10n_fr_urssaf_journal_id
        )
        self.assertIn(move.payment_state, ("in_payment", "paid"))
