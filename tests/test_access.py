# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Whoever Odoo lets read an invoice can open, list and print it, whatever
their rights on Urssaf payment requests."""

from odoo.tests import Form, HttpCase, new_test_user, tagged

from .test_payment_request import PaymentRequestCommon

# Login: groups, or None when the module bringing the group is not installed.
PROFILES = {
    "employee": "base.group_user",
    "salesperson": "sales_team.group_sale_salesman",
    "purchase_user": "purchase.group_purchase_user",
    "auditor": "account.group_account_readonly",
    "invoicing_user": "account.group_account_invoice",
    "billing_admin": "account.group_account_manager",
    "system_admin": "base.group_system",
}


def list_spec(env, move_type):
    """What the web client reads for the invoice or bill list view."""
    views = env["account.move"].get_views([(False, "list")])
    fields = views["models"]["account.move"]["fields"]
    spec = {}
    for name, info in fields.items():
        spec[name] = (
            {"fields": {"display_name": {}}} if info["type"] == "many2one" else {}
        )
    return [("move_type", "=", move_type)], spec


@tagged("post_install", "-at_install")
class TestInvoiceAccessMatrix(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        for login, groups in PROFILES.items():
            if cls.env.ref(groups, raise_if_not_found=False):
                cls.users[login] = new_test_user(
                    cls.env,
                    login=f"matrix_{login}",
                    groups=f"{groups},base.group_user",
                    company_id=cls.company.id,
                    company_ids=cls.company.ids,
                )
        other = cls.env["res.company"].create({"name": "Other provider"})
        cls.users["other_company"] = new_test_user(
            cls.env,
            login="matrix_other_company",
            groups="account.group_account_manager",
            company_id=other.id,
            company_ids=other.ids,
        )

    def setUp(self):
        super().setUp()
        customer = self.active_customer()
        salesperson = self.users.get("salesperson", self.env.user)
        self.sent, _request = self.sent_invoice(
            customer, invoice_user_id=salesperson.id
        )
        # A rejected request, whose explanation shows on the invoice.
        self.rejected = self.invoice(customer, invoice_user_id=salesperson.id)
        self.env["l10n.fr.urssaf.payment.request"].sudo().create(
            {
                "name": "REJECTED",
                "move_id": self.rejected.id,
                "partner_id": customer.id,
                "company_id": self.company.id,
                "amount": self.rejected.amount_total,
                "state": "error",
                "error_message": "Rejected",
                "environment": "simulation",
            }
        )
        self.bill = self.init_invoice("in_invoice", amounts=[100], post=True)
        self.bill.invoice_user_id = self.users.get("purchase_user", self.env.user)

    def assert_opens(self, user, move):
        as_user = move.with_user(user).with_context(
            allowed_company_ids=user.company_ids.ids
        )
        form = Form(as_user)
        self.assertEqual(form.name, move.name)
        html = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html("account.account_invoices", move.ids)[0]
            .decode()
        )
        self.assertIn(move.name, html)
        domain, spec = list_spec(as_user.env, move.move_type)
        listed = as_user.web_search_read(domain, spec)
        self.assertIn(move.id, [record["id"] for record in listed["records"]])

    def test_matrix(self):
        moves = {"sent": self.sent, "rejected": self.rejected, "bill": self.bill}
        opened = set()
        for login, user in self.users.items():
            for kind, move in moves.items():
                with self.subTest(user=login, move=kind):
                    as_user = move.with_user(user).with_context(
                        allowed_company_ids=user.company_ids.ids
                    )
                    if as_user.has_access("read"):
                        self.assert_opens(user, move)
                        opened.add((login, kind))
        # Who Odoo lets read what (sales and purchase rules included): each
        # of them opens, lists and prints it; nobody else reads it at all.
        expected = {
            (login, kind)
            for login in ("auditor", "billing_admin", "invoicing_user")
            for kind in moves
        }
        if "salesperson" in self.users:
            expected |= {("salesperson", "sent"), ("salesperson", "rejected")}
        if "purchase_user" in self.users:
            expected |= {("purchase_user", "bill")}
        self.assertEqual(opened, expected)


@tagged("post_install", "-at_install")
class TestPortalInvoice(HttpCase, PaymentRequestCommon):
    def test_customer_opens_and_prints_the_invoice_in_the_portal(self):
        customer = self.active_customer()
        move, _request = self.sent_invoice(customer)
        new_test_user(
            self.env,
            login="matrix_portal",
            groups="base.group_portal",
            partner_id=customer.id,
        )
        self.authenticate("matrix_portal", "matrix_portal")
        for suffix in ("", "?report_type=html"):
            response = self.url_open(f"/my/invoices/{move.id}{suffix}")
            self.assertEqual(response.status_code, 200, suffix)
            self.assertIn(move.name, response.text)
