# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Urssaf-owned data is written by the addon only: no group, import or RPC
script can set it."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_payment_request import PaymentRequestCommon

GROUPS = {
    "contact_editor": "base.group_user,base.group_partner_manager",
    "invoicing_user": "account.group_account_invoice,base.group_partner_manager",
    "billing_admin": "account.group_account_manager,base.group_partner_manager",
    "system_admin": "base.group_system,account.group_account_manager,"
    "base.group_partner_manager",
}


def owned_users(env, company):
    """One user of each group that might try to write Urssaf's data."""
    return {
        login: new_test_user(
            env,
            login=f"owned_{login}",
            groups=groups,
            company_id=company.id,
            company_ids=company.ids,
        )
        for login, groups in GROUPS.items()
    }


@tagged("post_install", "-at_install")
class TestUrssafOwnedData(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = owned_users(cls.env, cls.company)

    def assert_refused(self, records, values):
        for login, user in self.users.items():
            with self.subTest(user=login, values=values):
                with self.assertRaises(AccessError):
                    records.with_user(user).write(values)

    def test_customer_link(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        other_bank = self.env["res.partner.bank"].create(
            {"acc_number": "FR1420041010050500013M02606", "partner_id": partner.id}
        )
        for values in (
            {"l10n_fr_urssaf_state": "active"},
            {"l10n_fr_urssaf_customer_id": "11111111111"},
            {"l10n_fr_urssaf_activation_date": fields.Datetime.now()},
            {"l10n_fr_urssaf_company_id": False},
            {"l10n_fr_urssaf_bank_account_id": other_bank.id},
        ):
            self.assert_refused(partner, values)
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
        # Before registration the debit account is the user's choice.
        unregistered = self.make_customer(**{"name": "Not yet"})
        bank = unregistered.bank_ids
        unregistered.with_user(self.users["contact_editor"]).write(
            {"l10n_fr_urssaf_bank_account_id": bank.id, "phone": "0102030405"}
        )

    def test_create_and_import_cannot_set_a_link(self):
        user = self.users["system_admin"]
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(user).create(
                {"name": "Fake", "l10n_fr_urssaf_state": "active"}
            )
        result = (
            self.env["res.partner"]
            .with_user(user)
            .load(
                ["name", "l10n_fr_urssaf_customer_id", "l10n_fr_urssaf_state"],
                [["Imported", "12345678901", "active"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Imported")]))
        # An ordinary contact is created as usual.
        self.env["res.partner"].with_user(self.users["contact_editor"]).create(
            {"name": "Ordinary", "l10n_fr_urssaf_state": "not_registered"}
        )

    def test_unchanged_values_pass_and_contacts_merge(self):
        """Odoo's contact merge writes every field, Urssaf's unchanged."""
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        twin = self.env["res.partner"].create({"name": "Jeanne M."})
        editor = self.users["contact_editor"]
        partner.with_user(editor).write(
            {"l10n_fr_urssaf_state": "pending", "phone": "0102030405"}
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.users["system_admin"])
            .create({})
        )
        wizard._merge((twin | partner).ids, partner)
        self.assertFalse(twin.exists())
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")

    def test_invoice_data(self):
        move, request = self.sent_invoice()
        for values in (
            {"l10n_fr_urssaf_cancelled": True},
            {"l10n_fr_urssaf_state": "paid"},
            {"l10n_fr_urssaf_reissue_of_id": move.id},
            {"l10n_fr_urssaf_service_start": self.period[0].replace(day=2)},
            {"l10n_fr_urssaf_service_end": self.period[1] - timedelta(days=1)},
        ):
            self.assert_refused(move, values)
        self.assert_refused(move.invoice_line_ids, {"l10n_fr_urssaf_nature_code": "10"})
        for values in (
            {"state": "paid"},
            {"transfer_amount": 132.0, "transfer_date": fields.Date.today()},
            {"urssaf_id": "fake"},
            {"payment_id": False},
        ):
            self.assert_refused(request, values)
        self.assertEqual(request.state, "sent")
        self.assertEqual(move.l10n_fr_urssaf_state, "sent")

    def test_invoice_not_sent_stays_editable(self):
        move = self.invoice(self.active_customer(), post=False)
        clerk = self.users["invoicing_user"]
        move.with_user(clerk).write(
            {
                "l10n_fr_urssaf_service_start": self.period[0].replace(day=2),
                "invoice_line_ids": [
                    Command.update(
                        move.invoice_line_ids.id, {"l10n_fr_urssaf_nature_code": "10"}
                    )
                ],
            }
        )
        self.assertEqual(move.invoice_line_ids.l10n_fr_urssaf_nature_code, "10")

    def test_reissue_and_cancel_still_write_their_marks(self):
        move, _request = self.sent_invoice()
        clerk = self.users["invoicing_user"]
        move.with_user(clerk)._l10n_fr_urssaf_cancel("ANNUL_ERR_MNT")
        self.assertTrue(move.l10n_fr_urssaf_cancelled)
        action = move.with_user(clerk).action_l10n_fr_urssaf_reissue()
        new = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(new.l10n_fr_urssaf_reissue_of_id, move)
