"""The simulator over real HTTP on 127.0.0.1: serve(), CLI, scenario."""

import os
import subprocess
import sys
import threading
import time

import pytest
import requests

from lib.codes import OAUTH_SCOPE
from lib.simulator import API_PREFIX, TOKEN_PATH, scenario
from lib.simulator.testing import particulier
from lib.tests.helpers import TRANSMITTED_AT, free_port, payment_item, wait_for

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def served(sim):
    with sim.serve() as base_url:
        yield sim, base_url


def bearer(base_url):
    response = requests.post(
        base_url + TOKEN_PATH,
        data={"grant_type": "client_credentials", "scope": OAUTH_SCOPE},
        auth=("client-id", "client-secret"),
        timeout=5,
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def register(base_url, headers, body=None, timeout=5):
    return requests.post(
        base_url + API_PREFIX + "/particulier",
        json=body or particulier(),
        headers=headers,
        timeout=timeout,
    )


def test_serve_binds_loopback_and_answers(served):
    sim, base_url = served
    assert base_url.startswith("http://127.0.0.1:")
    headers = bearer(base_url)
    api = base_url + API_PREFIX
    response = register(base_url, headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    id_client = response.json()["idClient"]
    sim.activate(id_client)
    sim.set_time(TRANSMITTED_AT)
    headers = bearer(base_url)  # the clock jump expired the first token
    item = payment_item(id_client)
    response = requests.post(
        f"{api}/demandePaiement", json=[item], headers=headers, timeout=5
    )
    assert response.json()[0]["statut"] == "10"
    search = {"numFactureTiers": ["F1"]}
    response = requests.post(
        f"{api}/demandePaiement/rechercher", json=search, headers=headers, timeout=5
    )
    assert response.json()["infoDemandePaiements"][0]["statut"]["code"] == "10"


def test_drop_closes_the_connection_after_processing(served):
    sim, base_url = served
    headers = bearer(base_url)
    sim.inject_fault("inscription", "drop")
    started = time.perf_counter()
    with pytest.raises(requests.ConnectionError):
        register(base_url, headers)
    assert time.perf_counter() - started < 2  # closed, not left hanging
    assert len(sim.customers()) == 1
    # the server keeps serving
    response = requests.get(
        base_url + API_PREFIX + "/particulier",
        params={"adresseMail": "client0@example.fr"},
        headers=headers,
        timeout=5,
    )
    assert response.status_code == 200


def test_delay_makes_the_client_time_out_but_is_processed(served):
    sim, base_url = served
    headers = bearer(base_url)
    sim.inject_fault("inscription", "delay", delay=0.6)
    with pytest.raises(requests.ReadTimeout):
        register(base_url, headers, timeout=0.2)
    wait_for(sim.customers)
    assert len(sim.customers()) == 1


def test_concurrent_requests_are_serialised_safely(served):
    sim, base_url = served
    headers = bearer(base_url)
    results = []

    def register_one(seed):
        response = register(base_url, headers, particulier(seed), timeout=10)
        results.append(response.status_code)

    threads = [
        threading.Thread(target=register_one, args=(seed,)) for seed in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 12
    assert len({c["id_client"] for c in sim.customers()}) == 12


def test_scenario_end_to_end():
    lines = []
    assert scenario.main([], out=lines.append) == 0
    assert lines[-1] == "Scenario succeeded"
    assert any("statuses: {'110': 1, '40': 1, '70': 10}" in line for line in lines)


def test_command_line_server_with_scenario(tmp_path):
    port = free_port()
    db = tmp_path / "cli.sqlite3"
    command = [sys.executable, "-m", "lib.simulator", "--port", str(port)]
    command += ["--db", str(db), "--manual-clock", "2024-01-01T00:00:00Z"]
    server = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                clock = requests.get(f"{base_url}/simulator/clock", timeout=1).json()
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.1)
        assert clock == {"now": "2024-01-01T00:00:00Z", "mode": "manual"}
        result = subprocess.run(
            [sys.executable, "-m", "lib.simulator.scenario", "--url", base_url],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Scenario succeeded" in result.stdout
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert db.exists()
    assert f"Urssaf simulator on {base_url}" in output
    assert "POST /atp/v1/tiersPrestations/demandePaiement -> 200" in output
    assert "client0@example.fr" not in output and "Durand" not in output
