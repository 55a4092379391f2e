# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, new_test_user, tagged

from ..lib.client import UrssafClient
from ..lib.error_messages import explain_error
from ..lib.payload import build_customer_payload
from .common import LUCIE, PAUL, UrssafCommon


@tagged("post_install", "-at_install")
class TestCustomerRegistration(UrssafCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rennes = cls.env["l10n.fr.urssaf.commune"].search(
            [("code", "=", "35238"), ("kind", "=", "current")], limit=1
        )

    def test_address_is_split_as_urssaf_wants(self):
        partner = self.make_customer(street="12 bis avenue Jean Jaurès", zip="35000")
        self.assertRecordValues(
            partner,
            [
                {
                    "l10n_fr_urssaf_street_number": "12",
                    "l10n_fr_urssaf_street_letter": "B",
                    "l10n_fr_urssaf_road_type": "AV",
                    "l10n_fr_urssaf_road_name": "Jean Jaurès",
                    "l10n_fr_urssaf_commune_id": self.rennes.id,
                    "l10n_fr_urssaf_bank_account_id": partner.bank_ids.id,
                }
            ],
        )

    def test_register(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
        self.assertEqual(partner.l10n_fr_urssaf_company_id, self.company)
        stored = self.simulator.customer(partner.l10n_fr_urssaf_customer_id)
        self.assertTrue(stored)
        self.assertIn("Registered with Urssaf", partner.message_ids[0].body)

    def test_every_problem_at_once_before_sending(self):
        partner = self.env["res.partner"].create(
            {"name": "Incomplete", "l10n_fr_urssaf_birth_name": "D1rand"}
        )
        with self.assertRaises(UserError) as caught:
            partner.action_l10n_fr_urssaf_register()
        message = str(caught.exception)
        for expected in ("Birth commune", "birth name", "first names", "mobile"):
            self.assertIn(expected.lower(), message.lower())
        self.assertFalse(self.simulator.customers())

    def test_birth_commune_as_it_was_at_the_birth_date(self):
        ajaccio = self.env["l10n.fr.urssaf.commune"].search(
            [("code", "=", "2A004"), ("kind", "=", "current")]
        )
        partner = self.make_customer(
            l10n_fr_urssaf_birth_commune_id=ajaccio.id,
            l10n_fr_urssaf_birth_date=date(1970, 1, 1),
        )
        problems = partner._l10n_fr_urssaf_registration_problems()
        self.assertTrue(any("20004" in problem for problem in problems), problems)

    def test_born_abroad_needs_no_commune(self):
        partner = self.make_customer(
            l10n_fr_urssaf_birth_country_id=self.env.ref("base.be").id,
            l10n_fr_urssaf_birth_commune_id=False,
        )
        self.assertFalse(partner._l10n_fr_urssaf_registration_problems())
        partner.action_l10n_fr_urssaf_register()
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")

    def test_tax_office_errors_are_explained(self):
        for name, code in (
            ("Inconnu", "ERR_DGFIP_R2P_INCONNU"),
            ("Sansimpot", "ERR_DGFIP_IMPOTPART_INCONNU"),
            ("Homonyme", "ERR_ECV_PARTICULIERS_EXISTENT"),
        ):
            with self.subTest(code=code):
                partner = self.make_customer(l10n_fr_urssaf_birth_name=name)
                with self.assertRaises(UserError) as caught:
                    partner.action_l10n_fr_urssaf_register()
                # In words; the code is in the server log, for support.
                self.assertIn(explain_error(code)[1], str(caught.exception))
                self.assertNotIn(code, str(caught.exception))
                self.assertEqual(partner.l10n_fr_urssaf_state, "not_registered")

    def test_customer_already_linked_to_the_provider(self):
        self.make_customer().action_l10n_fr_urssaf_register()
        twin = self.make_customer(email="jeanne.other@example.com", mobile="0611111111")
        with self.assertRaises(UserError) as caught:
            twin.action_l10n_fr_urssaf_register()
        code = "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE"
        self.assertIn(explain_error(code)[1], str(caught.exception))
        self.assertIn("Link an Urssaf account", str(caught.exception))

    def test_urssaf_unreachable(self):
        self.simulator.inject_fault("inscription", "maintenance_503")
        partner = self.make_customer()
        with self.assertRaises(UserError) as caught:
            partner.action_l10n_fr_urssaf_register()
        self.assertIn("cannot be reached right now", str(caught.exception))
        self.assertEqual(partner.l10n_fr_urssaf_state, "not_registered")

    def test_lost_answer_recovered_by_email(self):
        """Urssaf registered the customer but the answer was lost: the link is
        found by the customer's e-mail, never registered twice."""
        self.simulator.inject_fault("inscription", "drop")
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        (customer,) = self.simulator.customers()
        self.assertEqual(partner.l10n_fr_urssaf_customer_id, customer["id_client"])
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
        self.assertIn("Link with Urssaf found", partner.message_ids[0].body)

    def test_lost_answer_and_status_unreachable_then_registered_again(self):
        self.simulator.inject_fault("inscription", "drop")
        self.simulator.inject_fault("statut", "maintenance_503")
        partner = self.make_customer()
        with self.assertRaises(UserError) as caught:
            partner.action_l10n_fr_urssaf_register()
        self.assertIn("answer was lost", str(caught.exception))
        self.assertFalse(partner.l10n_fr_urssaf_customer_id)
        # The second attempt meets "already linked" and finds the link.
        partner.action_l10n_fr_urssaf_register()
        self.assertEqual(len(self.simulator.customers()), 1)
        self.assertEqual(
            partner.l10n_fr_urssaf_customer_id,
            self.simulator.customers()[0]["id_client"],
        )

    def test_lost_answer_before_urssaf_got_it(self):
        self.simulator.inject_fault("inscription", "maintenance_503")
        partner = self.make_customer()
        with self.assertRaises(UserError):
            partner.action_l10n_fr_urssaf_register()
        self.assertFalse(self.simulator.customers())
        partner.action_l10n_fr_urssaf_register()
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")

    def registered_elsewhere(self, **values):
        """A customer Urssaf links to the company, registered outside Odoo."""
        partner = self.make_customer(**values)
        payload = build_customer_payload(partner._l10n_fr_urssaf_customer())
        with self.company._l10n_fr_urssaf_client() as client:
            return partner, client.register_customer(payload)

    def test_several_customers_give_a_summary_per_customer(self):
        good = self.make_customer(**PAUL)
        unknown = self.make_customer(**dict(LUCIE, l10n_fr_urssaf_birth_name="Inconnu"))
        incomplete = self.make_customer(email="jeanne.other@example.com")
        incomplete.l10n_fr_urssaf_birth_date = False
        action = (good | unknown | incomplete).action_l10n_fr_urssaf_register()
        self.assertEqual(action["target"], "new")
        summary = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(
            summary.message,
            "1 customer registered. 2 customers not registered.",
        )
        self.assertEqual(summary.failed_count, 2)
        results = {line.partner_id: line for line in summary.line_ids}
        self.assertTrue(results[good].registered)
        self.assertIn(good.email, results[good].result)
        self.assertFalse(results[unknown].registered)
        self.assertIn("tax", results[unknown].result.lower())
        self.assertFalse(results[incomplete].registered)
        self.assertIn("birth date", results[incomplete].result.lower())
        failed = summary.action_open_failed()
        self.assertEqual(
            self.env["res.partner"].search(failed["domain"]), unknown | incomplete
        )
        # Another user cannot read this summary (Odoo's wizards are their
        # creator's).
        other = new_test_user(
            self.env,
            login="urssaf_other_biller",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            summary.with_user(other).read(["message"])
        with self.assertRaises(AccessError):
            summary.line_ids.with_user(other).read(["result"])

    def test_another_providers_customer_is_not_linked(self):
        """Urssaf only answers for the customers linked to the provider
        asking: another provider's customer is as unknown."""
        partner = self.make_customer()
        other = self.env["res.company"].create({"name": "Autre prestataire SAP"})
        payload = build_customer_payload(partner._l10n_fr_urssaf_customer())
        with other._l10n_fr_urssaf_client() as client:
            customer_id = client.register_customer(payload)
        with self.assertRaisesRegex(UserError, "No customer matches"):
            partner._l10n_fr_urssaf_link_existing(customer_id)
        self.assertFalse(partner.l10n_fr_urssaf_customer_id)

    def test_link_entered_by_hand_is_checked_with_urssaf(self):
        partner, customer_id = self.registered_elsewhere()
        paul, paul_id = self.registered_elsewhere(**PAUL)
        user = new_test_user(
            self.env,
            login="urssaf_linker",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        action = partner.with_user(user).action_l10n_fr_urssaf_link()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        form.customer_id = paul_id
        with self.assertRaisesRegex(
            UserError, "is not Jeanne Martin \\(birth name .* at Urssaf, Durand here"
        ):
            form.save().action_link()
        # Only what differs is named.
        first_names = partner.l10n_fr_urssaf_first_names
        partner.l10n_fr_urssaf_first_names = PAUL["l10n_fr_urssaf_first_names"]
        with self.assertRaises(UserError) as raised:
            form.save().action_link()
        self.assertNotIn("first names", str(raised.exception))
        partner.l10n_fr_urssaf_first_names = first_names
        self.assertFalse(partner.l10n_fr_urssaf_customer_id)
        form.customer_id = f" {customer_id} "
        form.save().action_link()
        self.assertEqual(partner.l10n_fr_urssaf_customer_id, customer_id)
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
        with self.assertRaisesRegex(UserError, "already linked to Jeanne Martin"):
            paul._l10n_fr_urssaf_link_existing(customer_id)
        with self.assertRaises(UserError):
            self.make_customer(name="Nobody")._l10n_fr_urssaf_link_existing(
                "00000000000000"
            )

    def test_invoicing_user_registers_a_customer(self):
        user = new_test_user(
            self.env,
            login="urssaf_invoicing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        partner = self.make_customer().with_user(user)
        partner.action_l10n_fr_urssaf_register()
        self.assertEqual(partner.l10n_fr_urssaf_state, "pending")
        employee = new_test_user(
            self.env, login="urssaf_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.make_customer(**PAUL).with_user(
                employee
            ).action_l10n_fr_urssaf_register()

    def test_other_company_user_opens_a_registered_customer(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        other = self.env["res.company"].create({"name": "Other SAP provider"})
        user = new_test_user(
            self.env,
            login="urssaf_other",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        as_user = partner.with_user(user).with_company(other)
        self.assertTrue(as_user.l10n_fr_urssaf_simulation)
        with self.assertRaises(UserError):
            as_user.action_l10n_fr_urssaf_refresh_status()

    def test_missing_credentials_stop_before_anything_is_sent(self):
        first, second = self.make_customer(), self.make_customer(**PAUL)
        second.company_id = self.env["res.company"].create(
            {"name": "Unconfigured", "l10n_fr_urssaf_environment": "sandbox"}
        )
        with self.assertRaises(RedirectWarning):
            (first | second).action_l10n_fr_urssaf_register()
        self.assertFalse(self.simulator.customers())

    def test_cron_goes_on_when_a_company_lacks_credentials(self):
        other = self.env["res.company"].create({"name": "Other SAP provider"})
        first, second = self.make_customer(), self.make_customer(**PAUL)
        second.company_id = other
        (first | second).action_l10n_fr_urssaf_register()
        self.simulator.activate(second.l10n_fr_urssaf_customer_id)
        self.company.l10n_fr_urssaf_environment = "production"
        self.env["res.partner"]._cron_l10n_fr_urssaf_refresh_status()
        self.assertEqual(first.l10n_fr_urssaf_state, "pending")
        self.assertEqual(second.l10n_fr_urssaf_state, "active")

    def test_manual_address_corrections_survive_a_new_postal_code(self):
        partner = self.make_customer(street="8 chemin creux")
        partner.l10n_fr_urssaf_road_type = "CHE"
        partner.l10n_fr_urssaf_road_name = "Creux"
        partner.zip = "35200"
        self.assertEqual(partner.l10n_fr_urssaf_road_type, "CHE")
        self.assertEqual(partner.l10n_fr_urssaf_road_name, "Creux")

    def test_birth_commune_found_by_postal_code(self):
        found = self.env["l10n.fr.urssaf.commune"].name_search("35000")
        self.assertIn(self.rennes.id, [commune_id for commune_id, _name in found])

    def test_explanations_in_french(self):
        partner = self.make_customer(l10n_fr_urssaf_birth_name="Inconnu")
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaises(UserError) as caught:
            partner.with_context(lang="fr_FR").action_l10n_fr_urssaf_register()
        self.assertIn("impôts", str(caught.exception))

    def test_register_several_customers(self):
        good = self.make_customer()
        bad = self.make_customer(**PAUL)
        bad.l10n_fr_urssaf_birth_date = False
        action = (good | bad).action_l10n_fr_urssaf_register()
        summary = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(summary.failed_count, 1)
        self.assertEqual(good.l10n_fr_urssaf_state, "pending")
        self.assertEqual(bad.l10n_fr_urssaf_state, "not_registered")
        self.assertIn("registration not done", bad.message_ids[0].body)
        self.assertNotIn("1980", bad.message_ids[0].body)

    def test_several_customers_one_token(self):
        fetch_token = UrssafClient.fetch_token
        with patch.object(
            UrssafClient, "fetch_token", autospec=True, side_effect=fetch_token
        ) as fetch:
            (
                self.make_customer() | self.make_customer(**PAUL)
            ).action_l10n_fr_urssaf_register()
        self.assertEqual(fetch.call_count, 1)
        self.assertEqual(len(self.simulator.customers()), 2)

    def test_status_follows_the_customer_activation(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        self.simulator.activate(partner.l10n_fr_urssaf_customer_id)
        self.env["res.partner"]._cron_l10n_fr_urssaf_refresh_status()
        self.assertEqual(partner.l10n_fr_urssaf_state, "active")
        self.assertTrue(partner.l10n_fr_urssaf_activation_date)
        self.simulator.block_customer(partner.l10n_fr_urssaf_customer_id)
        partner.action_l10n_fr_urssaf_refresh_status()
        self.assertEqual(partner.l10n_fr_urssaf_state, "blocked")

    def test_simulated_activation_button(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        self.assertTrue(partner.l10n_fr_urssaf_simulation)
        action = partner.action_l10n_fr_urssaf_simulate_activation()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.save().action_activate()
        self.assertEqual(partner.l10n_fr_urssaf_state, "active")

    def test_stalled_activation_reminds_the_salesperson_once(self):
        partner = self.make_customer(user_id=self.env.user.id)
        partner.action_l10n_fr_urssaf_register()
        activity_type = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.mail_activity_type_activation"
        )
        cron = self.env["res.partner"]._cron_l10n_fr_urssaf_refresh_status
        cron()
        self.assertFalse(partner.activity_ids)
        later = fields.Datetime.now() + timedelta(days=8)
        with freeze_time(later):
            cron()
            cron()
        self.assertEqual(partner.l10n_fr_urssaf_state, "not_finalised")
        self.assertEqual(partner.activity_ids.activity_type_id, activity_type)
        self.assertEqual(partner.activity_ids.user_id, self.env.user)
        self.assertIn("spam", partner.activity_ids.note)

    def test_cron_survives_a_failing_customer(self):
        first, second = (
            self.make_customer(),
            self.make_customer(**PAUL),
        )
        (first | second).action_l10n_fr_urssaf_register()
        first.sudo().l10n_fr_urssaf_customer_id = "unknown-to-urssaf"
        self.simulator.activate(second.l10n_fr_urssaf_customer_id)
        self.env["res.partner"]._cron_l10n_fr_urssaf_refresh_status()
        self.assertEqual(first.l10n_fr_urssaf_state, "pending")
        self.assertEqual(second.l10n_fr_urssaf_state, "active")

    def test_reminder_message_for_the_customer(self):
        partner = self.make_customer()
        partner.action_l10n_fr_urssaf_register()
        action = partner.action_l10n_fr_urssaf_send_activation_reminder()
        composer = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        self.assertIn("activation link", composer.body)
