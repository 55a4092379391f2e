# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal of Urssaf exchanges: one row per call, what was sent and
answered, linked to what it is about, kept untouched for the retention."""

import json
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..lib.client import Exchange
from ..lib.simulator.faults import DROP, EMPTY_400
from ..models import exchange_journal, l10n_fr_urssaf_exchange
from ..models.exchange_journal import ExchangeJournal
from . import test_urssaf_owned
from .common import PAUL
from .test_payment_request import PaymentRequestCommon


def exchange(ref, request, response, operation="M070"):
    """An exchange as the client reports it."""
    return Exchange(
        ref=ref,
        operation=operation,
        method="POST",
        path="/demandePaiement/rechercher",
        started_at=datetime(2026, 1, 5, 9, 0),
        duration_ms=12,
        http_status=200,
        request=request,
        response=response,
        outcome="ok",
    )


@tagged("post_install", "-at_install")
class TestExchangeJournal(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = test_urssaf_owned.owned_users(cls.env, cls.company)

    def journal(self, *domain):
        return self.env["l10n.fr.urssaf.exchange"].search(
            [("company_id", "=", self.company.id), *domain]
        )

    def about(self, record):
        return self.env["l10n.fr.urssaf.exchange"].search(
            self.env["l10n.fr.urssaf.exchange"]._domain_about(record)
        )

    def _delete_committed(self, ref):
        # The journal is append-only for users; this test's row is not.
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM l10n_fr_urssaf_exchange WHERE ref = %s", [ref])

    def test_every_operation_journaled_and_linked(self):
        partner = self.active_customer()
        move, request = self.sent_invoice(partner)
        self.simulator.validate(request.urssaf_id)
        request.action_refresh()
        operations = self.journal(("operation", "!=", "token")).sorted("id")
        self.assertEqual(
            operations.mapped("operation"), ["M010", "M020", "M050", "M070"]
        )
        self.assertEqual(
            set(self.about(partner).mapped("operation")),
            {"M010", "M020", "M050", "M070"},
        )
        sent, searched = self.about(request).sorted("id")
        self.assertEqual((sent.operation, searched.operation), ("M050", "M070"))
        self.assertEqual(self.about(move), sent | searched)
        self.assertEqual(sent.outcome, "ok")
        self.assertEqual(sent.user_id, self.env.user)
        self.assertEqual(sent.environment, "simulation")
        body = json.loads(sent.request_body)
        self.assertEqual(body[0]["numFactureTiers"], move.name)
        self.assertEqual(
            json.loads(searched.response_body)["infoDemandePaiements"][0]["statut"][
                "code"
            ],
            "30",
        )
        self.assertEqual(move.l10n_fr_urssaf_exchange_count, 2)
        # Found from the search bar by invoice number, customer or request.
        Exchange = self.env["l10n.fr.urssaf.exchange"]
        self.assertEqual(
            Exchange.search([("move_ids", "ilike", move.name)]), sent | searched
        )
        self.assertIn(sent, Exchange.search([("partner_ids", "ilike", partner.name)]))
        self.assertEqual(
            Exchange.search([("payment_request_ids", "in", request.ids)]),
            sent | searched,
        )
        # And the other way round: not about it, about no invoice at all.
        others = Exchange.search([("move_ids", "not in", move.ids)])
        self.assertFalse(others & (sent | searched))
        self.assertIn("token", others.mapped("operation"))
        self.assertFalse(Exchange.search([("move_ids", "not ilike", move.name)]) & sent)
        without = Exchange.search([("move_ids", "=", False)])
        self.assertTrue(without)
        self.assertFalse(
            without.link_ids.filtered(lambda link: link.res_model == "account.move")
        )
        self.assertFalse(Exchange.search([("move_ids", "!=", False)]) & without)
        action = request.action_l10n_fr_urssaf_exchanges()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), sent | searched
        )

    def test_a_batch_of_ten_is_one_row_linked_to_its_ten_requests(self):
        partner = self.active_customer()
        moves = self.env["account.move"].union(
            *(self.invoice(partner) for _i in range(12))
        )
        moves._l10n_fr_urssaf_send()
        first, second = self.journal(("operation", "=", "M050")).sorted("id")
        self.assertEqual((first.item_count, second.item_count), (10, 2))
        self.assertEqual(
            first.payment_request_ids, moves[:10].l10n_fr_urssaf_request_ids
        )
        self.assertEqual(first.move_ids, moves[:10])
        self.assertEqual(
            second.payment_request_ids, moves[10:].l10n_fr_urssaf_request_ids
        )

    def test_refusal_and_lost_answer_are_journaled(self):
        partner = self.active_customer()
        move = self.invoice(partner)
        self.simulator.inject_fault("demande", DROP)
        outcome, _message = move._l10n_fr_urssaf_send()[move]
        self.assertEqual(outcome, "unknown")
        lost = self.journal(("operation", "=", "M050"))
        self.assertEqual(lost.outcome, "unknown")
        self.assertFalse(lost.response_body)
        self.assertEqual(json.loads(lost.request_body)[0]["numFactureTiers"], move.name)
        self.assertEqual(lost.move_ids, move)
        refused = self.make_customer(email="refuse@example.fr")
        other = self.make_customer(**PAUL)
        self.simulator.inject_fault("inscription", EMPTY_400)
        (refused | other).action_l10n_fr_urssaf_register()
        failed = self.journal(("operation", "=", "M010"), ("outcome", "=", "refused"))
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed.http_status, 400)
        self.assertEqual(failed.partner_ids, refused)

    def test_nobody_changes_or_deletes_the_journal(self):
        self.active_customer()
        exchange = self.journal()[:1]
        for login, user in self.users.items():
            if login == "contact_editor":
                with self.assertRaises(AccessError):
                    exchange.with_user(user).read(["operation"])
                continue
            with self.subTest(login):
                with self.assertRaises(UserError):
                    exchange.with_user(user).write({"outcome": "refused"})
                with self.assertRaises(UserError):
                    exchange.with_user(user).unlink()
                with self.assertRaises(UserError):
                    exchange.link_ids[:1].with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["l10n.fr.urssaf.exchange"].with_user(user).create(
                        {"ref": "x", "operation": "M010"}
                    )
        with self.assertRaises(UserError):
            exchange.sudo().write({"outcome": "refused"})
        with self.assertRaises(UserError):
            exchange.sudo().unlink()

    def test_bodies_for_accounting_managers_only(self):
        self.active_customer()
        registration = self.journal(("operation", "=", "M010"))
        invoicing = registration.with_user(self.users["invoicing_user"])
        with self.assertRaises(AccessError):
            invoicing.read(["request_body"])
        preview = json.loads(invoicing.request_text)
        self.assertEqual(preview["nomNaissance"], "***")
        self.assertEqual(preview["dateNaissance"], "***")
        manager = registration.with_user(self.users["billing_admin"])
        self.assertEqual(json.loads(manager.request_body)["nomNaissance"], "Durand")
        self.assertEqual(json.loads(manager.request_text)["nomNaissance"], "Durand")
        self.assertTrue(invoicing.redacted)
        self.assertFalse(manager.redacted)

    def test_no_secret_or_token_stored(self):
        with self.urssaf_over_http(self.company):
            self.active_customer()
        self.assertEqual(self.company.l10n_fr_urssaf_environment, "sandbox")
        token = self.company.sudo().l10n_fr_urssaf_token
        self.assertTrue(token)
        exchanges = self.journal()
        self.assertIn("token", exchanges.mapped("operation"))
        for exchange in exchanges.sudo():
            stored = f"{exchange.request_body} {exchange.response_body} {exchange.path}"
            self.assertNotIn("secret-test", stored)
            self.assertNotIn("provider-test", stored)
            self.assertNotIn(token, stored)
            self.assertNotIn("FR7630004000031234567890143", stored.replace(" ", ""))

    def test_retention_purge_in_batches(self):
        now = fields.Datetime.now()
        journal = self.env["l10n.fr.urssaf.exchange"].sudo()
        for index, age in enumerate([11 * 366, 11 * 366, 11 * 366, 10, 0]):
            journal.create(
                {
                    "ref": f"purge-{index}",
                    "company_id": self.company.id,
                    "environment": "simulation",
                    "operation": "M070",
                    "outcome": "ok",
                    "started_at": now - timedelta(days=age),
                    "link_ids": [(0, 0, {"res_model": "res.partner", "res_id": 1})],
                }
            )
        batches = []
        unlink = type(journal).unlink

        def counted_unlink(records):
            batches.append(len(records))
            return unlink(records)

        with (
            patch.object(l10n_fr_urssaf_exchange, "PURGE_BATCH", 2),
            patch.object(type(journal), "unlink", counted_unlink),
        ):
            journal._cron_purge()
        self.assertEqual(batches, [2, 1])
        self.assertEqual(
            sorted(self.journal(("ref", "like", "purge-")).mapped("ref")),
            ["purge-3", "purge-4"],
        )
        self.company.l10n_fr_urssaf_journal_retention = 0
        journal._cron_purge()
        self.assertEqual(len(self.journal(("ref", "like", "purge-"))), 2)

    def test_written_on_its_own_cursor_when_the_transaction_may_fail(self):
        """In production a rollback of the business transaction keeps the
        journal: it is committed apart (seen from a new cursor)."""
        admin = self.env.ref("base.user_admin")
        journal = ExchangeJournal(self.env.ref("base.main_company").with_user(admin))
        journal(
            exchange(
                "own-cursor-test",
                {"query": {"idClient": "abc"}},
                {"idClient": "abc"},
                operation="M020",
            )
        )
        self.addCleanup(self._delete_committed, "own-cursor-test")
        with patch.object(
            type(self.env["account.move"]), "_can_commit", staticmethod(lambda: True)
        ):
            journal.flush()
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT operation FROM l10n_fr_urssaf_exchange WHERE ref = %s",
                ["own-cursor-test"],
            )
            self.assertEqual(cr.fetchall(), [("M020",)])
        # Not in this transaction: a rollback of it would not erase it.
        self.assertFalse(self.journal(("ref", "=", "own-cursor-test")))

    def test_a_journal_failure_never_stops_the_work(self):
        """An answer the database cannot store as is is cleaned; a row it
        refuses is logged without its content, and the work goes on."""
        entry = exchange(
            "journal-failure-test",
            {"numFactureTiers": ["SECRET-NUMBER"]},
            "bad\x00answer",
        )
        journal = ExchangeJournal(self.company)
        journal(entry)
        journal.flush()
        stored = self.journal(("ref", "=", entry.ref))
        self.assertEqual(stored.sudo().response_body, "badanswer")
        invoicing = stored.with_user(self.users["invoicing_user"])
        self.assertEqual(invoicing.response_text, "***")
        journal(entry)  # the same reference twice: refused by the database
        with self.assertLogs(exchange_journal.__name__, "ERROR") as logs:
            journal.flush()
        self.assertNotIn("SECRET-NUMBER", "".join(logs.output))
        self.assertEqual(len(self.journal(("ref", "=", entry.ref))), 1)

    def test_retention_at_least_the_accounting_one(self):
        with self.assertRaises(ValidationError):
            self.company.l10n_fr_urssaf_journal_retention = 2
        self.company.l10n_fr_urssaf_journal_retention = 0
        self.company.l10n_fr_urssaf_journal_retention = 12
