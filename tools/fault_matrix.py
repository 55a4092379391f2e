#!/usr/bin/env python3
"""Fault matrix: each Urssaf operation under each fault (not a test).

Usage, with the Python that imports Odoo 18::

    python3 tools/fault_matrix.py               # or: make faults
    python3 tools/fault_matrix.py --reuse-db --only send

It builds the database ``urssaf_faults`` the way ``tools/bench_refresh.py``
builds its own (a copy of the template of ``tools/devenv.py``, the addon
installed; ``--reuse-db`` keeps an existing one, updating the addon), and runs
real Odoo code with real commits against the addon's in-memory simulator,
reached through a "gateway" (a WSGI wrapper) that counts the calls of each
Urssaf operation and breaks the chosen one.

Operations: register (``res.partner.action_l10n_fr_urssaf_register``, 3
customers), status (``res.partner._l10n_fr_urssaf_refresh``, 3 customers
activated at Urssaf meanwhile), send (``account.move._l10n_fr_urssaf_send``,
12 invoices: calls of 10 and 2) and search (the status cron
``l10n.fr.urssaf.payment.request._cron_refresh`` on 12 requests Urssaf
validated, 2 of them sent with their answer lost: 3 calls, by ids then by
invoice numbers for the first 10, by ids for the last 2).

Faults, on the first call of the operation (the second for search, the one by
invoice numbers, and for the 401):

* timeout before Urssaf: ``ConnectTimeout``, the request never left;
* timeout after Urssaf: Urssaf processed the request, then ``ReadTimeout``;
* connection reset: the simulator's ``drop`` (processed, connection closed);
* HTTP 500, 503, empty 400: the simulator's kinds (nothing processed);
* HTTP 502: a gateway refusing the call, nothing processed;
* HTTP 504: a gateway timing out while Urssaf processed the request;
* 401 mid-batch: the simulator's ``expired_token`` on the second call;
* item error in 200 (send, search): one invoice of the call refused
  (its customer unknown to Urssaf) / one request missing from a search answer
  with a non-blocking ``ERR_RECHERCHE_VIDE``;
* crash after Urssaf: the method recording Urssaf's answer raises once
  (``_l10n_fr_urssaf_record_link``, ``_l10n_fr_urssaf_apply_status``,
  ``_l10n_fr_urssaf_record``, ``_apply_search``), the transaction is rolled
  back as Odoo does for a failed request;
* two workers: two threads, each with its own database cursor, run the
  operation on the same committed records at the same moment (50 ms per call).

A user's action runs inside Odoo's own ``odoo.service.model.retrying`` (the
RPC layer's retry on serialization failures), the crons without it, as in
Odoo; an exception rolls the transaction back and is what the user sees.

Each scenario starts clean (a new simulator, new customers and invoices),
then runs the recovery a user and the crons would: register again the
customers without an Urssaf id; the status cron; the payment-request cron
(every open request of the scenario made due, as an hour later) then sending
again the invoices not sent or rejected. Then it counts:

* lost: a payment request Urssaf holds that no live request of Odoo follows
  (same Urssaf id, or same invoice number while the id is unknown), a
  customer Urssaf linked to the company that no contact carries, a customer
  active at Urssaf still not active in Odoo (status);
* duplicated: an invoice number twice at Urssaf, two live requests for one
  invoice, one Urssaf customer on two contacts or registered twice.

It prints a Markdown table ``| operation | fault | what the user sees | lost |
duplicated |`` (what the operation returned or raised, shortened; for the
cron, the requests' states and its first error), then notes: the counts
before recovery when not 0, what the recovery did, each worker's outcome, Odoo
retries. It exits 1 when a lost or duplicated count is not 0, 2 when the
set-up failed. Odoo's log goes to ``.run/logs/faults.log``.
"""

import argparse
import io
import json
import logging
import os
import sys
import threading
import time
import types
from collections import Counter
from contextlib import ExitStack
from datetime import datetime, timedelta
from unittest import mock

import devenv  # tools/ is on sys.path when this file is run as a script
import requests
from bench_refresh import bench_company, open_registry, prepare_database, say
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Response

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.service.model import retrying
from odoo.tools import SQL, mute_logger

DB = "urssaf_faults"
INVOICES = 12
CUSTOMERS = 3
FIRST_NAMES = ("Marie", "Anne", "Claire")
# Per call in the two-worker scenarios: the workers' calls overlap.
LATENCY = 0.05
WIDTH = 80
# Not a customer of the simulated Urssaf: the item refused in a 200.
UNKNOWN_CLIENT = "00000000-0000-4000-8000-000000000000"
PAYMENT_REQUEST = "l10n.fr.urssaf.payment.request"
LOG = os.path.join(devenv.LOGS, "faults.log")


def shorten(text, width=WIDTH):
    text = " ".join(str(text).split()).replace("|", "/")
    return text if len(text) <= width else text[: width - 1] + "…"


def first_line(text):
    return next((line for line in str(text).splitlines() if line.strip()), "")


def failure(exc):
    return f"{type(exc).__name__}: {first_line(exc.args[0] if exc.args else exc)}"


def import_addon():
    """The addon's pieces, importable once the registry set the addons path."""
    # pylint: disable=import-outside-toplevel
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.codes import (
        API_PATH,
        TOKEN_PATH,
    )
    from odoo.addons.l10n_fr_urssaf_avance_immediate.lib.simulator import Simulator
    from odoo.addons.l10n_fr_urssaf_avance_immediate.models import (
        l10n_fr_urssaf_payment_request as request_model,
    )

    # The tests package imports Odoo's test framework, which logs an error
    # outside test mode; test mode would forbid the commits measured here.
    with mute_logger("odoo.tests.common"):
        from odoo.addons.l10n_fr_urssaf_avance_immediate.tests.common import (
            customer_values,
            service_product,
        )

    return types.SimpleNamespace(
        Simulator=Simulator,
        LIVE_STATES=request_model.LIVE_STATES,
        OPEN_STATES=request_model.OPEN_STATES,
        customer_values=customer_values,
        service_product=service_product,
        operations={
            ("POST", TOKEN_PATH): "token",
            ("POST", f"{API_PATH}/particulier"): "inscription",
            ("GET", f"{API_PATH}/particulier"): "statut",
            ("POST", f"{API_PATH}/demandePaiement"): "demande",
            ("POST", f"{API_PATH}/demandePaiement/rechercher"): "recherche",
        },
    )


# -------------------------------------------------------------------- gateway


class Gateway:
    """The network between Odoo and the simulator: counts the calls of each
    operation and plays a planned fault on one of them."""

    def __init__(self, simulator, operations):
        self.simulator = simulator
        self.app = simulator.wsgi_app
        self.operations = operations
        self.lock = threading.Lock()
        self.calls = Counter()
        self.plan = {}
        self.latency = 0.0

    def reset(self):
        with self.lock:
            self.calls.clear()
            self.plan.clear()
        self.latency = 0.0
        self.simulator.clear_faults()

    def __call__(self, environ, start_response):
        key = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        operation = self.operations.get(key)
        with self.lock:
            self.calls[operation] += 1
            fault = self.plan.pop((operation, self.calls[operation]), None)
        if self.latency:
            time.sleep(self.latency)
        if fault is None:
            return self.app(environ, start_response)
        return fault(self, operation, environ, start_response)

    def process(self, environ):
        """Urssaf processes the request: (status, headers, body)."""
        app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
        return status, headers, b"".join(app_iter)


def simulator_fault(kind):
    def play(gateway, operation, environ, start_response):
        gateway.simulator.inject_fault(operation, kind)
        return gateway.app(environ, start_response)

    return play


def connect_timeout(_gateway, _operation, _environ, _start_response):
    raise requests.exceptions.ConnectTimeout("connect timeout (injected)")


def read_timeout(gateway, _operation, environ, _start_response):
    gateway.process(environ)
    raise requests.exceptions.ReadTimeout("read timeout (injected)")


def gateway_status(status, processed):
    def play(gateway, _operation, environ, start_response):
        if processed:
            gateway.process(environ)
        return Response(status=status)(environ, start_response)

    return play


def refuse_one_item(gateway, _operation, environ, start_response):
    """Urssaf refuses the first invoice of the call (answer 200, one error)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    items = json.loads(environ["wsgi.input"].read(length))
    items[0]["idClient"] = UNKNOWN_CLIENT
    body = json.dumps(items).encode()
    environ = dict(environ, CONTENT_LENGTH=str(len(body)))
    environ["wsgi.input"] = io.BytesIO(body)
    return gateway.app(environ, start_response)


def hide_one_result(gateway, _operation, environ, start_response):
    """Urssaf's search answer misses one request it holds, with the
    non-blocking error it gives for an unknown key."""
    status, headers, body = gateway.process(environ)
    answer = json.loads(body) if body else None
    found = isinstance(answer, dict) and answer.get("infoDemandePaiements")
    if found:
        hidden = found.pop(0)
        key = hidden.get("demandePaiement", {}).get("numFactureTiers")
        answer.setdefault("errors", []).append(
            {
                "code": "ERR_RECHERCHE_VIDE",
                "message": "Aucune demande de paiement",
                "description": f"Aucune demande de paiement pour {key}",
            }
        )
        body = json.dumps(answer).encode()
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    return Response(body, status, headers)(environ, start_response)


CRASH = "crash"
TWO_WORKERS = "two workers"
ITEM_ERROR = "item error in 200"
EXPIRED = "401 mid-batch"
# (label, what the gateway does); the two last ones are played by Odoo.
FAULTS = (
    ("timeout before Urssaf", connect_timeout),
    ("timeout after Urssaf", read_timeout),
    ("connection reset", simulator_fault("drop")),
    ("HTTP 500", simulator_fault("error_500")),
    ("HTTP 502", gateway_status(502, processed=False)),
    ("HTTP 503", simulator_fault("maintenance_503")),
    ("HTTP 504 (processed)", gateway_status(504, processed=True)),
    ("empty 400", simulator_fault("empty_400")),
    (EXPIRED, simulator_fault("expired_token")),
    (ITEM_ERROR, None),
    (CRASH, None),
    (TWO_WORKERS, None),
)


# ----------------------------------------------------------------- scenarios


class Run:
    """One scenario: its simulator, gateway and records (ids)."""

    def __init__(self, harness):
        self.harness = harness
        self.simulator = harness.addon.Simulator()
        self.gateway = Gateway(self.simulator, harness.addon.operations)
        self.simulator.wsgi_app = self.gateway
        # Urssaf never gives an id twice: go on from the ids Odoo holds.
        with harness.cursor(cron=True) as env:
            env.cr.execute(
                SQL(
                    "SELECT MAX(urssaf_id::numeric) FROM l10n_fr_urssaf_payment_request"
                )
            )
            last = env.cr.fetchone()[0]
        if last:
            self.simulator.store.meta_set("payment_request_id", int(last))
        self.partner_ids = []
        self.move_ids = []
        self.notes = []
        self.cron_errors = []  # what _refresh could not do, as the cron logs it

    def close(self):
        self.simulator.close()


class Operation:
    """What a user does with Urssaf, how it recovers, what is counted."""

    name = ""
    urssaf = ""  # the simulator's name of the call broken
    fault_call = 1
    crash = ("", "")  # model, method called once Urssaf answered
    item_error = None
    as_cron = False

    def __init__(self, harness):
        self.harness = harness

    def prepare(self, env, run):
        """Committed records the operation works on; returns them."""
        raise NotImplementedError

    def act(self, env, run):
        raise NotImplementedError

    def recover(self, run):
        raise NotImplementedError

    def count(self, env, run):
        raise NotImplementedError


class Register(Operation):
    name = "register"
    urssaf = "inscription"
    crash = ("res.partner", "_l10n_fr_urssaf_record_link")

    def prepare(self, env, run):
        partners = self.harness.customers(env, CUSTOMERS)
        run.partner_ids = partners.ids
        return partners

    def act(self, env, run):
        partners = env["res.partner"].browse(run.partner_ids)
        action = partners.action_l10n_fr_urssaf_register()
        return " / ".join(action["params"]["message"].splitlines())

    def recover(self, run):
        with self.harness.cursor() as env:
            partners = env["res.partner"].browse(run.partner_ids)
            again = partners.filtered(lambda p: not p.l10n_fr_urssaf_customer_id)
            if again:
                action = again.action_l10n_fr_urssaf_register()
                message = " / ".join(action["params"]["message"].splitlines())
                run.notes.append(f"registered again: {message}")

    def count(self, env, run):
        return self.harness.count_customers(env, run)


class Status(Operation):
    name = "status"
    urssaf = "statut"
    crash = ("res.partner", "_l10n_fr_urssaf_apply_status")

    def prepare(self, env, run):
        partners = self.harness.customers(env, CUSTOMERS)
        partners.action_l10n_fr_urssaf_register()
        for partner in partners:
            # The customers activate their accounts: a change to see.
            run.simulator.activate(partner.l10n_fr_urssaf_customer_id)
        run.partner_ids = partners.ids
        return partners

    def act(self, env, run):
        partners = env["res.partner"].browse(run.partner_ids)
        errors = partners._l10n_fr_urssaf_refresh()
        seen = f"{len(partners) - len(errors)} refreshed"
        if errors:
            seen += f", {len(errors)} not: {first_line(next(iter(errors.values())))}"
        return seen

    def recover(self, run):
        with self.harness.cursor(cron=True) as env:
            env["res.partner"]._cron_l10n_fr_urssaf_refresh_status()

    def count(self, env, run):
        return self.harness.count_customers(env, run, active=True)


class Send(Operation):
    name = "send"
    urssaf = "demande"
    crash = ("account.move", "_l10n_fr_urssaf_record")
    item_error = staticmethod(refuse_one_item)

    def prepare(self, env, run):
        moves = self.harness.invoices(env, run, INVOICES)
        run.move_ids = moves.ids
        return moves

    def act(self, env, run):
        moves = env["account.move"].browse(run.move_ids)
        return summarize_sending(moves._l10n_fr_urssaf_send())

    def recover(self, run):
        self.harness.recover_requests(run)

    def count(self, env, run):
        return self.harness.count_requests(env, run)


class Search(Send):
    name = "search"
    urssaf = "recherche"
    fault_call = 2  # by invoice numbers, of the requests sent without answer
    crash = (PAYMENT_REQUEST, "_apply_search")
    item_error = staticmethod(hide_one_result)
    as_cron = True

    def prepare(self, env, run):
        moves = super().prepare(env, run)
        # The answer to the last call of 2 is lost: 2 requests to reconcile.
        run.gateway.plan["demande", 2] = simulator_fault("drop")
        moves._l10n_fr_urssaf_send()
        for held in run.simulator.payment_requests():
            run.simulator.validate(held["id"])
        requests_ = (
            env[PAYMENT_REQUEST].sudo().search([("move_id", "in", run.move_ids)])
        )
        now = fields.Datetime.now()
        for request in requests_:
            late = 2 if request.state == "to_reconcile" else 1
            # Due, those to reconcile first: both kinds in the first call.
            request.next_check = now - timedelta(minutes=late)
        return moves

    def act(self, env, run):
        env[PAYMENT_REQUEST]._cron_refresh()
        seen = self.harness.request_states(env, run)
        if run.cron_errors:
            seen += f"; cron: {first_line(run.cron_errors[0])}"
        return seen


def summarize_sending(results):
    counts = Counter(outcome for outcome, _message in results.values())
    seen = ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items()))
    problems = [message for outcome, message in results.values() if outcome != "sent"]
    if problems:
        seen += ": " + first_line(problems[0])
    return seen


# -------------------------------------------------------------------- harness


class Harness:
    """The database, the company, and what scenarios share."""

    def __init__(self, registry, addon):
        self.registry = registry
        self.addon = addon
        self.current = None  # the Run whose simulator the company uses
        with self.cursor(cron=True) as env:
            company = bench_company(env)
            company.l10n_fr_urssaf_environment = "simulation"
            if not company.l10n_fr_urssaf_sap_number:
                company.l10n_fr_urssaf_sap_number = "SAP123456789"
            self.company_id = company.id
            self.provider = f"odoo-company-{company.id}"
            self.admin_id = env.ref("base.user_admin").id
            admin = env["res.users"].browse(self.admin_id)
            if company not in admin.company_ids:
                admin.company_ids |= company
            self.product_id = self.product(env, company).id
        self.serial = 0

    def product(self, env, company):
        """The tests' service product, made once per database (--reuse-db)."""
        tax = env["account.tax"].search(
            [("name", "=", "TVA 10 % SAP"), ("company_id", "=", company.id)], limit=1
        )
        product = tax and env["product.product"].search(
            [("taxes_id", "in", tax.ids)], limit=1
        )
        return product or self.addon.service_product(env, company)

    def user_env(self, cr):
        """The administrator, working in the company (an invoicing user)."""
        context = {"allowed_company_ids": [self.company_id]}
        return api.Environment(cr, self.admin_id, context)

    def cursor(self, cron=False):
        return _EnvCursor(self, cron)

    # ---- data

    def customers(self, env, count):
        """Customers the simulated tax office knows, not registered yet."""
        self.serial += 1
        return env["res.partner"].create(
            [
                self.addon.customer_values(
                    env,
                    name=f"Faults {self.serial}-{index}",
                    l10n_fr_urssaf_first_names=f"Jeanne {FIRST_NAMES[index]}",
                    email=f"faults{self.serial}.{index}@example.com",
                    mobile=f"06 12 34 56 {index:02d}",
                )
                for index in range(count)
            ]
        )

    def invoices(self, env, run, count):
        """``count`` posted invoices of last month's services to one customer
        active at Urssaf for two months."""
        partner = self.customers(env, 1)
        partner.action_l10n_fr_urssaf_register()
        run.simulator.activate(
            partner.l10n_fr_urssaf_customer_id,
            at=datetime.now() - timedelta(days=62),
        )
        partner._l10n_fr_urssaf_refresh()
        run.partner_ids = partner.ids
        today = fields.Date.context_today(partner)
        end = today.replace(day=1) - timedelta(days=1)
        line = {"product_id": self.product_id, "quantity": 4, "price_unit": 30}
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today,
                    "l10n_fr_urssaf_service_start": end.replace(day=1),
                    "l10n_fr_urssaf_service_end": end,
                    "invoice_line_ids": [Command.create(line)],
                }
                for _index in range(count)
            ]
        )
        moves.action_post()
        return moves

    def retire(self, run):
        """Out of the crons' way: later scenarios have other simulators."""
        with self.cursor(cron=True) as env:
            if run.move_ids:
                env.cr.execute(
                    SQL(
                        "UPDATE l10n_fr_urssaf_payment_request SET next_check = NULL "
                        "WHERE move_id IN %s",
                        tuple(run.move_ids),
                    )
                )
            if run.partner_ids:
                env.cr.execute(
                    SQL(
                        "UPDATE res_partner SET active = FALSE WHERE id IN %s",
                        tuple(run.partner_ids),
                    )
                )

    # ---- recovery

    def recover_requests(self, run):
        """An hour later: the cron, then the user sends again what did not go."""
        with self.cursor(cron=True) as env:
            env[PAYMENT_REQUEST].search(
                [
                    ("move_id", "in", run.move_ids),
                    ("state", "in", self.addon.OPEN_STATES),
                ]
            ).write({"next_check": fields.Datetime.now() - timedelta(minutes=1)})
        with self.cursor(cron=True) as env:
            env[PAYMENT_REQUEST]._cron_refresh()
        with self.cursor() as env:
            moves = env["account.move"].browse(run.move_ids)
            again = moves.filtered(
                lambda m: m.l10n_fr_urssaf_state in ("to_send", "error")
            )
            if again:
                seen = summarize_sending(again._l10n_fr_urssaf_send())
                run.notes.append(f"sent again: {seen}")

    # ---- counting

    def request_states(self, env, run):
        found = env[PAYMENT_REQUEST].search([("move_id", "in", run.move_ids)])
        states = Counter(found.mapped("state"))
        seen = ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
        rejected = [r.error_message for r in found if r.state == "error"]
        return seen + (f": {first_line(rejected[0])}" if rejected else "")

    def spy_refresh(self):
        """Keep what ``_refresh`` returns (the errors the cron only logs);
        installed once: patches per thread would undo each other."""
        Request = self.registry[PAYMENT_REQUEST]
        original = Request._refresh

        def spying(requests_, *args, **kwargs):
            errors = original(requests_, *args, **kwargs)
            if self.current:
                self.current.cron_errors += errors.values()
            return errors

        return mock.patch.object(Request, "_refresh", spying)

    def count_requests(self, env, run):
        held = run.simulator.payment_requests(provider=self.provider)
        live = (
            env[PAYMENT_REQUEST]
            .sudo()
            .search(
                [
                    ("move_id", "in", run.move_ids),
                    ("state", "in", self.addon.LIVE_STATES),
                ]
            )
        )
        ids = {r.urssaf_id for r in live if r.urssaf_id}
        numbers = {r.name for r in live if not r.urssaf_id}
        lost = [
            dp
            for dp in held
            if dp["id"] not in ids and dp["num_facture"] not in numbers
        ]
        at_urssaf = Counter(dp["num_facture"] for dp in held)
        in_odoo = Counter(r.move_id.id for r in live)
        duplicated = sum(n - 1 for n in at_urssaf.values()) + sum(
            n - 1 for n in in_odoo.values()
        )
        phantom = ids - {dp["id"] for dp in held}
        if phantom:
            run.notes.append(f"{len(phantom)} request(s) Urssaf does not hold")
        unsettled = len(live.filtered(lambda r: r.state == "to_reconcile"))
        if unsettled:
            run.notes.append(f"{unsettled} still to reconcile")
        if len(held) != len(run.move_ids):
            run.notes.append(f"Urssaf holds {len(held)} of {len(run.move_ids)}")
        return len(lost), duplicated

    def count_customers(self, env, run, active=False):
        customers = [
            customer
            for customer in run.simulator.customers()
            if any(link["provider"] == self.provider for link in customer["links"])
        ]
        Partner = env["res.partner"].with_context(active_test=False).sudo()
        lost = duplicated = 0
        for customer in customers:
            carriers = Partner.search(
                [("l10n_fr_urssaf_customer_id", "=", customer["id_client"])]
            )
            duplicated += max(len(carriers) - 1, 0)
            if not carriers:
                lost += 1
            elif active and carriers[0].l10n_fr_urssaf_state != "active":
                lost += 1
            links = [x for x in customer["links"] if x["provider"] == self.provider]
            duplicated += len(links) - 1
        people = Counter(
            (c["nomNaissance"], c["prenoms"], c["dateNaissance"]) for c in customers
        )
        duplicated += sum(n - 1 for n in people.values())
        registered = len(customers)
        if registered != len(run.partner_ids):
            run.notes.append(f"Urssaf links {registered} of {len(run.partner_ids)}")
        return lost, duplicated


class _EnvCursor:
    """``with harness.cursor() as env``: a new cursor, committed at the end
    when nothing was raised (as Odoo does for a request or a cron job)."""

    def __init__(self, harness, cron):
        self.harness = harness
        self.cron = cron
        self.cr = None

    def __enter__(self):
        self.cr = self.harness.registry.cursor()
        if self.cron:
            return api.Environment(self.cr, SUPERUSER_ID, {})
        return self.harness.user_env(self.cr)

    def __exit__(self, exc_type, exc, traceback):
        try:
            if exc_type is None:
                self.cr.commit()  # pylint: disable=invalid-commit
            else:
                self.cr.rollback()
        finally:
            self.cr.close()
        return False


# ------------------------------------------------------------------- running


def act(env, operation, run):
    """A user's click goes through Odoo's RPC retry on serialization
    failures; a cron job does not (it is run again later)."""
    if operation.as_cron:
        return operation.act(env, run)
    tries = []

    def once():
        tries.append(1)
        return operation.act(env, run)

    try:
        return retrying(once, env)
    finally:
        if len(tries) > 1:
            run.notes.append(f"Odoo retried the click {len(tries) - 1} time(s)")


def act_once(harness, operation, run):
    """The operation as a user (or the cron) runs it: an exception rolls the
    transaction back, as Odoo does, and is what the user sees."""
    try:
        with harness.cursor(cron=operation.as_cron) as env:
            return act(env, operation, run)
    except Exception as exc:  # pylint: disable=broad-except
        return f"error: {failure(exc)}"


def act_twice_at_once(harness, operation, run):
    """Two workers, each with its own cursor, on the same records."""
    barrier = threading.Barrier(2)
    seen = [None, None]

    def work(index):
        try:
            with harness.cursor(cron=operation.as_cron) as env:
                env.cr.execute(SQL("SELECT 1"))  # the transaction has started
                barrier.wait(timeout=30)
                seen[index] = act(env, operation, run)
        except Exception as exc:  # pylint: disable=broad-except
            seen[index] = f"error: {failure(exc)}"

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    run.gateway.latency = LATENCY
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.notes += [f"worker A: {seen[0]}", f"worker B: {seen[1]}"]
    return f"A: {seen[0]} / B: {seen[1]}"


def raise_once(model_class, method):
    """``method`` does its work, then its first call raises: Urssaf answered,
    Odoo recorded the answer, the transaction dies before its commit."""
    original = getattr(model_class, method)
    calls = []

    def crashing(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls.append(method)
        if len(calls) == 1:
            raise RuntimeError(f"crash after {method} (injected)")
        return result

    return mock.patch.object(model_class, method, crashing)


def play(harness, operation, label, fault):
    """One scenario; returns the table row."""
    run = Run(harness)
    harness.current = run
    try:
        with harness.cursor() as env:
            operation.prepare(env, run)
        run.gateway.reset()
        if label == TWO_WORKERS:
            seen = act_twice_at_once(harness, operation, run)
        elif label == CRASH:
            model, method = operation.crash
            with raise_once(harness.registry[model], method):
                seen = act_once(harness, operation, run)
        else:
            call = 2 if label == EXPIRED else operation.fault_call
            run.gateway.plan[operation.urssaf, call] = fault or operation.item_error
            seen = act_once(harness, operation, run)
            if run.gateway.plan:
                run.notes.append("fault not played: too few calls")
        run.gateway.reset()
        with harness.cursor(cron=True) as env:
            kept = list(run.notes)
            before = operation.count(env, run)
            run.notes = kept
        if any(before):
            lost, duplicated = before
            run.notes.append(f"before recovery: {lost} lost, {duplicated} duplicated")
        try:
            operation.recover(run)
        except Exception as exc:  # pylint: disable=broad-except
            run.notes.append(f"recovery raised {failure(exc)}")
        with harness.cursor(cron=True) as env:
            lost, duplicated = operation.count(env, run)
    finally:
        harness.retire(run)
        run.close()
    return [operation.name, label, shorten(seen), str(lost), str(duplicated)], run


def scenarios(harness, only):
    for operation_class in (Register, Status, Send, Search):
        operation = operation_class(harness)
        if only and operation.name not in only:
            continue
        for label, fault in FAULTS:
            if label == ITEM_ERROR and not operation.item_error:
                continue  # one customer per call: no item inside a 200
            yield operation, label, fault


def print_table(rows):
    say("| operation | fault | what the user sees | lost | duplicated |")
    say("|---|---|---|---|---|")
    for row in rows:
        say("| " + " | ".join(row) + " |")


def log_to_file():
    """Odoo's log (tracebacks of the injected faults) out of the table."""
    handler = logging.FileHandler(LOG, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse-db", action="store_true", help=f"keep an existing {DB}"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=("register", "status", "send", "search"),
        help="run this operation's scenarios only (repeatable)",
    )
    return parser.parse_args()


def set_up(args):
    """The registry and the harness, or raise devenv.SetupError."""
    conf = prepare_database(args.reuse_db, db=DB)
    registry = open_registry(conf, db=DB)
    log_to_file()
    try:
        addon = import_addon()
    except Exception as exc:
        message = f"the addon cannot be imported: {failure(exc)}"
        raise devenv.SetupError(message) from exc
    try:
        return Harness(registry, addon)
    except Exception as exc:
        logging.getLogger(__name__).exception("set-up")
        raise devenv.SetupError(f"set-up data: {failure(exc)}") from exc


def main():
    args = parse_args()
    started = time.perf_counter()
    try:
        harness = set_up(args)
    except devenv.SetupError as exc:
        say(f"error: {exc}")
        return 2
    say(f"Set up in {time.perf_counter() - started:.0f} s; Odoo's log: {LOG}")
    rows, notes, broken = [], [], []
    with ExitStack() as patches:
        Company = harness.registry["res.company"]
        patches.enter_context(
            mock.patch.object(
                Company,
                "_l10n_fr_urssaf_simulator",
                lambda company: harness.current.simulator,
            )
        )
        patches.enter_context(harness.spy_refresh())
        for operation, label, fault in scenarios(harness, args.only):
            try:
                row, run = play(harness, operation, label, fault)
            except Exception as exc:  # pylint: disable=broad-except
                logging.getLogger(__name__).exception("%s / %s", operation.name, label)
                broken.append(f"{operation.name} / {label}: {failure(exc)}")
                row = [operation.name, label, "set-up failed: see below", "?", "?"]
            else:
                notes += [f"{operation.name} / {label}: {n}" for n in run.notes]
            rows.append(row)
    say("")
    print_table(rows)
    say("")
    for note in notes + broken:
        say(f"* {shorten(note, 160)}")
    say(f"\n{len(rows)} scenarios in {time.perf_counter() - started:.0f} s")
    if broken:
        return 2
    return 1 if any(row[3] != "0" or row[4] != "0" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
