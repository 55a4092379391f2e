"""Scripted demo of the simulator over real HTTP (``requests`` only).

``python3 -m lib.simulator.scenario`` starts an embedded simulator on a free
127.0.0.1 port; ``--url http://127.0.0.1:8399`` drives a running one instead
(its clock is switched to manual). Steps:

1. OAuth token; register a customer (``POST /particulier``) -> APPAREILLAGE_EC;
2. the customer activates (``/simulator``) -> APPAREILLAGE_VALIDE;
3. 12 payment requests for March 2024 in two calls (10 + 2, the API maximum);
4. the clock moves: 10 -> 20; the customer refuses one (40), Urssaf cancels
   another (110);
5. the clock moves on: 30 -> 50 (transfer date known) -> 70 (amount paid);
6. final search by invoice period.

Runs in a few seconds thanks to the manual clock. Exit status 0 when every
request ended where expected.
"""

import argparse
import sys
import uuid
from datetime import datetime, timedelta, timezone

import requests

from ..codes import MAX_ITEMS_PER_CALL, OAUTH_SCOPE
from ..formats import format_api_datetime
from .app import API_PREFIX, TOKEN_PATH
from .clock import ManualClock
from .control import PREFIX as CONTROL_PREFIX
from .simulator import Simulator
from .testing import particulier, payment_request

START = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
INVOICING = datetime(2024, 3, 29, 12, 0, tzinfo=timezone.utc)
COUNT = 12
TIMEOUT = 10


class Scenario:
    def __init__(self, base_url, out=print):
        self.base = base_url.rstrip("/")
        self.out = out
        self.http = requests.Session()
        # A fresh provider per run, so invoice numbers never collide.
        self.client_id = f"scenario-{uuid.uuid4().hex[:8]}"
        self.token = None

    # -- plumbing -------------------------------------------------------------------

    def control(self, path, body=None):
        response = self.http.post(
            f"{self.base}{CONTROL_PREFIX}{path}", json=body or {}, timeout=TIMEOUT
        )
        response.raise_for_status()
        return response.json()

    def authenticate(self):
        response = self.http.post(
            self.base + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "scope": OAUTH_SCOPE,
                "client_id": self.client_id,
                "client_secret": "scenario-secret",
            },
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        self.token = response.json()["access_token"]

    def api(self, method, path, **kwargs):
        """Call the API, getting a new token once on 401 (like real clients)."""
        for _attempt in range(2):
            if self.token is None:
                self.authenticate()
            response = self.http.request(
                method,
                self.base + API_PREFIX + path,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=TIMEOUT,
                **kwargs,
            )
            if response.status_code != 401:
                return response
            self.token = None
        return response

    def set_clock(self, moment):
        now = self.control(
            "/clock/set", {"now": format_api_datetime(moment), "mode": "manual"}
        )
        self.out(f"  clock: {now['now']}")

    def advance(self, **delta):
        now = self.control("/clock/advance", delta)
        self.out(f"  clock +{delta}: {now['now']}")

    def search_statuses(self, ids):
        statuses = {}
        size = MAX_ITEMS_PER_CALL
        for first in range(0, len(ids), size):
            response = self.api(
                "POST",
                "/demandePaiement/rechercher",
                json={"idDemandePaiements": ids[first : first + size]},
            )
            response.raise_for_status()
            for info in response.json()["infoDemandePaiements"]:
                statuses[info["idDemandePaiement"]] = info
        return statuses

    def show(self, ids):
        statuses = self.search_statuses(ids)
        counts = {}
        for info in statuses.values():
            counts[info["statut"]["code"]] = counts.get(info["statut"]["code"], 0) + 1
        self.out(f"  statuses: {dict(sorted(counts.items()))}")
        return statuses

    # -- the story ------------------------------------------------------------------

    def run(self):
        self.out(f"Scenario against {self.base} as provider {self.client_id}")
        self.set_clock(START)

        self.out("1. register the customer")
        response = self.api("POST", "/particulier", json=particulier())
        response.raise_for_status()
        id_client = response.json()["idClient"]
        self.out(f"  idClient {id_client}: {self.customer_status(id_client)}")

        self.out("2. the customer activates his Urssaf account")
        self.control(f"/customers/{id_client}/activate", {"provider": self.client_id})
        self.out(f"  status: {self.customer_status(id_client)}")

        self.out(f"3. transmit {COUNT} payment requests")
        self.set_clock(INVOICING)
        ids = self.transmit(id_client)

        self.out("4. Urssaf notifies the customer")
        self.advance(minutes=5)
        self.show(ids)
        refused, cancelled = ids[-2], ids[-1]
        info = self.control(
            f"/payment-requests/{refused}/refuse",
            {"code": "CONTEST_ERR_FACT", "commentaire": "Heures erronées"},
        )
        self.out(f"  {refused} refused by the customer: {info['infoRejet']}")
        info = self.control(
            f"/payment-requests/{cancelled}/cancel", {"code": "ANNUL_ERR_MNT"}
        )
        self.out(f"  {cancelled} cancelled by Urssaf: {info['infoRejet']}")

        self.out("5. automatic validation after 48 h, debit, transfer")
        self.advance(days=2)
        self.show(ids)
        self.advance(days=2)
        statuses = self.show(ids)
        self.out(f"  transfer announced: {statuses[ids[0]].get('infoVirement')}")
        self.advance(days=2)
        statuses = self.show(ids)
        self.out(f"  transfer done: {statuses[ids[0]].get('infoVirement')}")

        self.out("6. search by invoice period")
        response = self.api(
            "POST",
            "/demandePaiement/rechercher",
            json={
                "dateDebut": "2024-03-01T00:00:00Z",
                "dateFin": "2024-03-31T00:00:00Z",
            },
        )
        response.raise_for_status()
        found = response.json()["infoDemandePaiements"]
        self.out(f"  {len(found)} payment requests invoiced in March 2024")
        return {i: statuses[i]["statut"]["code"] for i in ids}

    def customer_status(self, id_client):
        response = self.api("GET", "/particulier", params={"idClient": id_client})
        response.raise_for_status()
        statut = response.json()["statut"]
        return f"{statut['code']} ({statut['etat']}) {statut['description']}"

    def transmit(self, id_client):
        items = []
        for index in range(COUNT):
            day = START + timedelta(days=index + 1)
            items.append(
                payment_request(
                    id_client,
                    f"{self.client_id}-F{index + 1:03d}",
                    day.replace(hour=9),
                    day.replace(hour=17),
                )
            )
        ids = []
        size = MAX_ITEMS_PER_CALL
        for first in range(0, COUNT, size):
            response = self.api(
                "POST", "/demandePaiement", json=items[first : first + size]
            )
            response.raise_for_status()
            for result in response.json():
                if result.get("errors"):
                    raise RuntimeError(f"rejected: {result}")
                self.out(
                    f"  {result['numFactureTiers']} -> {result['idDemandePaiement']}"
                    f" statut {result['statut']}"
                )
                ids.append(result["idDemandePaiement"])
        return ids


def expected_statuses(ids):
    return {i: "70" for i in ids[:-2]} | {ids[-2]: "40", ids[-1]: "110"}


def main(argv=None, out=print):
    parser = argparse.ArgumentParser(prog="python3 -m lib.simulator.scenario")
    parser.add_argument("--url", help="running simulator (default: embedded one)")
    args = parser.parse_args(argv)
    if args.url:
        final = Scenario(args.url, out).run()
    else:
        simulator = Simulator(clock=ManualClock(START))
        try:
            with simulator.serve() as base_url:
                final = Scenario(base_url, out).run()
        finally:
            simulator.close()
    ok = final == expected_statuses(list(final))
    out("Scenario " + ("succeeded" if ok else f"FAILED: {final}"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
