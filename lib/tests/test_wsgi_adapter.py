"""In-process transport: the client talking to a WSGI app without a socket."""

import pytest
import requests

from lib.client import OUTCOME_ACCEPTED, OUTCOME_UNKNOWN, UrssafClient
from lib.exceptions import (
    UrssafBusinessError,
    UrssafOutcomeUnknownError,
    UrssafTemporaryError,
)
from lib.tests.fake_urssaf import STATUS, SUBMIT, FakeUrssaf
from lib.tests.samples import AFTER_SERVICES, customer_payload, payment_payload
from lib.wsgi_adapter import LOCAL_SIMULATION_URL, WSGIAdapter, wsgi_session


@pytest.fixture
def fake():
    return FakeUrssaf()


@pytest.fixture
def client(fake):
    return UrssafClient(
        LOCAL_SIMULATION_URL, "id", "secret", session=wsgi_session(fake)
    )


@pytest.fixture
def sim_client(sim):
    """A client of the simulator, in process."""
    return UrssafClient(
        LOCAL_SIMULATION_URL, "id", "secret", session=wsgi_session(sim.wsgi_app)
    )


def test_every_operation_in_process(client, fake):
    customer_id = client.register_customer(customer_payload())
    assert client.get_customer_status(customer_id).active
    assert fake.calls[STATUS][0]["args"] == {"idClient": customer_id}
    results = client.submit_payment_requests(
        [payment_payload("A"), payment_payload("B")]
    )
    assert [r.outcome for r in results] == [OUTCOME_ACCEPTED] * 2
    found = client.search_by_invoice_numbers(["A", "B"])
    assert sorted(i.invoice_number for i in found.items) == ["A", "B"]
    headers = fake.calls[SUBMIT][0]["headers"]
    assert headers["Authorization"] == f"Bearer {client.token}"
    assert headers["Content-Type"] == "application/json"


def test_error_statuses_in_process(sim_client):
    with pytest.raises(UrssafBusinessError) as info:
        sim_client.register_customer(customer_payload(mobile_phone="0112345678"))
    assert info.value.codes == ["ERR_CONTACT"]


def test_dropped_response_in_process(sim_client, sim):
    sim.inject_fault("inscription", "drop")
    with pytest.raises(UrssafOutcomeUnknownError):
        sim_client.register_customer(customer_payload())
    (customer,) = sim.customers()  # processed although the answer was lost
    sim.activate(customer["id_client"])
    sim.set_time(AFTER_SERVICES)
    sim_client.fetch_token()  # the clock jump expired the first one
    sim.inject_fault("demande", "drop")
    payload = payment_payload(customer_id=customer["id_client"])
    assert sim_client.submit_payment_requests([payload])[0].outcome == OUTCOME_UNKNOWN
    assert len(sim.payment_requests()) == 1  # processed although the answer was lost
    sim.inject_fault("statut", "drop")
    with pytest.raises(UrssafTemporaryError):
        sim_client.get_customer_status("abc")


def test_response_object():
    def app(environ, start_response):
        assert environ["QUERY_STRING"] == "a=1&b=%C3%A9"
        assert environ["wsgi.input"].read() == b'{"x": 1}'
        start_response(
            "418 I'm a teapot", [("Content-Type", "text/plain; charset=utf-8")]
        )
        return [b"t\xc3\xa9"]

    session = requests.Session()
    session.mount("http://app.invalid/", WSGIAdapter(app))
    response = session.post(
        "http://app.invalid/p?a=1&b=%C3%A9", json={"x": 1}, timeout=1
    )
    assert (response.status_code, response.reason, response.text) == (
        418,
        "I'm a teapot",
        "té",
    )
    assert response.headers["content-type"].startswith("text/plain")
    assert response.url == "http://app.invalid/p?a=1&b=%C3%A9"


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "expected"),
    [
        (
            "GET",
            "http://app.invalid:8080/a%20b/%C3%A9%2F?x=%C3%A9",
            {"headers": {"X-Trace": "t1", "Accept": "application/json"}},
            {
                "PATH_INFO": "/a b/é/".encode().decode("latin-1"),
                "QUERY_STRING": "x=%C3%A9",
                "SERVER_NAME": "app.invalid",
                "SERVER_PORT": "8080",
                "HTTP_HOST": "app.invalid:8080",
                "HTTP_X_TRACE": "t1",
                "HTTP_ACCEPT": "application/json",
                "CONTENT_LENGTH": "0",
                "body": b"",
            },
        ),
        (
            "POST",
            "https://app.invalid/p",
            {"json": {"é": 1}},
            {
                "PATH_INFO": "/p",
                "QUERY_STRING": "",
                "SERVER_PORT": "443",
                "HTTP_HOST": "app.invalid",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": "13",
                "body": b'{"\\u00e9": 1}',
            },
        ),
        (
            "POST",
            "http://app.invalid/form",
            {"data": {"a": "b c"}, "headers": {"X-Raw": b"v\xe9"}},
            {
                "SERVER_PORT": "80",
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": "5",
                "HTTP_X_RAW": "vé",
                "body": b"a=b+c",
            },
        ),
    ],
)
def test_environ_as_a_server_builds_it(method, url, kwargs, expected):
    """PEP 3333: what the simulator reads is what a WSGI server would give it
    (the environ is built by hand, werkzeug's builder cost too much)."""
    seen = {}

    def app(environ, start_response):
        seen.update(environ, body=environ["wsgi.input"].read())
        start_response("204 No Content", [])
        return []

    session = wsgi_session(app, url.split("/")[0] + "//app.invalid")
    session.request(method, url, timeout=1, **kwargs)
    assert {key: seen.get(key) for key in expected} == expected
    assert seen["REQUEST_METHOD"] == method
    assert "HTTP_CONTENT_LENGTH" not in seen
    assert "HTTP_CONTENT_TYPE" not in seen


def test_no_proxy_settings_read_in_process(client, monkeypatch):
    """Proxies and .netrc never apply to an in-process call: reading them at
    each call cost more than the simulator's answer."""

    def forbidden(*args, **kwargs):
        raise AssertionError("proxy or .netrc settings read")

    for name in ("get_environ_proxies", "get_netrc_auth"):
        monkeypatch.setattr(requests.sessions, name, forbidden)
    assert client.register_customer(customer_payload())


def test_answer_decoded_once(client, monkeypatch):
    """The caller and the journal entry share one decoding of the answer."""
    decoded = []
    json = requests.Response.json

    def counting(response, **kwargs):
        decoded.append(response.url)
        return json(response, **kwargs)

    monkeypatch.setattr(requests.Response, "json", counting)
    entries = []
    client.on_exchange = entries.append
    client.submit_payment_requests([payment_payload("A")])
    decoded.clear()
    (found,) = client.search_by_invoice_numbers(["A"]).items
    assert len(decoded) == 1
    # The journal keeps its own copy: nothing the caller does reaches it.
    (kept,) = entries[-1].response["infoDemandePaiements"]
    assert kept == found.raw
    assert kept is not found.raw
