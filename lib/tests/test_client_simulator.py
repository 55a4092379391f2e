"""UrssafClient against the local simulator (lib.simulator).

Over real HTTP on 127.0.0.1, plus the in-process WSGI transport. Payloads
come from lib.payload, so these tests also check that what the client side
builds is accepted by an independent implementation of the API rules.
"""

import dataclasses
import math
from datetime import date, datetime, timezone

import pytest
import requests
from hypothesis import HealthCheck, given, settings

from lib.client import (
    OUTCOME_ACCEPTED,
    OUTCOME_REJECTED,
    OUTCOME_RETRY,
    OUTCOME_UNKNOWN,
    UrssafClient,
)
from lib.exceptions import (
    UrssafAuthError,
    UrssafBusinessError,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from lib.payload import build_customer_payload, build_payment_request_payload
from lib.simulator import ManualClock, Simulator
from lib.tests.helpers import ACTIVATION, wait_for
from lib.tests.samples import (
    AFTER_SERVICES,
    customer_payload,
    make_customer,
    make_payment_request,
)
from lib.tests.strategies import customers, payment_requests
from lib.wsgi_adapter import LOCAL_SIMULATION_URL, wsgi_session

PROVIDER = "provider-test"


@pytest.fixture(scope="module")
def sim():
    sim = Simulator(clock=ManualClock(ACTIVATION))
    yield sim
    sim.close()


@pytest.fixture(scope="module")
def base_url(sim):
    with sim.serve() as url:
        yield url


class CallCounter:
    """Counts HTTP answers per path through a requests response hook."""

    def __init__(self, session, on_answer=None):
        self.paths = []
        self.on_answer = on_answer
        session.hooks["response"].append(self)

    def __call__(self, response, *args, **kwargs):
        path = response.request.path_url.split("?")[0]
        self.paths.append(path)
        if self.on_answer:
            self.on_answer(path)

    def count(self, suffix):
        return sum(path.endswith(suffix) for path in self.paths)


@pytest.fixture
def session():
    with requests.Session() as session:
        yield session


@pytest.fixture
def client(sim, base_url, session):
    sim.reset()
    sim.set_time(ACTIVATION)
    return UrssafClient(base_url, PROVIDER, "secret", timeout=2, session=session)


@pytest.fixture
def customer_id(client, sim):
    """A customer registered and activated on 2024-03-01; clock after March."""
    customer_id = client.register_customer(customer_payload())
    sim.activate(customer_id)
    sim.set_time(AFTER_SERVICES)
    client.fetch_token()  # the jump of the clock expired the first one
    return customer_id


def other_customer():
    """A second person, distinct identity and contact details."""
    return customer_payload(
        first_names="Paul", email="paul@example.fr", mobile_phone="0698765432"
    )


def requests_for(customer_id, count, prefix="F"):
    return [
        build_payment_request_payload(
            make_payment_request(f"{prefix}-{index:03d}", customer_id=customer_id)
        )
        for index in range(count)
    ]


# Every operation ----------------------------------------------------------------


def test_registration_and_status(client, sim):
    customer_id = client.register_customer(customer_payload())
    status = client.get_customer_status(customer_id)
    assert (status.status, status.state, status.active) == (
        "APPAREILLAGE_EC",
        "KO",
        False,
    )
    sim.advance(hours=2)
    sim.activate(customer_id)
    status = client.get_customer_status(customer_id)
    assert status.active and status.state == "OK"
    assert status.activated_at == datetime(2024, 3, 1, 10, 0)
    by_email = client.get_customer_status(email="jeanne.martin@example.fr")
    assert by_email.customer_id == customer_id


def test_full_scenario(client, sim, customer_id):
    """Register, activate, submit 12, progress to paid, one refused, one
    cancelled, and read everything back through the three searches."""
    results = client.submit_payment_requests(requests_for(customer_id, 12))
    assert [r.outcome for r in results] == [OUTCOME_ACCEPTED] * 12
    assert {r.status for r in results} == {"10"}
    ids = [r.payment_request_id for r in results]

    sim.advance(minutes=2)  # 10 -> 20, waiting for the customer
    sim.refuse(ids[0], code="CONTEST_ERR_FACT", commentaire="Pas fait")
    sim.cancel(ids[1], code="ANNUL_ERR_MNT")
    sim.advance(days=7)  # automatic validation, debit, transfer

    found = client.search_by_ids(ids)
    by_id = {item.payment_request_id: item for item in found.items}
    assert set(by_id) == set(ids)
    refused, cancelled = by_id[ids[0]], by_id[ids[1]]
    assert (refused.status, refused.state, refused.final) == ("40", "refused", True)
    assert (refused.rejection_code, refused.rejection_comment) == (
        "CONTEST_ERR_FACT",
        "Pas fait",
    )
    assert (cancelled.status, cancelled.state) == ("110", "cancelled")
    assert cancelled.rejection_code == "ANNUL_ERR_MNT"
    for identifier in ids[2:]:
        paid = by_id[identifier]
        assert (paid.status, paid.state, paid.status_label) == ("70", "paid", "Payée")
        assert str(paid.transfer_amount) == "132.0"
        assert paid.transfer_date.tzinfo is not None
        assert paid.customer_id == customer_id
    numbers = [f"F-{index:03d}" for index in range(12)]
    assert {
        i.invoice_number for i in client.search_by_invoice_numbers(numbers).items
    } == (set(numbers))
    period = client.search_by_period(date(2024, 3, 1), date(2024, 3, 31))
    assert len(period.items) == 12
    assert client.search_by_period(date(2024, 2, 1), date(2024, 2, 28)).items == []


@pytest.mark.parametrize("count", [1, 10, 11, 25])
def test_batches(client, sim, customer_id, session, count):
    calls = CallCounter(session)
    items = requests_for(customer_id, count)
    results = client.submit_payment_requests(items)
    assert calls.count("/demandePaiement") == math.ceil(count / 10)
    assert [r.index for r in results] == list(range(count))
    assert all(r.outcome == OUTCOME_ACCEPTED for r in results)
    for item, result in zip(items, results, strict=True):
        stored = sim.payment_request(result.payment_request_id)
        assert stored["payload"]["numFactureTiers"] == item["numFactureTiers"]
    found = client.search_by_ids([r.payment_request_id for r in results])
    assert calls.count("/rechercher") == math.ceil(count / 10)
    assert len(found.items) == count


# Error channels -------------------------------------------------------------------


def test_registration_refused_on_the_400_channel(client):
    with pytest.raises(UrssafBusinessError) as info:
        client.register_customer(customer_payload(birth_name="Inconnu"))
    assert info.value.codes == ["ERR_DGFIP_R2P_INCONNU"]
    client.register_customer(customer_payload())
    with pytest.raises(UrssafBusinessError) as info:
        client.register_customer(customer_payload())
    assert info.value.codes == ["ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE"]


def test_malformed_batch_is_refused_as_a_whole(client, customer_id):
    items = requests_for(customer_id, 3)
    del items[1]["inputPrestations"][0]["codeNature"]
    results = client.submit_payment_requests(items)
    assert [r.outcome for r in results] == [OUTCOME_REJECTED] * 3
    assert results[0].errors[0].code == "ERREUR_VALIDATION"
    assert "codeNature" in results[0].errors[0].description


def test_business_rejections_on_the_200_channel(client, customer_id):
    first = client.submit_payment_requests(requests_for(customer_id, 1))
    assert first[0].outcome == OUTCOME_ACCEPTED
    future = build_payment_request_payload(
        make_payment_request(
            "FUTURE",
            customer_id=customer_id,
            start=date(2024, 4, 2),
            end=date(2024, 4, 29),
            invoice_date=date(2024, 4, 2),
        )
    )
    stranger = build_payment_request_payload(
        make_payment_request(
            "OK-2", customer_id=customer_id, customer_birth_date=date(1990, 1, 1)
        )
    )
    items = (
        requests_for(customer_id, 1)
        + [future, stranger]
        + requests_for(customer_id, 1, "G")
    )
    results = client.submit_payment_requests(items)
    assert [r.outcome for r in results] == [OUTCOME_REJECTED] * 3 + [OUTCOME_ACCEPTED]
    assert [r.errors[0].code for r in results[:3]] == [
        "ERR_FACTURE_DOUBLON",
        "ERR_DATE_FUTUR",
        "ERR_PARTICULIER_INCONNU",
    ]


def test_payment_request_before_activation(client, sim):
    customer_id = client.register_customer(customer_payload())
    sim.set_time(AFTER_SERVICES)
    (result,) = client.submit_payment_requests(requests_for(customer_id, 1))
    assert result.errors[0].code == "ERR_LIEN_PARTICULIER_PRESTATAIRE"


def test_search_errors(client, customer_id):
    assert client.search_by_ids(["00000000000000"]).items == []
    accepted = client.submit_payment_requests(requests_for(customer_id, 1))
    found = client.search_by_ids([accepted[0].payment_request_id, "00000000000000"])
    assert len(found.items) == 1
    assert [error.code for error in found.errors] == ["ERR_RECHERCHE_VIDE"]


def test_search_errors_with_capital_key(client, sim, customer_id):
    sim.settings.search_errors_key = "Errors"
    try:
        accepted = client.submit_payment_requests(requests_for(customer_id, 1))
        found = client.search_by_ids([accepted[0].payment_request_id, "00000000000000"])
    finally:
        sim.settings.search_errors_key = "errors"
    assert [error.code for error in found.errors] == ["ERR_RECHERCHE_VIDE"]


def test_unknown_customer_status(client):
    with pytest.raises(UrssafBusinessError) as info:
        client.get_customer_status("00000000-0000-0000-0000-000000000000")
    assert info.value.codes == ["ERR_RECHERCHE_PARTICULIER"]


# Faults -----------------------------------------------------------------------------


def test_delay_beyond_the_timeout_means_outcome_unknown(client, sim, customer_id):
    client.timeout = 0.3
    sim.inject_fault("demande", "delay", delay=1.0)
    (result,) = client.submit_payment_requests(requests_for(customer_id, 1))
    assert result.outcome == OUTCOME_UNKNOWN
    # Reconcile by searching: the simulator processed it after the delay.
    wait_for(lambda: client.search_by_invoice_numbers(["F-000"]).items)
    sim.inject_fault("inscription", "delay", delay=1.0)
    with pytest.raises(UrssafOutcomeUnknownError) as info:
        client.register_customer(other_customer())
    assert info.value.code == "OUTCOME_UNKNOWN"
    wait_for(lambda: len(sim.customers()) == 2)  # let it land before the reset
    sim.inject_fault("recherche", "delay", delay=1.0)
    with pytest.raises(UrssafTemporaryError) as info:
        client.search_by_invoice_numbers(["F-000"])
    assert info.value.code == "TIMEOUT"


def test_short_delay_is_harmless(client, sim, customer_id):
    sim.inject_fault("*", "delay", delay=0.2)
    results = client.submit_payment_requests(requests_for(customer_id, 1))
    assert results[0].outcome == OUTCOME_ACCEPTED


def test_technical_error_500(client, sim, customer_id):
    sim.inject_fault("inscription", "error_500")
    with pytest.raises(UrssafTemporaryError) as info:
        client.register_customer(other_customer())
    assert (info.value.code, info.value.http_status) == ("ERREUR_TECHNIQUE", 500)
    sim.inject_fault("demande", "error_500")
    results = client.submit_payment_requests(requests_for(customer_id, 11))
    assert [r.outcome for r in results] == [OUTCOME_RETRY] * 11
    assert results[0].error.code == "ERREUR_TECHNIQUE"
    assert results[10].error.code == "NOT_SENT"
    assert sim.payment_requests() == []


@pytest.mark.parametrize(
    ("operation", "method", "args"),
    [
        ("statut", "get_customer_status", ("abc",)),
        ("inscription", "register_customer", (customer_payload(),)),
        ("token", "fetch_token", ()),
    ],
)
def test_maintenance_503(client, sim, operation, method, args):
    sim.inject_fault(operation, "maintenance_503")
    with pytest.raises(UrssafTemporaryError) as info:
        getattr(client, method)(*args)
    assert info.value.code == "MAINTENANCE"


def test_a_failing_batch_stops_the_following_ones(client, sim, customer_id, session):
    def fail_the_second_batch(path):
        if path.endswith("/demandePaiement") and calls.count("/demandePaiement") == 1:
            sim.inject_fault("demande", "maintenance_503")

    calls = CallCounter(session, on_answer=fail_the_second_batch)
    results = client.submit_payment_requests(requests_for(customer_id, 25))
    assert calls.count("/demandePaiement") == 2
    assert [r.outcome for r in results] == [OUTCOME_ACCEPTED] * 10 + [
        OUTCOME_RETRY
    ] * 15
    assert results[10].error.code == "MAINTENANCE"
    assert results[20].error.code == "NOT_SENT"


def test_empty_400(client, sim):
    sim.inject_fault("inscription", "empty_400")
    with pytest.raises(UrssafBusinessError) as info:
        client.register_customer(customer_payload())
    assert info.value.codes == ["BAD_REQUEST"]
    assert sim.customers() == []


def test_401_renews_the_token_and_retries_once(client, sim, customer_id, session):
    old_token = client.token
    calls = CallCounter(session)
    sim.inject_fault("demande", "expired_token")
    results = client.submit_payment_requests(requests_for(customer_id, 2))
    assert [r.outcome for r in results] == [OUTCOME_ACCEPTED] * 2
    assert client.token != old_token
    assert calls.count("/demandePaiement") == 2
    assert calls.count("/token") == 1  # the renewal


def test_second_401_raises_auth_error_without_looping(
    client, sim, customer_id, session
):
    calls = CallCounter(session)
    sim.inject_fault("statut", "expired_token", times=2)
    with pytest.raises(UrssafAuthError) as info:
        client.get_customer_status(customer_id)
    assert info.value.code == "AUTH_FAILED"
    assert calls.count("/particulier") == 2


def test_refused_credentials(sim, client):
    sim.configure_provider("locked-provider", secret="right")
    wrong = UrssafClient(client.base_url, "locked-provider", "wrong")
    with pytest.raises(UrssafAuthError) as info:
        wrong.get_customer_status("abc")
    assert (info.value.code, info.value.message) == ("TOKEN_ERROR", "invalid_client")


def test_token_refused_stops_before_the_call(client, sim, session):
    calls = CallCounter(session)
    sim.inject_fault("token", "expired_token")  # 401 invalid_client
    with pytest.raises(UrssafAuthError) as info:
        client.get_customer_status("some-id")
    assert (info.value.code, info.value.message) == ("TOKEN_ERROR", "invalid_client")
    assert calls.count("/particulier") == 0


def test_response_dropped_after_processing(client, sim, customer_id):
    sim.inject_fault("demande", "drop")
    (result,) = client.submit_payment_requests(requests_for(customer_id, 1))
    assert result.outcome == OUTCOME_UNKNOWN
    (stored,) = sim.payment_requests()
    found = client.search_by_invoice_numbers(["F-000"]).items
    assert [item.payment_request_id for item in found] == [stored["id"]]
    # Resending blindly would be a duplicate: that is why the outcome is unknown.
    (again,) = client.submit_payment_requests(requests_for(customer_id, 1))
    assert again.errors[0].code == "ERR_FACTURE_DOUBLON"
    sim.inject_fault("inscription", "drop")
    with pytest.raises(UrssafOutcomeUnknownError):
        client.register_customer(other_customer())
    assert (
        client.get_customer_status(email="paul@example.fr").status == "APPAREILLAGE_EC"
    )


def test_dropped_response_to_a_read_is_temporary(client, sim):
    sim.inject_fault("statut", "drop")
    with pytest.raises(UrssafTemporaryError):
        client.get_customer_status("abc")


def test_token_expiry_mid_batch(client, sim, customer_id, session):
    # The simulator's clock jumps two hours after each submission call, so the
    # token the client still believes valid has expired for the next batch.
    def expire_tokens(path):
        if path.endswith("/demandePaiement"):
            sim.advance(hours=2)

    calls = CallCounter(session, on_answer=expire_tokens)
    results = client.submit_payment_requests(requests_for(customer_id, 25))
    assert [r.outcome for r in results] == [OUTCOME_ACCEPTED] * 25
    assert calls.count("/demandePaiement") == 5  # 3 batches, 2 of them retried
    assert calls.count("/token") == 2  # one renewal per expired batch


# In-process transport ---------------------------------------------------------------


def test_in_process_simulation(sim):
    sim.reset()
    sim.set_time(ACTIVATION)
    client = UrssafClient(
        LOCAL_SIMULATION_URL, PROVIDER, "secret", session=wsgi_session(sim.wsgi_app)
    )
    customer_id = client.register_customer(customer_payload())
    sim.activate(customer_id)
    sim.set_time(AFTER_SERVICES)
    results = client.submit_payment_requests(requests_for(customer_id, 11))
    assert all(r.outcome == OUTCOME_ACCEPTED for r in results)
    sim.inject_fault("demande", "drop")
    (lost,) = client.submit_payment_requests(requests_for(customer_id, 1, "LOST"))
    assert lost.outcome == OUTCOME_UNKNOWN
    assert len(client.search_by_invoice_numbers(["LOST-000"]).items) == 1


# Cross-check of the builders against the simulator's rules ---------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customers())
def test_built_customers_are_accepted(sim, customer):
    sim.reset()
    sim.set_time(ACTIVATION)
    client = UrssafClient(
        LOCAL_SIMULATION_URL, PROVIDER, "secret", session=wsgi_session(sim.wsgi_app)
    )
    assert client.register_customer(build_customer_payload(customer))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payment_requests())
def test_built_payment_requests_are_accepted(sim, request):
    sim.reset()
    sim.set_time("2022-06-01T00:00:00Z")
    client = UrssafClient(
        LOCAL_SIMULATION_URL, PROVIDER, "secret", session=wsgi_session(sim.wsgi_app)
    )
    customer_id = client.register_customer(build_customer_payload(make_customer()))
    sim.activate(customer_id)
    sim.set_time(datetime(2024, 12, 31, tzinfo=timezone.utc))
    request = dataclasses.replace(request, customer_id=customer_id)
    (result,) = client.submit_payment_requests([build_payment_request_payload(request)])
    assert result.outcome == OUTCOME_ACCEPTED, result.errors
