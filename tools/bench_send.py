#!/usr/bin/env python3
"""Benchmark of sending posted invoices to Urssaf (not a test).

Usage, with the Python that imports Odoo 18::

    python3 tools/bench_send.py                   # or: make bench-send
    python3 tools/bench_send.py --n 10000 --reuse-db

It builds the database ``urssaf_bench_send`` as ``tools/bench_refresh.py``
builds its own (``--reuse-db`` keeps it, updating the addon, and sends again
the invoices of an earlier run, their requests deleted), with ``--customers``
customers active at a fresh in-memory simulator and N posted invoices of last
month's services (created and posted by 500 through the ORM), makes every
sending call take RTT (a persistent "delay" fault), then runs
``account.move._l10n_fr_urssaf_send()`` once on the N invoices as the
administrator (an invoicing user), with its commits, and prints:

* the sending calls made, against ceil(N/10) (token calls apart);
* the SQL queries per invoice: the mean over the whole run (the reads of the
  whole selection included), and per batch of 10 in the first and the last
  tenth of the run (no growth with N);
* the wall time against the network floor ceil(N/10) x RTT, and the ratio
  without the in-process simulator's own processing (inside Urssaf's RTT);
* the figures measured on the code before bulk sending, for comparison.

Targets: calls = ceil(N/10); at most ``QUERY_TARGET`` queries per invoice,
no growth from the first to the last tenth; wall <= 1.3 x floor. Exit status
1 when a target is missed, 2 when the set-up failed.
"""

import argparse
import math
import statistics
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from unittest import mock

import devenv  # tools/ is on sys.path when this file is run as a script
from bench_refresh import (
    WALL_TARGET,
    bench_company,
    make_simulator,
    open_registry,
    prepare_database,
    say,
    say_calls,
    tenth_means,
)

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.sql_db import Cursor
from odoo.tools import SQL, mute_logger, split_every

DB = "urssaf_bench_send"
REF = "BENCH-SEND"
BATCH = 10
CREATE_CHUNK = 500
QUERY_TARGET = 3
# Measured on main at 919483b (sequential, per-invoice reads), RTT 20 ms, on
# this 2-CPU machine shared with other jobs (load 2-3): N -> (wall / floor,
# queries per invoice).
BEFORE = {500: (17.5, 11.1), 1000: (16.3, 11.05)}


def addon():
    # pylint: disable=import-outside-toplevel
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.client import UrssafClient
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator import testing

    # The tests package imports Odoo's test framework, which logs an error
    # outside test mode.
    with mute_logger("odoo.tests.common"):
        from odoo.addons.l10n_fr_urssaf_avance_immediate.tests import common

    return UrssafClient, testing, common


# ----------------------------------------------------------------- Odoo data


def bench_moves(env):
    return env["account.move"].search(
        [("ref", "=", REF), ("state", "=", "posted")], order="id"
    )


def forget_sending(cr, moves):
    """What an earlier run recorded of these invoices (--reuse-db)."""
    if not moves:
        return
    ids = tuple(moves.ids)
    request = "l10n.fr.urssaf.payment.request"
    for statement in (
        "DELETE FROM l10n_fr_urssaf_request_status WHERE move_id IN %(ids)s",
        "DELETE FROM mail_message WHERE model = %(request)s AND res_id IN "
        "(SELECT id FROM l10n_fr_urssaf_payment_request WHERE move_id IN %(ids)s)",
        "DELETE FROM mail_followers WHERE res_model = %(request)s AND res_id IN "
        "(SELECT id FROM l10n_fr_urssaf_payment_request WHERE move_id IN %(ids)s)",
        "DELETE FROM mail_message WHERE model = 'account.move' "
        "AND res_id IN %(ids)s AND message_type = 'notification'",
        "DELETE FROM l10n_fr_urssaf_payment_request WHERE move_id IN %(ids)s",
        "UPDATE account_move SET l10n_fr_urssaf_state = 'to_send', "
        "l10n_fr_urssaf_queued_by_id = NULL WHERE id IN %(ids)s",
    ):
        cr.execute(statement, {"ids": ids, "request": request})
    cr.execute(SQL("DELETE FROM l10n_fr_urssaf_exchange"))


def customers(env, simulator, company, count, common, testing):
    """``count`` customers active at this simulator for 100 days (made once
    per database; a new simulator gives them new ids)."""
    partners = env["res.partner"].search([("ref", "=", REF)], order="id", limit=count)
    if len(partners) < count:
        partners |= env["res.partner"].create(
            [
                common.customer_values(
                    env,
                    name=f"Bench Send {index}",
                    ref=REF,
                    email=f"client{index}@example.fr",
                    mobile=f"06 12 34 56 {index % 100:02d}",
                )
                for index in range(len(partners), count)
            ]
        )
    local = testing.LocalClient(simulator, f"odoo-company-{company.id}")
    activated = simulator.now() - timedelta(days=100)
    for index, partner in enumerate(partners):
        response = local.register(testing.particulier(index))
        if response.status_code != 200:
            raise devenv.SetupError(f"simulator registration: {response.get_json()}")
        customer_id = response.get_json()["idClient"]
        simulator.activate(customer_id, at=activated)
        partner.sudo().write(
            {
                "l10n_fr_urssaf_customer_id": customer_id,
                "l10n_fr_urssaf_company_id": company.id,
                "l10n_fr_urssaf_environment": "simulation",
                "l10n_fr_urssaf_state": "active",
                "l10n_fr_urssaf_activation_date": activated.replace(tzinfo=None),
            }
        )
    return partners


def product(env, company, common):
    found = env["product.product"].search(
        [("default_code", "=", REF), ("company_id", "in", (company.id, False))],
        limit=1,
    )
    if not found:
        found = common.service_product(env, company)
        found.default_code = REF
    return found


def invoices(env, company, partners, product_, n):
    """N posted invoices of last month's services, made by 500 when missing."""
    moves = bench_moves(env)
    today = fields.Date.context_today(partners)
    end = today.replace(day=1) - timedelta(days=1)
    Move = env["account.move"].with_company(company)
    missing = range(len(moves), n)
    for chunk in split_every(CREATE_CHUNK, missing):
        created = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partners[index % len(partners)].id,
                    "ref": REF,
                    "invoice_date": today,
                    "l10n_fr_urssaf_service_start": end.replace(day=1),
                    "l10n_fr_urssaf_service_end": end,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product_.id, "quantity": 4, "price_unit": 30}
                        )
                    ],
                }
                for index in chunk
            ]
        )
        created.action_post()
        env.cr.commit()  # pylint: disable=invalid-commit
        say(f"  {len(moves) + chunk[-1] + 1 - missing.start} / {n} invoices")
    return bench_moves(env)[:n]


def set_up(registry, simulator, args):
    UrssafClient, testing, common = addon()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = bench_company(env)
        company.l10n_fr_urssaf_environment = "simulation"
        if not company.l10n_fr_urssaf_sap_number:
            company.l10n_fr_urssaf_sap_number = "SAP123456789"
        admin = env.ref("base.user_admin")
        if company not in admin.company_ids:
            admin.company_ids |= company
        forget_sending(cr, bench_moves(env))
        partners = customers(env, simulator, company, args.customers, common, testing)
        moves = invoices(env, company, partners, product(env, company, common), args.n)
        cr.commit()  # pylint: disable=invalid-commit
        return company.id, admin.id, moves.ids


# ---------------------------------------------------------------- measurement


def run_send(registry, simulator, company_id, user_id, move_ids):
    """One ``_l10n_fr_urssaf_send()`` on the invoices; figures."""
    UrssafClient, _testing, _common = addon()
    calls = Counter()
    marks = []  # (time, queries) when each sending call starts
    commits = [0]
    main = threading.current_thread()
    original_send = UrssafClient._send
    original_commit = Cursor.commit

    def send(client, operation, *args, **kwargs):
        calls[operation] += 1
        if operation == "submit_payment_requests":
            # Maybe in the worker thread: the ORM's queries are the main one's.
            marks.append((time.perf_counter(), main.query_count))
        return original_send(client, operation, *args, **kwargs)

    def commit(cursor):
        commits[0] += 1
        return original_commit(cursor)

    with registry.cursor() as cr, ExitStack() as patches:
        env = api.Environment(cr, user_id, {"allowed_company_ids": [company_id]})
        patches.enter_context(mock.patch.object(UrssafClient, "_send", send))
        patches.enter_context(
            mock.patch.object(
                type(env["res.company"]),
                "_l10n_fr_urssaf_simulator",
                lambda company: simulator,
            )
        )
        patches.enter_context(mock.patch.object(Cursor, "commit", commit))
        moves = env["account.move"].browse(move_ids)
        server_before = simulator.wsgi_app.seconds
        main.query_count, main.query_time = 0, 0.0
        started = time.perf_counter()
        results = moves._l10n_fr_urssaf_send()
        wall = time.perf_counter() - started
        end = (time.perf_counter(), main.query_count)
        query_seconds = main.query_time
        outcomes = Counter(outcome for outcome, _message in results.values())
        problems = Counter(m for o, m in results.values() if o != "sent")
        cr.commit()  # pylint: disable=invalid-commit
    del main.query_count, main.query_time
    bounds = [*marks, end]
    return {
        "wall": wall,
        "calls": calls,
        "queries": end[1],
        "query_seconds": query_seconds,
        "before_first_call": marks[0][1] if marks else end[1],
        "batches": [b[1] - a[1] for a, b in zip(bounds, bounds[1:], strict=False)],
        "commits": commits[0],
        "server_seconds": simulator.wsgi_app.seconds - server_before,
        "outcomes": outcomes,
        "problems": problems,
    }


# ------------------------------------------------------------------ reporting


def report(args, figures):
    """Print the figures; return the list of missed targets."""
    n, rtt = args.n, args.rtt_ms / 1000
    expected = math.ceil(n / BATCH)
    floor = expected * rtt
    per_invoice = figures["queries"] / n
    per_batch = figures["batches"] or [0]
    first, last = tenth_means(per_batch)
    ratio = figures["wall"] / floor
    missed = []

    def verdict(ok, name):
        if not ok:
            missed.append(name)
        return "met" if ok else "MISSED"

    say(f"== send N={n}, RTT {args.rtt_ms:g} ms, {args.customers} customers")
    outcomes = figures["outcomes"]
    say(
        "results              "
        + ", ".join(f"{o} {c}" for o, c in sorted(outcomes.items()))
        + "  "
        + verdict(outcomes.get("sent") == n, "every invoice sent")
    )
    for message, count in figures["problems"].most_common(3):
        say(f"  {count} x {message.splitlines()[0][:100]}")
    sends = say_calls("sending calls", "submit_payment_requests", figures, n, verdict)
    say(
        f"SQL per invoice      mean {per_invoice:.2f} ({figures['queries']} "
        f"queries, {figures['before_first_call']} before the first call); per "
        f"batch of 10: mean {statistics.fmean(per_batch):.1f}, first/last tenth "
        f"{first:.1f}/{last:.1f}  (target <= {QUERY_TARGET} per invoice, no "
        "growth)  "
        + verdict(
            per_invoice <= QUERY_TARGET and last <= first * 1.1 + 1,
            "queries per invoice",
        )
    )
    say(
        f"wall                 {figures['wall']:.2f} s vs floor {floor:.2f} s "
        f"(ceil(N/10) x RTT): ratio {ratio:.3f}  (target <= {WALL_TARGET})  "
        + verdict(ratio <= WALL_TARGET, "wall time")
    )
    server = figures["server_seconds"] - sends * rtt
    say(
        f"  without simulator  ratio {(figures['wall'] - server) / floor:.3f} "
        f"(its processing, {server / max(sends, 1) * 1000:.1f} ms a call, would "
        f"be inside Urssaf's RTT); SQL {figures['query_seconds']:.2f} s, "
        f"{figures['commits']} commits"
    )
    before = BEFORE.get(n)
    if before:
        say(
            f"before bulk sending  ratio {before[0]:.2f}, {before[1]:.1f} queries "
            "per invoice (same machine; timings noisy: 2 shared CPUs)"
        )
    return missed


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="invoices to send")
    parser.add_argument("--rtt-ms", type=float, default=20.0, help="per call")
    parser.add_argument(
        "--customers", type=int, default=50, help="the invoices' customers (<= 100)"
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"keep {DB} and its invoices"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.rtt_ms <= 0 or not 1 <= args.customers <= 100:
        parser.error("need --n >= 1, --rtt-ms > 0 and 1 <= --customers <= 100")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        conf = prepare_database(args.reuse_db, DB)
    except devenv.SetupError as exc:
        say(f"error: {exc}")
        return 2
    registry = open_registry(conf, DB)
    simulator = make_simulator()
    say(f"Preparing {args.n} posted invoices in {DB}")
    try:
        company_id, user_id, move_ids = set_up(registry, simulator, args)
    except devenv.SetupError as exc:
        say(f"error: {exc}")
        return 2
    if len(move_ids) < args.n:
        say(f"error: {len(move_ids)} invoices of {args.n}")
        return 2
    simulator.inject_fault("demande", "delay", times=None, delay=args.rtt_ms / 1000)
    figures = run_send(registry, simulator, company_id, user_id, move_ids)
    missed = report(args, figures)
    say("targets: " + (f"MISSED ({', '.join(missed)})" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
