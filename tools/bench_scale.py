#!/usr/bin/env python3
"""Benchmark of the status refresh shared by several Odoo servers (not a test).

Usage, with the Python that imports Odoo 18::

    python3 tools/bench_scale.py --n 2000 --rtt-ms 100 --servers 1,2,4

In a database of its own built as ``tools/bench_refresh.py`` builds its own
(``--reuse-db`` keeps it), it loads N payment requests due for a check, then
for each k of ``--servers``: starts k real Odoo server processes on that one
database (threaded, one cron worker each), with k copies of the cron job
*Urssaf: payment requests' status* active (as an integrator configures it),
wakes the jobs up and waits until every request is refreshed. It prints per k:
the throughput (requests per second) and its ratio to one server's, the
requests polled more than once (duplicates, must be 0, from the exchange
journal) and those left behind (must be 0).

Every server plays Urssaf with the local simulation of the addon, all on the
same simulator file (as in a real multi-server demo), every search call
taking RTT (a delay fault injected at start by this script, which is also the
servers' launcher: ``--serve``). Targets: k=2 >= 1.8 x, k=4 >= 3.2 x; 0
duplicates, 0 left behind. Exit status 1 when a target is missed, 2 when the
set-up failed.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import bench_refresh as bench
import devenv  # tools/ is on sys.path when this file is run as a script

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL, config

DB = "urssaf_bench_scale"
TARGETS = {2: 1.8, 4: 3.2}
START_TIMEOUT = 120
RUN_TIMEOUT = 600


# ---------------------------------------------------------------- the servers


def serve(args):
    """One Odoo server of the benchmark: this process, until terminated."""
    import odoo

    config.parse_config(
        [
            "-c",
            args.conf,
            "-d",
            DB,
            f"--db-filter=^{DB}$",
            f"--http-port={args.port}",
            "--max-cron-threads=1",
            "--workers=0",
            f"--logfile={args.log}",
            "--log-level=warn",
        ],
        setup_logging=True,
    )
    odoo.modules.module.initialize_sys_path()
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator import (
        simulator as module,
    )

    init = module.Simulator.__init__

    def bench_init(simulator, *positional, **named):
        init(simulator, *positional, **named)
        for name in bench.AUTOMATIC_DELAYS:
            setattr(simulator.settings, name, None)
        simulator.inject_fault("recherche", "delay", times=None, delay=args.rtt)
        # Urssaf's disk is not ours: no wait for it at each call.
        simulator.store._conn.execute("PRAGMA synchronous = OFF")

    module.Simulator.__init__ = bench_init
    return odoo.service.server.start(preload=[DB], stop=False)


def start_servers(conf, count, rtt):
    servers = []
    for index in range(count):
        port = devenv.free_port()
        log = os.path.join(devenv.LOGS, f"bench-scale-{index}.log")
        command = [
            sys.executable,
            os.path.abspath(__file__),
            "--serve",
            f"--conf={conf}",
            f"--port={port}",
            f"--log={log}",
            f"--rtt={rtt}",
        ]
        process = subprocess.Popen(command, start_new_session=True)  # noqa: S603
        servers.append((process, port))
    deadline = time.monotonic() + START_TIMEOUT
    for process, port in servers:
        while True:
            try:
                with urllib.request.urlopen(  # noqa: S310 (local server)
                    f"http://127.0.0.1:{port}/web/health", timeout=2
                ):
                    break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    stop_servers(servers)
                    raise devenv.SetupError(f"server on {port} not up: {exc}") from exc
                time.sleep(0.5)
    return servers


def stop_servers(servers):
    for process, _port in servers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process, _port in servers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# ------------------------------------------------------------------- the runs


def set_workers(env, count):
    """``count`` active copies of the refresh cron job, none due."""
    cron = env.ref(bench.CRON)
    copies = cron.search(
        [
            ("model_id", "=", cron.model_id.id),
            ("code", "=", cron.code),
            ("id", "!=", cron.id),
        ]
    )
    while len(copies) < count - 1:
        copies |= cron.copy({"name": f"{cron.name} ({len(copies) + 2})"})
    workers = cron | copies[: count - 1]
    later = fields.Datetime.now() + timedelta(days=1)
    workers.write({"active": True, "nextcall": later})
    (copies - workers).write({"active": False})
    env["ir.cron.trigger"].search([]).unlink()
    return workers


def round_figures(cr, started_at):
    """Requests refreshed since ``started_at``, the seconds from the first
    search call to the last request recorded (the database's clock), and the
    requests asked for more than once."""
    cr.execute(
        SQL(
            "SELECT count(*), max(last_check) FROM %s WHERE name LIKE %s "
            "AND last_check >= %s",
            SQL.identifier(bench.MODEL_TABLE),
            f"{bench.PREFIX}%",
            started_at,
        )
    )
    refreshed, last = cr.fetchone()
    cr.execute(
        SQL(
            "SELECT min(started_at) FROM l10n_fr_urssaf_exchange "
            "WHERE started_at >= %s AND operation = 'M070'",
            started_at,
        )
    )
    first = cr.fetchone()[0]
    cr.execute(
        SQL(
            "SELECT count(*) FROM (SELECT l.res_id FROM "
            "l10n_fr_urssaf_exchange_link l JOIN l10n_fr_urssaf_exchange e "
            "ON e.id = l.exchange_id WHERE e.started_at >= %s "
            "AND e.operation = 'M070' AND l.res_model = %s "
            "GROUP BY l.res_id HAVING count(*) > 1) AS polled_twice",
            started_at,
            bench.MODEL,
        )
    )
    wall = (last - first).total_seconds() if last and first else float("inf")
    return refreshed, wall, cr.fetchone()[0]


def run_round(registry, conf, count, n, rtt):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        workers = set_workers(env, count)
        bench.make_due(cr)
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        started_at = cr.fetchone()[0]
    servers = start_servers(conf, count, rtt)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for worker in env["ir.cron"].browse(workers.ids):
                worker._trigger()
        waited = time.perf_counter()
        refreshed = 0
        while refreshed < n and time.perf_counter() - waited < RUN_TIMEOUT:
            time.sleep(0.1)
            with registry.cursor() as cr:
                refreshed = round_figures(cr, started_at)[0]
    finally:
        stop_servers(servers)
    with registry.cursor() as cr:
        refreshed, wall, duplicates = round_figures(cr, started_at)
    return {"wall": wall, "refreshed": refreshed, "duplicates": duplicates}


# ------------------------------------------------------------------- the main


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="requests to refresh")
    parser.add_argument("--rtt-ms", type=float, default=100.0, help="per search")
    parser.add_argument("--servers", default="1,2,4", help="k values, e.g. 1,2,4")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database")
    # The servers' launcher (internal).
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--conf", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--rtt", type=float, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def load(registry, n):
    """N requests due, at Odoo and at the servers' simulator file."""
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator import Simulator

    numbers = [f"{bench.PREFIX}{index:06d}" for index in range(1, n + 1)]
    path = os.path.join(config.filestore(DB), "l10n_fr_urssaf_simulator.sqlite3")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    simulator = Simulator(db_path=path)
    try:
        # Several processes at once: readers do not wait for the writer.
        simulator.store._conn.execute("PRAGMA journal_mode = WAL")
        simulator.store.wipe()
        for name in bench.AUTOMATIC_DELAYS:
            setattr(simulator.settings, name, None)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = bench.bench_company(env)
            bench.delete_bench_rows(cr, company)
            company.l10n_fr_urssaf_environment = "simulation"
            client_id = f"odoo-company-{company.id}"
            urssaf_ids = bench.submit_to_simulator(simulator, client_id, numbers)
            bench.create_requests(env, company, numbers, urssaf_ids)
    finally:
        simulator.close()


def main(argv=None):
    args = parse_args(argv)
    if args.serve:
        return serve(args)
    counts = sorted({int(k) for k in args.servers.split(",")})
    try:
        conf = bench.prepare_database(args.reuse_db, db=DB)
        registry = bench.open_registry(conf, db=DB)
        bench.say(f"Loading {args.n} payment requests")
        load(registry, args.n)
        results = {}
        for count in counts:
            bench.say(f"k = {count}: starting {count} Odoo server(s)")
            rtt = args.rtt_ms / 1000
            results[count] = run_round(registry, conf, count, args.n, rtt)
    except devenv.SetupError as exc:
        bench.say(f"error: {exc}")
        return 2
    return report(args, results)


def report(args, results):
    missed = []
    single = results.get(1)
    floor = -(-args.n // bench.BATCH) * args.rtt_ms / 1000
    bench.say(f"== scale-out, N={args.n}, RTT {args.rtt_ms:g} ms, one cron worker each")
    for count, figures in results.items():
        rate = figures["refreshed"] / figures["wall"]
        line = (
            f"k={count}: {rate:7.1f} requests/s, wall {figures['wall']:.2f} s "
            f"({figures['wall'] / floor:.2f} x one server's network floor)"
        )
        if single and count > 1:
            ratio = rate / (single["refreshed"] / single["wall"])
            target = TARGETS.get(count)
            line += f", {ratio:.2f} x one server"
            if target:
                line += f" (target >= {target})"
                if ratio < target:
                    missed.append(f"k={count} throughput")
        left = args.n - figures["refreshed"]
        line += f"; duplicates {figures['duplicates']}, left behind {left}"
        if figures["duplicates"] or left:
            missed.append(f"k={count} duplicates/left behind")
        bench.say(line)
    bench.say(f"cores: {os.cpu_count()}")
    bench.say("targets: " + (f"MISSED ({', '.join(missed)})" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
