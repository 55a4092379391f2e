"""Payload builders: exact JSON produced from plain values."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from lib.payload import (
    DESCRIPTION_MAX_LENGTH,
    Address,
    BirthPlace,
    ServiceLine,
    build_search_payload,
    encode_address,
    encode_birth_place,
    format_api_datetime,
    normalize_intervenant,
    normalize_mobile_phone,
    normalize_name,
    shorten_road_name,
)
from lib.tests.samples import (
    IBAN,
    customer_payload,
    make_payment_request,
    payment_payload,
)

PARIS_SUMMER = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1980, 3, 29), "1980-03-29T00:00:00Z"),
        (datetime(2024, 3, 4, 9, 30, 15, 123456), "2024-03-04T09:30:15Z"),
        (datetime(2024, 7, 1, 1, 0, tzinfo=PARIS_SUMMER), "2024-06-30T23:00:00Z"),
        (None, None),
    ],
)
def test_datetimes_are_utc_with_z(value, expected):
    assert format_api_datetime(value) == expected


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (
            BirthPlace("99100", "77288", "Melun"),
            {
                "codePaysNaissance": "99100",
                "departementNaissance": "077",
                "communeNaissance": {"codeCommune": "288", "libelleCommune": "Melun"},
            },
        ),
        (
            BirthPlace("99100", "2a004", "Ajaccio"),
            {
                "codePaysNaissance": "99100",
                "departementNaissance": "02A",
                "communeNaissance": {"codeCommune": "004", "libelleCommune": "Ajaccio"},
            },
        ),
        (
            BirthPlace("99100", "2B033"),
            {
                "codePaysNaissance": "99100",
                "departementNaissance": "02B",
                "communeNaissance": {"codeCommune": "033"},
            },
        ),
        (  # Corsica before 1976 was department 20
            BirthPlace("99100", "20004", "Ajaccio"),
            {
                "codePaysNaissance": "99100",
                "departementNaissance": "020",
                "communeNaissance": {"codeCommune": "004", "libelleCommune": "Ajaccio"},
            },
        ),
        (
            BirthPlace("99100", "97411", "Saint-Denis"),
            {
                "codePaysNaissance": "99100",
                "departementNaissance": "974",
                "communeNaissance": {
                    "codeCommune": "011",
                    "libelleCommune": "Saint-Denis",
                },
            },
        ),
        (
            BirthPlace("99100", "97209", "Fort-de-France"),
            {
                "codePaysNaissance": "99100",
                "departementNaissance": "972",
                "communeNaissance": {
                    "codeCommune": "009",
                    "libelleCommune": "Fort-de-France",
                },
            },
        ),
        (BirthPlace("99109", "77288", "Berlin"), {"codePaysNaissance": "99109"}),
        (BirthPlace("99350"), {"codePaysNaissance": "99350"}),
        (
            BirthPlace("99100", "123"),
            {"codePaysNaissance": "99100", "communeNaissance": {"codeCommune": "123"}},
        ),
    ],
)
def test_birth_place_encoding(place, expected):
    assert encode_birth_place(place) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("06-12-34-56-78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("+33 (0)7 12 34 56 78", "0712345678"),
        ("0033612345678", "0612345678"),
        ("+262 692 12 34 56", "0692123456"),
        ("+596 696 12 34 56", "0696123456"),
        ("01 40 00 00 00", "0140000000"),
        ("+44 7700 900123", "+447700900123"),
        ("", ""),
    ],
)
def test_mobile_phone_normalisation(raw, expected):
    assert normalize_mobile_phone(raw) == expected


def test_name_normalisation():
    assert (
        normalize_name("  D\u2019Artagnan   de\tla  Tour ") == "D'Artagnan de la Tour"
    )
    assert normalize_name("Jean\u2013Pierre") == "Jean-Pierre"
    assert normalize_name("Éloïse") == "Éloïse"
    assert normalize_name(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SAP123456789", "SAP123456789"),
        ("sap 123 456 789", "SAP123456789"),
        ("123456789", "SAP123456789"),
        ("123 456 789 00011", "SIR12345678900011"),
        ("12345", "12345"),
    ],
)
def test_intervenant_normalisation(raw, expected):
    assert normalize_intervenant(raw) == expected


@pytest.mark.parametrize(
    ("street", "expected"),
    [
        (
            "8 rue du Soleil",
            {"numeroVoie": "8", "codeTypeVoie": "R", "libelleVoie": "du Soleil"},
        ),
        (
            "12 bis av. Jean Jaurès",
            {
                "numeroVoie": "12",
                "lettreVoie": "B",
                "codeTypeVoie": "AV",
                "libelleVoie": "Jean Jaurès",
            },
        ),
        (
            "14T, Boulevard Saint-Michel",
            {
                "numeroVoie": "14",
                "lettreVoie": "T",
                "codeTypeVoie": "BD",
                "libelleVoie": "Saint-Michel",
            },
        ),
        (
            "3 quater Allée des Pins",
            {
                "numeroVoie": "3",
                "lettreVoie": "Q",
                "codeTypeVoie": "ALL",
                "libelleVoie": "des Pins",
            },
        ),
        ("Lieu-dit Les Granges", {"codeTypeVoie": "LD", "libelleVoie": "Les Granges"}),
        ("Le Bourg", {"complement": "Le Bourg"}),
        ("5 Grand Rue", {"numeroVoie": "5", "complement": "Grand Rue"}),
        (  # road name over 28 characters: kept whole in the complement
            "12 chemin des Vignes du Haut Moulin Vert",
            {"numeroVoie": "12", "complement": "chemin des Vignes du Haut Moulin Vert"},
        ),
        (  # 33 characters, 40 with the type: the title abbreviated fits
            "112 avenue du Maréchal de Lattre de Tassigny",
            {
                "numeroVoie": "112",
                "codeTypeVoie": "AV",
                "libelleVoie": "du Mal de Lattre de Tassigny",
            },
        ),
    ],
)
def test_street_parsing(street, expected):
    address = Address.from_street(
        street, city="Lyon", city_code="69101", zip_code="69001"
    )
    encoded = encode_address(address)
    city = {
        "libelleCommune": "Lyon",
        "codeCommune": "69101",
        "codePostal": "69001",
        "codePays": "99100",
    }
    assert encoded == {**expected, **city}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("du Général Leclerc", "du Général Leclerc"),  # fits: untouched
        ("du Général Sainte-Claire Deville", "du Gal Sainte-Claire Deville"),
        ("Saint-Exupéry Sainte-Claire Deville", "St-Exupéry Ste-Claire Deville"),
        ("des Vignes du Haut Moulin Vert", "des Vignes du Haut Moulin Vert"),
        ("de la Dame Blanche du Haut Moulin", "de la Dame Blanche du Haut Moulin"),
        ("de Notre-Dame de Bonne Nouvelle Vert", "de N-D de Bonne Nouvelle Vert"),
    ],
)
def test_road_name_titles_abbreviated_only_as_needed(name, expected):
    assert shorten_road_name(name) == expected


def test_street2_goes_to_the_complement():
    address = Address.from_street(
        "8 rue du Soleil",
        street2="Bâtiment A",
        city="Lyon",
        city_code="69101",
        zip_code="69001",
    )
    assert address.complement == "Bâtiment A"
    address = Address.from_street(
        "Le Bourg", street2="Bât. A", city="X", city_code="01001", zip_code="01000"
    )
    assert address.complement == "Le Bourg, Bât. A"


def test_customer_payload():
    payload = customer_payload(first_names="Jeanne   Marie", email=" j.m@example.fr ")
    assert payload["civilite"] == "2"
    assert payload["nomNaissance"] == "Durand"
    assert payload["nomUsage"] == "Martin"
    assert payload["prenoms"] == "Jeanne Marie"
    assert payload["dateNaissance"] == "1980-03-29T00:00:00Z"
    assert payload["numeroTelephonePortable"] == "0612345678"
    assert payload["adresseMail"] == "j.m@example.fr"
    assert payload["coordonneeBancaire"]["iban"] == IBAN
    assert payload["lieuNaissance"]["departementNaissance"] == "069"


def test_usage_name_only_when_different():
    assert "nomUsage" not in customer_payload(usage_name="DURAND")
    assert "nomUsage" not in customer_payload(usage_name=None)


def test_bank_details_are_compacted():
    from lib.payload import BankAccount

    spaced = BankAccount("fr76 3000 4000 0312 3456 7890 143", "bnpa frpp", "M X")
    bank = customer_payload(bank_account=spaced)["coordonneeBancaire"]
    assert (bank["iban"], bank["bic"]) == (IBAN, "BNPAFRPP")


def test_payment_request_payload():
    payload = payment_payload()
    assert payload == {
        "idTiersFacturation": "odoo",
        "idClient": "6a56a628-b09e-8707-787e-10f218a2d550",
        "dateNaissanceClient": "1980-03-29T00:00:00Z",
        "numFactureTiers": "F2024-0001",
        "dateFacture": "2024-03-31T00:00:00Z",
        "dateDebutEmploi": "2024-03-04T00:00:00Z",
        "dateFinEmploi": "2024-03-28T00:00:00Z",
        "mntFactureTTC": 132.0,
        "mntFactureHT": 120.0,
        "inputPrestations": [
            {
                "codeNature": "60",
                "quantite": 4.0,
                "unite": "HEURE",
                "mntUnitaireTTC": 33.0,
                "mntPrestationTTC": 132.0,
                "mntPrestationHT": 120.0,
                "mntPrestationTVA": 12.0,
                "complement2": "SAP123456789",
            }
        ],
    }


def test_payment_request_with_everything():
    lines = [
        ServiceLine(
            "100",
            Decimal("1.33333"),
            "30",
            description="x" * 200,
            activity_code="100A001",
            start=datetime(2024, 3, 4, 17),
            end=datetime(2024, 3, 4, 18, 20),
        ),
        ServiceLine("60", 2, Decimal("25.50"), unit="FORFAIT", vat_rate=Decimal("10")),
    ]
    payload = payment_payload(
        lines=lines,
        total="91.00",
        deposit_amount=Decimal("20"),
        deposit_date=date(2024, 3, 1),
        billing_party_id="menage.fr",
    )
    first, second = payload["inputPrestations"]
    assert first["quantite"] == 1.333
    assert first["mntPrestationTTC"] == 40.0  # 39.99 + the missing cent
    assert first["mntUnitaireTTC"] == 30.004
    assert first["complement1"] == "x" * DESCRIPTION_MAX_LENGTH
    assert first["codeActivite"] == "100A001"
    assert first["dateDebutEmploi"] == "2024-03-04T17:00:00Z"
    assert second["unite"] == "FORFAIT"
    assert (second["mntPrestationHT"], second["mntPrestationTVA"]) == (46.36, 4.64)
    assert payload["mntFactureTTC"] == 91.0
    assert payload["mntFactureHT"] == 86.36
    assert payload["mntAcompte"] == 20.0
    assert payload["dateVersementAcompte"] == "2024-03-01T00:00:00Z"
    assert payload["idTiersFacturation"] == "menage.fr"


def test_total_defaults_to_the_sum_of_lines():
    request = make_payment_request(
        lines=[ServiceLine("60", 3, "10.005"), ServiceLine("70", 1, 5)]
    )
    from lib.payload import build_payment_request_payload

    payload = build_payment_request_payload(request)
    assert payload["mntFactureTTC"] == 35.02


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"ids": ["1", "2"]}, {"idDemandePaiements": ["1", "2"]}),
        ({"invoice_numbers": ("F1",)}, {"numFactureTiers": ["F1"]}),
        (
            {"date_from": date(2024, 1, 1), "date_to": date(2024, 1, 31)},
            {"dateDebut": "2024-01-01T00:00:00Z", "dateFin": "2024-01-31T00:00:00Z"},
        ),
        ({}, {}),
    ],
)
def test_search_payload(criteria, expected):
    assert build_search_payload(**criteria) == expected
