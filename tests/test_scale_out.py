# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Several cron workers share the status refresh: on real, committed rows
and real connections, as on several Odoo servers."""

import threading
from contextlib import ExitStack
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.api import Transaction
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..models import account_move
from ..models import l10n_fr_urssaf_payment_request as payment_request
from .common import SimulatorMixin

Request = "l10n.fr.urssaf.payment.request"


@tagged("post_install", "-at_install")
class TestScaleOut(SimulatorMixin, TransactionCase):
    """Rows are committed by their own cursor (other connections only see
    committed rows) and deleted at the end."""

    def setUp(self):
        super().setUp()
        self.now = fields.Datetime.now().replace(microsecond=0)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company_id = env.ref("base.main_company").id
            journal = env["account.journal"].create(
                {"name": "Scale-out test", "code": "SCLT", "type": "general"}
            )
            # One request per invoice and environment: one entry each.
            moves = env["account.move"].create([{"journal_id": journal.id}] * 35)
            self.ids = (
                env[Request]
                .create(
                    [
                        {
                            "name": f"SCALE/{index:03d}",
                            "urssaf_id": f"scale-{index:03d}",
                            "move_id": move.id,
                            "partner_id": env.ref("base.partner_admin").id,
                            "company_id": self.company_id,
                            "environment": "simulation",
                            "state": "sent",
                            # Oldest due first: the index says in which order.
                            "next_check": self.now - timedelta(hours=1, seconds=-index),
                        }
                        for index, move in enumerate(moves)
                    ]
                )
                .ids
            )
            self.move_ids = tuple(moves.ids)
            self.addCleanup(self.delete, journal.id, self.move_ids)

    def delete(self, journal_id, move_ids):
        with self.registry.cursor() as cr:
            for table, model_column in (
                ("mail_message", "model"),
                ("mail_followers", "res_model"),
                ("l10n_fr_urssaf_exchange_link", "res_model"),
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE %s = %s AND res_id IN %s",
                        SQL.identifier(table),
                        SQL.identifier(model_column),
                        Request,
                        tuple(self.ids),
                    )
                )
            cr.execute(
                "DELETE FROM l10n_fr_urssaf_exchange WHERE id NOT IN "
                "(SELECT exchange_id FROM l10n_fr_urssaf_exchange_link) "
                "AND company_id = %s",
                (self.company_id,),
            )
            cr.execute(
                "DELETE FROM l10n_fr_urssaf_payment_request WHERE id IN %s",
                (tuple(self.ids),),
            )
            cr.execute("DELETE FROM account_move WHERE id IN %s", (move_ids,))
            # Copies of the cron woken up by a run that found many requests.
            crons = (payment_request.CRON_REFRESH, account_move.CRON_SEND)
            cr.execute(
                "DELETE FROM ir_cron_trigger WHERE cron_id IN %s AND call_at >= %s",
                (tuple(self.env.ref(xmlid).id for xmlid in crons), self.now),
            )
            cr.execute("DELETE FROM account_journal WHERE id = %s", (journal_id,))

    def worker(self):
        """A connection of its own, as another server's cron worker."""
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return api.Environment(cr, SUPERUSER_ID, {})[Request]

    def twice_at_once(self, work, *patches):
        """``work(env)`` run by two threads at once, each on a connection of
        its own that may commit, as two servers' cron workers."""
        errors = []

        def run():
            try:
                with self.registry.cursor() as cr:
                    # Not through Registry(): its lock is held while the
                    # tests run at loading.
                    cr.transaction = Transaction(self.registry)
                    work(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

        Move = type(self.env["account.move"])
        can_commit = patch.object(Move, "_can_commit", lambda self: True)
        with ExitStack() as stack:
            for patcher in (can_commit, *patches):
                stack.enter_context(patcher)
            threads = [threading.Thread(target=run) for _i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertFalse(errors)

    def claim(self, requests, size=10, now=None):
        company = requests.env["res.company"].browse(self.company_id)
        return requests._claim(company, now or fields.Datetime.now(), size)

    def test_two_workers_never_claim_the_same_batch(self):
        first, second = self.worker(), self.worker()
        mine = self.claim(first)
        theirs = self.claim(second)
        self.assertEqual(mine.ids, self.ids[:10], "oldest due first")
        self.assertEqual(theirs.ids, self.ids[10:20], "the held rows are skipped")
        # Once the first worker's claim is committed, it is leased: the
        # second, starting again, skips it although nobody holds the rows.
        first.env.cr.commit()
        second.env.cr.rollback()
        self.assertEqual(self.claim(second).ids, self.ids[10:20])
        self.assertEqual(self.claim(second, size=100).ids, self.ids[20:])
        self.assertFalse(self.claim(second))

    def test_batch_of_a_killed_worker_is_picked_up_by_the_next_round(self):
        survivor = self.worker()
        # Killed before its claim was committed: the rows are free at once.
        dying = self.worker()
        self.claim(dying)
        dying.env.cr.close()
        self.assertEqual(self.claim(survivor).ids, self.ids[:10])
        survivor.env.cr.rollback()
        # Killed once its claim was committed, before it recorded anything:
        # the rows are skipped during the lease, due again once it is over.
        dying = self.worker()
        self.assertEqual(self.claim(dying).ids, self.ids[:10])
        dying.env.cr.commit()
        dying.env.cr.close()
        self.assertEqual(self.claim(survivor, size=100).ids, self.ids[10:])
        survivor.env.cr.rollback()
        later = fields.Datetime.now() + payment_request.LEASE + timedelta(minutes=1)
        self.assertCountEqual(self.claim(survivor, size=100, now=later).ids, self.ids)

    @mute_logger("odoo.addons.l10n_fr_urssaf_avance_immediate.models", "odoo.sql_db")
    def test_concurrent_crons_poll_each_request_once(self):
        """Two cron runs at once on two connections, committing as in
        production: every request is asked for once, all are refreshed."""
        asked = []
        search = payment_request._search

        def counting(client, ids, numbers):
            asked.extend(ids)
            return search(client, ids, numbers)

        self.twice_at_once(
            lambda env: env[Request]._cron_refresh(),
            patch.object(payment_request, "_search", counting),
            patch.object(payment_request, "CLAIM_SIZE", 10),
        )
        self.assertEqual(sorted(asked), [f"scale-{index:03d}" for index in range(35)])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM l10n_fr_urssaf_payment_request "
                "WHERE id IN %s AND last_check IS NULL",
                (tuple(self.ids),),
            )
            self.assertEqual(cr.fetchone()[0], 0, "none left behind")

    @mute_logger("odoo.addons.l10n_fr_urssaf_avance_immediate.models")
    def test_concurrent_background_sendings_send_each_invoice_once(self):
        """Two background sending runs at once on two connections share the
        queue: each queued invoice goes to one of them, none is left."""
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE account_move SET l10n_fr_urssaf_queued_by_id = %s "
                "WHERE id IN %s",
                (self.env.ref("base.user_admin").id, self.move_ids),
            )
        sent = []

        def sending(moves):
            sent.extend(moves.ids)
            return {}

        def send_queued(env):
            # As Odoo's cron does: again while a run did some work.
            for _run in range(len(self.move_ids)):
                before = len(sent)
                env["account.move"]._cron_l10n_fr_urssaf_send()
                env.cr.commit()
                if len(sent) == before:
                    break

        Move = type(self.env["account.move"])
        self.twice_at_once(
            send_queued,
            patch.object(Move, "_l10n_fr_urssaf_send", sending),
            patch.object(Move, "_l10n_fr_urssaf_notify_sent", lambda self, user: None),
            patch.object(account_move, "BACKGROUND_CHUNK", 10),
        )
        self.assertEqual(sorted(sent), sorted(self.move_ids))
