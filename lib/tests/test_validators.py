"""Local validators: every rule, all problems at once, never a crash."""

import re
from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.payload import build_customer_payload, build_payment_request_payload
from lib.simulator.schema import java_pattern_to_python
from lib.simulator.swagger import load_swagger
from lib.simulator.testing import DELETE as MISSING
from lib.tests.helpers import replaced
from lib.tests.samples import NOW, customer_payload, payment_payload
from lib.tests.strategies import customers, first_names, names, payment_requests
from lib.validators import (
    MESSAGES,
    NAME_MAX_LENGTH,
    Problem,
    is_valid_first_names,
    is_valid_name,
    make_problem,
    validate_customer_payload,
    validate_payment_request_payload,
)

UTC_NOW = NOW.replace(tzinfo=timezone.utc)


def changed(payload, path, value):
    """Copy of ``payload`` with ``path`` (dots, [index]) set or deleted."""
    keys = [int(k) if k.isdigit() else k for k in re.split(r"\.|\[|\]\.?", path) if k]
    return replaced(payload, keys, value)


def codes(problems):
    return [(problem.path, problem.code) for problem in problems]


def check_customer(path, value):
    return codes(validate_customer_payload(changed(customer_payload(), path, value)))


def check_payment(path, value, payload=None):
    payload = changed(payload or payment_payload(), path, value)
    return codes(validate_payment_request_payload(payload, now=UTC_NOW))


# Customer -------------------------------------------------------------------------


def test_valid_customer_has_no_problem():
    assert validate_customer_payload(customer_payload()) == []


@pytest.mark.parametrize(
    "path",
    [
        "civilite",
        "nomNaissance",
        "prenoms",
        "dateNaissance",
        "lieuNaissance",
        "lieuNaissance.codePaysNaissance",
        "lieuNaissance.departementNaissance",
        "lieuNaissance.communeNaissance",
        "lieuNaissance.communeNaissance.codeCommune",
        "lieuNaissance.communeNaissance.libelleCommune",
        "numeroTelephonePortable",
        "adresseMail",
        "adressePostale",
        "adressePostale.libelleCommune",
        "adressePostale.codeCommune",
        "adressePostale.codePostal",
        "adressePostale.codePays",
        "coordonneeBancaire",
        "coordonneeBancaire.bic",
        "coordonneeBancaire.iban",
        "coordonneeBancaire.titulaire",
    ],
)
@pytest.mark.parametrize("value", [MISSING, "", None])
def test_customer_required_fields(path, value):
    code = "BIC_REQUIRED" if path == "coordonneeBancaire.bic" else "REQUIRED"
    assert check_customer(path, value) == [(path, code)]


@pytest.mark.parametrize(
    ("iban", "bic", "expected"),
    [
        ("FR7630004000031234567890144", "BNPAFRPP", ["IBAN_CHECKSUM"]),
        ("FR76 3000", "BNPAFRPP", ["IBAN_INVALID"]),
        ("FR7630004000031234567890143", "", ["BIC_REQUIRED"]),
        ("FR7630004000031234567890143", "BNPA", ["BIC_INVALID"]),
    ],
)
def test_one_message_per_bank_problem(iban, bic, expected):
    payload = customer_payload()
    payload["coordonneeBancaire"].update(iban=iban, bic=bic)
    problems = validate_customer_payload(payload)
    assert [problem.code for problem in problems] == expected
    if bic == "":
        assert "RIB" in problems[0].message_fr
        assert "bank" in problems[0].message_en


def test_all_problems_are_reported_at_once():
    payload = customer_payload()
    payload["nomNaissance"] = "Dur4nd"
    payload["numeroTelephonePortable"] = "0140000000"
    payload["adresseMail"] = "a+b@example.fr"
    payload["coordonneeBancaire"]["iban"] = "FR7630004000031234567890144"
    del payload["lieuNaissance"]["departementNaissance"]
    problems = validate_customer_payload(payload)
    assert codes(problems) == [
        ("nomNaissance", "NAME_INVALID"),
        ("lieuNaissance.departementNaissance", "REQUIRED"),
        ("numeroTelephonePortable", "PHONE_NOT_MOBILE"),
        ("adresseMail", "EMAIL_PLUS_SIGN"),
        ("coordonneeBancaire.iban", "IBAN_CHECKSUM"),
    ]
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.message_fr and problem.message_en
        assert problem.message_fr != problem.message_en


@pytest.mark.parametrize(
    "name",
    ["Durand", "D'Artagnan", "Le Goff", "Saint-Exupéry", "Ñúñez", "O'Neil-Smith", "X"],
)
def test_valid_names(name):
    assert check_customer("nomNaissance", name) == []
    assert check_customer("nomUsage", name) == []


@pytest.mark.parametrize(
    "name",
    ["Durand2", "-Durand", "Durand-", "Dur@nd", "'", " Durand", "Durand.", "Ł_x"],
)
def test_invalid_names(name):
    assert check_customer("nomNaissance", name) == [("nomNaissance", "NAME_INVALID")]
    assert check_customer("nomUsage", name) == [("nomUsage", "NAME_INVALID")]


@pytest.mark.parametrize("field", ["nomNaissance", "nomUsage", "prenoms"])
def test_eighty_character_limit(field):
    assert check_customer(field, "a" * NAME_MAX_LENGTH) == []
    assert check_customer(field, "a" * (NAME_MAX_LENGTH + 1)) == [(field, "TOO_LONG")]


@pytest.mark.parametrize(
    "value", ["Jeanne", "Jeanne Marie", "Jean-Pierre", "Anne-Marie Éloïse"]
)
def test_valid_first_names(value):
    assert check_customer("prenoms", value) == []


@pytest.mark.parametrize(
    "value", ["Jeanne  Marie", "Jean-", "Jean -Pierre", "J3an", " Jean"]
)
def test_invalid_first_names(value):
    assert check_customer("prenoms", value) == [("prenoms", "FIRST_NAMES_INVALID")]


def official_pattern(field):
    """The swagger pattern of an ``InputParticulierDTO`` field, for ``re``."""
    properties = load_swagger()["definitions"]["InputParticulierDTO"]["properties"]
    return java_pattern_to_python(properties[field]["pattern"])


@given(names())
def test_valid_names_match_the_official_pattern(name):
    assert is_valid_name(name)
    assert re.search(official_pattern("nomNaissance"), name)


@given(first_names())
def test_valid_first_names_match_the_official_pattern(value):
    assert is_valid_first_names(value)
    assert re.search(official_pattern("prenoms"), value)


@given(st.text(max_size=30))
def test_names_accepted_locally_are_accepted_by_the_official_pattern(value):
    if is_valid_name(value):
        assert re.search(official_pattern("nomNaissance"), value)
    if is_valid_first_names(value):
        assert re.search(official_pattern("prenoms"), value)


def test_civility():
    assert check_customer("civilite", "3") == [("civilite", "CIVILITY_INVALID")]
    assert check_customer("civilite", 1) == [("civilite", "TYPE_INVALID")]


@pytest.mark.parametrize(
    "value",
    ["1980-03-29", "1980-03-29T00:00:00+01:00", "29/03/1980", "1980-02-30T00:00:00Z"],
)
def test_birth_date_format(value):
    assert check_customer("dateNaissance", value) == [("dateNaissance", "DATE_INVALID")]


def test_birth_date_in_the_future():
    payload = changed(customer_payload(), "dateNaissance", "2030-01-01T00:00:00.000Z")
    problems = validate_customer_payload(payload, today=date(2024, 1, 1))
    assert codes(problems) == [("dateNaissance", "BIRTH_DATE_FUTURE")]


@pytest.mark.parametrize(
    ("department", "commune"),
    [("02A", "004"), ("02b", "033"), ("974", "011"), ("976", "011")],
)
def test_birth_place_corsica_and_overseas(department, commune):
    payload = changed(
        customer_payload(), "lieuNaissance.departementNaissance", department
    )
    payload = changed(payload, "lieuNaissance.communeNaissance.codeCommune", commune)
    assert validate_customer_payload(payload) == []


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("lieuNaissance.codePaysNaissance", "FR", "COUNTRY_CODE_INVALID"),
        ("lieuNaissance.departementNaissance", "69", "BIRTH_DEPARTMENT_INVALID"),
        ("lieuNaissance.departementNaissance", "169", "BIRTH_DEPARTMENT_INVALID"),
        (
            "lieuNaissance.communeNaissance.codeCommune",
            "69123",
            "BIRTH_COMMUNE_INVALID",
        ),
        ("lieuNaissance.communeNaissance.codeCommune", "12A", "BIRTH_COMMUNE_INVALID"),
        ("lieuNaissance.communeNaissance.libelleCommune", "L" * 51, "TOO_LONG"),
    ],
)
def test_birth_place_formats(path, value, code):
    assert check_customer(path, value) == [(path, code)]


def test_birth_abroad():
    abroad = {"codePaysNaissance": "99109"}
    assert check_customer("lieuNaissance", abroad) == []
    detailed = dict(abroad, departementNaissance="069")
    assert check_customer("lieuNaissance", detailed) == [
        ("lieuNaissance", "BIRTH_PLACE_ABROAD_DETAILS")
    ]


@pytest.mark.parametrize("value", ["0612345678", "0798765432", "+33612345678"])
def test_valid_phones(value):
    assert check_customer("numeroTelephonePortable", value) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0140000000", "PHONE_NOT_MOBILE"),
        ("+33912345678", "PHONE_NOT_MOBILE"),
        ("06 12 34 56 78", "PHONE_INVALID"),
        ("061234567", "PHONE_INVALID"),
        ("+447700900123", "PHONE_INVALID"),
    ],
)
def test_invalid_phones(value, code):
    assert check_customer("numeroTelephonePortable", value) == [
        ("numeroTelephonePortable", code)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jean.dupont@sub.example.fr", []),
        ("j-d_1@ex-ample.com", []),
        ("a+tag@example.fr", [("adresseMail", "EMAIL_PLUS_SIGN")]),
        ("a@example", [("adresseMail", "EMAIL_INVALID")]),
        ("é@example.fr", [("adresseMail", "EMAIL_INVALID")]),
        ("a..b@example.fr", [("adresseMail", "EMAIL_INVALID")]),
        ("a@example.fr\n", [("adresseMail", "EMAIL_INVALID")]),
    ],
)
def test_emails(value, expected):
    assert check_customer("adresseMail", value) == expected


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("adressePostale.numeroVoie", "0", "STREET_NUMBER_INVALID"),
        ("adressePostale.numeroVoie", "12b", "STREET_NUMBER_INVALID"),
        ("adressePostale.numeroVoie", "1" * 21, "TOO_LONG"),
        ("adressePostale.lettreVoie", "X", "STREET_LETTER_INVALID"),
        ("adressePostale.codeTypeVoie", "XYZ", "ROAD_TYPE_UNKNOWN"),
        ("adressePostale.codeTypeVoie", "R-1", "ROAD_TYPE_UNKNOWN"),
        ("adressePostale.libelleVoie", "x" * 29, "TOO_LONG"),
        ("adressePostale.codeCommune", "ABCDE", "CITY_CODE_INVALID"),
        ("adressePostale.codeCommune", "6910", "CITY_CODE_INVALID"),
        ("adressePostale.codePostal", "6900", "ZIP_CODE_INVALID"),
        ("adressePostale.codePays", "France", "COUNTRY_CODE_INVALID"),
        ("adressePostale.libelleCommune", "x" * 51, "TOO_LONG"),
    ],
)
def test_address_formats(path, value, code):
    assert check_customer(path, value) == [(path, code)]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ({"codeTypeVoie": "R"}, [("adressePostale.libelleVoie", "ROAD_NAME_REQUIRED")]),
        (
            {"libelleVoie": "du Soleil"},
            [("adressePostale.codeTypeVoie", "ROAD_TYPE_REQUIRED")],
        ),
        ({}, [("adressePostale", "ADDRESS_DETAIL_REQUIRED")]),
        ({"complement": "Résidence Les Pins"}, []),
        ({"lieuDit": "Les Granges"}, []),
        ({"complement": "x" * 39}, [("adressePostale.complement", "TOO_LONG")]),
        ({"codeTypeVoie": "av", "libelleVoie": "Foch", "lettreVoie": "b"}, []),
        ({"codeCommune": "2A004", "complement": "Lieu"}, []),
    ],
)
def test_address_combinations(address, expected):
    base = {
        "libelleCommune": "LYON 01",
        "codeCommune": "69101",
        "codePostal": "69001",
        "codePays": "99100",
    }
    assert check_customer("adressePostale", {**base, **address}) == expected


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("coordonneeBancaire.bic", "BNPA", "BIC_INVALID"),
        ("coordonneeBancaire.bic", "BNPAFRPPXX", "BIC_INVALID"),
        (
            "coordonneeBancaire.iban",
            "FR76 3000 4000 0312 3456 7890 143",
            "IBAN_INVALID",
        ),
        ("coordonneeBancaire.iban", "FR7630004000031234567890144", "IBAN_CHECKSUM"),
        ("coordonneeBancaire.titulaire", "x" * 101, "TOO_LONG"),
    ],
)
def test_bank_details(path, value, code):
    assert check_customer(path, value) == [(path, code)]


def test_valid_bank_variants():
    assert check_customer("coordonneeBancaire.bic", "BNPAFRPPXXX") == []
    assert check_customer("coordonneeBancaire.iban", "DE89370400440532013000") == []


@pytest.mark.parametrize("payload", [None, [], "text", 12])
def test_not_an_object(payload):
    assert codes(validate_customer_payload(payload)) == [("", "TYPE_INVALID")]
    assert codes(validate_payment_request_payload(payload)) == [("", "TYPE_INVALID")]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("nomNaissance", 123),
        ("lieuNaissance", "Lyon"),
        ("adressePostale", ["x"]),
        ("coordonneeBancaire.iban", 7630004000),
    ],
)
def test_wrong_types(path, value):
    assert check_customer(path, value) == [(path, "TYPE_INVALID")]


@given(customers())
def test_built_customers_are_valid(customer):
    assert validate_customer_payload(build_customer_payload(customer)) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)


@given(st.data())
def test_validators_never_crash_on_mutated_payloads(data):
    for payload, validate in (
        (customer_payload(), validate_customer_payload),
        (payment_payload(), validate_payment_request_payload),
    ):
        paths = list(_leaf_paths(payload))
        path = data.draw(st.sampled_from(paths))
        mutated = changed(payload, path, data.draw(json_values))
        assert all(isinstance(p, Problem) for p in validate(mutated))


@given(json_values)
def test_validators_never_crash_on_arbitrary_json(value):
    validate_customer_payload(value)
    validate_payment_request_payload(value)
    if isinstance(value, dict):
        validate_payment_request_payload(dict(value, inputPrestations=[value, 1]))


def _leaf_paths(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_paths(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaf_paths(value, f"{prefix}[{index}]")
    if prefix:
        yield prefix


# Payment requests -----------------------------------------------------------------


def test_valid_payment_request_has_no_problem():
    assert validate_payment_request_payload(payment_payload(), now=UTC_NOW) == []


@pytest.mark.parametrize(
    "path",
    [
        "idTiersFacturation",
        "idClient",
        "dateNaissanceClient",
        "numFactureTiers",
        "dateFacture",
        "dateDebutEmploi",
        "dateFinEmploi",
        "mntFactureTTC",
        "mntFactureHT",
        "inputPrestations",
        "inputPrestations[0].codeNature",
        "inputPrestations[0].quantite",
        "inputPrestations[0].unite",
        "inputPrestations[0].mntUnitaireTTC",
        "inputPrestations[0].mntPrestationTTC",
        "inputPrestations[0].mntPrestationHT",
        "inputPrestations[0].mntPrestationTVA",
        "inputPrestations[0].complement2",
    ],
)
def test_payment_required_fields(path):
    assert check_payment(path, MISSING) == [(path, "REQUIRED")]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2024-03-31T22:00:00Z", "2024-04-01T01:00:00Z", "PERIOD_MULTIPLE_MONTHS"),
        ("2023-03-04T00:00:00Z", "2024-03-05T00:00:00Z", "PERIOD_MULTIPLE_MONTHS"),
        ("2024-03-10T00:00:00Z", "2024-03-09T00:00:00Z", "PERIOD_END_BEFORE_START"),
        ("2024-04-01T00:00:00Z", "2024-04-02T12:00:01Z", "PERIOD_IN_FUTURE"),
    ],
)
def test_service_period(start, end, code):
    payload = changed(payment_payload(), "dateDebutEmploi", start)
    assert check_payment("dateFinEmploi", end, payload) == [("dateFinEmploi", code)]


def test_period_ending_now_is_accepted():
    payload = changed(payment_payload(), "dateDebutEmploi", "2024-04-01T00:00:00Z")
    assert check_payment("dateFinEmploi", "2024-04-02T12:00:00Z", payload) == []


def test_period_check_uses_the_clock_by_default():
    payload = changed(payment_payload(), "dateFinEmploi", "2999-03-30T00:00:00Z")
    payload = changed(payload, "dateDebutEmploi", "2999-03-01T00:00:00Z")
    assert codes(validate_payment_request_payload(payload)) == [
        ("dateFinEmploi", "PERIOD_IN_FUTURE")
    ]


def test_line_period():
    line = "inputPrestations[0]"
    payload = changed(
        payment_payload(), f"{line}.dateDebutEmploi", "2024-03-05T08:00:00Z"
    )
    assert check_payment(f"{line}.dateFinEmploi", "2024-03-05T10:00:00Z", payload) == []
    assert check_payment(f"{line}.dateFinEmploi", "2024-03-29T10:00:00Z", payload) == [
        (f"{line}.dateFinEmploi", "LINE_PERIOD_OUTSIDE")
    ]
    assert check_payment(f"{line}.dateFinEmploi", "2024-03-05", payload) == [
        (f"{line}.dateFinEmploi", "DATE_INVALID")
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("mntFactureTTC", -132.0, "AMOUNT_NEGATIVE"),
        ("mntFactureTTC", 132.001, "TOO_MANY_DECIMALS"),
        ("mntFactureTTC", "132.00", "TYPE_INVALID"),
        ("mntFactureHT", True, "TYPE_INVALID"),
        ("inputPrestations[0].mntUnitaireTTC", 33.0001, "TOO_MANY_DECIMALS"),
        ("inputPrestations[0].quantite", 0, "QUANTITY_NOT_POSITIVE"),
        ("inputPrestations[0].quantite", -4, "AMOUNT_NEGATIVE"),
        ("inputPrestations[0].quantite", 4.0001, "TOO_MANY_DECIMALS"),
        ("inputPrestations[0].codeNature", "ENF", "NATURE_CODE_UNKNOWN"),
        ("inputPrestations[0].codeNature", 60, "TYPE_INVALID"),
        ("inputPrestations[0].unite", "JOUR", "UNIT_INVALID"),
        ("inputPrestations[0].complement2", "SAP123", "INTERVENANT_INVALID"),
        ("inputPrestations[0].complement2", "SIR1234567890001", "INTERVENANT_INVALID"),
        ("inputPrestations[0]", "line", "TYPE_INVALID"),
        ("numFactureTiers", "F" * 51, "TOO_LONG"),
        ("dateFacture", "2024-03-31", "DATE_INVALID"),
    ],
)
def test_payment_field_rules(path, value, expected):
    assert (path, expected) in check_payment(path, value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e300])
@pytest.mark.parametrize(
    "path", ["mntFactureTTC", "inputPrestations[0].quantite", "mntAcompte"]
)
def test_numbers_out_of_range(path, value):
    assert (path, "NUMBER_OUT_OF_RANGE") in check_payment(path, value)


def test_unit_price_accepts_three_decimals():
    payload = payment_payload()
    line = payload["inputPrestations"][0]
    line.update(quantite=5, mntUnitaireTTC=69.996, mntPrestationTTC=349.98)
    line.update(mntPrestationHT=318.16, mntPrestationTVA=31.82)
    payload.update(mntFactureTTC=349.98, mntFactureHT=318.16)
    assert validate_payment_request_payload(payload, now=UTC_NOW) == []


def test_amount_consistency():
    line = "inputPrestations[0]"
    assert check_payment(f"{line}.mntPrestationTTC", 132.01) == [
        (f"{line}.mntPrestationTTC", "LINE_TOTAL_MISMATCH"),
        (f"{line}.mntPrestationTVA", "LINE_TAX_MISMATCH"),
    ]
    assert check_payment(f"{line}.mntPrestationTVA", 12.01) == [
        (f"{line}.mntPrestationTVA", "LINE_TAX_MISMATCH")
    ]
    assert check_payment("mntFactureTTC", 132.02) == [
        ("mntFactureTTC", "INVOICE_TOTAL_MISMATCH")
    ]


def test_amounts_in_messages_use_a_decimal_comma_in_french():
    (problem,) = validate_payment_request_payload(
        changed(payment_payload(), "mntFactureTTC", 132.5), now=UTC_NOW
    )
    assert "132,5" in problem.message_fr and "132,0" in problem.message_fr
    assert "132.5" in problem.message_en
    assert "(ligne" not in problem.message_fr


def test_deposit():
    payload = changed(payment_payload(), "mntAcompte", 66.0)
    assert check_payment("dateVersementAcompte", "2024-03-01T00:00:00Z", payload) == []
    assert check_payment("mntAcompte", 66.0) == [("dateVersementAcompte", "REQUIRED")]
    payload = changed(payment_payload(), "dateVersementAcompte", "2024-03-01T00:00:00Z")
    assert check_payment("mntAcompte", 66.01, payload) == [
        ("mntAcompte", "DEPOSIT_TOO_HIGH")
    ]


def test_line_problems_name_the_line():
    (problem,) = validate_payment_request_payload(
        changed(payment_payload(), "inputPrestations[0].unite", "JOUR"), now=UTC_NOW
    )
    assert "(ligne 1)" in problem.message_fr and "(line 1)" in problem.message_en


@given(payment_requests())
def test_built_payment_requests_are_valid(request):
    payload = build_payment_request_payload(request)
    now = datetime(2024, 12, 31, tzinfo=timezone.utc)
    assert validate_payment_request_payload(payload, now=now) == []


def test_every_message_is_bilingual_and_formats():
    params = dict.fromkeys(
        ["expected", "length", "max", "decimals", "actual", "untaxed", "tax", "total"],
        "1",
    )
    params.update(lines="1", deposit="1")
    for code in MESSAGES:
        problem = make_problem("inputPrestations[0].quantite", code, **params)
        assert problem.message_fr.startswith("Quantité (ligne 1)")
        assert problem.message_en.startswith("Quantity (line 1)")
