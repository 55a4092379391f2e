"""Urssaf endpoints of the simulator through werkzeug's test client."""

import base64
import logging
import uuid

import pytest
from werkzeug.test import Client

from lib.codes import OAUTH_SCOPE
from lib.simulator import API_PREFIX, TOKEN_PATH, Settings, Simulator
from lib.simulator.testing import LocalClient, particulier
from lib.tests.helpers import payment_item

FORM = {
    "grant_type": "client_credentials",
    "scope": OAUTH_SCOPE,
    "client_id": "8a1d2c3e-0000-4000-8000-000000000001",
    "client_secret": "secret",
}


def transmit(api, customer, *numbers):
    response = api.submit([payment_item(customer, number) for number in numbers])
    return [result["idDemandePaiement"] for result in response.get_json()]


def only_error(response, status=400):
    assert response.status_code == status
    (error,) = response.get_json()
    return error["code"]


# -- OAuth ------------------------------------------------------------------------


def test_token_with_form_credentials(http):
    response = http.post(TOKEN_PATH, data=FORM)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "homeplus.tiersprestations"
    assert len(body["access_token"]) > 20
    assert response.headers["Cache-Control"] == "no-store"


def test_token_with_basic_credentials_and_without_scope(http, sim):
    basic = base64.b64encode(b"provider-b:secret").decode()
    response = http.post(
        TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    assert sim.authenticate(response.get_json()["access_token"]) == "provider-b"


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"scope": "other"}, 400, "invalid_scope"),
        ({"client_secret": ""}, 401, "invalid_client"),
        ({"client_id": ""}, 401, "invalid_client"),
    ],
)
def test_token_errors(http, change, status, error):
    response = http.post(TOKEN_PATH, data=dict(FORM, **change))
    assert response.status_code == status
    assert response.get_json() == {"error": error}


def test_token_with_declared_providers_only(http, sim):
    sim.settings.accept_any_client = False
    assert http.post(TOKEN_PATH, data=FORM).status_code == 401
    sim.configure_provider(FORM["client_id"], secret="secret")
    assert http.post(TOKEN_PATH, data=FORM).status_code == 200
    sim.settings.accept_any_client = True  # a declared secret is still checked
    assert (
        http.post(TOKEN_PATH, data=dict(FORM, client_secret="bad")).status_code == 401
    )


def test_token_expires_with_the_simulator_clock(http, sim):
    token = http.post(TOKEN_PATH, data=FORM).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    search = f"{API_PREFIX}/demandePaiement/rechercher"
    assert http.post(search, json={}, headers=headers).status_code == 400
    sim.advance(seconds=3599)
    assert http.post(search, json={}, headers=headers).status_code == 400
    sim.advance(seconds=1)
    response = http.post(search, json={}, headers=headers)
    assert response.status_code == 401
    assert response.get_data() == b""
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_token_lifetime_setting(http):
    sim = Simulator(settings=Settings(token_lifetime=60))
    assert (
        Client(sim.wsgi_app).post(TOKEN_PATH, data=FORM).get_json()["expires_in"] == 60
    )
    sim.close()


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer unknown", "Basic abc"])
def test_api_requires_a_valid_bearer_token(http, header):
    headers = {"Authorization": header} if header else {}
    response = http.post(
        f"{API_PREFIX}/particulier", json=particulier(), headers=headers
    )
    assert response.status_code == 401


# -- POST /particulier and GET /particulier --------------------------------------------


def test_register_then_status(api, sim):
    response = api.register(particulier())
    assert response.status_code == 200
    id_client = response.get_json()["idClient"]
    assert response.get_json() == {"idClient": id_client}
    assert uuid.UUID(id_client)
    status = api.status(id_client)
    assert status.status_code == 200
    assert status.get_json() == {
        "idClient": id_client,
        "nomNaissance": "Durand",
        "nomUsage": "Martin",
        "prenoms": "Jeanne",
        "statut": {
            "code": "APPAREILLAGE_EC",
            "description": "Transmission DP impossible, appareillage en cours de "
            "traitement",
            "etat": "KO",
        },
    }
    sim.activate(id_client, at="2024-03-02T10:15:00Z")
    statut = api.status(id_client).get_json()["statut"]
    assert statut["code"] == "APPAREILLAGE_VALIDE"
    assert statut["etat"] == "OK"
    assert "02/03/2024 10:15:00" in statut["description"]


def test_status_by_email_and_both_parameters(api):
    id_client = api.register(particulier()).get_json()["idClient"]
    assert api.status(email="Client0@example.fr").get_json()["idClient"] == id_client
    assert api.status(id_client, "client0@example.fr").status_code == 200
    wrong_pair = api.status(id_client, "other@example.fr")
    assert only_error(wrong_pair) == "ERR_RECHERCHE_PARTICULIER"


def test_status_errors(api, sim):
    id_client = api.register(particulier()).get_json()["idClient"]
    assert only_error(api.status()) == "ERREUR_VALIDATION"
    assert only_error(api.status(str(uuid.uuid4()))) == "ERR_RECHERCHE_PARTICULIER"
    other = LocalClient(sim, client_id="other-provider")
    assert only_error(other.status(id_client)) == "ERR_RECHERCHE_PARTICULIER"


def test_register_validation_error_names_the_field(api):
    response = api.register(particulier(prenoms="Jeanne  Marie"))
    (error,) = response.get_json()
    assert error == {
        "code": "ERREUR_VALIDATION",
        "message": "La requête ne respecte pas le format attendu",
        "description": "champ inputParticulier.prenoms : format incorrect",
    }


@pytest.mark.parametrize(
    "body", [b"", b"{not json", b"[]", b'"text"', b"null", b'{"civilite": NaN}']
)
def test_register_malformed_bodies(api, body):
    response = api.client.post(
        f"{API_PREFIX}/particulier",
        data=body,
        headers=dict(api.headers, **{"Content-Type": "application/json"}),
    )
    assert only_error(response) == "ERREUR_VALIDATION"


@pytest.mark.parametrize(
    "date", ["1980-03-29", "1980-03-29T00:00:00+01:00", "1980-03-29T00:00:00"]
)
def test_inscription_dates_need_a_utc_timestamp(api, date):
    response = api.register(particulier(dateNaissance=date))
    assert only_error(response) == "ERREUR_VALIDATION"


# -- POST /demandePaiement -----------------------------------------------------------


def test_transmit_happy_path(api, customer):
    response = api.submit([payment_item(customer)])
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "idClient": customer,
            "idDemandePaiement": "11000000000001",
            "numFactureTiers": "F1",
            "statut": "10",
        }
    ]
    assert transmit(api, customer, "F2", "F3") == ["11000000000002", "11000000000003"]


@pytest.mark.parametrize(
    "mutation",
    [
        {"mntFactureTTC": "50.00"},
        {"inputPrestations": "none"},
        {"dateFacture": "2024-03-15"},
        {"idClient": 12},
    ],
)
def test_transmit_schema_errors_are_400_and_store_nothing(api, sim, customer, mutation):
    valid = payment_item(customer)
    response = api.submit([valid, payment_item(customer, "F2", **mutation)])
    error = only_error(response)
    assert error == "ERREUR_VALIDATION"
    assert response.get_json()[0]["description"].startswith(
        "champ inputDemandePaiements[1]."
    )
    assert sim.payment_requests() == []


def test_transmit_missing_field_and_empty_list(api, customer):
    item = payment_item(customer)
    del item["inputPrestations"][0]["unite"]
    (error,) = api.submit([item]).get_json()
    assert error["description"] == (
        "champ inputDemandePaiements[0].inputPrestations[0].unite : champ obligatoire"
    )
    assert only_error(api.submit([])) == "ERREUR_VALIDATION"
    assert only_error(api.submit({"idClient": customer})) == "ERREUR_VALIDATION"


# -- POST /demandePaiement/rechercher -------------------------------------------------


def test_search_by_ids(api, sim, customer):
    ids = transmit(api, customer, "F1", "F2")
    sim.advance(minutes=1)
    response = api.search({"idDemandePaiements": ids})
    assert response.status_code == 200
    infos = response.get_json()["infoDemandePaiements"]
    assert [i["idDemandePaiement"] for i in infos] == ids
    assert infos[0]["statut"] == {"code": "20", "libelle": "En attente de validation"}
    assert infos[0]["demandePaiement"] == payment_item(customer)
    assert "infoRejet" not in infos[0] and "infoVirement" not in infos[0]
    assert "errors" not in response.get_json()


def test_search_by_ids_answers_in_the_order_asked(api, customer):
    """Found in one query, answered in the order of the ids asked, each once
    (another provider's ids: test_search_is_scoped_to_the_provider)."""
    ids = transmit(api, customer, "F1", "F2", "F3")
    asked = [ids[2], ids[0], ids[2], "999", ids[1]]
    body = api.search({"idDemandePaiements": asked}).get_json()
    assert [i["idDemandePaiement"] for i in body["infoDemandePaiements"]] == [
        ids[2],
        ids[0],
        ids[1],
    ]
    assert [e["code"] for e in body["errors"]] == ["ERR_RECHERCHE_VIDE"]
    assert "999" in body["errors"][0]["description"]


def test_search_reports_unknown_ids_as_non_blocking_errors(api, sim, customer):
    (id_dp,) = transmit(api, customer, "F1")
    response = api.search({"idDemandePaiements": [id_dp, "999"]})
    assert response.status_code == 200
    body = response.get_json()
    assert [i["idDemandePaiement"] for i in body["infoDemandePaiements"]] == [id_dp]
    assert [e["code"] for e in body["errors"]] == ["ERR_RECHERCHE_VIDE"]
    sim.settings.search_errors_key = "Errors"
    assert "Errors" in api.search({"idDemandePaiements": [id_dp, "999"]}).get_json()


def test_search_nothing_found_is_400(api, customer):
    assert (
        only_error(api.search({"idDemandePaiements": ["999"]})) == "ERR_RECHERCHE_VIDE"
    )
    period = {"dateDebut": "2024-01-01T00:00:00Z", "dateFin": "2024-01-31T00:00:00Z"}
    assert only_error(api.search(period)) == "ERR_RECHERCHE_VIDE"


def test_search_by_invoice_numbers(api, customer):
    ids = transmit(api, customer, "F1", "F2")
    response = api.search({"numFactureTiers": ["F2", "F9"]})
    body = response.get_json()
    assert [i["idDemandePaiement"] for i in body["infoDemandePaiements"]] == ids[1:]
    assert body["errors"][0]["code"] == "ERR_RECHERCHE_VIDE"


def test_search_by_period_on_invoice_date(api, customer):
    ids = transmit(api, customer, "F1", "F2")
    # lenient dates: naive, offset or plain dates are accepted on the search
    for period in (
        {"dateDebut": "2024-03-15T00:00:00", "dateFin": "2024-03-15"},
        {"dateDebut": "2024-03-01T00:00:00+01:00"},
        {"dateFin": "2024-03-31T00:00:00Z"},
    ):
        found = api.search(period).get_json()["infoDemandePaiements"]
        assert [i["idDemandePaiement"] for i in found] == ids, period
    assert only_error(api.search({"dateDebut": "2024-03-16"})) == "ERR_RECHERCHE_VIDE"
    assert only_error(api.search({"dateDebut": "mars"})) == "ERREUR_VALIDATION"


def test_search_ids_take_precedence_over_period(api, customer):
    ids = transmit(api, customer, "F1")
    body = {
        "idDemandePaiements": ids,
        "dateDebut": "2020-01-01",
        "dateFin": "2020-01-02",
    }
    assert api.search(body).status_code == 200


def test_search_too_many_results(api, sim, customer):
    transmit(api, customer, "F1", "F2", "F3")
    sim.settings.max_search_results = 2
    assert (
        only_error(api.search({"dateDebut": "2024-03-01"})) == "ERR_NBRE_MAX_RESULTAT"
    )


def test_search_is_scoped_to_the_provider(api, sim, customer):
    ids = transmit(api, customer, "F1")
    other = LocalClient(sim, client_id="other-provider")
    assert only_error(other.search({"idDemandePaiements": ids})) == "ERR_RECHERCHE_VIDE"
    assert only_error(other.search({"numFactureTiers": ["F1"]})) == "ERR_RECHERCHE_VIDE"


# -- routing and logging -----------------------------------------------------------


def test_unknown_paths_and_methods(http):
    assert http.get("/nowhere").status_code == 404
    assert http.get(f"{API_PREFIX}/demandePaiement").status_code == 405


def test_unexpected_failure_is_a_technical_error(api, sim, monkeypatch, caplog):
    def broken(provider, body):
        raise RuntimeError("bug")

    monkeypatch.setattr(sim, "register_customer", broken)
    response = api.register(particulier())
    assert only_error(response, 500) == "ERREUR_TECHNIQUE"
    assert "RuntimeError: bug" in caplog.text


def test_one_log_line_per_request_without_personal_data(api, caplog):
    caplog.set_level(logging.INFO, logger="lib.simulator")
    api.register(particulier())
    api.status(email="client0@example.fr")
    lines = [r.getMessage() for r in caplog.records if r.name == "lib.simulator"]
    assert lines == [
        f"POST {API_PREFIX}/particulier -> 200",
        f"GET {API_PREFIX}/particulier -> 200",
    ]
    text = caplog.text
    for secret in ("Durand", "client0", "FR76", "0612345600", api.token):
        assert secret not in text
