"""Formats and predicates shared by the client validators and the simulator."""

from datetime import date, datetime

import pytest

from lib.formats import (
    INSEE_COMMUNE_RE,
    INTERVENANT_RE,
    iban_checksum_ok,
    strip_accents,
    urssaf_midnight,
    urssaf_month_start,
)


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("FR7630004000031234567890143", True),
        ("fr7630004000031234567890143", True),  # case does not matter
        ("DE89370400440532013000", True),
        ("FR7630004000031234567890144", False),  # wrong check digits
        ("FR76 3000 4000 0312 3456 7890 143", False),
        ("", False),
    ],
)
def test_iban_checksum(iban, valid):
    assert iban_checksum_ok(iban) is valid


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("69123", True),
        ("2A004", True),
        ("2b033", True),
        ("97411", True),
        ("6912", False),
        ("691234", False),
        ("2C004", False),
        ("A9123", False),
    ],
)
def test_insee_commune_code(code, valid):
    assert bool(INSEE_COMMUNE_RE.fullmatch(code)) is valid


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("SAP123456789", True),
        ("SIR12345678900011", True),
        ("SAP12345", False),
        ("SIR123456789", False),
        ("sap123456789", False),
        ("123456789", False),
    ],
)
def test_intervenant_number(number, valid):
    assert bool(INTERVENANT_RE.fullmatch(number)) is valid


def test_strip_accents():
    assert strip_accents("Éloïse Çà-et-là") == "Eloise Ca-et-la"
    assert strip_accents("Łódź") == "Łodz"  # Ł has no combining mark


@pytest.mark.parametrize(
    ("now", "start"),
    [
        # 1 April 00:30 in Paris (summer time) is already April there.
        (datetime(2026, 3, 31, 22, 30), datetime(2026, 3, 31, 22, 0)),
        (datetime(2026, 3, 31, 21, 59), datetime(2026, 2, 28, 23, 0)),
        # Winter time: midnight in Paris is 23:00 UTC the day before.
        (datetime(2026, 12, 31, 23, 30), datetime(2026, 12, 31, 23, 0)),
        (datetime(2027, 1, 15, 12, 0), datetime(2026, 12, 31, 23, 0)),
        (datetime(2028, 2, 29, 12, 0), datetime(2028, 1, 31, 23, 0)),
    ],
)
def test_urssaf_month_start(now, start):
    assert urssaf_month_start(now) == start


def test_urssaf_midnight():
    assert urssaf_midnight(date(2027, 1, 1)) == datetime(2026, 12, 31, 23, 0)
    assert urssaf_midnight(date(2026, 7, 14)) == datetime(2026, 7, 13, 22, 0)
