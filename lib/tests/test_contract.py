"""Contract: what the builders produce validates against the official swagger.

The swagger 1.29.1 definitions are used with unknown properties forbidden
(a misspelt field fails) and its Java ``\\pL`` patterns translated (the
translation is tested in ``test_simulator_schema.py``).
"""

from datetime import date, datetime

import pytest
from hypothesis import given

from lib.payload import (
    Address,
    BirthPlace,
    ServiceLine,
    build_customer_payload,
    build_payment_request_payload,
    build_search_payload,
)
from lib.tests.samples import customer_payload, make_payment_request, payment_payload
from lib.tests.strategies import customers, payment_requests
from lib.tests.swagger_schema import body_validator, definition_validator

CUSTOMER = definition_validator("InputParticulierDTO")
PAYMENT_REQUESTS = body_validator("/demandePaiement")
SEARCH = definition_validator("InputRechercheDemandePaiement")


def assert_valid(validator, instance):
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)
    ]
    assert errors == []


def test_contract_rejects_what_it_should():
    payload = customer_payload()
    payload["prenom"] = "typo"
    assert list(CUSTOMER.iter_errors(payload))
    del payload["prenom"]
    payload["lieuNaissance"]["departementNaissance"] = "69"
    assert list(CUSTOMER.iter_errors(payload))


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"usage_name": None},
        {"birth_place": BirthPlace("99100", "2A004", "Ajaccio")},
        {"birth_place": BirthPlace("99100", "97411", "Saint-Denis")},
        {"birth_place": BirthPlace("99100", "75056")},
        {"birth_place": BirthPlace("99109")},
        {"first_names": "Eric-Antoine Derc'hen Jean alain", "birth_name": "Le Goff"},
        {
            "address": Address.from_street(
                "12 bis av. Jean Jaurès",
                street2="Bât. A",
                city="AJACCIO",
                city_code="2A004",
                zip_code="20000",
            )
        },
        {
            "address": Address(
                city="X", city_code="01001", zip_code="01000", locality="Les Granges"
            )
        },
        {"mobile_phone": "+33 7 12 34 56 78"},
    ],
)
def test_customer_payloads(overrides):
    assert_valid(CUSTOMER, customer_payload(**overrides))


def test_payment_request_payloads():
    lines = [
        ServiceLine(
            "100",
            "1.5",
            "40",
            vat_rate=20,
            description="Cours de maths",
            activity_code="100A001",
            start=datetime(2024, 3, 4, 17),
            end=datetime(2024, 3, 4, 18, 30),
        ),
        ServiceLine("60", 2, "25.50", unit="FORFAIT"),
    ]
    requests = [
        payment_payload(),
        payment_payload(
            "F2",
            lines=lines,
            total="111.01",
            deposit_amount=10,
            deposit_date=date(2024, 3, 1),
        ),
    ]
    assert_valid(PAYMENT_REQUESTS, requests)


@pytest.mark.parametrize(
    "criteria",
    [
        {"ids": ["11000000000104"]},
        {"invoice_numbers": ["F1", "F2"]},
        {"date_from": date(2024, 1, 1), "date_to": date(2024, 1, 31)},
    ],
)
def test_search_payloads(criteria):
    assert_valid(SEARCH, build_search_payload(**criteria))


@given(customers())
def test_generated_customers_follow_the_contract(customer):
    assert_valid(CUSTOMER, build_customer_payload(customer))


@given(payment_requests())
def test_generated_payment_requests_follow_the_contract(request):
    assert_valid(PAYMENT_REQUESTS, [build_payment_request_payload(request)])


def test_batch_of_ten_follows_the_contract():
    batch = [
        build_payment_request_payload(make_payment_request(f"F{i}")) for i in range(10)
    ]
    assert_valid(PAYMENT_REQUESTS, batch)
