# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import (
    SimulatorMixin,
    activated_long_ago,
    customer_values,
    last_month,
    service_product,
)


class UrssafTourMixin:
    """What the invoice tours start from: a French company, with its SAP number
    and payout journal, where the admin works, and a customer active with the
    simulator for two months."""

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
        partner = (
            self.env["res.partner"]
            .with_company(company)
            .create(customer_values(self.env))
        )
        partner.action_l10n_fr_urssaf_register()
        self.simulator.activate(
            partner.l10n_fr_urssaf_customer_id,
            at=activated_long_ago(),
        )
        partner.action_l10n_fr_urssaf_refresh_status()
        self.assertEqual(partner.l10n_fr_urssaf_state, "active")
        return partner

    def posted_invoice(self, company, partner):
        """An invoice of 4 hours of cleaning performed last month."""
        cleaning = service_product(self.env, company)
        first_day, last_day = last_month(partner)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.context_today(partner),
                    "l10n_fr_urssaf_service_start": first_day,
                    "l10n_fr_urssaf_service_end": last_day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cleaning.id,
                                "quantity": 4,
                                "price_unit": 30,
                                "tax_ids": [Command.set(cleaning.taxes_id.ids)],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def posted_invoice_of_admin_company(self):
        """A posted invoice of an active customer, in the French company made
        the admin's current one."""
        company = self.french_company()
        self.env.ref("base.user_admin").write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id}
        )
        partner = self.active_customer(company)
        return self.posted_invoice(company, partner)


@tagged("post_install", "-at_install")
class TestTourPaymentRequest(UrssafTourMixin, SimulatorMixin, HttpCase):
    def test_send_an_invoice_until_paid(self):
        move = self.posted_invoice_of_admin_company()
        company = move.company_id
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
