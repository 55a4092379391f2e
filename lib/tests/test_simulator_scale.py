"""Automatic transitions indexed by due time: exact times, cost of a tick, and
the migration of a file written before due times existed."""

import sqlite3

from lib.simulator import ManualClock, Simulator
from lib.simulator.store import SCHEMA_VERSION, Store
from lib.simulator.testing import LocalClient, particulier
from lib.tests.helpers import ACTIVATION, TRANSMITTED_AT, payment_item


def submit(api, customer, number="F1"):
    (result,) = api.submit([payment_item(customer, number)]).get_json()
    return result["idDemandePaiement"]


def request_due(sim, id_dp):
    """``(status, due_at)`` as stored, without a tick."""
    row = sim.store.get_payment_request(id_dp)
    return row["status"], row["due_at"]


def link_due(sim, id_client, provider="test"):
    row = sim.store.get_link(provider, id_client)
    return row["status"], row["due_at"]


def history(sim, id_dp):
    return [
        (step["status"], step["at"]) for step in sim.payment_request(id_dp)["history"]
    ]


def test_due_time_follows_automatic_and_manual_steps(api, sim, customer):
    id_dp, refused = submit(api, customer), submit(api, customer, "F2")
    assert request_due(sim, id_dp) == ("10", "2024-03-29T12:01:00.000000")
    sim.advance(seconds=59)
    assert request_due(sim, id_dp) == ("10", "2024-03-29T12:01:00.000000")
    sim.advance(seconds=1)
    assert request_due(sim, id_dp) == ("20", "2024-03-31T12:01:00.000000")
    sim.refuse(refused)
    assert request_due(sim, refused) == ("40", None)
    sim.advance(hours=1)
    sim.validate(id_dp)  # 48 h of debit delay from now
    assert request_due(sim, id_dp) == ("30", "2024-03-31T13:01:00.000000")
    sim.advance(days=5)  # two steps in one tick, each at its due time
    assert request_due(sim, id_dp) == ("70", None)
    assert history(sim, id_dp)[-2:] == [
        ("50", "2024-03-31T13:01:00Z"),
        ("70", "2024-04-02T13:01:00Z"),
    ]


def test_settings_changed_after_submission(http, api, sim, customer):
    id_dp = submit(api, customer)
    sim.advance(minutes=1)
    sim.settings.delay_auto_validation = 3600  # set directly: seen at next tick
    sim.advance(minutes=59)
    assert request_due(sim, id_dp) == ("20", "2024-03-29T13:01:00.000000")
    sim.advance(minutes=1)
    assert request_due(sim, id_dp) == ("30", "2024-03-31T13:01:00.000000")
    http.patch("/simulator/settings", json={"delay_debit": None})
    sim.advance(days=30)
    assert request_due(sim, id_dp) == ("30", None)
    http.patch("/simulator/settings", json={"delay_debit": 10.5})
    assert sim.payment_request(id_dp)["status"] == "70"
    assert history(sim, id_dp)[-3:] == [
        ("30", "2024-03-29T13:01:00Z"),
        ("50", "2024-03-29T13:01:10Z"),
        ("70", "2024-03-31T13:01:10Z"),
    ]
    assert sim.payment_request(id_dp)["status_since"].startswith(
        "2024-03-31T13:01:10.5"
    )


def test_clock_moved_back_then_forth(http, api, sim, customer):
    id_dp = submit(api, customer)
    sim.advance(days=1)
    assert request_due(sim, id_dp) == ("20", "2024-03-31T12:01:00.000000")
    http.post("/simulator/clock/set", json={"now": "2024-03-20T00:00:00Z"})
    assert sim.payment_request(id_dp)["status"] == "20"
    http.post("/simulator/clock/set", json={"now": "2024-03-31T12:00:59Z"})
    assert sim.payment_request(id_dp)["status"] == "20"
    http.post("/simulator/clock/advance", json={"seconds": 1})
    assert request_due(sim, id_dp) == ("30", "2024-04-02T12:01:00.000000")


def test_link_due_times(sim, api):
    sim.settings.delay_activation = 3600
    first = api.register(particulier()).get_json()["idClient"]
    assert link_due(sim, first) == ("APPAREILLAGE_EC", "2024-03-01T09:00:00.000000")
    sim.settings.activation_expiry = 1800  # now expires before activation
    sim.advance(minutes=29)
    assert link_due(sim, first) == ("APPAREILLAGE_EC", "2024-03-01T08:30:00.000000")
    sim.advance(minutes=1)
    assert link_due(sim, first) == ("APPAREILLAGE_NF", None)
    second = api.register(particulier(1)).get_json()["idClient"]
    assert link_due(sim, second) == ("APPAREILLAGE_EC", "2024-03-01T09:00:00.000000")
    sim.activate(second)
    assert link_due(sim, second) == ("APPAREILLAGE_VALIDE", None)


def clone(sim, table, where, key, copies):
    """Insert ``copies`` copies of the ``table`` row matching ``where``, the
    ``key`` column made unique (plus ``num_facture`` for requests)."""
    connection = sim.store._conn
    row = dict(connection.execute(f"SELECT * FROM {table} WHERE {where}").fetchone())
    rows = [dict(row, **{key: f"copy-{n}"}) for n in range(copies)]
    if "num_facture" in row:
        rows = [dict(copy, num_facture=copy[key]) for copy in rows]
    columns = ", ".join(row)
    marks = ", ".join(f":{column}" for column in row)
    with sim.store.transaction():
        connection.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows
        )


def test_a_tick_reads_only_the_due_rows(api, sim, customer, monkeypatch):
    waiting = submit(api, customer, "F0")
    sim.advance(minutes=5)  # 20, next step in 48 h
    pending = api.register(particulier(1)).get_json()["idClient"]  # expires in 7 days
    clone(sim, "payment_requests", f"id = '{waiting}'", "id", 20_000)
    clone(sim, "links", f"id_client = '{pending}'", "provider", 20_000)
    due = {submit(api, customer, f"F{n}") for n in range(1, 4)}
    decoded = []
    decode = Store._decode
    monkeypatch.setattr(
        Store,
        "_decode",
        staticmethod(lambda row: decoded.append(dict(row)) or decode(row)),
    )
    sim.advance(minutes=1)
    assert len(decoded) == 3  # not all 40,005 open rows
    assert {row["id"] for row in decoded} == due
    decoded.clear()
    sim.advance(minutes=1)
    assert decoded == []
    monkeypatch.undo()
    assert {sim.payment_request(id_dp)["status"] for id_dp in due} == {"20"}


def test_version_1_file_is_migrated(tmp_path):
    path = str(tmp_path / "urssaf.sqlite3")
    first = Simulator(db_path=path, clock=ManualClock(ACTIVATION))
    api = LocalClient(first)
    customer = api.active_customer()
    first.set_time(TRANSMITTED_AT)
    id_dp = submit(api, customer)
    pending = api.register(particulier(1)).get_json()["idClient"]
    first.close()
    connection = sqlite3.connect(path)
    with connection:  # back to the version 1 layout
        for statement in (
            "DROP INDEX payment_requests_due",
            "DROP INDEX links_due",
            "ALTER TABLE payment_requests DROP COLUMN due_at",
            "ALTER TABLE links DROP COLUMN due_at",
            "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
            "DELETE FROM meta WHERE key = 'due_basis'",
        ):
            connection.execute(statement)
    connection.close()

    second = Simulator(db_path=path)
    assert second.store.meta_get("schema_version") == SCHEMA_VERSION
    assert second.payment_request(id_dp)["status"] == "10"  # a tick computes due
    assert request_due(second, id_dp) == ("10", "2024-03-29T12:01:00.000000")
    assert link_due(second, pending) == (
        "APPAREILLAGE_EC",
        "2024-04-05T12:00:00.000000",
    )
    second.advance(days=7)
    assert request_due(second, id_dp) == ("70", None)
    assert link_due(second, pending) == ("APPAREILLAGE_NF", None)
    second.close()
