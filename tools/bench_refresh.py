#!/usr/bin/env python3
"""Benchmark of the payment-request refresh cron at scale (not a test).

Usage, with the Python that imports Odoo 18::

    python3 tools/bench_refresh.py --n 10000 --rtt-ms 20
    python3 tools/bench_refresh.py --n 1000 --changes 1   # all requests 10 -> 20

It builds the database ``urssaf_bench`` (a copy of the dependency template of
``tools/devenv.py`` with the addon installed; ``--reuse-db`` keeps an existing
one, updating the addon), loads N open payment requests into it and into an
in-memory simulator, makes every search call take RTT (a persistent "delay"
fault), then runs ``_cron_refresh(limit=N)`` once in this process, as the cron
worker would (progress record, a commit per batch), and prints:

* the API calls made, against ceil(N/10) search calls (token calls apart);
* the SQL queries per batch of 10 (mean, max, first and last tenth of the run);
* the wall time against the network floor ceil(N/10) x RTT;
* the peak memory (resident set growth during the run, and the tracemalloc
  peak of a second, untimed pass unless ``--no-tracemalloc``);
* the exchange journal's cost: rows and megabytes written (table, index and
  TOAST sizes), time and queries of its writes per call, and per 10,000
  requests.

``--changes F`` moves a fraction F of the requests one status further at the
simulator before the run (10 -> 20, then 20 -> 30 for the memory pass).
``--profile FILE`` writes a cProfile of the timed pass (which it slows).

Targets: search calls = ceil(N/10); queries per batch bounded by a constant
that does not depend on N (at most ``QUERY_BUDGET``, no growth from the first
to the last tenth of the run); wall <= 1.3 x floor.  Exit status 1 when a
target is missed, 2 when the set-up failed.

The wall time includes the in-process simulator's own processing (about 2 ms
a call), which would be inside the RTT with Urssaf: the ratio without it is
printed too. The simulator is the real one (its automatic transitions are
indexed by due time: a call reads only what is due), with its automatic
transitions switched off so that statuses move only as ``--changes`` says.
"""

import argparse
import cProfile
import math
import os
import random
import statistics
import sys
import threading
import time
import tracemalloc
from contextlib import ExitStack
from datetime import timedelta
from unittest import mock

import devenv  # tools/ is on sys.path when this file is run as a script

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor
from odoo.tools import SQL, config

DB = "urssaf_bench"
MODEL = "l10n.fr.urssaf.payment.request"
MODEL_TABLE = MODEL.replace(".", "_")
CRON = f"{devenv.MODULE}.ir_cron_payment_request_status"
PREFIX = "BENCH/"
BATCH = 10
WALL_TARGET = 1.3
# Queries per batch, whatever N. Steady state: savepoint, lock, read, now(),
# one UPDATE per next-check date, release, the journal's row (savepoint,
# insert, release), cron progress: 10, and 11 when the batch's requests fall
# on two next-check dates; on average, as one batch in fifty also claims the
# next 500 requests (UPDATE ... RETURNING, and the read of what it claimed:
# CLAIM_QUERIES more). With every status changing (issue 14): 15.
QUERY_BUDGET = 11
CLAIM_QUERIES = 2
QUERY_BUDGET_CHANGED = 15
# Simulator settings that move requests and links by themselves.
AUTOMATIC_DELAYS = (
    "delay_waiting_validation",
    "delay_auto_validation",
    "delay_debit",
    "delay_transfer",
    "delay_activation",
    "activation_expiry",
)


def say(message=""):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


# ------------------------------------------------------------------- database


def prepare_database(reuse, db=DB):
    """Config file of the private cluster, with db ready (addon installed)."""
    # The same Python name as make test: it is part of the template's key.
    python, reason = devenv.find_odoo(install=False)
    if not python:
        raise devenv.SetupError(f"no Odoo 18 runtime: {reason}")
    devenv.pg_start()
    conf = devenv.write_odoo_conf(python)
    # Kept, the database is still updated: the code may have new fields.
    mode = "-u" if reuse and devenv.db_exists(db) else "-i"
    if mode == "-i":
        devenv.copy_db(devenv.ensure_template(python, conf), db)
    log = os.path.join(devenv.LOGS, "bench-install.log")
    say(f"{'Updating' if mode == '-u' else 'Installing'} {devenv.MODULE} in {db}")
    args = ["-d", db, mode, devenv.MODULE, "--stop-after-init", "--no-http"]
    proc = devenv.run(
        devenv.odoo_cmd(python, conf, *args, f"--logfile={log}"), check=False
    )
    if proc.returncode:
        raise devenv.SetupError(f"installing the addon failed: see {log}")
    return conf


def open_registry(conf, db=DB):
    config.parse_config(["-c", conf, "-d", db, "--log-level=warn"], setup_logging=True)
    return Registry(db)


def bench_company(env):
    """The French demo company when there is one: users' chart of accounts."""
    company = env["res.company"].search([("chart_template", "=", "fr")], limit=1)
    return company or env.ref("base.main_company")


def delete_bench_rows(cr, company):
    """Rows of an earlier run (--reuse-db): they would be polled too."""
    for model, table in (("account.move", "account_move"), (MODEL, MODEL_TABLE)):
        cr.execute(
            SQL(
                "DELETE FROM mail_message WHERE model = %s AND res_id IN "
                "(SELECT id FROM %s WHERE name LIKE %s)",
                model,
                SQL.identifier(table),
                f"{PREFIX}%",
            )
        )
    cr.execute(
        SQL(
            "DELETE FROM l10n_fr_urssaf_payment_request WHERE name LIKE %s",
            f"{PREFIX}%",
        )
    )
    cr.execute(SQL("DELETE FROM account_move WHERE name LIKE %s", f"{PREFIX}%"))
    # The journal is append-only for the addon; a benchmark database is not.
    cr.execute(
        SQL("DELETE FROM l10n_fr_urssaf_exchange WHERE company_id = %s", company.id)
    )


def journal_size(cr):
    """Rows of the exchange journal, and their bytes: data (TOAST included,
    as stored) plus the indexes' share (dead space of earlier runs apart)."""
    cr.execute(
        SQL(
            "SELECT (SELECT count(*) FROM l10n_fr_urssaf_exchange), "
            "(SELECT count(*) FROM l10n_fr_urssaf_exchange_link), "
            "(SELECT coalesce(sum(pg_column_size(e.*)), 0) "
            "FROM l10n_fr_urssaf_exchange e) "
            "+ (SELECT coalesce(sum(pg_column_size(l.*)), 0) "
            "FROM l10n_fr_urssaf_exchange_link l) "
            "+ pg_indexes_size('l10n_fr_urssaf_exchange') "
            "+ pg_indexes_size('l10n_fr_urssaf_exchange_link')"
        )
    )
    return cr.fetchone()


# ------------------------------------------------------------------ simulator


class TimedApp:
    """The simulator's WSGI application, timing the server side."""

    def __init__(self, app):
        self.app = app
        self.seconds = 0.0

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        try:
            return self.app(environ, start_response)
        finally:
            self.seconds += time.perf_counter() - started


def make_simulator():
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator import Simulator

    simulator = Simulator()
    for name in AUTOMATIC_DELAYS:
        setattr(simulator.settings, name, None)
    simulator.wsgi_app = TimedApp(simulator.wsgi_app)
    return simulator


def submit_to_simulator(simulator, client_id, numbers):
    """Register and activate one customer, send the requests by 10 through
    the API; return the Urssaf ids, in the order of ``numbers``."""
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator import testing

    local = testing.LocalClient(simulator, client_id)
    response = local.register(testing.particulier(0))
    if response.status_code != 200:
        raise devenv.SetupError(f"simulator registration: {response.get_json()}")
    id_client = response.get_json()["idClient"]
    today = simulator.now().replace(hour=0, minute=0, second=0, microsecond=0)
    simulator.activate(id_client, provider=client_id, at=today - timedelta(days=1))
    ids = []
    for start in range(0, len(numbers), BATCH):
        items = [
            testing.payment_request(id_client, number, today, today)
            for number in numbers[start : start + BATCH]
        ]
        answer = local.submit(items).get_json()
        if not isinstance(answer, list) or any(
            "idDemandePaiement" not in item for item in answer
        ):
            raise devenv.SetupError(f"simulator refused the requests: {answer}")
        ids += [item["idDemandePaiement"] for item in answer]
    return ids


def advance_status(simulator, urssaf_ids):
    """Move these requests one status along 10 -> 20 -> 30 -> 50 -> 70."""
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator.simulator import (
        MAIN_LINE,
    )

    with simulator.store.transaction():
        now = simulator.now()
        for urssaf_id in urssaf_ids:
            request = simulator.store.get_payment_request(urssaf_id)
            following = MAIN_LINE[MAIN_LINE.index(request["status"]) + 1]
            simulator._transition(request, following, now)


# ----------------------------------------------------------------- Odoo data


def template_invoice(env, company, customer):
    """A posted invoice of 50 € without tax to ``customer`` (a new contact),
    whose header the benchmarks copy by SQL."""
    partner = env["res.partner"].create({"name": customer, "customer_rank": 1})
    invoice = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.context_today(partner),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services à la personne",
                            "quantity": 2,
                            "price_unit": 25.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
    )
    invoice.action_post()
    env.flush_all()
    return invoice


def create_requests(env, company, numbers, urssaf_ids):
    """N posted invoices with one sent payment request each, in bulk SQL.

    One invoice is created and posted through the ORM; the others are SQL
    copies of its header (no lines): the refresh reads only the request and
    posts notes on its invoice, and a request needs its own invoice (a single
    live request per invoice, ``..._live_move_unique``). Creating 10,000
    invoices through the ORM would take longer than the benchmark.
    """
    invoice = template_invoice(env, company, "Bench Customer")
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'account_move' "
            "AND column_name NOT IN ('id', 'name', 'l10n_fr_urssaf_state')"
        )
    )
    columns = SQL(", ").join(SQL.identifier(row[0]) for row in cr.fetchall())
    cr.execute(
        SQL(
            "INSERT INTO account_move (name, l10n_fr_urssaf_state, %s) "
            "SELECT number, 'sent', %s FROM account_move, unnest(%s::varchar[]) "
            "AS number WHERE id = %s",
            columns,
            columns,
            numbers,
            invoice.id,
        )
    )
    now = fields.Datetime.now()
    cr.execute(
        SQL(
            "INSERT INTO l10n_fr_urssaf_payment_request (name, move_id, partner_id, "
            "company_id, amount, urssaf_id, status_code, status, state, sent_date, "
            "status_date, next_check, create_uid, write_uid, create_date, "
            "write_date, environment) "
            "SELECT m.name, m.id, m.partner_id, m.company_id, m.amount_total, "
            "sent.urssaf_id, '10', '10', 'sent', %s, %s, %s, %s, %s, %s, %s, "
            "'simulation' "
            "FROM unnest(%s::varchar[], %s::varchar[]) AS sent(name, urssaf_id) "
            "JOIN account_move m ON m.name = sent.name AND m.company_id = %s",
            now,
            now,
            now - timedelta(minutes=1),
            SUPERUSER_ID,
            SUPERUSER_ID,
            now,
            now,
            numbers,
            urssaf_ids,
            company.id,
        )
    )
    if cr.rowcount != len(numbers):
        raise devenv.SetupError(f"{cr.rowcount} requests created of {len(numbers)}")
    env.invalidate_all()


def make_due(cr):
    """Every bench request due again (for the second pass)."""
    cr.execute(
        SQL(
            "UPDATE l10n_fr_urssaf_payment_request SET next_check = %s "
            "WHERE name LIKE %s",
            fields.Datetime.now() - timedelta(minutes=1),
            f"{PREFIX}%",
        )
    )


# ---------------------------------------------------------------- measurement


def resident_kib(field="VmRSS"):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss():
    """Make VmHWM the current RSS (Linux >= 4.0); False when not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def run_cron(registry, simulator, n, trace=False, profile=None):
    """One ``_cron_refresh(limit=n)`` as the cron worker runs it; figures."""
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.client import UrssafClient
    from odoo.addons.l10n_fr_urssaf_avance_immediate.models.exchange_journal import (
        ExchangeJournal,
    )

    calls = {}
    commits = [0, 0.0]  # count, seconds: COMMIT is not a counted query
    send_seconds = [0.0]  # in UrssafClient._send: HTTP stack plus simulator
    marks = []  # (time, queries, query seconds) when each batch starts
    thread = threading.current_thread()
    journal = [0, 0.0, 0]  # flushes, seconds, queries

    def flush(recorder, *args, **kwargs):
        started, queries = time.perf_counter(), thread.query_count
        try:
            return original_flush(recorder, *args, **kwargs)
        finally:
            journal[0] += 1
            journal[1] += time.perf_counter() - started
            journal[2] += thread.query_count - queries

    def send(client, operation, *args, **kwargs):
        calls[operation] = calls.get(operation, 0) + 1
        started = time.perf_counter()
        try:
            return original_send(client, operation, *args, **kwargs)
        finally:
            send_seconds[0] += time.perf_counter() - started

    def commit(cursor):
        started = time.perf_counter()
        try:
            return original_commit(cursor)
        finally:
            commits[0] += 1
            commits[1] += time.perf_counter() - started

    def apply_search(requests, *args):
        marks.append((time.perf_counter(), thread.query_count, thread.query_time))
        return original_batch(requests, *args)

    with registry.cursor() as cr, ExitStack() as patches:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Request = type(env[MODEL])
        original_send = UrssafClient._send
        original_batch = Request._apply_search
        original_commit = Cursor.commit
        original_flush = ExchangeJournal.flush
        patches.enter_context(mock.patch.object(ExchangeJournal, "flush", flush))
        patches.enter_context(mock.patch.object(UrssafClient, "_send", send))
        patches.enter_context(mock.patch.object(Request, "_apply_search", apply_search))
        patches.enter_context(
            mock.patch.object(
                type(env["res.company"]),
                "_l10n_fr_urssaf_simulator",
                lambda company: simulator,
            )
        )
        # As ir.cron._run_job: the progress record each batch reports to.
        _cron, progress = env.ref(CRON)._add_progress()
        model = env[MODEL].with_context(ir_cron_progress_id=progress.id)
        cr.commit()  # pylint: disable=invalid-commit
        journal_before = journal_size(cr)
        patches.enter_context(mock.patch.object(Cursor, "commit", commit))
        started_at = fields.Datetime.now()
        server_before = simulator.wsgi_app.seconds
        # Odoo counts the queries of a thread carrying these attributes.
        thread.query_count, thread.query_time = 0, 0.0
        rss_before = resident_kib()
        peak_known = reset_peak_rss()
        if trace:
            tracemalloc.start()
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.runcall(model._cron_refresh, limit=n)
        else:
            model._cron_refresh(limit=n)
        wall = time.perf_counter() - started
        if profiler:
            profiler.dump_stats(profile)
        end = (time.perf_counter(), thread.query_count, thread.query_time)
        traced = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
        rss_peak = resident_kib("VmHWM") if peak_known else None
        cr.execute(
            SQL(
                "SELECT count(*) FROM l10n_fr_urssaf_payment_request "
                "WHERE name LIKE %s AND last_check >= %s",
                f"{PREFIX}%",
                started_at,
            )
        )
        refreshed = cr.fetchone()[0]
        cr.execute(
            SQL(
                "SELECT state, count(*) FROM l10n_fr_urssaf_payment_request "
                "WHERE name LIKE %s GROUP BY state",
                f"{PREFIX}%",
            )
        )
        by_state = dict(cr.fetchall())
        cr.commit()  # pylint: disable=invalid-commit
        journal_after = journal_size(cr)
    del thread.query_count, thread.query_time
    bounds = [*marks, end]
    batches = [
        (later[0] - earlier[0], later[1] - earlier[1], later[2] - earlier[2])
        for earlier, later in zip(bounds, bounds[1:], strict=False)
    ]
    return {
        "wall": wall,
        "calls": calls,
        "batches": batches,
        "queries": end[1],
        "query_seconds": end[2],
        "commits": commits,
        "send_seconds": send_seconds[0],
        "outside_queries": end[1] - sum(batch[1] for batch in batches),
        "server_seconds": simulator.wsgi_app.seconds - server_before,
        "refreshed": refreshed,
        "by_state": by_state,
        "rss_growth": None if rss_peak is None else rss_peak - rss_before,
        "journal": journal,
        "journal_growth": [
            after - before
            for before, after in zip(journal_before, journal_after, strict=True)
        ],
        "traced_peak": traced,
    }


# ------------------------------------------------------------------ reporting


def tenth_means(values):
    """Mean of the first and of the last tenth (the first batch apart: it
    warms the caches once per run)."""
    values = values[1:] or values
    size = max(1, len(values) // 10)
    return statistics.fmean(values[:size]), statistics.fmean(values[-size:])


def say_calls(label, operation, figures, n, verdict):
    """The calls of ``operation`` against ceil(N/10), then the token calls
    and any other; return how many calls of ``operation``."""
    expected = math.ceil(n / BATCH)
    count = figures["calls"].get(operation, 0)
    others = {
        op: calls
        for op, calls in figures["calls"].items()
        if op not in (operation, "token")
    }
    say(
        f"{label:<21}{count}  (target ceil(N/10) = {expected}, "
        f"ratio {count / expected:.3f})  "
        + verdict(count == expected and not others, label)
    )
    say(
        f"token calls          {figures['calls'].get('token', 0)}"
        + (f"; other calls {others}" if others else "")
    )
    return count


def report(args, figures, moved):
    """Print the figures; return the list of missed targets."""
    n, rtt = args.n, args.rtt_ms / 1000
    expected = math.ceil(n / BATCH)
    floor = expected * rtt
    per_batch = [batch[1] for batch in figures["batches"]] or [0]
    first, last = tenth_means(per_batch)
    budget = QUERY_BUDGET + args.changes * (QUERY_BUDGET_CHANGED - QUERY_BUDGET)
    ratio = figures["wall"] / floor if floor else float("inf")
    missed = []

    def verdict(ok, name):
        if not ok:
            missed.append(name)
        return "met" if ok else "MISSED"

    say(
        f"== N={n}, RTT {args.rtt_ms:g} ms, changes {args.changes:.0%}"
        + (f" ({moved} requests moved at Urssaf)" if moved else " (steady state)")
    )
    say(
        f"refreshed            {figures['refreshed']} / {n}; states "
        + ", ".join(f"{s} {c}" for s, c in sorted(figures["by_state"].items()))
    )
    searches = say_calls("search calls", "search_payment_requests", figures, n, verdict)
    say(
        f"SQL per batch        mean {statistics.fmean(per_batch):.1f}, "
        f"max {max(per_batch)}, min {min(per_batch)}; first/last tenth mean "
        f"{first:.1f}/{last:.1f}  (budget: mean {budget:g}, max {budget:g} + "
        f"{CLAIM_QUERIES} when claiming, no growth)  "
        + verdict(
            statistics.fmean(per_batch) <= budget
            and max(per_batch) <= budget + CLAIM_QUERIES
            and last <= first * 1.1 + 1,
            "queries per batch",
        )
    )
    say(
        f"SQL outside batches  {figures['outside_queries']} (cron search and "
        "count, companies of the requests, first savepoint); total "
        f"{figures['queries']} in {figures['query_seconds']:.2f} s"
    )
    say(
        f"wall                 {figures['wall']:.2f} s vs floor {floor:.2f} s "
        f"(ceil(N/10) x RTT): ratio {ratio:.3f}  (target <= {WALL_TARGET})  "
        + verdict(ratio <= WALL_TARGET, "wall time")
    )
    times = [batch[0] for batch in figures["batches"]] or [0.0]
    calls = searches or 1
    overhead = figures["wall"] - searches * rtt
    sql = figures["query_seconds"]
    commit = figures["commits"][1]
    server = figures["server_seconds"] - searches * rtt
    transport = figures["send_seconds"] - figures["server_seconds"]
    rest = overhead - sql - commit - server - transport

    def ms(seconds):
        return f"{seconds / calls * 1000:.2f}"

    parts = (
        f"queries {ms(sql)} + commit {ms(commit)} ({figures['commits'][0]} "
        f"commits) + simulator {ms(server)} + requests/WSGI adapter "
        f"{ms(transport)} + "
    )
    if rest >= 0:
        parts += f"Python (ORM, addon, client parsing) {ms(rest)}"
    else:  # some work ran during the network waits: parts overlap
        parts += "the rest, overlapped with the network"
    say(
        f"  per batch          mean {statistics.fmean(times) * 1000:.1f} ms, max "
        f"{max(times) * 1000:.1f} ms; beyond the RTT {ms(overhead)} ms = {parts}"
    )
    say(
        f"  without simulator  ratio {(figures['wall'] - server) / floor:.3f} "
        "(its processing time would be inside Urssaf's RTT)"
    )
    flushes, flush_seconds, flush_queries = figures["journal"]
    rows, links, size = figures["journal_growth"]
    per_10k = 10000 / n
    say(
        f"exchange journal     {rows} rows + {links} links, {size / 2**20:.2f} MB "
        f"({size / max(rows, 1) / 1024:.1f} KiB per call); per 10,000 requests "
        f"{rows * per_10k:.0f} rows + {links * per_10k:.0f} links, "
        f"{size * per_10k / 2**20:.1f} MB"
    )
    say(
        f"  journal writes     {flushes} flushes, {flush_queries} queries, "
        f"{ms(flush_seconds)} ms per call (included above)"
    )
    rss = figures["rss_growth"]
    say(
        "peak memory          "
        + (
            "RSS growth n/a"
            if rss is None
            else f"RSS +{rss / 1024:.1f} MiB ({rss / n:.2f} KiB per request)"
        )
        + " during the timed pass"
    )
    return missed


def memory_pass(registry, simulator, args, moved):
    with registry.cursor() as cr:
        make_due(cr)
    if moved:
        advance_status(simulator, moved)
    figures = run_cron(registry, simulator, args.n, trace=True)
    say(
        f"tracemalloc peak     {figures['traced_peak'] / 2**20:.1f} MiB "
        f"({figures['traced_peak'] / 1024 / args.n:.2f} KiB per request) "
        f"(second pass, untimed{', same requests moved again' if moved else ''}; "
        f"{figures['refreshed']} refreshed)"
    )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="requests to refresh")
    parser.add_argument("--rtt-ms", type=float, default=20.0, help="per search call")
    parser.add_argument(
        "--changes",
        type=float,
        default=0.0,
        help="fraction of requests whose status changes before the run (0-1)",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"keep an existing {DB}"
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the memory pass"
    )
    parser.add_argument("--seed", type=int, default=0, help="of the moved requests")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile the timed pass into FILE (slows it: wall target void)",
    )
    args = parser.parse_args()
    if args.n < 1 or not 0 <= args.changes <= 1 or args.rtt_ms <= 0:
        parser.error("need --n >= 1, 0 <= --changes <= 1 and --rtt-ms > 0")
    return args


def main():
    args = parse_args()
    try:
        conf = prepare_database(args.reuse_db)
    except devenv.SetupError as exc:
        say(f"error: {exc}")
        return 2
    registry = open_registry(conf)
    simulator = make_simulator()
    numbers = [f"{PREFIX}{index:06d}" for index in range(1, args.n + 1)]
    say(f"Loading {args.n} payment requests (simulator and {DB})")
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = bench_company(env)
            delete_bench_rows(cr, company)
            company.l10n_fr_urssaf_environment = "simulation"
            client_id = f"odoo-company-{company.id}"
            urssaf_ids = submit_to_simulator(simulator, client_id, numbers)
            create_requests(env, company, numbers, urssaf_ids)
    except devenv.SetupError as exc:
        say(f"error: {exc}")
        return 2
    moved = random.Random(args.seed).sample(urssaf_ids, round(args.n * args.changes))
    advance_status(simulator, moved)
    simulator.inject_fault("recherche", "delay", times=None, delay=args.rtt_ms / 1000)
    figures = run_cron(registry, simulator, args.n, profile=args.profile)
    missed = report(args, figures, len(moved))
    if not args.no_tracemalloc:
        memory_pass(registry, simulator, args, moved)
    say("targets: " + (f"MISSED ({', '.join(missed)})" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
