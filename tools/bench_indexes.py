#!/usr/bin/env python3
"""Benchmark of the screens' filters on a big database (not a test).

Usage, with the Python that imports Odoo 18::

    python3 tools/bench_indexes.py                # 1,000,000 invoices and requests
    python3 tools/bench_indexes.py --reuse-db     # the rows of the last run

It builds the database ``urssaf_bench_indexes`` (a copy of the dependency
template of ``tools/devenv.py`` with the addon installed; ``--reuse-db`` keeps
an existing one, updating the addon, which creates any new index), loads by
SQL (``INSERT … SELECT generate_series``) 1,000,000 invoices, 1,000,000
payment requests, 1,000,000 exchanges of the journal with a link each and
200,000 customers, with realistic states (most invoices without payment
request, rare states about 0.1 %), then VACUUM ANALYZE.  ``--reuse-db`` keeps
the loaded rows when their counts are those asked.

Then, for every filter of the addon's search views (read from the views
themselves: ``<filter domain>``, ``<filter date>`` and group-bys), for a few
searches typed in the search bar and for the searches of the crons, it builds
with the ORM, as admin, the queries the web client makes: the list's
``_search(action domain + filter, limit=80, order=the list's order)`` and its
count (``search_count(limit=10001)``, the web client's count limit), or the
``_read_group`` of a group-by; it runs each under ``EXPLAIN (ANALYZE, BUFFERS,
TIMING OFF, FORMAT JSON)`` (best of 5, the cache warm; no per-node timing,
which would weigh on counts of 10,001 rows) and prints its execution time, the
indexes it used and whether the plan reads a big table sequentially.

Targets: every list and count of a screen in < 20 ms (a sequential scan is
printed, not failed: on a common value it stops after the first matching rows,
80 or the count's 10,001); the crons' searches, which read thousands of rows
once per run, without sequential scan of a big table. Group-bys count every
row of the screen: printed for information, without target. Exit status 1
when a target is missed, 2 when the set-up failed. The machine's other work
shows in the times: rerun with ``--reuse-db`` before trusting a miss.
"""

import argparse
import ast
import json
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import bench_refresh  # tools/ is on sys.path when this file is run as a script
import devenv
from bench_refresh import say
from lxml import etree

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import Cursor
from odoo.tools import SQL

DB = "urssaf_bench_indexes"
PREFIX = "IDX/"
TARGET_MS = 20.0
LIST_LIMIT = 80
COUNT_LIMIT = 10001  # the web client's default (10,000) + 1
RUNS = 5
BIG_TABLES = (
    "account_move",
    "l10n_fr_urssaf_payment_request",
    "l10n_fr_urssaf_exchange",
    "l10n_fr_urssaf_exchange_link",
    "res_partner",
)
MODULE = devenv.MODULE
# Per screen: model, the action that opens its list, the addon's search view.
SCREENS = (
    ("Invoices", "account.move", "account.action_move_out_invoice_type",
     f"{MODULE}.view_account_invoice_filter"),
    ("Payment requests", "l10n.fr.urssaf.payment.request",
     f"{MODULE}.action_payment_request", f"{MODULE}.payment_request_view_search"),
    ("Customers", "res.partner", "account.res_partner_action_customer",
     f"{MODULE}.view_res_partner_filter"),
    ("Exchanges", "l10n.fr.urssaf.exchange", f"{MODULE}.action_exchange",
     f"{MODULE}.exchange_view_search"),
)  # fmt: skip
# Invoices' Urssaf states in thousandths of the rows (the rest: none, the
# customer is not registered); payment requests' states in ten-thousandths.
INVOICE_STATES = (
    ("to_send", 20),
    ("excluded", 10),
    ("to_reconcile", 1),
    ("error", 3),
    ("sent", 15),
    ("waiting", 15),
    ("validated", 10),
    ("paid", 300),
    ("refused", 1),
    ("unpaid", 1),
    ("cancel_requested", 1),
    ("cancelled", 5),
    ("recovered", 1),
    ("unknown", 1),
)
REQUEST_STATES = (
    ("to_reconcile", 5),
    ("error", 50),
    ("sent", 300),
    ("waiting", 300),
    ("validated", 250),
    ("paid", 8800),
    ("refused", 50),
    ("unpaid", 20),
    ("cancel_requested", 5),
    ("cancelled", 200),
    ("recovered", 10),
    ("unknown", 10),
)
PARTNER_STATES = (
    ("pending", 20),
    ("active", 550),
    ("not_finalised", 10),
    ("blocked", 5),
    ("mandate_expired", 5),
)
OPERATIONS = (("token", 30), ("M010", 5), ("M020", 15), ("M050", 150))  # M070
OUTCOMES = (("refused", 8), ("auth", 1), ("temporary", 15), ("unknown", 1))  # ok


def buckets(expression, shares, modulo, default):
    """SQL CASE giving each row a value by ``expression % modulo``: the
    values of ``shares`` (value, share of the modulo), else ``default``."""
    parts, start = [], 0
    for value, share in shares:
        parts.append(
            SQL(
                "WHEN mod(%s, %s) BETWEEN %s AND %s THEN %s",
                expression,
                modulo,
                start,
                start + share - 1,
                value,
            )
        )
        start += share
    return SQL("CASE %s ELSE %s END", SQL(" ").join(parts), default)


# ----------------------------------------------------------------- loading


def other_columns(cr, table, excluded):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "AND column_name != ALL(%s)",
            table,
            ["id", *excluded],
        )
    )
    return SQL(", ").join(SQL.identifier(row[0]) for row in cr.fetchall())


def load_invoices(cr, invoice, n):
    """n copies of the template invoice's header (no lines: no filter reads
    them), dated over 3 years in the order of their numbers."""
    excluded = ["name", "date", "invoice_date", "move_type", "l10n_fr_urssaf_state"]
    columns = other_columns(cr, "account_move", excluded)
    today = fields.Date.context_today(invoice)
    cr.execute(
        SQL(
            "INSERT INTO account_move (name, date, invoice_date, move_type, "
            "l10n_fr_urssaf_state, %(columns)s) "
            "SELECT %(prefix)s || lpad(g::text, 7, '0'), d, d, "
            "CASE WHEN mod(g, 40) = 0 THEN 'out_refund' ELSE 'out_invoice' END, "
            "%(state)s, %(columns)s "
            "FROM account_move t, generate_series(1, %(n)s) g, "
            "LATERAL (SELECT %(start)s::date + (g::bigint * 1095 / %(n)s)::int AS d) x "
            "WHERE t.id = %(id)s",
            columns=columns,
            prefix=PREFIX,
            state=buckets(SQL("g::bigint * 7919"), INVOICE_STATES, 1000, None),
            n=n,
            start=today - timedelta(days=1095),
            id=invoice.id,
        )
    )


def load_requests(cr, company, partner, n):
    """n payment requests, one per bench invoice, sent over 3 years in the
    order of their ids; the open ones and those paid in the last week have
    a next check, a third of them due."""
    from odoo.addons.l10n_fr_urssaf_avance_immediate.models import (
        l10n_fr_urssaf_payment_request as payment_request,
    )

    now = fields.Datetime.now()
    state = buckets(SQL("g::bigint * 7907"), REQUEST_STATES, 10000, "paid")
    cr.execute(
        SQL(
            "INSERT INTO l10n_fr_urssaf_payment_request (name, move_id, "
            "partner_id, company_id, amount, urssaf_id, status_code, status, "
            "state, sent_date, status_date, last_check, next_check, environment, "
            "create_uid, write_uid, create_date, write_date) "
            "SELECT m.name, m.id, %(partner)s, %(company)s, 50, 'U' || g, "
            "'10', '10', s.state, s.sent, s.sent, s.sent, "
            "CASE WHEN s.state = ANY(%(open)s) "
            "OR (s.state = 'paid' AND s.sent > %(week)s) "
            "THEN %(now)s + make_interval(mins => mod(g, 180) - 60) END, "
            "'production', %(uid)s, %(uid)s, s.sent, s.sent "
            "FROM generate_series(1, %(n)s) g "
            "JOIN account_move m ON m.name = %(prefix)s || lpad(g::text, 7, '0'), "
            "LATERAL (SELECT %(state)s AS state, %(start)s::timestamp "
            "+ make_interval(secs => g::float8 * %(span)s / %(n)s) AS sent) s "
            "ORDER BY g",
            partner=partner.id,
            company=company.id,
            open=list(payment_request.OPEN_STATES),
            week=now - timedelta(days=7),
            now=now,
            uid=SUPERUSER_ID,
            n=n,
            prefix=PREFIX,
            state=state,
            start=now - timedelta(days=1095),
            span=1095 * 86400,
        )
    )


def load_partners(cr, partner, company, n):
    """n customers, some not registered with Urssaf (the cron does not read
    them), the others in realistic states."""
    excluded = [
        "name",
        "complete_name",
        "l10n_fr_urssaf_state",
        "l10n_fr_urssaf_customer_id",
        "l10n_fr_urssaf_company_id",
        "l10n_fr_urssaf_status_date",
    ]
    columns = other_columns(cr, "res_partner", excluded)
    state = buckets(SQL("g::bigint * 997"), PARTNER_STATES, 1000, "not_registered")
    cr.execute(
        SQL(
            "INSERT INTO res_partner (name, complete_name, l10n_fr_urssaf_state, "
            "l10n_fr_urssaf_customer_id, l10n_fr_urssaf_company_id, "
            "l10n_fr_urssaf_status_date, %(columns)s) "
            "SELECT p.name, p.name, p.state, "
            "CASE WHEN p.state != 'not_registered' THEN 'C' || g END, "
            "CASE WHEN p.state != 'not_registered' THEN %(company)s END, "
            "%(now)s - make_interval(mins => mod(g, 1000)), %(columns)s "
            "FROM res_partner t, generate_series(1, %(n)s) g, "
            "LATERAL (SELECT %(prefix)s || 'Customer ' || lpad(g::text, 7, '0') "
            "AS name, %(state)s AS state) p WHERE t.id = %(id)s",
            columns=columns,
            company=company.id,
            now=fields.Datetime.now(),
            n=n,
            prefix=PREFIX,
            state=state,
            id=partner.id,
        )
    )


def load_exchanges(cr, company, n):
    """n calls over a year (the oldest ones in the sandbox, then in
    production), each linked to one payment request."""
    now = fields.Datetime.now()
    operation = buckets(SQL("g::bigint * 211"), OPERATIONS, 1000, "M070")
    outcome = buckets(SQL("g::bigint * 223"), OUTCOMES, 1000, "ok")
    cr.execute(
        SQL(
            "INSERT INTO l10n_fr_urssaf_exchange (ref, company_id, environment, "
            "user_id, operation, method, path, started_at, duration_ms, "
            "http_status, outcome, item_count, create_uid, write_uid, "
            "create_date, write_date) "
            "SELECT %(prefix)s || g, %(company)s, "
            "CASE WHEN g <= %(n)s / 40 THEN 'sandbox' ELSE 'production' END, "
            "%(uid)s, %(operation)s, 'POST', '/x', at, 80, 200, %(outcome)s, 10, "
            "%(uid)s, %(uid)s, at, at "
            "FROM generate_series(1, %(n)s) g, LATERAL (SELECT %(start)s::timestamp "
            "+ make_interval(secs => g::float8 * %(span)s / %(n)s) AS at) x",
            prefix=PREFIX,
            company=company.id,
            n=n,
            uid=SUPERUSER_ID,
            operation=operation,
            outcome=outcome,
            start=now - timedelta(days=365),
            span=365 * 86400,
        )
    )
    cr.execute(
        SQL(
            "INSERT INTO l10n_fr_urssaf_exchange_link (exchange_id, res_model, "
            "res_id) SELECT e.id, 'l10n.fr.urssaf.payment.request', r.id "
            "FROM l10n_fr_urssaf_exchange e JOIN l10n_fr_urssaf_payment_request r "
            "ON r.urssaf_id = 'U' || substr(e.ref, %(skip)s) "
            "WHERE e.ref LIKE %(like)s",
            skip=len(PREFIX) + 1,
            like=f"{PREFIX}%",
        )
    )


def counts(cr):
    found = {}
    for table, column in (
        ("account_move", "name"),
        ("l10n_fr_urssaf_payment_request", "name"),
        ("res_partner", "name"),
        ("l10n_fr_urssaf_exchange", "ref"),
    ):
        cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE %s LIKE %s",
                SQL.identifier(table),
                SQL.identifier(column),
                f"{PREFIX}%",
            )
        )
        found[table] = cr.fetchone()[0]
    return found


def delete_rows(cr):
    cr.execute(
        SQL("DELETE FROM l10n_fr_urssaf_exchange WHERE ref LIKE %s", f"{PREFIX}%")
    )
    for table in ("l10n_fr_urssaf_payment_request", "account_move", "res_partner"):
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE name LIKE %s",
                SQL.identifier(table),
                f"{PREFIX}%",
            )
        )


def load(registry, args):
    wanted = {
        "account_move": args.invoices,
        "l10n_fr_urssaf_payment_request": args.requests,
        "res_partner": args.partners,
        "l10n_fr_urssaf_exchange": args.exchanges,
    }
    with registry.cursor() as cr:
        if args.reuse_db and counts(cr) == wanted:
            say("Bench rows kept from the last run")
            return
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = bench_refresh.bench_company(env)
        started = time.perf_counter()
        delete_rows(cr)
        invoice = bench_refresh.template_invoice(env, company, "IDX Customer")
        steps = (
            (f"{args.invoices:,} invoices", load_invoices, (invoice, args.invoices)),
            (
                f"{args.requests:,} payment requests",
                load_requests,
                (company, invoice.partner_id, args.requests),
            ),
            (
                f"{args.partners:,} customers",
                load_partners,
                (invoice.partner_id, company, args.partners),
            ),
            (
                f"{args.exchanges:,} exchanges",
                load_exchanges,
                (company, args.exchanges),
            ),
        )
        for label, step, step_args in steps:
            begun = time.perf_counter()
            step(cr, *step_args)
            say(f"  loaded {label} in {time.perf_counter() - begun:.0f} s")
        # The template rows are not bench rows.
        cr.execute(
            SQL(
                "DELETE FROM account_move_line WHERE move_id = %s; "
                "DELETE FROM account_move WHERE id = %s",
                invoice.id,
                invoice.id,
            )
        )
        if (found := counts(cr)) != wanted:
            raise devenv.SetupError(f"loaded {found}, expected {wanted}")
        cr.commit()  # pylint: disable=invalid-commit
        say(f"Loaded in {time.perf_counter() - started:.0f} s")
    # Statistics and visibility map, as autovacuum leaves them (outside a
    # transaction: VACUUM refuses one).
    with registry.cursor() as cr:
        cr._cnx.autocommit = True
        begun = time.perf_counter()
        for table in BIG_TABLES:
            cr.execute(SQL("VACUUM (ANALYZE) %s", SQL.identifier(table)))
        say(f"VACUUM ANALYZE in {time.perf_counter() - begun:.0f} s")


# ------------------------------------------------------------------- cases


@dataclass
class Case:
    screen: str
    label: str
    model: str
    domain: list
    order: str = None
    limit: int = LIST_LIMIT
    group_by: str = None
    count: bool = True
    target: str = "time"  # or "scan": no sequential scan; None: information


def action_list(env, xmlid):
    """The domain of the action's list, with its default search filters'
    domains taken from the full search view, and the list's order."""
    action = env.ref(xmlid)
    Model = env[action.res_model]
    view = action.view_ids.filtered(lambda view: view.view_mode == "list")
    view_id = view.view_id.id or (action.view_id.type == "list" and action.view_id.id)
    list_arch = etree.fromstring(
        Model.get_views([(view_id or False, "list")])["views"]["list"]["arch"]
    )
    order = list_arch.get("default_order") or Model._order
    domain = ast.literal_eval(action.domain or "[]")
    context = ast.literal_eval(action.context or "{}")
    defaults = [
        key[15:]
        for key, on in context.items()
        if key.startswith("search_default_") and on
    ]
    if defaults:
        arch = etree.fromstring(
            env[action.res_model].get_views([(False, "search")])["views"]["search"][
                "arch"
            ]
        )
        for name in defaults:
            for node in arch.iter("filter"):
                if node.get("name") == name and node.get("domain"):
                    domain += ast.literal_eval(node.get("domain"))
    return domain, order


def view_cases(env, screen, model, action, view):
    """One case per filter and group-by of the addon's search view."""
    base, order = action_list(env, action)
    arch = etree.fromstring(env.ref(view).arch)
    cases = []
    today = fields.Date.context_today(env.user)
    for node in arch.iter("filter"):
        label = f"{node.get('string')} [{node.get('name')}]"
        if node.get("domain"):
            domain = ast.literal_eval(node.get("domain"))
            cases.append(Case(screen, label, model, base + domain, order))
        elif node.get("date"):
            # A month a year ago: the list's order does not reach it early.
            start = (today - timedelta(days=365)).replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1)
            name = node.get("date")
            domain = [
                (name, ">=", fields.Datetime.to_string(start)),
                (name, "<", fields.Datetime.to_string(end)),
            ]
            cases.append(
                Case(
                    screen,
                    f"{label}, a month a year ago",
                    model,
                    base + domain,
                    order,
                )
            )
        elif node.get("context"):
            group_by = ast.literal_eval(node.get("context"))["group_by"]
            cases.append(
                Case(
                    screen,
                    label,
                    model,
                    base,
                    group_by=group_by,
                    count=False,
                    target=None,
                )
            )
    return cases


def extra_cases(env):
    """What the view files cannot give: a rare value alone, typed searches,
    and the crons' searches."""
    from odoo.addons.l10n_fr_urssaf_avance_immediate.models import (
        l10n_fr_urssaf_payment_request as payment_request,
    )

    invoices, invoice_order = action_list(env, "account.action_move_out_invoice_type")
    request = env["l10n.fr.urssaf.payment.request"].search(
        [("name", "like", f"{PREFIX}%")], limit=1, order="id"
    )
    now = fields.Datetime.now()
    return [
        Case(
            "Invoices",
            "Urssaf state 'refused' (0.1 %)",
            "account.move",
            [*invoices, ("l10n_fr_urssaf_state", "=", "refused")],
            invoice_order,
        ),
        Case(
            "Exchanges",
            "search: one payment request",
            "l10n.fr.urssaf.exchange",
            [("payment_request_ids", "=", request.id)],
        ),
        Case(
            "Cron",
            "payment requests claimed (_cron_refresh)",
            "l10n.fr.urssaf.payment.request",
            [("company_id", "=", request.company_id.id), ("next_check", "<=", now)],
            order="next_check, id",
            limit=payment_request.CLAIM_SIZE,
            count=False,
            target="scan",
        ),
        Case(
            "Cron",
            "count of requests due (_cron_refresh)",
            "l10n.fr.urssaf.payment.request",
            [("next_check", "<=", now)],
            limit=None,
            count=False,
            target="scan",
        ),
        Case(
            "Cron",
            "queued invoices (_cron_l10n_fr_urssaf_send)",
            "account.move",
            [("l10n_fr_urssaf_queued_by_id", "!=", False)],
            order="id",
            limit=None,
            count=False,
            target="scan",
        ),
        Case(
            "Cron",
            "customers to refresh (_cron_l10n_fr_urssaf_refresh_status)",
            "res.partner",
            [
                ("l10n_fr_urssaf_customer_id", "!=", False),
                ("l10n_fr_urssaf_company_id", "!=", False),
                ("l10n_fr_urssaf_state", "in", ("pending", "not_finalised")),
            ],
            order="l10n_fr_urssaf_status_date asc, id",
            limit=None,
            count=False,
            target="scan",
        ),
    ]


def all_cases(env):
    cases = []
    for screen, model, action, view in SCREENS:
        cases += view_cases(env, screen, model, action, view)
    return cases + extra_cases(env)


# --------------------------------------------------------------- measuring


def captured_select(run):
    """The last SELECT the ORM ran in ``run()`` (a read_group's)."""
    seen = []
    original = Cursor.execute

    def execute(cursor, query, params=None, log_exceptions=True):
        if isinstance(query, SQL):
            seen.append(query)
        return original(cursor, query, params, log_exceptions)

    with mock.patch.object(Cursor, "execute", execute):
        run()
    return [query for query in seen if query.code.lstrip().startswith("SELECT")][-1]


def case_queries(env, case):
    """{name: SQL} of the queries the web client makes for the case."""
    Model = env[case.model]
    if case.group_by:
        return {
            "group": captured_select(
                lambda: Model._read_group(case.domain, [case.group_by], ["__count"]),
            )
        }
    order = case.order or Model._order
    query = Model._search(case.domain, limit=case.limit, order=order)
    queries = {"list": query.select()}
    if case.count:
        count = Model._search(case.domain, limit=COUNT_LIMIT)
        queries["count"] = SQL("SELECT COUNT(*) FROM (%s) t", count.select(""))
    return queries


def walk(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from walk(child)


def explain(cr, query):
    """(milliseconds, sequential scans of big tables, indexes used)."""
    best = None
    for _run in range(RUNS):
        # Without per-node timing, whose clock reads per row would weigh on
        # the counts of 10,001 rows: the execution time stays.
        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) %s", query))
        result = cr.fetchone()[0]
        result = result[0] if isinstance(result, list) else json.loads(result)[0]
        if best is None or result["Execution Time"] < best["Execution Time"]:
            best = result
    nodes = list(walk(best["Plan"]))
    seq = sorted(
        {
            n["Relation Name"]
            for n in nodes
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in BIG_TABLES
        }
    )
    indexes = sorted({n["Index Name"] for n in nodes if n.get("Index Name")})
    return best["Execution Time"], seq, indexes


def measure(registry, cases):
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        company = bench_refresh.bench_company(env)
        env = env(user=admin, context={"allowed_company_ids": [company.id]})
        for case in cases:
            for name, query in case_queries(env, case).items():
                ms, seq, indexes = explain(cr, query)
                results.append((case, name, ms, seq, indexes))
        cr.rollback()
    return results


def report(results):
    missed = []
    screen = None
    for case, name, ms, seq, indexes in results:
        if case.screen != screen:
            screen = case.screen
            say(f"== {screen}")
        ok = not seq if case.target == "scan" else ms < TARGET_MS
        if case.target and not ok:
            missed.append(f"{case.screen}: {case.label} ({name})")
        verdict = ("met" if ok else "MISSED") if case.target else "info"
        scan = f"Seq Scan on {', '.join(seq)}" if seq else "no seq scan"
        say(
            f"  {case.label[:58]:58} {name:5} {ms:8.2f} ms  {verdict:6}  {scan}; "
            f"indexes: {', '.join(indexes) or '-'}"
        )
    return missed


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=200_000)
    parser.add_argument("--exchanges", type=int, default=1_000_000)
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"keep an existing {DB} and its rows"
    )
    args = parser.parse_args(argv)
    if (
        min(args.invoices, args.partners, args.exchanges) < 1
        or not 1 <= args.requests <= args.invoices
    ):
        parser.error(
            "need at least one row of each, and no more requests than invoices"
        )
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        started = time.perf_counter()
        conf = bench_refresh.prepare_database(args.reuse_db, db=DB)
        say(f"Addon installed or updated in {time.perf_counter() - started:.0f} s")
        registry = bench_refresh.open_registry(conf, db=DB)
        load(registry, args)
    except devenv.SetupError as exc:
        say(f"error: {exc}")
        return 2
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cases = all_cases(env)
    missed = report(measure(registry, cases))
    say(
        f"targets: screens < {TARGET_MS:g} ms per query, crons without "
        "sequential scan, at "
        f"{args.invoices:,} invoices, {args.requests:,} requests"
    )
    say("targets: " + (f"MISSED ({'; '.join(missed)})" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
