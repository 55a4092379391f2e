"""Every call the client makes is reported as an Exchange for the journal."""

import json

import pytest

from lib.client import UrssafClient
from lib.codes import TOKEN_PATH
from lib.exceptions import UrssafBusinessError, UrssafOutcomeUnknownError
from lib.journal import exchange_keys
from lib.redact import for_journal, mask_iban
from lib.tests.samples import AFTER_SERVICES, customer_payload
from lib.tests.test_client_simulator import requests_for
from lib.wsgi_adapter import LOCAL_SIMULATION_URL, wsgi_session

SECRET = "s3cr3t-value"


@pytest.fixture
def journal():
    return []


@pytest.fixture
def client(sim, journal):
    return UrssafClient(
        LOCAL_SIMULATION_URL,
        "provider-journal",
        SECRET,
        session=wsgi_session(sim.wsgi_app),
        on_exchange=journal.append,
    )


@pytest.fixture
def customer_id(client, sim, journal):
    customer_id = client.register_customer(customer_payload())
    sim.activate(customer_id)
    sim.set_time(AFTER_SERVICES)
    client.fetch_token()
    journal.clear()
    return customer_id


def test_one_exchange_per_call_token_included_without_any_secret(client, journal):
    client.register_customer(customer_payload())
    token, register = journal
    assert (token.operation, token.method, token.path) == ("token", "POST", TOKEN_PATH)
    assert token.request == {
        "grant_type": "client_credentials",
        "scope": token.request["scope"],
    }
    assert token.response["access_token"] == "***"
    assert (register.operation, register.outcome, register.http_status) == (
        "M010",
        "ok",
        200,
    )
    assert register.request["nomNaissance"] == "Durand"
    assert register.response["idClient"]
    assert register.duration_ms >= 0 and register.started_at.tzinfo is None
    text = json.dumps([(e.request, e.response) for e in journal], default=str)
    assert SECRET not in text and client.token not in text
    assert client.last_exchange_ref == register.ref


def test_iban_is_masked_in_the_journal(client, journal):
    client.register_customer(customer_payload())
    iban = journal[-1].request["coordonneeBancaire"]["iban"]
    assert "****" in iban and len(iban) == 14
    assert mask_iban("FR76 3000 4000 0312 3456 7890 143") == "FR76 **** 0143"
    assert for_journal({"client_secret": "x", "nom": "A"}) == {
        "client_secret": "***",
        "nom": "A",
    }


def test_refused_registration_keeps_the_codes(client, journal):
    with pytest.raises(UrssafBusinessError) as info:
        client.register_customer(customer_payload(email="not-an-email"))
    exchange = journal[-1]
    assert exchange.outcome == "refused" and exchange.http_status == 400
    assert exchange.error_codes == tuple(info.value.codes)


def test_status_query_is_journaled_as_sent(client, journal, customer_id):
    status = client.get_customer_status(customer_id)
    (exchange,) = journal
    assert exchange.operation == "M020" and exchange.method == "GET"
    assert exchange.request == {"query": {"idClient": customer_id}}
    assert status.customer_id == customer_id
    assert client.last_exchange_ref == exchange.ref


def test_a_batch_of_ten_is_one_exchange(client, journal, customer_id):
    results = client.submit_payment_requests(requests_for(customer_id, 12))
    first, second = journal
    assert (first.operation, len(first.request), len(second.request)) == (
        "M050",
        10,
        2,
    )
    assert {r.exchange_ref for r in results[:10]} == {first.ref}
    assert {r.exchange_ref for r in results[10:]} == {second.ref}
    found = client.search_by_ids([r.payment_request_id for r in results])
    assert {item.exchange_ref for item in found.items} == {e.ref for e in journal[2:]}
    assert [e.operation for e in journal[2:]] == ["M070", "M070"]


def test_a_lost_answer_is_journaled_without_answer(client, sim, journal, customer_id):
    sim.inject_fault("demande", "drop")
    (result,) = client.submit_payment_requests(requests_for(customer_id, 1))
    assert isinstance(result.error, UrssafOutcomeUnknownError)
    exchange = journal[-1]
    assert exchange.outcome == "unknown" and exchange.response is None
    assert exchange.request[0]["numFactureTiers"]
    assert result.exchange_ref == exchange.ref


def test_an_empty_search_is_an_ordinary_answer(client, journal, customer_id):
    assert client.search_by_invoice_numbers(["NOWHERE-1"]).items == []
    assert (journal[-1].outcome, journal[-1].error_codes) == (
        "ok",
        ("ERR_RECHERCHE_VIDE",),
    )


def test_server_error_is_temporary(client, sim, journal, customer_id):
    sim.inject_fault("recherche", "error_500")
    with pytest.raises(Exception):  # noqa: B017 - the class is tested elsewhere
        client.search_by_invoice_numbers(["X-1"])
    assert journal[-1].outcome == "temporary" and journal[-1].http_status == 500


def test_what_an_exchange_is_about(client, journal, customer_id):
    results = client.submit_payment_requests(requests_for(customer_id, 2))
    keys = exchange_keys(journal[-1])
    assert ("customer", customer_id) in keys
    assert {("invoice", "F-000"), ("invoice", "F-001")} <= keys
    assert {("request", r.payment_request_id) for r in results} <= keys
    client.search_by_ids([results[0].payment_request_id])
    assert ("request", results[0].payment_request_id) in exchange_keys(journal[-1])
    client.get_customer_status(email="Jeanne.Martin@Example.fr")
    assert ("email", "jeanne.martin@example.fr") in exchange_keys(journal[-1])
