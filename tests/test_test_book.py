# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
import zipfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .test_payment_request import PaymentRequestCommon

OPERATIONS = ["M010", "M020", "M050", "M070"]


@tagged("post_install", "-at_install")
class TestTestBook(PaymentRequestCommon):
    def wizard(self, user=None):
        env = self.env(user=user) if user else self.env
        return env["l10n.fr.urssaf.test.book"].create({"company_id": self.company.id})

    def produce(self, **context):
        wizard = self.wizard()
        wizard.with_context(**context).action_produce()
        return wizard

    def book_files(self, wizard):
        """The zip's files: ``{name: bytes}``."""
        data = base64.b64decode(wizard.attachment_id.datas)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    def test_zip_holds_the_four_operations(self):
        move, request = self.sent_invoice()
        # Printed by wkhtmltopdf, styles from no server (see test_documents).
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:1"
        )
        wizard = self.produce(force_report_rendering=True)
        self.assertEqual(wizard.state, "done")
        files = self.book_files(wizard)
        pdfs = [name for name in files if name.endswith(".pdf")]
        self.assertEqual(len(pdfs), 1, files.keys())
        documents = {
            name: json.loads(body)
            for name, body in files.items()
            if name.endswith(".json")
        }
        self.assertEqual(
            sorted(document["operation"] for document in documents.values()),
            OPERATIONS,
        )
        for name, document in documents.items():
            self.assertTrue(name.startswith(document["operation"]), name)
            self.assertEqual(document["outcome"], "ok")
            self.assertEqual(document["environment"], "simulation")
            self.assertTrue(document["started_at_paris"])
            self.assertIsNotNone(document["response"], name)
        by_operation = {doc["operation"]: doc for doc in documents.values()}
        # Full bodies: the registration as sent, the request's invoice number.
        self.assertIn("Durand", json.dumps(by_operation["M010"]["request"]))
        self.assertIn(move.name, json.dumps(by_operation["M050"]["request"]))
        self.assertIn(request.urssaf_id, json.dumps(by_operation["M070"]["response"]))

        text = " ".join(
            " ".join(
                page.extract_text()
                for page in PdfReader(io.BytesIO(files[pdfs[0]])).pages
            ).split()
        )
        for operation in OPERATIONS:
            self.assertIn(operation, text)
        self.assertIn("Local simulation — not valid for Urssaf", text)
        self.assertIn("SAP123456789", text)
        self.assertIn("Durand", text)
        # Practice only: the going-live checklist still waits for the sandbox.
        self.assertFalse(self.company.l10n_fr_urssaf_test_book_date)
        # No search yet: the wizard ran one.
        self.assertIn("Run now, as the journal had none: M070.", wizard.result)

        # The zip is the company's, for accounting managers only.
        attachment = wizard.attachment_id
        self.assertEqual(
            (attachment.res_model, attachment.res_id), ("res.company", self.company.id)
        )
        clerk = new_test_user(
            self.env,
            login="test_book_clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            attachment.with_user(clerk).read(["datas"])

    def test_sandbox_book_marks_the_company(self):
        with self.urssaf_over_http(self.company):
            self.sent_invoice()
            wizard = self.produce()
        self.assertEqual(wizard.state, "done")
        self.assertTrue(self.company.l10n_fr_urssaf_test_book_date)
        self.assertNotIn("Local simulation", wizard.result)

    def test_missing_registration_explained(self):
        wizard = self.wizard()
        self.assertIn("register a test customer", wizard.summary)
        with self.assertRaises(UserError) as caught:
            wizard.action_produce()
        message = str(caught.exception)
        self.assertIn(
            "M010 (registration) is missing: register a test customer", message
        )
        self.assertIn(
            "M050 (payment request) is missing: send one test invoice", message
        )
        self.assertEqual(wizard.state, "draft")
        self.assertFalse(wizard.attachment_id)

    def test_refused_in_production(self):
        settings = self.env["res.config.settings"].create({})
        action = settings.action_l10n_fr_urssaf_test_book()  # simulation: to practise
        self.assertEqual(action["res_model"], "l10n.fr.urssaf.test.book")
        self.company.sudo().l10n_fr_urssaf_environment = "production"
        with self.assertRaisesRegex(UserError, "works in production"):
            settings.action_l10n_fr_urssaf_test_book()
        with self.assertRaisesRegex(UserError, "works in production"):
            self.wizard().action_produce()

    def test_refused_for_non_manager(self):
        clerk = new_test_user(
            self.env,
            login="test_book_clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaisesRegex(AccessError, "Only accounting managers"):
            self.company.with_user(clerk)._l10n_fr_urssaf_check_test_book()
        with self.assertRaises(AccessError):
            self.wizard(clerk)

    def test_printed_from_the_journal_redacted_for_others(self):
        self.sent_invoice()
        exchanges = self.env["l10n.fr.urssaf.exchange"].search(
            [("company_id", "=", self.company.id), ("operation", "=", "M010")]
        )
        clerk = new_test_user(
            self.env,
            login="test_book_clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
        )
        report = self.env["ir.actions.report"]
        html = report._render_qweb_html(
            "l10n_fr_urssaf_avance_immediate.action_report_test_book", exchanges.ids
        )[0].decode()
        self.assertIn("Durand", html)
        html = (
            report.with_user(clerk)
            ._render_qweb_html(
                "l10n_fr_urssaf_avance_immediate.action_report_test_book",
                exchanges.ids,
            )[0]
            .decode()
        )
        self.assertIn("Personal data hidden", html)
        self.assertNotIn("Durand", html)

    def test_a_connection_test_is_not_the_search_of_the_book(self):
        """Test connection searches nobody's request ("nothing found"): the
        book's M070 is the search of a request really sent."""
        _move, request = self.sent_invoice()
        settings = self.env["res.config.settings"].create({})
        settings.action_l10n_fr_urssaf_test_connection()
        probe = self.env["l10n.fr.urssaf.exchange"].search(
            [("operation", "=", "M070")], limit=1
        )
        self.assertEqual(probe.error_codes, "ERR_RECHERCHE_VIDE")
        wizard = self.produce()
        self.assertIn("Run now, as the journal had none: M070.", wizard.result)
        documents = [
            json.loads(body)
            for name, body in self.book_files(wizard).items()
            if name.startswith("M070")
        ]
        self.assertIn(request.urssaf_id, json.dumps(documents[0]["response"]))
