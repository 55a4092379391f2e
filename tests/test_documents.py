# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools.pdf import PdfReader

from ..controllers.portal import UrssafPortalAccount
from ..models.account_move import COLLECTED_STATES
from .test_payment_request import PaymentRequestCommon


class DocumentsCommon(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What the standard documents tell the customer to pay to.
        cls.company_bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR7612739000709876543210963",
                "partner_id": cls.company.partner_id.id,
            }
        )

    def invoice(self, partner, lines=None, post=True, **values):
        values.setdefault("partner_bank_id", self.company_bank.id)
        return super().invoice(partner, lines, post, **values)


@tagged("post_install", "-at_install")
class TestCollectedByUrssaf(DocumentsCommon):
    def test_collected_states(self):
        self.assertEqual(
            set(COLLECTED_STATES),
            {
                "to_send",
                "error",
                "to_reconcile",
                "sent",
                "waiting",
                "validated",
                "paid",
                "unpaid",
                "unknown",
            },
        )
        partner = self.active_customer()
        to_send = self.invoice(partner)
        other = self.invoice(self.partner_a)
        draft = self.invoice(partner, post=False)
        self.assertEqual((to_send | other | draft)._l10n_fr_urssaf_collected(), to_send)
        move, request = self.sent_invoice(partner)
        self.assertTrue(move.l10n_fr_urssaf_collected)
        self.simulator.refuse(request.urssaf_id, "REGUL_NB_QTE_FACT", "3 heures")
        request.action_refresh()
        self.assertFalse(move._l10n_fr_urssaf_collected())

    def test_amounts_before_sending(self):
        move = self.invoice(self.active_customer(), post=False)
        self.assertRecordValues(
            move,
            [
                {
                    "amount_total": 132.0,
                    "l10n_fr_urssaf_tax_credit": 66.0,
                    "l10n_fr_urssaf_customer_share": 66.0,
                }
            ],
        )
        # An odd cent: half of it, rounded, is the tax credit.
        odd = self.invoice(
            move.partner_id,
            lines=[
                {"product_id": self.cleaning.id, "quantity": 1, "price_unit": 30.01}
            ],
            post=False,
        )
        self.assertRecordValues(
            odd,
            [
                {
                    "amount_total": 33.01,
                    "l10n_fr_urssaf_tax_credit": 16.51,
                    "l10n_fr_urssaf_customer_share": 16.5,
                }
            ],
        )

    def test_send_dialog_totals(self):
        partner = self.active_customer()
        ready = self.invoice(partner) | self.invoice(partner)
        blocked = self.invoice(self.partner_a)
        action = (ready | blocked).action_l10n_fr_urssaf_send()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        self.assertRecordValues(
            wizard,
            [
                {
                    "ready_count": 2,
                    "blocked_count": 1,
                    "amount_total": 264.0,
                    "tax_credit": 132.0,
                    "customer_share": 132.0,
                }
            ],
        )
        line = wizard.line_ids.filtered(lambda line: line.move_id == blocked)
        self.assertRecordValues(
            line, [{"ready": False, "tax_credit": 66.0, "customer_share": 66.0}]
        )


@tagged("post_install", "-at_install")
class TestInvoiceEmail(DocumentsCommon):
    def send_and_print(self, move):
        return (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )

    def test_email_of_an_invoice_urssaf_collects(self):
        move = self.invoice(self.active_customer())
        template = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.mail_template_invoice_avance_immediate"
        )
        wizard = self.send_and_print(move)
        self.assertEqual(wizard.mail_template_id, template)
        body = str(wizard.mail_body)
        for text in (
            move.name,
            "particulier.urssaf.fr",
            "48 hours",
            "the tax credit Urssaf advances you",
            "66.00",
            "your share",
            "do not pay this invoice to us",
        ):
            self.assertIn(text, body)
        self.assertNotIn("remit payment", body)
        self.assertNotIn("communication for your payment", body)
        self.assertNotIn(self.company_bank.acc_number, body)
        self.assertIn("Urssaf account", wizard.mail_subject)
        # The batch sending picks it per invoice too.
        settings = self.env["account.move.send"]._get_default_sending_settings(move)
        self.assertEqual(settings["mail_template"], template)

    def test_standard_email_after_a_refusal(self):
        move = self.refused_invoice()[0]
        wizard = self.send_and_print(move)
        self.assertEqual(
            wizard.mail_template_id, self.env.ref("account.email_template_edi_invoice")
        )
        body = str(wizard.mail_body)
        self.assertIn("communication for your payment", body)
        self.assertIn(self.company_bank.acc_number, body)

    def test_standard_email_for_other_customers(self):
        move = self.invoice(self.partner_a)
        self.assertEqual(
            self.send_and_print(move).mail_template_id,
            self.env.ref("account.email_template_edi_invoice"),
        )


@tagged("post_install", "-at_install")
class TestInvoicePdf(DocumentsCommon):
    def pdf_text(self, move):
        """The text of the invoice PDF, as wkhtmltopdf prints it."""
        # The styles are loaded from no server: the same PDF whether or not
        # another Odoo (a demo) answers on the database's base URL, whose
        # pages would be printed instead. Only the texts are checked.
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:1"
        )
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", move.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        text = "\n".join(page.extract_text() for page in reader.pages)
        # wkhtmltopdf may break a line anywhere a space is.
        return " ".join(text.split())

    def html(self, move):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.account_invoices", move.ids)[0]
            .decode()
        )

    def test_avance_immediate_in_the_totals(self):
        move = self.invoice(self.active_customer())
        text = self.pdf_text(move)
        for expected in (
            "Total 132.00 €",
            "Tax credit advanced by Urssaf 66.00 €",
            "Your share 66.00 €",
            "Avance immédiate de crédit d'impôt",
            "particulier.urssaf.fr",
            "Please do not pay us directly.",
            "SAP123456789",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("Payment Communication", text)
        self.assertNotIn(self.company_bank.acc_number, text)
        # The block follows the totals, under them.
        self.assertLess(text.index("Your share"), text.index("Avance immédiate de"))

    def test_no_payment_instructions_while_urssaf_collects(self):
        self.company.qr_code = True
        move = self.invoice(self.active_customer())
        html = self.html(move)
        self.assertIn('id="l10n_fr_urssaf_avance_immediate"', html)
        self.assertNotIn('name="payment_communication"', html)
        self.assertNotIn('id="qrcode"', html)
        self.assertNotIn(self.company_bank.acc_number, html)

    def test_portal_overdue_payment_leaves_out_what_urssaf_collects(self):
        refused = self.refused_invoice()[0]
        partner = refused.partner_id
        to_send = self.invoice(partner)
        later = max(to_send.invoice_date_due, refused.invoice_date_due)
        with freeze_time(later + timedelta(days=1)):
            domain = UrssafPortalAccount()._get_overdue_invoices_domain(partner.id)
            overdue = self.env["account.move"].search(domain)
        self.assertNotIn(to_send, overdue)
        self.assertIn(refused, overdue)

    def test_pdf_made_again_when_who_collects_changes(self):
        move, request = self.sent_invoice()

        def keep_pdf(move):
            # As Send & Print keeps it.
            self.env["ir.attachment"].create(
                {
                    "name": "invoice.pdf",
                    "raw": b"%PDF-1.4",
                    "res_model": "account.move",
                    "res_id": move.id,
                    "res_field": "invoice_pdf_report_file",
                }
            )
            move.invalidate_recordset(["invoice_pdf_report_id"])
            self.assertTrue(move.invoice_pdf_report_id)

        keep_pdf(move)
        request.action_refresh()  # no change: the PDF stays
        self.assertTrue(move.invoice_pdf_report_id)
        self.simulator.refuse(request.urssaf_id, "REGUL_NB_QTE_FACT", "3 heures")
        request.action_refresh()
        move.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertFalse(move.invoice_pdf_report_id)
        excluded = self.invoice(move.partner_id)
        keep_pdf(excluded)
        excluded.action_l10n_fr_urssaf_exclude()
        excluded.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertFalse(excluded.invoice_pdf_report_id)

    def test_standard_pdf_after_a_refusal(self):
        move = self.refused_invoice()[0]
        html = self.html(move)
        self.assertNotIn('id="l10n_fr_urssaf_avance_immediate"', html)
        self.assertNotIn("l10n_fr_urssaf_customer_share", html)
        self.assertIn('name="payment_communication"', html)
        self.assertIn(self.company_bank.acc_number, html)
