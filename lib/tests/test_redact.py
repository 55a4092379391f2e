"""Logging: one INFO line per call, redacted bodies at DEBUG, no secret ever."""

import logging

import pytest

from lib.client import UrssafClient
from lib.exceptions import UrssafBusinessError, UrssafOutcomeUnknownError
from lib.redact import REDACTED, redact
from lib.tests.samples import (
    AFTER_SERVICES,
    BIC,
    IBAN,
    customer_payload,
    payment_payload,
)

SECRET = "s3cr3t-never-logged"
PERSONAL = [
    IBAN,
    BIC,
    "1980-03-29",
    "Durand",
    "Martin",
    "Jeanne",
    "0612345678",
    "jeanne.martin@example.fr",
    "Soleil",
    "69101",
    "Lyon",
    "Cours de piano",
    "Mon commentaire",
]


def test_redact_hides_personal_data_at_any_depth():
    payload = {
        "NomNaissance": "Durand",
        "adressePostale": {"codeCommune": "69101"},
        "items": [{"demandePaiement": {"dateNaissanceClient": "1980-03-29T00:00:00Z"}}],
        "access_token": "abc",
        "mntFactureTTC": 132.0,
        "idClient": "abc-123",
    }
    assert redact(payload) == {
        "NomNaissance": REDACTED,
        "adressePostale": REDACTED,
        "items": [{"demandePaiement": {"dateNaissanceClient": REDACTED}}],
        "access_token": REDACTED,
        "mntFactureTTC": 132.0,
        "idClient": "abc-123",
    }
    assert payload["NomNaissance"] == "Durand"  # the original is untouched
    assert redact("text") == "text"
    assert redact(None) is None


def test_logs_never_contain_secrets_or_personal_data(sim, caplog):
    caplog.set_level(logging.DEBUG)
    with sim.serve() as base_url:
        client = UrssafClient(base_url, "client-id", SECRET)
        customer_id = client.register_customer(customer_payload())
        sim.activate(customer_id)
        sim.set_time(AFTER_SERVICES)
        status = client.get_customer_status(customer_id)
        line_payload = payment_payload(customer_id=customer_id)
        line_payload["inputPrestations"][0]["complement1"] = "Cours de piano de Jeanne"
        results = client.submit_payment_requests([line_payload])
        id_dp = results[0].payment_request_id
        sim.refuse(id_dp, "REGUL_AUTRE", "Mon commentaire")
        client.search_by_ids([id_dp])
        with pytest.raises(UrssafBusinessError):  # already registered
            client.register_customer(customer_payload())
        sim.inject_fault("inscription", "drop")
        with pytest.raises(UrssafOutcomeUnknownError):
            client.register_customer(customer_payload())
    assert status.active
    text = caplog.text
    for secret in [SECRET, client.token, *PERSONAL]:
        assert secret not in text, secret
    assert REDACTED in text
    assert "132.0" in text  # amounts stay visible for support


def test_one_info_line_per_call(sim, caplog):
    caplog.set_level(logging.INFO, logger="lib.client")
    with sim.serve() as base_url:
        client = UrssafClient(base_url, "client-id", SECRET)
        client.register_customer(customer_payload())
        client.submit_payment_requests([payment_payload(f"F{i}") for i in range(11)])
    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "lib.client" and record.levelno == logging.INFO
    ]
    assert len(lines) == 4  # token, registration, two submission batches
    assert lines[0].startswith("Urssaf token POST /api/oauth/v1/token -> HTTP 200 in ")
    assert lines[1].startswith(
        "Urssaf register_customer POST /atp/v1/tiersPrestations/particulier"
    )
    assert all(line.endswith(" ms") for line in lines)
    assert not [r for r in caplog.records if r.levelno == logging.DEBUG]
