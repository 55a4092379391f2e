"""State kept in a SQLite file across restarts."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from lib.simulator import ManualClock, RealClock, Simulator
from lib.simulator.testing import LocalClient, particulier
from lib.tests.helpers import ACTIVATION, TRANSMITTED_AT, payment_item


def submit(api, customer, number):
    (result,) = api.submit([payment_item(customer, number)]).get_json()
    return result


def test_state_survives_a_restart(tmp_path):
    path = str(tmp_path / "urssaf.sqlite3")
    first = Simulator(db_path=path, clock=ManualClock(ACTIVATION))
    api = LocalClient(first)
    customer = api.active_customer()
    first.set_time(TRANSMITTED_AT)
    token = first.issue_token("test")
    kept, refused = submit(api, customer, "F1"), submit(api, customer, "F2")
    first.refuse(refused["idDemandePaiement"], "CONTEST_AUTRE", "non")
    first.close()

    second = Simulator(db_path=path)  # no clock given: the stored one is restored
    assert second.clock_info() == {"now": "2024-03-29T12:00:00Z", "mode": "manual"}
    assert second.authenticate(token) == "test"
    api = LocalClient(second)
    status = api.status(customer).get_json()["statut"]
    assert status["code"] == "APPAREILLAGE_VALIDE"
    refused_now = second.payment_request(refused["idDemandePaiement"])
    assert refused_now["status"] == "40"
    assert refused_now["infoRejet"] == {"code": "CONTEST_AUTRE", "commentaire": "non"}
    # duplicates and id sequence continue across the restart
    assert submit(api, customer, "F1")["errors"][0]["code"] == "ERR_FACTURE_DOUBLON"
    assert submit(api, customer, "F3")["idDemandePaiement"] == "11000000000003"
    # automatic progression resumes from the stored timestamps
    second.advance(days=7)
    assert second.payment_request(kept["idDemandePaiement"])["status"] == "70"
    second.close()


def test_known_person_stays_known(tmp_path):
    path = str(tmp_path / "urssaf.sqlite3")
    first = Simulator(db_path=path)
    id_client = LocalClient(first).register(particulier()).get_json()["idClient"]
    first.close()
    second = Simulator(db_path=path)
    response = LocalClient(second).register(particulier())
    assert (
        response.get_json()[0]["code"] == "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE"
    )
    other = LocalClient(second, client_id="other")
    assert other.register(particulier()).get_json() == {"idClient": id_client}
    second.close()


def test_real_clock_offset_is_stored_and_explicit_clock_wins(tmp_path):
    path = str(tmp_path / "urssaf.sqlite3")
    first = Simulator(db_path=path, clock=RealClock())
    first.advance(days=10)
    first.close()
    second = Simulator(db_path=path)
    shift = second.now() - datetime.now(timezone.utc)
    assert second.clock_info()["mode"] == "real"
    assert timedelta(days=9, hours=23) < shift < timedelta(days=10, hours=1)
    second.close()
    third = Simulator(db_path=path, clock=ManualClock("2025-01-01T00:00:00Z"))
    third.close()
    fourth = Simulator(db_path=path)
    assert fourth.clock_info()["now"] == "2025-01-01T00:00:00Z"
    fourth.close()


def test_reset_wipes_the_file(tmp_path):
    path = str(tmp_path / "urssaf.sqlite3")
    sim = Simulator(db_path=path)
    LocalClient(sim).register(particulier())
    sim.reset()
    sim.close()
    reopened = Simulator(db_path=path)
    assert reopened.customers() == []
    reopened.close()


def test_unknown_database_version_is_refused(tmp_path):
    path = str(tmp_path / "urssaf.sqlite3")
    Simulator(db_path=path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    with pytest.raises(RuntimeError, match="version 99"):
        Simulator(db_path=path)
