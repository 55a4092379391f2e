# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the office sees of a customer: bank details on a new contact, data
Urssaf keeps, the stalled activation and the simulated one."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PAUL
from .test_payment_request import PaymentRequestCommon

IBAN = "FR76 3000 4000 0312 3456 7890 143"


@tagged("post_install", "-at_install")
class TestCustomerCare(PaymentRequestCommon):
    def test_bank_account_entered_on_a_new_contact(self):
        bank = self.env["res.bank"].create({"name": "BNP", "bic": "BNPAFRPP"})
        form = Form(self.env["res.partner"])
        form.name = "Nouvelle Cliente"
        form.l10n_fr_urssaf_iban = IBAN
        form.l10n_fr_urssaf_bank_id = bank
        partner = form.save()
        account = partner.l10n_fr_urssaf_bank_account_id
        self.assertEqual(partner.bank_ids, account)
        self.assertEqual(account.partner_id, partner)
        self.assertEqual(account.bank_id, bank)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", "Nouvelle Cliente")]),
            1,
        )
        # Entering one of the contact's accounts chooses it, not a copy.
        other = self.env["res.partner.bank"].create(
            {"partner_id": partner.id, "acc_number": "DE89370400440532013000"}
        )
        with Form(partner) as form:
            form.l10n_fr_urssaf_iban = "de89 3704 0044 0532 0130 00"
        self.assertEqual(partner.l10n_fr_urssaf_bank_account_id, other)
        self.assertEqual(len(partner.bank_ids), 2)

    def test_one_message_per_bank_problem_and_where_to_enter_the_bic(self):
        partner = self.make_customer()
        account = partner.l10n_fr_urssaf_bank_account_id
        account.acc_number = "FR76 3000 4000 0312 3456 7890 144"
        problems = partner._l10n_fr_urssaf_registration_problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("check digits", problems[0])
        account.acc_number = IBAN
        account.bank_id = False
        (problem,) = partner._l10n_fr_urssaf_registration_problems()
        self.assertIn("Bank field of the Avance immédiate tab", problem)
        account.bank_id = self.env["res.bank"].create({"name": "Sans BIC"})
        (problem,) = partner._l10n_fr_urssaf_registration_problems()
        self.assertIn("Sans BIC", problem)
        without = self.make_customer(**PAUL, bank_ids=[])
        (problem,) = without._l10n_fr_urssaf_registration_problems()
        self.assertIn("IBAN and bank in the Avance immédiate tab", problem)

    def test_changes_urssaf_keeps_are_told(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            with Form(partner) as form:
                form.email = "jeanne.nouvelle@example.com"
        self.assertIn("Urssaf will not be updated", logs.output[0])
        self.assertIn("particulier.urssaf.fr", logs.output[0])
        note = partner.message_ids[0].body
        self.assertIn("Changed here only (e-mail address)", note)
        self.assertNotIn("jeanne.nouvelle", note)
        partner.write({"l10n_fr_urssaf_first_names": "Jeanne", "mobile": "0611111111"})
        self.assertIn("(identity, mobile phone)", partner.message_ids[0].body)
        partner.l10n_fr_urssaf_road_name = "Victor Hugo"
        self.assertIn("(postal address)", partner.message_ids[0].body)
        self.assertNotIn("Victor Hugo", partner.message_ids[0].body)
        # Urssaf debits the account given at the registration.
        bank = self.env["res.bank"].create({"name": "Other", "bic": "AGRIFRPP"})
        with self.assertRaisesRegex(AccessError, "Bank"):
            partner.l10n_fr_urssaf_bank_id = bank
        # The same number written otherwise, or a field Urssaf does not keep.
        count = len(partner.message_ids)
        partner.write({"mobile": "06 11 11 11 11", "function": "Retraitée"})
        self.assertEqual(len(partner.message_ids), count)
        # Not registered yet: nothing to tell.
        other = self.make_customer(**PAUL)
        other.email = "paul.nouveau@example.com"
        self.assertNotIn("Changed here only", other.message_ids[:1].body or "")

    def test_counts_and_buttons(self):
        partner = self.active_customer()
        move, request = self.sent_invoice(partner)
        self.invoice(partner)  # to send
        self.invoice(partner, post=False)
        self.assertEqual(partner.l10n_fr_urssaf_invoice_count, 2)
        self.assertEqual(partner.l10n_fr_urssaf_request_count, 1)
        invoices = partner.action_l10n_fr_urssaf_invoices()
        self.assertEqual(len(self.env["account.move"].search(invoices["domain"])), 2)
        requests = partner.action_l10n_fr_urssaf_payment_requests()
        found = self.env["l10n.fr.urssaf.payment.request"].search(requests["domain"])
        self.assertEqual(found, request)
        self.assertEqual(found.move_id, move)

    def test_stalled_activation_covers_a_wrong_address(self):
        partner = self.make_customer(user_id=self.env.user.id)
        partner.action_l10n_fr_urssaf_register()
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            self.env["res.partner"]._cron_l10n_fr_urssaf_refresh_status()
        note = partner.activity_ids.note
        self.assertIn("wrong or old address", note)
        self.assertIn("jeanne.martin@example.com", note)
        self.assertIn("Urssaf support", note)
        action = partner.action_l10n_fr_urssaf_send_activation_reminder()
        composer = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        self.assertIn("only Urssaf can change it", composer.body)

    def simulate_activation(self, partner, at=None):
        action = partner.action_l10n_fr_urssaf_simulate_activation()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        if at:
            form.activation_date = at
        return form.save().action_activate()

    def test_simulated_activation_on_a_chosen_date(self):
        with freeze_time("2026-12-01 09:00:00"):
            partner = self.make_customer()
            partner.action_l10n_fr_urssaf_register()
            with self.assertRaises(UserError):
                self.simulate_activation(partner, datetime(2026, 12, 2, 9, 0))
            done = self.simulate_activation(partner, datetime(2026, 11, 1, 8, 0))
            self.assertIn("active since", done["params"]["message"])
            self.assertEqual(
                partner.l10n_fr_urssaf_activation_date, datetime(2026, 11, 1, 8, 0)
            )
            move = self.invoice(partner)  # last month's services
            self.assertEqual(move.l10n_fr_urssaf_service_start.month, 11)
            self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")

    def test_same_day_invoice_right_after_the_activation(self):
        day = fields.Date.to_date("2026-11-30")
        with freeze_time("2026-11-30 12:00:00"):
            partner = self.make_customer()
            partner.action_l10n_fr_urssaf_register()
            self.simulate_activation(partner)
        for seconds in (0, 20, 59, 61, 3600):
            moment = datetime(2026, 11, 30, 12, 0) + timedelta(seconds=seconds)
            with freeze_time(moment), self.subTest(seconds=seconds):
                move = self.invoice(
                    partner,
                    l10n_fr_urssaf_service_start=day,
                    l10n_fr_urssaf_service_end=day,
                )
                self.assertFalse(move._l10n_fr_urssaf_send_problems())
                start, end = move._l10n_fr_urssaf_period_bounds()
                self.assertGreaterEqual(
                    start.replace(tzinfo=None), partner.l10n_fr_urssaf_activation_date
                )
                self.assertLessEqual(end.replace(tzinfo=None), moment)
                self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")

    def test_birth_commune_search_lists_the_city_then_its_arrondissements(self):
        found = self.env["l10n.fr.urssaf.commune"].name_search("Lyon", limit=11)
        names = [name.split(" (")[0] for _id, name in found]
        self.assertEqual(names[:2], ["Lyon", "Lyon 1er Arrondissement"])
        self.assertEqual(names[9:], ["Lyon 9e Arrondissement", "Lyons-la-Forêt"])
