# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attestations fiscales: the year cut-off, the figures, the PDF's mentions,
the bulk e-mails and the portal."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..lib.codes import NATURE_NOT_ELIGIBLE
from .common import LUCIE, PAUL, customer_values
from .test_payment_request import PaymentRequestCommon

STATEMENT = "l10n.fr.urssaf.tax.statement"


class TaxStatementCommon(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "l10n_fr_urssaf_sap_number": "SAP123456789",
                "l10n_fr_urssaf_sap_date": date(2020, 3, 2),
            }
        )

    def paid_by_urssaf(self, partner, sent, paid):
        """An invoice sent at ``sent`` that Urssaf pays at ``paid`` (UTC)."""
        with freeze_time(sent):
            move, request = self.sent_invoice(partner)
        with freeze_time(paid):
            # Validated, debited and paid (the simulator walks the statuses).
            self.simulator.pay(request.urssaf_id)
            request.action_refresh()
        self.assertEqual(request.state, "paid")
        return move

    def pay(self, move, amount, on):
        """The customer pays ``amount`` of ``move`` directly on ``on``."""
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": on})._create_payments()

    def generate(self, year):
        return self.env[STATEMENT]._l10n_fr_urssaf_generate(self.company, year)


@tagged("post_install", "-at_install")
class TestTaxStatement(TaxStatementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Not registered with Urssaf: pays us directly.
        cls.direct = cls.env["res.partner"].create(customer_values(cls.env, **PAUL))

    def setUp(self):
        super().setUp()
        with freeze_time("2026-12-01 09:00:00"):
            self.customer = self.active_customer()
        # Paid by Urssaf on 23 December: 2026.
        self.december = self.paid_by_urssaf(
            self.customer, "2026-12-20 09:00:00", "2026-12-23 09:00:00"
        )
        # Sent on 30 December, validated and paid on 2 January: 2027.
        self.january = self.paid_by_urssaf(
            self.customer, "2026-12-30 09:00:00", "2027-01-02 09:00:00"
        )
        # Refused in December, then paid to us directly in January: 2027.
        with freeze_time("2026-12-21 09:00:00"):
            self.refused, request = self.sent_invoice(self.customer)
            self.simulator.refuse(request.urssaf_id, "CONTEST_AUTRE", "")
            request.action_refresh()
        self.pay(self.refused, 132.0, date(2027, 1, 10))
        # Paid in two parts across the year end.
        with freeze_time("2026-12-15 09:00:00"):
            self.partial = self.invoice(self.direct)
        self.pay(self.partial, 50.0, date(2026, 12, 28))
        self.pay(self.partial, 82.0, date(2027, 1, 5))
        # Cancelled by a credit note: nothing paid.
        with freeze_time("2026-12-15 09:00:00"):
            cancelled = self.invoice(self.direct)
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=cancelled.ids)
                .create({"journal_id": cancelled.journal_id.id, "reason": "erreur"})
            )
            reversal.refund_moves()
            self.assertTrue(cancelled.reversal_move_ids)

    def statement(self, statements, partner):
        return statements.filtered(lambda statement: statement.partner_id == partner)

    def test_year_cut_off(self):
        statements = self.generate(2026)
        self.assertEqual(statements.partner_id, self.customer | self.direct)
        self.assertRecordValues(
            self.statement(statements, self.customer),
            [
                {
                    "year": 2026,
                    "amount_urssaf": 132.0,
                    "customer_share": 66.0,
                    "tax_credit_advanced": 66.0,
                    "amount_other": 0.0,
                    "amount_total": 132.0,
                    "amount_paid": 66.0,
                    "hours": 4.0,
                }
            ],
        )
        self.assertRecordValues(
            self.statement(statements, self.direct),
            [
                {
                    "amount_urssaf": 0.0,
                    "amount_other": 50.0,
                    "amount_total": 50.0,
                    "amount_paid": 50.0,
                }
            ],
        )
        statements = self.generate(2027)
        self.assertRecordValues(
            self.statement(statements, self.customer),
            [
                {
                    "amount_urssaf": 132.0,
                    "customer_share": 66.0,
                    "amount_other": 132.0,
                    "amount_total": 264.0,
                    "amount_paid": 198.0,
                    "hours": 8.0,
                }
            ],
        )
        self.assertRecordValues(
            self.statement(statements, self.direct),
            [{"amount_other": 82.0, "amount_paid": 82.0}],
        )
        # Nothing paid in 2025.
        self.assertFalse(self.generate(2025))

    def test_only_the_services_of_a_mixed_invoice(self):
        fees = self.env["product.product"].create(
            {
                "name": "Frais de dossier",
                "type": "service",
                "list_price": 50.0,
                "taxes_id": [Command.clear()],
                "l10n_fr_urssaf_nature_code": NATURE_NOT_ELIGIBLE,
            }
        )
        with freeze_time("2026-12-15 09:00:00"):
            mixed = self.invoice(
                self.direct,
                lines=[
                    {"product_id": self.cleaning.id, "quantity": 4, "price_unit": 30},
                    {"product_id": fees.id, "quantity": 1, "price_unit": 50},
                ],
            )
        self.pay(mixed, 182.0, date(2026, 12, 20))
        statement = self.statement(self.generate(2026), self.direct)
        # 50 of the invoice paid in two parts, 132 of this one: the fees of
        # 50 are no service à la personne.
        self.assertEqual(statement.amount_other, 182.0)
        self.assertEqual(statement.amount_total, 182.0)

    def test_payout_registered_by_hand_is_not_counted_twice(self):
        journal = self.company.l10n_fr_urssaf_journal_id
        self.company.l10n_fr_urssaf_journal_id = False  # not booked by the addon
        move = self.paid_by_urssaf(
            self.direct_customer(), "2026-11-20 09:00:00", "2026-11-23 09:00:00"
        )
        self.company.l10n_fr_urssaf_journal_id = journal
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {"journal_id": journal.id, "payment_date": date(2026, 11, 24)}
        )._create_payments()
        statement = self.statement(self.generate(2026), move.partner_id)
        self.assertRecordValues(
            statement,
            [{"amount_urssaf": 132.0, "amount_other": 0.0, "amount_total": 132.0}],
        )

    def direct_customer(self):
        with freeze_time("2026-11-01 09:00:00"):
            return self.active_customer(**LUCIE)

    def test_needs_the_sap_declaration(self):
        self.company.l10n_fr_urssaf_sap_date = False
        with self.assertRaisesRegex(UserError, "SAP declaration number and date"):
            self.generate(2026)

    def test_summary_of_services(self):
        self.january.l10n_fr_urssaf_intervenants = "Marie Durand, Paul Morel"
        self.refused.l10n_fr_urssaf_intervenants = "marie durand"
        statement = self.statement(self.generate(2027), self.customer)
        self.assertRecordValues(
            statement.line_ids,
            [
                {
                    "nature_code": "60",
                    "hours": 8.0,
                    "amount": 264.0,
                    "intervenants": "Marie Durand, Paul Morel",
                }
            ],
        )
        self.assertEqual(statement.line_ids.months, "Nov 2026")
        # In the customer's language, whoever generates.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        statement = self.statement(self.generate(2027), self.customer)
        self.assertEqual(statement.line_ids.months, "nov. 2026")

    def test_generating_again_updates_the_year(self):
        first = self.statement(self.generate(2026), self.direct)
        with freeze_time("2026-12-15 09:00:00"):
            extra = self.invoice(self.direct)
        self.pay(extra, 20.0, date(2026, 12, 30))
        self.assertEqual(self.statement(self.generate(2026), self.direct), first)
        self.assertEqual(first.amount_other, 70.0)
        self.assertRecordValues(first.line_ids, [{"hours": 8.0, "amount": 264.0}])

    def test_pdf_mentions(self):
        statement = self.statement(self.generate(2026), self.customer)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "l10n_fr_urssaf_avance_immediate.action_report_tax_statement",
                statement.ids,
            )[0]
            .decode()
        )
        for mention in (
            "Annual tax statement",
            "2026",
            self.company.name,
            "SAP123456789",
            "03/02/2020",
            self.customer.name,
            self.customer.city,
            "Ménage - repassage",
            "Nov 2026",
            # No intervenant named on the invoice: the provider's staff.
            "Staff of",
            "4.00",
            "66.00",
            "132.00",
            "pre-financed CESU",
            "D7233-4",
            "199 sexdecies",
        ):
            with self.subTest(mention=mention):
                self.assertIn(mention, html)

    def test_bulk_e_mails_with_the_pdf(self):
        statements = self.generate(2026)
        action = statements.action_send()
        composer = Form(
            self.env[action["res_model"]].with_context(
                **action["context"], force_report_rendering=True
            )
        ).save()
        self.assertEqual(composer.composition_mode, "mass_mail")
        composer._action_send_mail()
        mails = self.env["mail.mail"].search(
            [("model", "=", STATEMENT), ("res_id", "in", statements.ids)]
        )
        self.assertEqual(len(mails), 2)
        for mail in mails:
            self.assertEqual(len(mail.attachment_ids), 1)
            self.assertIn("Attestation fiscale 2026", mail.attachment_ids.name)
            self.assertEqual(mail.attachment_ids.raw[:5], b"%PDF-")

    def test_generate_wizard_defaults_to_last_year(self):
        with freeze_time("2027-01-01 00:30:00"):  # 01:30 in Paris
            wizard = Form(self.env["l10n.fr.urssaf.tax.statement.generate"]).save()
        self.assertEqual(wizard.year, 2026)
        action = wizard.action_generate()
        self.assertEqual(len(self.env[STATEMENT].search(action["domain"])), 2)


@tagged("post_install", "-at_install")
class TestTaxStatementPortal(TaxStatementCommon, HttpCase):
    def test_customer_downloads_own_statement_only(self):
        with freeze_time("2026-06-01 09:00:00"):
            customer = self.active_customer()
        self.paid_by_urssaf(customer, "2026-06-10 09:00:00", "2026-06-13 09:00:00")
        other = self.env["res.partner"].create(customer_values(self.env, **PAUL))
        with freeze_time("2026-06-15 09:00:00"):
            move = self.invoice(other)
        self.pay(move, move.amount_total, date(2026, 6, 20))
        statements = self.generate(2026)
        mine = statements.filtered(lambda s: s.partner_id == customer)
        theirs = statements - mine
        new_test_user(
            self.env,
            login="portal_jeanne",
            groups="base.group_portal",
            partner_id=customer.id,
        )
        self.authenticate("portal_jeanne", "portal_jeanne")
        page = self.url_open("/my/tax_statements")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/my/tax_statements/{mine.id}", page.text)
        self.assertNotIn(f"/my/tax_statements/{theirs.id}", page.text)
        pdf = self.url_open(f"/my/tax_statements/{mine.id}?download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("Attestation", pdf.headers.get("Content-Disposition", ""))
        # Another customer's attestation: back to the portal's home.
        refused = self.url_open(f"/my/tax_statements/{theirs.id}?download=true")
        self.assertTrue(refused.url.endswith("/my"))
        # The link e-mailed with its token opens it without an account.
        self.logout()
        theirs._portal_ensure_token()
        shared = self.url_open(theirs.get_portal_url(download=True))
        self.assertEqual(shared.status_code, 200)
        self.assertIn("Attestation", shared.headers.get("Content-Disposition", ""))
