"""UrssafClient against a fake Urssaf served over real HTTP on 127.0.0.1.

The fake records what the client sends and serves the wire-format variants
the simulator does not produce; the faults the simulator injects (500, 503,
empty 400, expired token, dropped response, delay) are exercised in
``test_client_simulator.py``.
"""

import math
import socket
from datetime import date, datetime, timedelta

import pytest

import lib.client
from lib.client import (
    MAX_TIMEOUT,
    OUTCOME_ACCEPTED,
    OUTCOME_REJECTED,
    OUTCOME_RETRY,
    OUTCOME_UNKNOWN,
    UrssafClient,
)
from lib.codes import OAUTH_SCOPE
from lib.exceptions import (
    UrssafAuthError,
    UrssafBusinessError,
    UrssafError,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from lib.tests.fake_urssaf import (
    REGISTER,
    SEARCH,
    STATUS,
    SUBMIT,
    TOKEN,
    FakeUrssaf,
    empty_response,
    errors_response,
    json_response,
    passthrough,
    raw_response,
    serve,
)
from lib.tests.helpers import free_port
from lib.tests.samples import customer_payload, payment_payload


@pytest.fixture
def fake():
    return FakeUrssaf()


@pytest.fixture
def base_url(fake):
    with serve(fake) as url:
        yield url


@pytest.fixture
def client(base_url):
    with UrssafClient(base_url, "client-id-test", "s3cr3t-test", timeout=2) as client:
        yield client


def payloads(count):
    return [payment_payload(f"F-{index:03d}") for index in range(count)]


# Token handling -------------------------------------------------------------


def test_token_is_fetched_once_and_reused(client, fake):
    client.register_customer(customer_payload())
    client.get_customer_status("some-id")
    assert fake.count(TOKEN) == 1
    form = fake.calls[TOKEN][0]["form"]
    assert form == {
        "grant_type": "client_credentials",
        "scope": OAUTH_SCOPE,
        "client_id": "client-id-test",
        "client_secret": "s3cr3t-test",
    }
    auth = fake.calls[STATUS][0]["headers"]["Authorization"]
    assert auth == f"Bearer {client.token}"
    assert client.token_expires_at > datetime.utcnow() + timedelta(minutes=59)


def test_token_is_renewed_shortly_before_expiry(client, fake):
    fake.expires_in = 30  # within the renewal margin
    client.get_customer_status("some-id")
    client.get_customer_status("some-id")
    assert fake.count(TOKEN) == 2


def test_prefetched_token_is_used_until_it_expires(base_url, fake):
    token = fake.issue_token()
    later = datetime.utcnow() + timedelta(hours=1)
    client = UrssafClient(base_url, "id", "secret", token=token, token_expires_at=later)
    client.get_customer_status("some-id")
    assert fake.count(TOKEN) == 0
    assert client.token == token
    expired = UrssafClient(
        base_url, "id", "secret", token=token, token_expires_at=datetime(2020, 1, 1)
    )
    expired.get_customer_status("some-id")
    assert fake.count(TOKEN) == 1
    assert expired.token != token


def test_403_is_an_auth_error_without_retry(client, fake):
    fake.script(STATUS, empty_response(403))
    with pytest.raises(UrssafAuthError) as info:
        client.get_customer_status("some-id")
    assert info.value.code == "FORBIDDEN"
    assert fake.count(STATUS) == 1


def test_token_answer_without_token(client, fake):
    fake.script(TOKEN, json_response({"token_type": "Bearer"}))
    with pytest.raises(UrssafAuthError):
        client.fetch_token()


# Operations -------------------------------------------------------------------


def test_register_customer_sends_the_payload(client, fake):
    payload = customer_payload()
    customer_id = client.register_customer(payload)
    assert len(customer_id) == 36
    call = fake.calls[REGISTER][0]
    assert call["json"] == payload
    assert call["headers"]["Content-Type"] == "application/json"
    assert call["headers"]["Accept"] == "application/json"


def test_register_customer_without_id_in_answer_is_unknown(client, fake):
    fake.script(REGISTER, json_response({}))
    with pytest.raises(UrssafOutcomeUnknownError):
        client.register_customer(customer_payload())


def test_customer_status_active(client, fake):
    status = client.get_customer_status("abc")
    assert fake.calls[STATUS][0]["args"] == {"idClient": "abc"}
    assert status.active
    assert status.status == "APPAREILLAGE_VALIDE"
    assert status.state == "OK"
    assert status.activated_at == datetime(2024, 3, 5, 10, 15, 30)


def test_customer_status_pending_by_email_and_list_answer(client, fake):
    body = [
        {
            "idClient": "abc",
            "statut": {
                "code": "APPAREILLAGE_EC",
                "etat": "KO",
                "description": "Transmission DP impossible, appareillage en cours",
            },
        }
    ]
    fake.script(STATUS, json_response(body))
    status = client.get_customer_status(email="a@example.fr")
    assert fake.calls[STATUS][0]["args"] == {"adresseMail": "a@example.fr"}
    assert not status.active
    assert status.activated_at is None
    assert status.customer_id == "abc"
    assert "en cours" in status.label


def test_customer_status_unknown_code_is_kept(client, fake):
    fake.script(STATUS, json_response({"statut": {"code": "NOUVEAU_CODE"}}))
    status = client.get_customer_status("abc")
    assert (status.status, status.label, status.active) == (
        "NOUVEAU_CODE",
        "NOUVEAU_CODE",
        False,
    )


def test_customer_status_requires_a_criterion(client):
    with pytest.raises(ValueError):
        client.get_customer_status()


# Error channels -------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "errors", "Errors"])
def test_400_error_list_in_every_shape(client, fake, key):
    fake.script(
        REGISTER,
        errors_response("ERR_DGFIP_R2P_INCONNU", "ERR_CONTACT", key=key),
    )
    with pytest.raises(UrssafBusinessError) as info:
        client.register_customer(customer_payload())
    assert info.value.codes == ["ERR_DGFIP_R2P_INCONNU", "ERR_CONTACT"]
    assert info.value.code == "ERR_DGFIP_R2P_INCONNU"
    assert info.value.errors[0].description == "desc"
    assert info.value.http_status == 400


@pytest.mark.parametrize("body", [b"<html>Bad Request</html>", b"{}"])
def test_400_without_usable_body(client, fake, body):
    fake.script(REGISTER, raw_response(body, 400))
    with pytest.raises(UrssafBusinessError) as info:
        client.register_customer(customer_payload())
    assert info.value.codes == ["BAD_REQUEST"]


def test_per_item_errors_inside_a_200(client, fake):
    items = payloads(3)

    def answer(request, fake):
        accepted = fake.default(request).get_json()
        accepted[1] = {
            "numFactureTiers": items[1]["numFactureTiers"],
            "errors": [{"code": "ERR_FACTURE_DOUBLON", "message": "Doublon"}],
        }
        accepted[2] = {
            "numFactureTiers": items[2]["numFactureTiers"],
            "statut": "ERR_X",
        }
        return json_response(accepted)

    fake.script(SUBMIT, answer)
    results = client.submit_payment_requests(items)
    outcomes = [r.outcome for r in results]
    assert outcomes == [OUTCOME_ACCEPTED, OUTCOME_REJECTED, OUTCOME_REJECTED]
    assert results[0].status == "10"
    assert results[0].payment_request_id
    assert results[1].errors[0].code == "ERR_FACTURE_DOUBLON"
    assert results[1].payment_request_id is None
    assert results[2].errors[0].code == "ERR_X"


@pytest.mark.parametrize(
    ("response", "code"),
    [
        (empty_response(500), "SERVER_ERROR"),
        (empty_response(429), "RATE_LIMITED"),
    ],
)
def test_server_errors_are_temporary(client, fake, response, code):
    fake.script(REGISTER, response)
    with pytest.raises(UrssafTemporaryError) as info:
        client.register_customer(customer_payload())
    assert info.value.code == code


def test_gateway_error_after_sending_a_submission_is_unknown(client, fake):
    fake.script(REGISTER, empty_response(504))
    with pytest.raises(UrssafOutcomeUnknownError):
        client.register_customer(customer_payload())
    fake.script(STATUS, empty_response(504))
    with pytest.raises(UrssafTemporaryError):
        client.get_customer_status("abc")


def test_other_http_errors_are_permanent(client, fake):
    fake.script(STATUS, empty_response(404))
    with pytest.raises(UrssafError) as info:
        client.get_customer_status("abc")
    assert type(info.value) is UrssafError
    assert info.value.code == "HTTP_404"


def test_non_json_success(client, fake):
    fake.script(SUBMIT, raw_response(b"<html>", 200))
    assert client.submit_payment_requests(payloads(1))[0].outcome == OUTCOME_UNKNOWN
    fake.script(SEARCH, raw_response(b"<html>", 200))
    with pytest.raises(UrssafTemporaryError):
        client.search_by_ids(["1"])


# Transport failures ---------------------------------------------------------------


def test_connection_refused_is_temporary_even_for_submissions():
    client = UrssafClient(f"http://127.0.0.1:{free_port()}", "id", "secret", token="t")
    with pytest.raises(UrssafTemporaryError) as info:
        client.register_customer(customer_payload())
    assert info.value.code == "NETWORK_ERROR"
    result = client.submit_payment_requests(payloads(1))[0]
    assert result.outcome == OUTCOME_RETRY


def test_connect_timeout_is_temporary_even_for_submissions():
    # A listening socket whose accept queue is full never completes new
    # handshakes: the connection times out before anything is sent.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        client = UrssafClient(
            f"http://127.0.0.1:{port}", "id", "s", token="t", timeout=0.3
        )
        try:
            with pytest.raises(UrssafTemporaryError) as info:
                client.register_customer(customer_payload())
            assert info.value.code == "TIMEOUT"
        finally:
            for filler in fillers:
                filler.close()


def test_invalid_base_url_is_a_configuration_error():
    client = UrssafClient("not-a-url", "id", "secret", token="t")
    with pytest.raises(UrssafError) as info:
        client.get_customer_status("abc")
    assert info.value.code == "CONFIGURATION"


def test_timeout_is_mandatory_and_capped():
    assert UrssafClient("http://x", "i", "s", timeout=1000).timeout == MAX_TIMEOUT
    assert UrssafClient("http://x", "i", "s", timeout=None).timeout > 0


# Batching -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 10, 11, 25])
def test_submission_batches(client, fake, count):
    items = payloads(count)
    results = client.submit_payment_requests(items)
    assert fake.count(SUBMIT) == math.ceil(count / 10)
    sizes = [len(call["json"]) for call in fake.calls[SUBMIT]]
    assert max(sizes) <= 10 and sum(sizes) == count
    assert [r.index for r in results] == list(range(count))
    assert [r.invoice_number for r in results] == [i["numFactureTiers"] for i in items]
    assert all(r.outcome == OUTCOME_ACCEPTED for r in results)
    assert len({r.payment_request_id for r in results}) == count


def test_batch_size_constant_can_be_patched(client, fake, monkeypatch):
    monkeypatch.setattr(lib.client, "MAX_BATCH_SIZE", 3)
    client.submit_payment_requests(payloads(7))
    assert [len(call["json"]) for call in fake.calls[SUBMIT]] == [3, 3, 1]


def test_a_rejected_batch_does_not_stop_the_others(client, fake):
    fake.script(SUBMIT, passthrough, errors_response("ERREUR_VALIDATION"))
    results = client.submit_payment_requests(payloads(25))
    assert fake.count(SUBMIT) == 3
    outcomes = [r.outcome for r in results]
    assert (
        outcomes
        == [OUTCOME_ACCEPTED] * 10 + [OUTCOME_REJECTED] * 10 + [OUTCOME_ACCEPTED] * 5
    )
    assert results[10].errors[0].code == "ERREUR_VALIDATION"


def test_answer_items_are_matched_by_invoice_number(client, fake):
    def reversed_and_truncated(request, fake):
        answer = fake.default(request).get_json()
        return json_response(list(reversed(answer))[:-1])

    fake.script(SUBMIT, reversed_and_truncated)
    items = payloads(3)
    results = client.submit_payment_requests(items)
    assert [r.outcome for r in results] == [OUTCOME_UNKNOWN] + [OUTCOME_ACCEPTED] * 2
    stored = fake.payment_requests
    for result in results[1:]:
        assert (
            stored[result.payment_request_id]["numFactureTiers"]
            == result.invoice_number
        )


def test_empty_submission_makes_no_call(client, fake):
    assert client.submit_payment_requests([]) == []
    assert fake.count(SUBMIT) == 0


# Search -----------------------------------------------------------------------------


def test_search_by_ids_is_chunked(client, fake):
    results = client.submit_payment_requests(payloads(25))
    ids = [r.payment_request_id for r in results]
    found = client.search_by_ids(ids + ["99999"])
    assert fake.count(SEARCH) == 3
    assert all(len(c["json"]["idDemandePaiements"]) <= 10 for c in fake.calls[SEARCH])
    assert sorted(i.payment_request_id for i in found.items) == sorted(ids)
    assert [e.description for e in found.errors] == ["99999"]
    first = found.items[0]
    assert (first.status, first.state, first.status_label) == (
        "20",
        "pending",
        "En attente de validation",
    )
    assert first.invoice_number.startswith("F-")
    assert not first.final


def test_search_by_invoice_numbers(client, fake):
    client.submit_payment_requests(payloads(2))
    found = client.search_by_invoice_numbers(["F-001"])
    assert fake.calls[SEARCH][0]["json"] == {"numFactureTiers": ["F-001"]}
    assert [i.invoice_number for i in found.items] == ["F-001"]


def test_search_nothing_found_is_empty(client, fake):
    found = client.search_by_ids(["1"])
    assert (found.items, found.errors) == ([], [])


def test_search_other_errors_raise(client, fake):
    fake.script(SEARCH, errors_response("ERR_NBRE_MAX_RESULTAT"))
    with pytest.raises(UrssafBusinessError):
        client.search_by_period(date(2024, 1, 1), date(2024, 12, 31))
    assert fake.calls[SEARCH][0]["json"] == {
        "dateDebut": "2024-01-01T00:00:00Z",
        "dateFin": "2024-12-31T00:00:00Z",
    }


def test_search_results_are_parsed_tolerantly(client, fake):
    infos = [
        {
            "idDemandePaiement": "1",
            "statut": {"code": "999", "libelle": "Nouveau statut"},
        },
        {"idDemandePaiement": "2", "statut": "15"},
        {"idDemandePaiement": "3"},
        {
            "idDemandePaiement": "4",
            "statut": {"code": "70", "libelle": "Payée"},
            "infoVirement": {
                "mntVirement": 132.5,
                "dateVirement": "2024-04-05T00:00:00Z",
            },
        },
        {
            "idDemandePaiement": "5",
            "statut": {"code": "50"},
            "infoVirement": {"dateVirement": "2024-04-05"},
        },
        {
            "idDemandePaiement": "6",
            "statut": {"code": "40"},
            "infoRejet": {"code": "CONTEST_ERR_FACT", "commentaire": "Erreur"},
        },
        "garbage",
    ]
    body = {"infoDemandePaiements": infos, "Errors": [{"code": "ERR_A"}]}
    fake.script(SEARCH, json_response(body))
    found = client.search_by_ids(["1", "2", "3", "4", "5", "6"])
    by_id = {item.payment_request_id: item for item in found.items}
    assert [e.code for e in found.errors] == ["ERR_A"]
    assert (by_id["1"].status, by_id["1"].state, by_id["1"].status_label) == (
        "999",
        "unknown",
        "Nouveau statut",
    )
    assert (by_id["2"].status, by_id["2"].state) == ("15", "unknown")
    assert "15" in by_id["2"].status_label
    assert by_id["3"].status is None
    assert str(by_id["4"].transfer_amount) == "132.5"
    assert by_id["4"].final and by_id["4"].state == "paid"
    assert by_id["5"].transfer_amount is None
    assert by_id["5"].transfer_date.isoformat() == "2024-04-05T00:00:00+00:00"
    assert (by_id["6"].rejection_code, by_id["6"].state) == (
        "CONTEST_ERR_FACT",
        "refused",
    )
