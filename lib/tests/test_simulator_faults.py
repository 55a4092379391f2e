"""Fault injection, through the Python API and the control endpoints."""

import time

import pytest

from lib.simulator import API_PREFIX, TOKEN_PATH, ResponseDropped, UnknownId
from lib.tests.helpers import payment_item

SEARCH = {"numFactureTiers": ["F1"]}
TOKEN_FORM = {
    "grant_type": "client_credentials",
    "client_id": "a",
    "client_secret": "b",
}


def submit(api, customer, number="F1"):
    return api.submit([payment_item(customer, number)])


def test_error_500_is_one_shot_and_processes_nothing(api, sim, customer):
    sim.inject_fault("demande", "error_500")
    response = submit(api, customer)
    assert response.status_code == 500
    assert [e["code"] for e in response.get_json()] == ["ERREUR_TECHNIQUE"]
    assert sim.payment_requests() == []
    assert sim.faults() == []
    assert submit(api, customer).status_code == 200


def test_persistent_maintenance_on_every_operation(api, sim, http, customer):
    sim.inject_fault("*", "maintenance_503", times=None)
    for _ in range(3):
        assert submit(api, customer).status_code == 503
    response = api.search(SEARCH)
    assert (response.status_code, response.get_data()) == (503, b"")
    assert http.post(TOKEN_PATH, data=TOKEN_FORM).status_code == 503
    assert http.get("/simulator/clock").status_code == 200  # control stays up
    sim.clear_faults()
    assert submit(api, customer).status_code == 200


def test_empty_400(api, sim, customer):
    sim.inject_fault("recherche", "empty_400")
    response = api.search(SEARCH)
    assert (response.status_code, response.get_data()) == (400, b"")


def test_expired_token_revokes_it(api, sim, http, customer):
    sim.inject_fault("statut", "expired_token")
    token = api.token
    response = api.status(customer)
    assert response.status_code == 401
    assert sim.authenticate(token) is None
    assert api.status(customer).status_code == 200  # LocalClient got a new token
    sim.inject_fault("token", "expired_token")
    response = http.post(TOKEN_PATH, data=TOKEN_FORM)
    assert (response.status_code, response.get_json()) == (
        401,
        {"error": "invalid_client"},
    )


def test_delay_then_normal_processing(api, sim, customer):
    sim.inject_fault("demande", "delay", delay=0.3)
    started = time.perf_counter()
    response = submit(api, customer)
    assert time.perf_counter() - started >= 0.3
    assert response.get_json()[0]["statut"] == "10"


def test_delay_combined_with_an_error(api, sim, customer):
    sim.inject_fault("inscription", "error_500", delay=0.2)
    started = time.perf_counter()
    response = api.register({})
    assert response.status_code == 500
    assert time.perf_counter() - started >= 0.2


def test_drop_processes_then_loses_the_response(api, sim, customer):
    sim.inject_fault("demande", "drop")
    with pytest.raises(ResponseDropped):
        submit(api, customer)
    (stored,) = sim.payment_requests()
    assert stored["num_facture"] == "F1"
    # the client's recovery: the retry is a duplicate, the search finds it
    (retry,) = submit(api, customer).get_json()
    assert retry["errors"][0]["code"] == "ERR_FACTURE_DOUBLON"
    found = api.search(SEARCH).get_json()["infoDemandePaiements"]
    assert [info["idDemandePaiement"] for info in found] == [stored["id"]]


def test_times_and_registration_order(api, sim, customer):
    sim.inject_fault("recherche", "empty_400", times=2)
    sim.inject_fault("*", "error_500")
    assert api.search(SEARCH).status_code == 400
    assert api.search(SEARCH).status_code == 400
    assert api.search(SEARCH).status_code == 500
    assert api.search(SEARCH).status_code == 400  # ERR_RECHERCHE_VIDE: no fault left
    assert sim.faults() == []


def test_fault_registry_validation(sim):
    with pytest.raises(ValueError):
        sim.inject_fault("particulier", "error_500")
    with pytest.raises(ValueError):
        sim.inject_fault("demande", "explode")
    with pytest.raises(ValueError):
        sim.inject_fault("demande", "drop", times=0)
    with pytest.raises(ValueError):
        sim.inject_fault("demande", "delay", delay=-1)
    with pytest.raises(UnknownId):
        sim.remove_fault(99)


def test_faults_over_http(api, sim, http, customer):
    created = http.post(
        "/simulator/faults",
        json={"operation": "statut", "kind": "maintenance_503", "times": None},
    ).get_json()
    assert created["faults"] == [
        {
            "id": created["id"],
            "operation": "statut",
            "kind": "maintenance_503",
            "times": None,
            "delay": 0.0,
        }
    ]
    assert api.status(customer).status_code == 503
    http.post("/simulator/faults", json={"operation": "demande", "kind": "drop"})
    assert len(http.get("/simulator/faults").get_json()) == 2
    assert http.delete(f"/simulator/faults/{created['id']}").status_code == 200
    assert api.status(customer).status_code == 200
    assert http.delete("/simulator/faults").get_json() == []
    assert http.delete("/simulator/faults/99").status_code == 404
    bad = http.post("/simulator/faults", json={"operation": "demande", "kind": "x"})
    assert bad.status_code == 400


def test_unauthenticated_calls_still_consume_faults(sim, http):
    sim.inject_fault("demande", "error_500")
    response = http.post(f"{API_PREFIX}/demandePaiement", json=[])
    assert response.status_code == 500
    assert sim.faults() == []
