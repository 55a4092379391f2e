# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the office reads: where to fix a problem, what an action changed,
Urssaf's codes in words, correct French, simulations said so, quiet logs."""

import logging
from datetime import date

from odoo.tests import Form, new_test_user, tagged

from ..lib.exceptions import UrssafAuthError, UrssafTemporaryError
from ..models import account_move
from ..models import l10n_fr_urssaf_payment_request as payment_request
from .common import LUCIE, PAUL
from .test_payment_request import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestServiceNatureForInvoicingUsers(PaymentRequestCommon):
    def test_invoicing_user_sees_the_nature_on_the_product(self):
        clerk = new_test_user(
            self.env,
            login="urssaf_billing_only",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        product = Form(self.cleaning.product_tmpl_id.with_user(clerk))
        self.assertEqual(product.l10n_fr_urssaf_nature_code, "60")
        self.assertIn(
            "l10n_fr_urssaf_nature_code", product._view["fields"]
        )  # on a tab the user sees: the accounting tab is removed

    def test_send_error_says_where_to_set_the_nature(self):
        self.cleaning.l10n_fr_urssaf_nature_code = False
        move = self.invoice(self.active_customer())
        clerk = new_test_user(
            self.env,
            login="urssaf_billing_send",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        problems = "\n".join(move.with_user(clerk)._l10n_fr_urssaf_send_problems())
        self.assertIn("Urssaf Service Nature column of the line", problems)
        self.assertIn("ask who manages the products", problems)
        problems = "\n".join(move._l10n_fr_urssaf_send_problems())
        self.assertIn("set it on the product too", problems)
        self.assertIn("General Information tab", problems)


@tagged("post_install", "-at_install")
class TestActionFeedback(PaymentRequestCommon):
    def test_update_with_nothing_new(self):
        move, request = self.sent_invoice()
        action = move.action_l10n_fr_urssaf_refresh()
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["type"], "info")
        self.assertIn("No change at Urssaf", params["message"])
        self.assertIn(f"{request.name} is still Sent", params["message"])
        self.assertEqual(params["next"]["tag"], "soft_reload")

    def test_simulated_actions_say_what_changed(self):
        move, request = self.sent_invoice()
        params = move.action_l10n_fr_urssaf_simulate_validate()["params"]
        self.assertEqual(params["type"], "success")
        self.assertEqual(params["title"], "Urssaf status (simulation)")
        self.assertIn(f"{request.name}: Sent → Validated.", params["message"])
        params = request.action_simulate_pay()["params"]
        self.assertIn("Validated → Paid", params["message"])
        self.assertEqual(params["next"]["tag"], "soft_reload")

    def test_status_change_within_a_state(self):
        """Urssaf debits the customer (30 -> 50): still validated, the
        status in words says what moved."""
        _move, request = self.sent_invoice()
        request.action_simulate_validate()
        request.sudo().status_code = "30"
        before = {request: (request.state, "50")}
        message = request._refresh_notification(before)["params"]["message"]
        self.assertIn(PAYMENT_STATUS_LABELS["50"], message)
        self.assertIn(PAYMENT_STATUS_LABELS["30"], message)

    def test_several_requests_unchanged(self):
        partner = self.active_customer()
        first = self.sent_invoice(partner)[1]
        second = self.sent_invoice(partner)[1]
        params = (first | second).action_refresh()["params"]
        self.assertIn("these 2 payment requests", params["message"])


PAYMENT_STATUS_LABELS = {"30": "Validée", "50": "Prélevée"}


@tagged("post_install", "-at_install")
class TestCodesInWords(PaymentRequestCommon):
    def test_refusal_reason_in_words(self):
        move, request = self.sent_invoice()
        self.simulator.refuse(request.urssaf_id, "CONTEST_ERR_FACT", "Pas 4 h")
        request.action_refresh()
        self.assertEqual(request.rejection_code, "CONTEST_ERR_FACT")
        self.assertEqual(
            request.rejection_label, "Disputed: the invoice contains an error"
        )
        notes = " ".join(move.message_ids.mapped("body"))
        self.assertIn("Disputed: the invoice contains an error", notes)
        self.assertNotIn("CONTEST_ERR_FACT", notes)
        self.assertNotIn("CONTEST_ERR_FACT", move.activity_ids.note)

    def test_other_reason_reads_as_a_sentence(self):
        _move, request = self.sent_invoice()
        request.sudo().rejection_code = "ANNUL_AUTRE"
        self.assertEqual(request.rejection_label, "Cancelled, for another reason")
        request.sudo().rejection_code = "NEW_CODE"
        self.assertEqual(request.rejection_label, "Reason not documented by Urssaf")

    def test_codes_only_for_technical_eyes(self):
        arch = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.payment_request_view_form"
        ).arch
        self.assertIn('<field name="rejection_code" groups="base.group_no_one"/>', arch)
        view = self.env["l10n.fr.urssaf.payment.request"].get_views([(False, "form")])
        self.assertNotIn("error_codes", view["views"]["form"]["arch"])

    def test_rejection_explained_without_its_code(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        partner.l10n_fr_urssaf_birth_date = date(1950, 1, 1)
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "rejected")
        self.assertNotIn("ERR_", message)
        self.assertNotIn("ERR_", move.l10n_fr_urssaf_error)
        self.assertIn("ERR_", move.l10n_fr_urssaf_request_ids.error_codes)

    def test_auth_and_network_errors_without_codes(self):
        Company = self.env["res.company"]
        for exc in (
            UrssafAuthError("AUTH_FAILED", "invalid_client"),
            UrssafTemporaryError("NETWORK_ERROR", "ConnectionError"),
        ):
            text = Company._l10n_fr_urssaf_explain(exc)
            self.assertNotIn(exc.code, text)
            self.assertNotIn("ConnectionError", text)


@tagged("post_install", "-at_install")
class TestFrenchWording(PaymentRequestCommon):
    def test_registered_customers_counted(self):
        action = self.make_customer().action_l10n_fr_urssaf_register()
        self.assertEqual(action["params"]["message"], "1 customer registered.")
        action = (
            self.make_customer(**PAUL) | self.make_customer(**LUCIE)
        ).action_l10n_fr_urssaf_register()
        summary = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(summary.message, "2 customers registered.")

    def send_message(self, moves):
        action = moves.action_l10n_fr_urssaf_send()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        return wizard.action_send()["params"]["message"]

    def test_sent_invoices_counted(self):
        partner = self.active_customer()
        self.assertEqual(
            self.send_message(self.invoice(partner)), "1 invoice sent to Urssaf."
        )
        moves = self.invoice(partner) | self.invoice(partner)
        self.assertEqual(self.send_message(moves), "2 invoices sent to Urssaf.")

    def test_send_dialog_counts_in_words(self):
        arch = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.l10n_fr_urssaf_send_view_form"
        ).arch
        self.assertNotIn("(s)", arch)
        self.assertIn("1 invoice will be sent", arch)
        self.assertIn("1 invoice cannot be sent", arch)

    def test_dates_in_the_users_format(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        commune = self.env["l10n.fr.urssaf.commune"].search(
            [("date_end", "!=", False)], limit=1
        )
        self.assertTrue(commune)
        self.assertIn(commune.date_end.strftime("%m/%d/%Y"), commune.display_name)
        shown = commune.with_context(lang="fr_FR").display_name
        self.assertIn(commune.date_end.strftime("%d/%m/%Y"), shown)
        self.assertNotIn(commune.date_end.isoformat(), shown)

    def test_payment_request_created_in_words(self):
        _move, request = self.sent_invoice()
        self.assertEqual(request._creation_message(), "Payment request created.")


@tagged("post_install", "-at_install")
class TestSimulationSaidSo(PaymentRequestCommon):
    def test_notes_say_local_simulation(self):
        move, request = self.sent_invoice()
        self.assertIn("(local simulation)", move.message_ids[0].body)
        self.assertIn("(local simulation)", request.message_ids[0].body)
        partner = move.partner_id
        self.assertIn(
            "(local simulation)",
            " ".join(partner.message_ids.mapped("body")),
        )

    def test_notifications_say_simulation(self):
        action = self.make_customer().action_l10n_fr_urssaf_register()
        self.assertEqual(action["params"]["title"], "Urssaf registration (simulation)")
        move = self.invoice(self.active_customer(**PAUL))
        action = move.action_l10n_fr_urssaf_send()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        title = wizard.action_send()["params"]["title"]
        self.assertEqual(title, "Avance immédiate (simulation)")

    def test_real_urssaf_notes_say_nothing(self):
        self.assertEqual(
            self.env["res.company"]._l10n_fr_urssaf_note("Sent.", "sandbox"), "Sent."
        )

    def test_screens_show_the_simulation(self):
        request_form = self.env["l10n.fr.urssaf.payment.request"].get_views(
            [(False, "form"), (False, "list")]
        )["views"]
        self.assertIn('name="web_ribbon"', request_form["form"]["arch"])
        self.assertIn("environment != 'simulation'", request_form["list"]["arch"])
        move_form = self.env["account.move"].get_views([(False, "form")])["views"]
        self.assertIn("l10n_fr_urssaf_simulation_badge", move_form["form"]["arch"])
        partner_form = self.env["res.partner"].get_views([(False, "form")])["views"]
        self.assertIn("l10n_fr_urssaf_simulation_badge", partner_form["form"]["arch"])


@tagged("post_install", "-at_install")
class TestSettingsConnection(PaymentRequestCommon):
    def save(self, **values):
        settings = self.env["res.config.settings"].create(values)
        return settings.execute()

    def test_save_without_credentials_only_reloads(self):
        action = self.save(l10n_fr_urssaf_environment="production")
        self.assertEqual(action.get("tag"), "reload")
        self.assertFalse(self.company.l10n_fr_urssaf_connection_checked)

    def test_save_tests_the_new_credentials(self):
        with self.urssaf_over_http(self.company):
            action = self.save(l10n_fr_urssaf_client_id="provider-new")
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["next"]["tag"], "reload")
        self.assertTrue(self.company.l10n_fr_urssaf_connection_checked)
        # Tested once: later saves do not call Urssaf again.
        self.assertEqual(self.save().get("tag"), "reload")
        # New credentials are tested again.
        self.company.l10n_fr_urssaf_client_secret = "another-secret"
        self.assertFalse(self.company.l10n_fr_urssaf_connection_checked)

    def test_failed_test_stays_visible(self):
        self.simulator.inject_fault("*", "maintenance_503", times=None)
        with self.urssaf_over_http(self.company):
            action = self.save(l10n_fr_urssaf_client_secret="another-secret")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(
            "cannot be reached right now",
            self.company.l10n_fr_urssaf_connection_problem,
        )
        # Not tried again at each save: only once the access changes.
        self.assertEqual(self.save().get("tag"), "reload")

    def test_alert_before_saving(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn("l10n_fr_urssaf_credentials_missing", arch)


@tagged("post_install", "-at_install")
class TestMissingCredentialsLog(PaymentRequestCommon):
    def assert_warned(self, logger, cron):
        """``cron`` runs with a company lacking credentials: warnings, no
        error nor traceback."""
        with self.assertLogs(logger, level=logging.WARNING) as logs:
            cron()
        self.assertEqual({r.levelno for r in logs.records}, {logging.WARNING})
        self.assertFalse(any(r.exc_info for r in logs.records))
        self.assertIn("no client ID or client secret", logs.output[0])

    def test_background_sending(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        move._l10n_fr_urssaf_queue()
        self.company.l10n_fr_urssaf_environment = "production"
        partner.sudo().l10n_fr_urssaf_environment = "production"
        self.assertFalse(move._l10n_fr_urssaf_send_problems())
        self.assert_warned(
            account_move.__name__,
            self.env["account.move"].sudo()._cron_l10n_fr_urssaf_send,
        )
        self.assertEqual(move.l10n_fr_urssaf_state, "to_send")
        self.assertFalse(move.l10n_fr_urssaf_queued_by_id)

    def test_status_polls(self):
        _move, request = self.sent_invoice()
        self.company.l10n_fr_urssaf_environment = "production"
        request.sudo().write(
            {"environment": "production", "next_check": "2000-01-01 00:00:00"}
        )
        Request = self.env["l10n.fr.urssaf.payment.request"]
        self.assert_warned(payment_request.__name__, Request._cron_refresh)
