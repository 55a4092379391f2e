# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command, fields, sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from ..lib.client import PaymentRequestInfo, UrssafClient
from ..lib.codes import payment_status_label, payment_status_state
from ..lib.payload import build_payment_request_payload
from .common import LUCIE, PAUL, UrssafCommon, last_month, service_product


class PaymentRequestCommon(UrssafCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.l10n_fr_urssaf_journal_id = cls.company_data["default_journal_bank"]
        cls.cleaning = service_product(cls.env, cls.company)
        cls.tax_10 = cls.cleaning.taxes_id
        cls.delivery = cls.env["product.product"].create(
            {
                "name": "Livraison de courses",
                "type": "service",
                "list_price": 15.0,
                "taxes_id": [Command.set(cls.tax_10.ids)],
                "l10n_fr_urssaf_nature_code": "150",
            }
        )

    @property
    def period(self):
        """Last month, as of now: frozen tests get their own."""
        return last_month(self.env.user)

    def invoice(self, partner, lines=None, post=True, **values):
        """An invoice of services performed last month."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.context_today(self.env.user),
                "l10n_fr_urssaf_service_start": self.period[0],
                "l10n_fr_urssaf_service_end": self.period[1],
                "invoice_line_ids": [
                    Command.create(line)
                    for line in lines
                    or [
                        {
                            "product_id": self.cleaning.id,
                            "quantity": 4,
                            "price_unit": 30,
                        }
                    ]
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def sent_invoice(self, partner=None, **values):
        move = self.invoice(partner or self.active_customer(), **values)
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent", message)
        return move, move.l10n_fr_urssaf_request_ids

    def refused_invoice(self, comment="3 heures, pas 4"):
        """An invoice the customer refused on their Urssaf account."""
        move, request = self.sent_invoice()
        self.simulator.refuse(request.urssaf_id, "REGUL_NB_QTE_FACT", comment)
        request.action_refresh()
        self.assertEqual(move.l10n_fr_urssaf_state, "refused")
        return move, request

    def rejected_invoice(self):
        """An invoice Urssaf rejected at sending (a wrong birth date)."""
        partner = self.active_customer()
        move = self.invoice(partner)
        partner.l10n_fr_urssaf_birth_date = partner.l10n_fr_urssaf_birth_date.replace(
            year=1981
        )
        move._l10n_fr_urssaf_send()
        self.assertEqual(move.l10n_fr_urssaf_state, "error")
        return move

    def count_calls(self):
        """Patch the client to record each Urssaf operation called."""
        calls = []
        original = UrssafClient._request

        def counting(client, operation, *args, **kwargs):
            calls.append(operation)
            return original(client, operation, *args, **kwargs)

        self.startPatcher(patch.object(UrssafClient, "_request", counting))
        return calls


@tagged("post_install", "-at_install")
class TestSendPaymentRequest(PaymentRequestCommon):
    def test_send_one_invoice(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        self.assertEqual(move.l10n_fr_urssaf_state, "to_send")
        self.assertTrue(move.show_reset_to_draft_button)
        action = move.action_l10n_fr_urssaf_send()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        self.assertEqual(wizard.ready_count, 1)
        wizard.action_send()
        request = move.l10n_fr_urssaf_request_ids
        self.assertRecordValues(
            request,
            [
                {
                    "state": "sent",
                    "status": "10",
                    "name": move.name,
                    "amount": 132.0,
                    "partner_id": partner.id,
                }
            ],
        )
        self.assertTrue(request.urssaf_id)
        self.assertEqual(move.l10n_fr_urssaf_state, "sent")
        self.assertFalse(move.show_reset_to_draft_button)
        sent = self.simulator.payment_request(request.urssaf_id)
        payload = sent["payload"]
        self.assertEqual(payload["numFactureTiers"], move.name)
        self.assertEqual(payload["mntFactureTTC"], 132.0)
        line = payload["inputPrestations"][0]
        self.assertEqual(
            (
                line["codeNature"],
                line["unite"],
                line["quantite"],
                line["mntUnitaireTTC"],
            ),
            ("60", "HEURE", 4.0, 33.0),
        )
        self.assertEqual(line["complement2"], "SAP123456789")

    def test_follow_to_payout(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        move._l10n_fr_urssaf_send()
        request = move.l10n_fr_urssaf_request_ids
        self.simulator.validate(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(request.state, "validated")
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.transfer_amount, 132.0)
        self.assertTrue(request.payment_id)
        self.assertIn(move.payment_state, ("in_payment", "paid"))
        self.assertEqual(move.l10n_fr_urssaf_state, "paid")

    def draft_in_form(self, partner):
        with Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = partner
            form.invoice_date = fields.Date.context_today(self.env.user)
            with form.invoice_line_ids.new() as line:
                line.product_id = self.cleaning
        return form.record

    # Mid-month: at 23:30 UTC on the 30th, "now" is already the 1st in Paris,
    # and the customer would be activated after the invoice's date.
    @freeze_time("2026-03-18 10:00:00")
    def test_service_period_defaults(self):
        today = fields.Date.context_today(self.env.user)
        move = self.draft_in_form(self.active_customer())
        self.assertEqual(
            (move.l10n_fr_urssaf_service_start, move.l10n_fr_urssaf_service_end),
            (today.replace(day=1), today),
        )
        # A customer activated this month: services from the activation on.
        recent = self.active_customer(
            activated_at=datetime.now(),
            **LUCIE,
        )
        move = self.draft_in_form(recent)
        self.assertEqual(move.l10n_fr_urssaf_service_start, today)
        self.assertEqual(move.invoice_line_ids.l10n_fr_urssaf_nature_code, "60")

    def test_payout_journal_in_settings(self):
        journal = self.company_data["default_journal_bank"]
        self.company.l10n_fr_urssaf_journal_id = False
        with Form(self.env["res.config.settings"]) as settings:
            settings.l10n_fr_urssaf_journal_id = journal
        self.assertEqual(self.company.l10n_fr_urssaf_journal_id, journal)

    def test_eligibility_matrix(self):
        """Every reason not to send is said before any call, naming the fix."""
        partner = self.active_customer()
        pending = self.make_customer(**PAUL)
        pending.action_l10n_fr_urssaf_register()
        stranger = self.env["res.partner"].create({"name": "Not registered"})
        today = fields.Date.context_today(self.env.user)
        usd = self.setup_other_currency("USD")
        cases = {
            "Confirm the invoice first": self.invoice(partner, post=False),
            "is not registered with Urssaf": self.invoice(stranger),
            "is not active": self.invoice(pending),
            "within one calendar month": self.invoice(
                partner,
                l10n_fr_urssaf_service_start=self.period[0] - timedelta(days=3),
            ),
            # Tomorrow alone: a one-day period, whatever the month ends on.
            "in the future": self.invoice(
                partner,
                l10n_fr_urssaf_service_start=today + timedelta(days=1),
                l10n_fr_urssaf_service_end=today + timedelta(days=1),
            ),
            "before Lucie Morel activated": self.invoice(
                self.active_customer(
                    activated_at=datetime.now() - timedelta(days=1),
                    **LUCIE,
                ),
            ),
            "has no Urssaf service nature": self.invoice(
                partner, [{"name": "Free text", "quantity": 1, "price_unit": 20}]
            ),
            "is negative": self.invoice(
                partner,
                [
                    {"product_id": self.cleaning.id, "quantity": 4, "price_unit": 30},
                    {
                        "product_id": self.cleaning.id,
                        "quantity": 1,
                        "price_unit": -10,
                        "name": "Remise",
                    },
                ],
            ),
            "only pays invoices in euros": self.invoice(partner, currency_id=usd.id),
            "Credit notes are never sent": self.invoice(
                partner, move_type="out_refund"
            ),
        }
        for expected, move in cases.items():
            with self.subTest(expected):
                problems = "\n".join(move._l10n_fr_urssaf_send_problems())
                self.assertIn(expected, problems)
        calls = len(self.simulator.payment_requests())
        moves = self.env["account.move"].union(*cases.values())
        results = moves._l10n_fr_urssaf_send()
        self.assertEqual({outcome for outcome, _m in results.values()}, {"not_sent"})
        self.assertEqual(len(self.simulator.payment_requests()), calls)

    def test_already_sent_or_paid(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        move._l10n_fr_urssaf_send()
        self.assertIn("Already sent", move._l10n_fr_urssaf_send_problems()[0])
        paid = self.invoice(partner)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"amount": 10})._create_payments()
        self.assertIn(
            "A payment is already recorded", paid._l10n_fr_urssaf_send_problems()[0]
        )

    def test_units_and_amounts(self):
        """Hours when the unit is a time (days converted), flat rate otherwise;
        prices incl. VAT; discounts folded into the unit price."""
        partner = self.active_customer()
        move = self.invoice(
            partner,
            [
                {
                    "product_id": self.cleaning.id,
                    "quantity": 1,
                    "product_uom_id": self.env.ref("uom.product_uom_day").id,
                    "price_unit": 200,
                },
                {
                    "product_id": self.cleaning.id,
                    "quantity": 3,
                    "price_unit": 25,
                    "discount": 10,
                },
                {"product_id": self.delivery.id, "quantity": 1, "price_unit": 15},
            ],
        )
        self.assertEqual(move._l10n_fr_urssaf_send_problems(), [])
        move._l10n_fr_urssaf_send()
        sent = self.simulator.payment_request(move.l10n_fr_urssaf_request_ids.urssaf_id)
        lines = sent["payload"]["inputPrestations"]
        self.assertEqual(
            [(ln["unite"], ln["quantite"], ln["mntPrestationTTC"]) for ln in lines],
            [("HEURE", 8.0, 220.0), ("HEURE", 3.0, 74.25), ("FORFAIT", 1.0, 16.5)],
        )
        self.assertEqual(sent["payload"]["mntFactureTTC"], move.amount_total)

    def test_batches_of_ten(self):
        partner = self.active_customer()
        for count in (1, 10, 11, 25):
            with self.subTest(count=count):
                moves = self.env["account.move"].union(
                    *(self.invoice(partner) for _i in range(count))
                )
                calls = self.count_calls()
                results = moves._l10n_fr_urssaf_send()
                self.assertEqual(
                    calls.count("submit_payment_requests"), -(-count // 10)
                )
                self.assertEqual([results[move][0] for move in moves], ["sent"] * count)
                self.assertEqual(
                    sorted(moves.l10n_fr_urssaf_request_ids.mapped("name")),
                    sorted(moves.mapped("name")),
                )

    def test_one_rejected_item_does_not_stop_the_others(self):
        partner = self.active_customer()
        good = self.invoice(partner)
        other = self.active_customer(
            **LUCIE,
        )
        # A birth date that differs from the registration: Urssaf does not
        # recognise the customer.
        other.l10n_fr_urssaf_birth_date = other.l10n_fr_urssaf_birth_date - timedelta(
            days=1
        )
        bad = self.invoice(other)
        results = (good | bad)._l10n_fr_urssaf_send()
        self.assertEqual(results[good][0], "sent")
        self.assertEqual(results[bad][0], "rejected")
        request = bad.l10n_fr_urssaf_request_ids
        self.assertRecordValues(
            request, [{"state": "error", "error_codes": "ERR_PARTICULIER_INCONNU"}]
        )
        self.assertIn("birth date", request.error_message)
        self.assertEqual(bad.l10n_fr_urssaf_state, "error")
        self.assertEqual(bad.l10n_fr_urssaf_error, request.error_message)
        # Nothing held at Urssaf: fixed, the invoice goes.
        self.assertTrue(bad.show_reset_to_draft_button)
        other.l10n_fr_urssaf_birth_date += timedelta(days=1)
        self.assertEqual(bad._l10n_fr_urssaf_send()[bad][0], "sent")
        self.assertEqual(
            bad.l10n_fr_urssaf_request_ids.sorted("id").mapped("state"),
            ["error", "sent"],
        )
        self.assertEqual(bad.l10n_fr_urssaf_state, "sent")

    def test_explanations_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        partner = self.active_customer()
        move = self.invoice(partner)
        partner.l10n_fr_urssaf_birth_date -= timedelta(days=1)
        results = move.with_context(lang="fr_FR")._l10n_fr_urssaf_send()
        self.assertIn("date de naissance", results[move][1])

    def test_duplicate_number_lost_answer_is_adopted(self):
        """Urssaf already has this very invoice (an answer lost before):
        ERR_FACTURE_DOUBLON means it is ours, followed from now on."""
        partner = self.active_customer()
        move = self.invoice(partner)
        payload = build_payment_request_payload(move._l10n_fr_urssaf_payment_request())
        with self.company._l10n_fr_urssaf_client() as client:
            (first,) = client.submit_payment_requests([payload])
        outcome, _message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "sent")
        self.assertRecordValues(
            move.l10n_fr_urssaf_request_ids,
            [{"state": "sent", "urssaf_id": first.payment_request_id}],
        )

    def number_taken_by_another_invoice(self):
        """An invoice whose number Urssaf already holds for another amount
        (other software, earlier numbering)."""
        partner = self.active_customer()
        move = self.invoice(partner)
        other = self.invoice(
            partner, [{"product_id": self.cleaning.id, "quantity": 2, "price_unit": 30}]
        )
        payload = build_payment_request_payload(other._l10n_fr_urssaf_payment_request())
        payload["numFactureTiers"] = move.name
        with self.company._l10n_fr_urssaf_client() as client:
            client.submit_payment_requests([payload])
        return move

    def test_duplicate_number_of_another_invoice(self):
        """The number was used for another invoice (other software, earlier
        numbering): rejected, with the way out."""
        move = self.number_taken_by_another_invoice()
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "rejected")
        self.assertIn("already sent", message)
        self.assertEqual(
            move.l10n_fr_urssaf_request_ids.error_codes, "ERR_FACTURE_DOUBLON"
        )
        self.assertEqual(move.l10n_fr_urssaf_state, "error")

    def test_duplicate_number_whose_owner_cannot_be_checked(self):
        """Urssaf holds the number but the search to tell whose fails: the
        invoice is checked later, never taken for a rejection."""
        move = self.invoice(self.active_customer())
        payload = build_payment_request_payload(move._l10n_fr_urssaf_payment_request())
        with self.company._l10n_fr_urssaf_client() as client:
            client.submit_payment_requests([payload])  # answer "lost"
        self.simulator.inject_fault("recherche", "error_500")
        outcome, _message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "unknown")
        request = move.l10n_fr_urssaf_request_ids
        self.assertEqual(request.state, "to_reconcile")
        request.action_refresh()
        self.assertEqual(request.state, "sent")
        self.assertEqual(len(self.simulator.payment_requests()), 1)

    def test_lost_answer_number_used_by_another_invoice_is_not_adopted(self):
        """The cron finds the number at Urssaf, but for another customer or
        amount: not this invoice's request."""
        move = self.number_taken_by_another_invoice()
        self.simulator.inject_fault("demande", "drop")
        self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "unknown")
        request = move.l10n_fr_urssaf_request_ids
        for _check in range(2):
            request.sudo().next_check = fields.Datetime.now()
            self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
        self.assertFalse(request.urssaf_id)
        self.assertEqual(request.state, "error")


@tagged("post_install", "-at_install")
class TestFollowPaymentRequest(PaymentRequestCommon):
    def test_lost_answer_then_found_by_number(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        self.simulator.inject_fault("demande", "drop")
        outcome, message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "unknown")
        self.assertIn("do not send it again", message)
        request = move.l10n_fr_urssaf_request_ids
        self.assertEqual(request.state, "to_reconcile")
        self.assertFalse(request.urssaf_id)
        # Not sendable meanwhile, not even by a second click.
        self.assertIn("Already sent", move._l10n_fr_urssaf_send_problems()[0])
        calls = self.count_calls()
        self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
        self.assertNotIn("submit_payment_requests", calls)
        self.assertEqual(request.state, "sent")
        self.assertTrue(request.urssaf_id)
        self.assertEqual(len(self.simulator.payment_requests()), 1)

    def test_lost_answer_never_received(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        request = (
            self.env["l10n.fr.urssaf.payment.request"]
            .sudo()
            .create(
                {
                    "name": move.name,
                    "move_id": move.id,
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "state": "to_reconcile",
                    "next_check": fields.Datetime.now(),
                    "environment": "simulation",
                }
            )
        )
        Request = self.env["l10n.fr.urssaf.payment.request"]
        Request._cron_refresh()
        # One search that misses is not enough to release the invoice.
        self.assertEqual(request.state, "to_reconcile")
        self.assertTrue(move._l10n_fr_urssaf_held())
        request.sudo().next_check = fields.Datetime.now()
        Request._cron_refresh()
        self.assertEqual(request.state, "error")
        self.assertIn("You can send the invoice again", request.error_message)
        self.assertEqual(move._l10n_fr_urssaf_send()[move][0], "sent")

    def test_refusal_explained_with_an_activity(self):
        move, request = self.sent_invoice()
        self.simulator.refuse(request.urssaf_id, "REGUL_NB_QTE_FACT", "3 heures, pas 4")
        request.action_refresh()
        self.assertRecordValues(
            request,
            [
                {
                    "state": "refused",
                    "status": "40",
                    "rejection_code": "REGUL_NB_QTE_FACT",
                    "rejection_comment": "3 heures, pas 4",
                    "next_check": False,
                }
            ],
        )
        self.assertIn("number of hours or quantities", request.rejection_label)
        activity = move.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("refused", activity.note)
        self.assertIn("3 heures, pas 4", move.message_ids[0].body)

    def test_bounce_then_recovery_statuses(self):
        for final, state in (
            ("111", "cancelled"),
            ("112", "cancelled"),
            ("120", "recovered"),
        ):
            with self.subTest(final=final):
                move, request = self.sent_invoice(
                    self.active_customer(
                        name=f"Client {final}",
                        l10n_fr_urssaf_birth_name=f"Client{chr(65 + int(final) % 26)}",
                        l10n_fr_urssaf_usage_name=False,
                        email=f"c{final}@example.com",
                        mobile=f"0611223{final}",
                    )
                )
                self.simulator.validate(request.urssaf_id)
                self.simulator.bounce(request.urssaf_id)
                request.action_refresh()
                self.assertEqual(request.state, "unpaid")
                self.assertIn("bounced", move.activity_ids.note)
                self.simulator.close_unpaid(request.urssaf_id, final)
                request.action_refresh()
                self.assertEqual(request.state, state)
                self.assertEqual(len(move.activity_ids), 2)
                self.assertFalse(request.payment_id)
                # Urssaf did not pay: the customer still owes the invoice.
                self.assertEqual(move.payment_state, "not_paid")

    def test_cancelled_at_the_providers_request(self):
        _move, request = self.sent_invoice()
        self.simulator.cancel(request.urssaf_id, "ANNUL_DBL")
        request.action_refresh()
        self.assertRecordValues(
            request,
            [{"state": "cancelled", "status": "110", "rejection_code": "ANNUL_DBL"}],
        )

    def test_paid_requests_watched_for_a_week(self):
        move, request = self.sent_invoice()
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertEqual(request.state, "paid")
        self.assertTrue(request.next_check)
        payment = request.payment_id
        self.assertEqual(payment.amount, 132.0)
        self.assertEqual(payment.journal_id, self.company.l10n_fr_urssaf_journal_id)
        self.assertIn(move.payment_state, ("in_payment", "paid"))
        # A late poll changes nothing and books nothing twice.
        request.action_refresh()
        self.assertEqual(request.payment_id, payment)
        with freeze_time(datetime.now() + timedelta(days=8)):
            request.action_refresh()
            self.assertFalse(request.next_check)

    def apply_status(self, request, status, **values):
        """Record an answer the simulator cannot give (undocumented status,
        transfer announced without its amount)."""
        info = PaymentRequestInfo(
            payment_request_id=request.urssaf_id,
            status=status,
            status_label=payment_status_label(status),
            state=payment_status_state(status),
            **values,
        )
        request.sudo()._apply_info(info, fields.Datetime.now())

    def test_payout_amount_with_cents_is_not_seen_as_a_change(self):
        _move, request = self.sent_invoice()
        self.simulator.pay(request.urssaf_id, amount="131.10")
        request.action_refresh()
        self.assertEqual(request.transfer_amount, 131.10)
        with self.company._l10n_fr_urssaf_client() as client:
            (info,) = client.search_by_ids([request.urssaf_id]).items
        self.assertFalse(request._status_changed(info))

    def test_payout_amount_not_known_yet(self):
        _move, request = self.sent_invoice()
        self.apply_status(request, "70", transfer_date=datetime.now())
        self.assertEqual(request.state, "paid")
        self.assertFalse(request.payment_id)
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertTrue(request.payment_id)

    def test_payout_without_journal_or_already_paid(self):
        self.company.l10n_fr_urssaf_journal_id = False
        move, request = self.sent_invoice()
        self.simulator.pay(request.urssaf_id)
        request.action_refresh()
        self.assertFalse(request.payment_id)
        self.assertIn("no payout journal", move.activity_ids.note)

    def test_simulation_button_on_a_request_urssaf_moved(self):
        _move, request = self.sent_invoice()
        self.simulator.validate(request.urssaf_id)
        with self.assertRaises(UserError):
            request.action_simulate_validate()

    def test_undocumented_status_is_kept(self):
        _move, request = self.sent_invoice()
        with mute_logger("odoo.addons.l10n_fr_urssaf_avance_immediate.models"):
            self.apply_status(request, "999")
        self.assertRecordValues(
            request, [{"state": "unknown", "status": "other", "status_code": "999"}]
        )
        self.assertTrue(request.next_check)

    def test_cron_isolates_a_failing_batch(self):
        partner = self.active_customer()
        moves = self.env["account.move"].union(
            *(self.invoice(partner) for _i in range(11))
        )
        moves._l10n_fr_urssaf_send()
        requests = moves.l10n_fr_urssaf_request_ids
        for request in requests:
            self.simulator.validate(request.urssaf_id)
        requests.sudo().next_check = fields.Datetime.now() - timedelta(minutes=1)
        self.simulator.inject_fault("recherche", "error_500")
        calls = self.count_calls()
        with mute_logger("odoo.addons.l10n_fr_urssaf_avance_immediate.models"):
            self.env["l10n.fr.urssaf.payment.request"]._cron_refresh()
        self.assertEqual(calls.count("search_payment_requests"), 2)
        states = requests.mapped("state")
        self.assertEqual(sorted(states).count("validated"), 1)
        self.assertEqual(states.count("sent"), 10)
        postponed = requests.filtered(lambda r: r.state == "sent")
        self.assertTrue(all(r.next_check > fields.Datetime.now() for r in postponed))

    def test_one_live_request_per_invoice(self):
        move, request = self.sent_invoice()
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                request.sudo().copy({"urssaf_id": "other"})

    def test_invoice_being_sent_elsewhere_is_skipped(self):
        """SKIP LOCKED: an invoice another transaction is sending is left
        alone, and nothing is sent for it."""
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT id FROM account_move ORDER BY id LIMIT 1")
            row = other.fetchone()
            if not row:
                self.skipTest("needs a committed invoice")
            other.execute("SELECT id FROM account_move WHERE id = %s FOR UPDATE", row)
            move = self.env["account.move"].browse(row[0])
            calls = self.count_calls()
            outcome, message = move._l10n_fr_urssaf_send()[move]
            other.rollback()
        self.assertEqual(outcome, "not_sent")
        self.assertIn("Someone is sending", message)
        self.assertEqual(calls, [])

    def test_access_rights(self):
        _move, request = self.sent_invoice()
        employee = new_test_user(self.env, "employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.invoice(
                self.active_customer(
                    **LUCIE,
                )
            ).with_user(employee)._l10n_fr_urssaf_send()
        clerk = new_test_user(
            self.env,
            "clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        self.assertEqual(request.with_user(clerk).state, "sent")
        with self.assertRaises(AccessError):
            request.with_user(clerk).write({"state": "paid"})
        # Invoicing users send and follow; Urssaf's answers are written for them.
        move = self.invoice(self.env["res.partner"].browse(request.partner_id.id))
        self.assertEqual(move.with_user(clerk)._l10n_fr_urssaf_send()[move][0], "sent")
        self.simulator.validate(move.l10n_fr_urssaf_request_ids.urssaf_id)
        move.with_user(clerk).action_l10n_fr_urssaf_refresh()
        self.assertEqual(move.l10n_fr_urssaf_state, "validated")
        elsewhere = new_test_user(
            self.env,
            "elsewhere",
            groups="account.group_account_manager",
            company_id=self.env.ref("base.main_company").id,
            company_ids=self.env.ref("base.main_company").ids,
        )
        Request = self.env["l10n.fr.urssaf.payment.request"].with_user(elsewhere)
        self.assertFalse(Request.search([("id", "=", request.id)]))


@tagged("post_install", "-at_install")
class TestInvoiceReport(PaymentRequestCommon):
    def test_avance_immediate_block(self):
        move = self.invoice(self.active_customer())
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.account_invoices", move.ids)[0]
            .decode()
        )
        self.assertIn("Avance immédiate de crédit d'impôt", html)
        self.assertIn("SAP123456789", html)
        self.assertIn("66.00", html)
