"""Fictitious sample data shared by the tests (no real person, no real IBAN)."""

import dataclasses
from datetime import date, datetime
from decimal import Decimal

from lib.formats import format_api_datetime
from lib.payload import (
    Address,
    BankAccount,
    BirthPlace,
    Customer,
    PaymentRequest,
    ServiceLine,
    build_customer_payload,
    build_payment_request_payload,
)

# Valid mod-97 IBAN from public documentation examples.
IBAN = "FR7630004000031234567890143"
BIC = "BNPAFRPP"
BIRTH_DATE = date(1980, 3, 29)
# A fixed "now" after the sample service period, and as a simulator clock.
NOW = datetime(2024, 4, 2, 12, 0)
AFTER_SERVICES = format_api_datetime(NOW)


def make_customer(**overrides):
    customer = Customer(
        civility="2",
        birth_name="Durand",
        usage_name="Martin",
        first_names="Jeanne Marie",
        birth_date=BIRTH_DATE,
        birth_place=BirthPlace("99100", "69123", "Lyon"),
        mobile_phone="06 12 34 56 78",
        email="jeanne.martin@example.fr",
        address=Address.from_street(
            "8 rue du Soleil", city="LYON 01", city_code="69101", zip_code="69001"
        ),
        bank_account=BankAccount(IBAN, BIC, "Mme Jeanne Martin"),
    )
    return dataclasses.replace(customer, **overrides)


def customer_payload(**overrides):
    return build_customer_payload(make_customer(**overrides))


def make_payment_request(number="F2024-0001", **overrides):
    request = PaymentRequest(
        customer_id="6a56a628-b09e-8707-787e-10f218a2d550",
        customer_birth_date=BIRTH_DATE,
        invoice_number=number,
        invoice_date=date(2024, 3, 31),
        start=date(2024, 3, 4),
        end=date(2024, 3, 28),
        intervenant="SAP123456789",
        lines=[ServiceLine("60", 4, Decimal("33"), vat_rate=10)],
    )
    return dataclasses.replace(request, **overrides)


def payment_payload(number="F2024-0001", **overrides):
    return build_payment_request_payload(make_payment_request(number, **overrides))
