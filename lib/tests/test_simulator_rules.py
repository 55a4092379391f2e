"""Business rules BR1–BR23 of urssaf-api.md §4, one documented code each."""

import pytest

from lib.simulator import IdentityTable, ManualClock, Settings, Simulator
from lib.simulator.testing import DELETE, LocalClient, line, particulier
from lib.tests.helpers import ACTIVATION
from lib.tests.helpers import payment_item as dp

# The customer fixture's clock: noon on the day of the BR3 case below.
NOW = "2024-04-20T12:00:00Z"


@pytest.fixture
def transmission_time():
    return NOW


def item_error(response):
    """The single per-item error code of a 200 transmission response."""
    assert response.status_code == 200, response.get_json()
    (result,) = response.get_json()
    assert "idDemandePaiement" not in result and "statut" not in result
    (error,) = result["errors"]
    return error["code"]


def request_error(response):
    assert response.status_code == 400
    (error,) = response.get_json()
    assert set(error) == {"code", "message", "description"}
    return error["code"]


def accepted(response):
    assert response.status_code == 200, response.get_json()
    return all(result.get("statut") == "10" for result in response.get_json())


# -- payment requests: per-item errors in a 200 ---------------------------------------

PERIOD_CASES = {
    # BR1: one calendar month
    "BR1": (
        {
            "dateDebutEmploi": "2024-03-25T09:00:00Z",
            "dateFinEmploi": "2024-04-05T18:00:00Z",
        },
        "ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE",
    ),
    # BR2: end before start
    "BR2": (
        {
            "dateDebutEmploi": "2024-03-15T09:00:00Z",
            "dateFinEmploi": "2024-03-14T18:00:00Z",
        },
        "ERR_DATE_FIN_AVANT_DATE_DEB",
    ),
    # BR3: later today is the future too (time of day matters)
    "BR3": (
        {
            "dateDebutEmploi": "2024-04-20T08:00:00Z",
            "dateFinEmploi": "2024-04-20T13:00:00Z",
        },
        "ERR_DATE_FUTUR",
    ),
    # BR4: starts one hour before the activation date-time
    "BR4": (
        {
            "dateDebutEmploi": "2024-03-01T07:00:00Z",
            "dateFinEmploi": "2024-03-01T10:00:00Z",
        },
        "ERR_LIEN_PARTICULIER_PRESTATAIRE",
    ),
    # BR5: before the scheme start
    "BR5": (
        {
            "dateDebutEmploi": "2021-12-01T09:00:00Z",
            "dateFinEmploi": "2021-12-10T18:00:00Z",
            "dateFacture": "2021-12-10T00:00:00Z",
        },
        "ERR_DATE_PAIEMENT_AVANT_EXP",
    ),
}


@pytest.mark.parametrize("rule", sorted(PERIOD_CASES))
def test_period_rules(api, customer, rule):
    overrides, code = PERIOD_CASES[rule]
    assert item_error(api.submit([dp(customer, **overrides)])) == code


@pytest.mark.parametrize(
    ("now", "link_status"),
    [("2024-03-05T12:00:00Z", "APPAREILLAGE_EC"), (NOW, "APPAREILLAGE_NF")],
)
def test_br4_link_not_active(api, sim, now, link_status):
    id_client = api.register(particulier()).get_json()["idClient"]
    sim.set_time(now)  # the activation link expires after 7 days
    assert api.status(id_client).get_json()["statut"]["code"] == link_status
    period = {
        "dateDebutEmploi": "2024-03-02T09:00:00Z",
        "dateFinEmploi": "2024-03-02T18:00:00Z",
    }
    response = api.submit([dp(id_client, **period)])
    assert item_error(response) == "ERR_LIEN_PARTICULIER_PRESTATAIRE"


@pytest.mark.parametrize(
    "case", ["unknown id", "wrong birth date", "other provider's customer"]
)
def test_br6_unknown_customer(api, sim, customer, case):
    if case == "unknown id":
        item = dp("6a56a628-b09e-8707-787e-10f218a2d550")
    elif case == "wrong birth date":
        item = dp(customer, dateNaissanceClient="1980-03-30T00:00:00Z")
    else:
        item = dp(customer)
        api = LocalClient(sim, client_id="other-provider")
    assert item_error(api.submit([item])) == "ERR_PARTICULIER_INCONNU"


def test_br6_birth_date_compares_the_day(api, customer):
    assert accepted(
        api.submit([dp(customer, dateNaissanceClient="1980-03-29T02:00:00Z")])
    )


def test_br7_duplicate_invoice(api, sim, customer):
    assert accepted(api.submit([dp(customer, "F1")]))
    assert item_error(api.submit([dp(customer, "F1")])) == "ERR_FACTURE_DOUBLON"
    # inside one call: the first is integrated, the second rejected
    response = api.submit([dp(customer, "F2"), dp(customer, "F2")])
    first, second = response.get_json()
    assert first["statut"] == "10"
    assert second["errors"][0]["code"] == "ERR_FACTURE_DOUBLON"
    # numbers are per provider
    other = LocalClient(sim, client_id="other-provider")
    other_customer = other.register(particulier()).get_json()["idClient"]
    sim.activate(other_customer, provider="other-provider", at=ACTIVATION)
    assert accepted(other.submit([dp(other_customer, "F1")]))


AMOUNT_CASES = {
    "BR8": ({"mntFactureTTC": 51.0}, None, "ERR_TOTAL_PRESTATIONS"),
    "BR9": (
        {},
        {"mntPrestationTTC": 49.0, "mntPrestationHT": 44.55},
        "ERR_MNT_PREST_TTC",
    ),
    "BR10": ({}, {"mntPrestationTVA": 4.56}, "ERR_MNT_PREST_HT_TVA"),
    "BR11 total": ({"mntFactureHT": 45.451}, None, "ERR_FORMAT_VALEUR"),
    "BR11 unit price": ({}, {"mntUnitaireTTC": 25.0001}, "ERR_FORMAT_VALEUR"),
    "BR12 deposit": (
        {"mntAcompte": -1, "dateVersementAcompte": "2024-03-02T00:00:00Z"},
        None,
        "ERR_VALEUR_NEGATIVE",
    ),
    "BR12 quantity": ({}, {"quantite": -2}, "ERR_VALEUR_NEGATIVE"),
    "BR13 deposit above 50 %": (
        {"mntAcompte": 25.01, "dateVersementAcompte": "2024-03-02T00:00:00Z"},
        None,
        "ERR_MONTANT_ACOMPTE",
    ),
    "BR14 nature": ({}, {"codeNature": "999"}, "ERR_CODE_NATURE"),
    "BR14 activity": ({}, {"codeActivite": "01"}, "ERR_CODE_ACTIVITE"),
    "BR14 activity of another nature": (
        {},
        {"codeActivite": "70A001"},
        "ERR_CODE_ACTIVITE_NATURE",
    ),
    "BR19 missing": ({}, {"complement2": DELETE}, "ERR_NUMINTERVENANT_MANQUANT"),
    "BR19 format": ({}, {"complement2": "SAP12345"}, "ERR_FORMAT_NUMINTERVENANT"),
}


@pytest.mark.parametrize("rule", sorted(AMOUNT_CASES))
def test_amount_and_line_rules(api, customer, rule):
    item_overrides, line_overrides, code = AMOUNT_CASES[rule]
    lines = [line(**(line_overrides or {}))]
    response = api.submit([dp(customer, lines=lines, **item_overrides)])
    assert item_error(response) == code


@pytest.mark.parametrize("unit", ["JOUR", "heure", "", "HEURES"])
def test_unit_other_than_heure_or_forfait_refused(api, customer, unit):
    response = api.submit([dp(customer, lines=[line(unite=unit)])])
    assert response.status_code == 400
    (error,) = response.get_json()
    assert error["code"] == "ERREUR_VALIDATION"
    assert "unite" in error["description"]


def test_amount_rules_accept_documented_values(api, customer):
    lines = [
        line(unit_price="69.996", quantity="5"),  # 3-decimal unit price
        line(nature="60", codeActivite="60A001", quantity="1.75"),
    ]
    deposit = {"mntAcompte": 10.5, "dateVersementAcompte": "2024-03-02T00:00:00Z"}
    assert accepted(api.submit([dp(customer, lines=lines, **deposit)]))


def test_br13_deposit_ratio_and_authorisation(api, sim, customer):
    deposit = {"mntAcompte": 40, "dateVersementAcompte": "2024-03-02T00:00:00Z"}
    sim.settings.deposit_max_ratio = 1.0
    assert accepted(api.submit([dp(customer, "F1", **deposit)]))
    sim.configure_provider("test", deposits_allowed=False)
    assert (
        item_error(api.submit([dp(customer, "F2", **deposit)])) == "ERR_ACOMPTE_BLOQUE"
    )


def test_br15_at_most_ten_requests(api, customer):
    items = [dp(customer, f"F{i}") for i in range(11)]
    assert request_error(api.submit(items)) == "ERR_NBRE_PREST_MAX"
    assert accepted(api.submit(items[:10]))


def test_br16_search_criteria(api, customer):
    assert request_error(api.search({})) == "ERR_CRITERE_RECHERCHE_VIDE"
    assert request_error(api.search({"idDemandePaiements": []})) == (
        "ERR_CRITERE_RECHERCHE_VIDE"
    )
    too_many = {"idDemandePaiements": [str(i) for i in range(11)]}
    assert request_error(api.search(too_many)) == "ERR_NBRE_MAX_RESULTAT"


@pytest.mark.parametrize(
    ("action", "code"),
    [("block_customer", "ERR_CMPT_BLOQUE"), ("expire_mandate", "ERR_MANDAT_ECHU")],
)
def test_br17_blocked_account_and_mandate(api, sim, customer, action, code):
    getattr(sim, action)(customer)
    assert item_error(api.submit([dp(customer)])) == code


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ({"habilitated": False}, "ERR_PRESTATAIRE_EMETTEUR_INCONNU"),
        ({"id_tiers_facturation": "1081230"}, "ERR_PRESTATAIRE_FACTURATION_INCONNU"),
        ({"financial_guarantee": False}, "ERREUR_GARANTIE_FINANCIERE_NON_CONFORME"),
        ({"blocked_intervenants": ["SAP123456789"]}, "ERR_NUMINTERVENANT_BLOQUE"),
    ],
)
def test_br18_br19_provider_flags(api, sim, customer, flags, code):
    sim.configure_provider("test", **flags)
    assert item_error(api.submit([dp(customer)])) == code


def test_br19_intervenant_optional_when_configured(api, sim, customer):
    sim.settings.require_intervenant = False
    assert accepted(api.submit([dp(customer, lines=[line(complement2=DELETE)])]))


def test_br25_invoice_ht_checked_only_when_configured(api, sim, customer):
    assert accepted(api.submit([dp(customer, "F1", mntFactureHT=40.0)]))
    sim.settings.check_invoice_ht = True
    response = api.submit([dp(customer, "F2", mntFactureHT=40.0)])
    assert item_error(response) == "ERR_TOTAL_PRESTATIONS"


def test_br24_several_requests_per_month(api, customer):
    assert accepted(api.submit([dp(customer, "F1"), dp(customer, "F2")]))


def test_mixed_batch_keeps_input_order(api, customer):
    items = [
        dp(customer, "F1"),
        dp(customer, "F2", mntFactureTTC=1),
        dp(customer, "F3"),
    ]
    results = api.submit(items).get_json()
    assert [r["numFactureTiers"] for r in results] == ["F1", "F2", "F3"]
    assert [r.get("statut") for r in results] == ["10", None, "10"]
    assert results[1]["errors"][0]["code"] == "ERR_TOTAL_PRESTATIONS"


# -- inscription: 400 with one error ------------------------------------------------


@pytest.mark.parametrize(
    ("birth_name", "birth_date", "code"),
    [
        ("Inconnu", "1980-03-29T00:00:00Z", "ERR_DGFIP_R2P_INCONNU"),
        ("Sansimpôt", "1980-03-29T00:00:00Z", "ERR_DGFIP_IMPOTPART_INCONNU"),
        ("Homonyme", "1980-03-29T00:00:00Z", "ERR_ECV_PARTICULIERS_EXISTENT"),
        ("Bloque", "1980-03-29T00:00:00Z", "ERR_COMPTE_BLOQUE"),
        ("Durand", "1899-12-31T00:00:00Z", "ERR_DGFIP_R2P_INCONNU"),
        ("Durand", "2006-03-02T00:00:00Z", "ERR_DGFIP_IMPOTPART_INCONNU"),
    ],
)
def test_br20_identity_table(api, birth_name, birth_date, code):
    body = particulier(nomNaissance=birth_name, dateNaissance=birth_date)
    assert request_error(api.register(body)) == code


def test_br20_identity_table_extra_entries():
    table = IdentityTable({"Dupont": "ERR_DGFIP_R2P_INCONNU"})
    other = Simulator(clock=ManualClock(ACTIVATION), identities=table)
    response = LocalClient(other).register(particulier(nomNaissance="DUPONT"))
    assert request_error(response) == "ERR_DGFIP_R2P_INCONNU"
    other.close()


def test_br20_eighteen_today_is_known(api):
    response = api.register(particulier(dateNaissance="2006-03-01T00:00:00Z"))
    assert response.status_code == 200


FOREIGN = {"codePaysNaissance": "99131"}
BIRTH_PLACE_CASES = {
    "place missing": (DELETE, "ERREUR_LIEU_NAISSANCE_OBLIGATOIRE"),
    "department missing": (
        {"departementNaissance": DELETE},
        "ERREUR_LIEU_NAISSANCE_DEPT",
    ),
    "department format": (
        {"departementNaissance": "69"},
        "ERREUR_LIEU_NAISSANCE_DEPT_FORMAT",
    ),
    "commune missing": ({"communeNaissance": DELETE}, "ERR_LIEU_NAISSANCE_COMN"),
    "commune code missing": (
        {"communeNaissance": {"codeCommune": DELETE}},
        "ERR_LIEU_NAISSANCE_COMN",
    ),
    "commune label missing": (
        {"communeNaissance": {"libelleCommune": DELETE}},
        "ERR_LIEU_NAISSANCE_OBLIGATOIRE",
    ),
    "commune label invalid": (
        {"communeNaissance": {"libelleCommune": "Lyon;1"}},
        "ERREUR_LIEU_NAISSANCE_INVALIDE",
    ),
    "foreign with department": (FOREIGN, "ERREUR_LIEU_NAISSANCE_PAYS"),
}


@pytest.mark.parametrize("case", sorted(BIRTH_PLACE_CASES))
def test_br21_birth_place(api, case):
    place, code = BIRTH_PLACE_CASES[case]
    assert request_error(api.register(particulier(lieuNaissance=place))) == code


def test_br21_foreign_birth_without_department(api):
    place = {"codePaysNaissance": "99131", "departementNaissance": DELETE}
    body = particulier(lieuNaissance=dict(place, communeNaissance=DELETE))
    assert api.register(body).status_code == 200


def test_br21_five_digit_birth_commune_is_optional(api, sim):
    body = particulier(lieuNaissance={"communeNaissance": {"codeCommune": "69123"}})
    assert request_error(api.register(body)) == "ERR_LIEU_NAISSANCE_COMN"
    sim.settings.accept_5_digit_birth_commune = True
    assert api.register(body).status_code == 200


ADDRESS_CASES = {
    "unknown road type": ({"codeTypeVoie": "XYZ"}, "ERR_CONTACT_ADRESSE_TYPE_VOIE"),
    "road type too long": ({"codeTypeVoie": "ABCDE"}, "ERR_CONTACT_ADRESSE_TYPE_VOIE"),
    "label without type": ({"codeTypeVoie": DELETE}, "ERR_CONTACT_ADRESSE_TYPEVOIE"),
    "type without label": ({"libelleVoie": DELETE}, "ERR_CONTACT_ADRESSE_LIBELLEVOIE"),
    "unknown letter": ({"lettreVoie": "X"}, "ERR_CONTACT_ADRESSE_LETTRE_VOIE"),
    "no street information": (
        {"codeTypeVoie": DELETE, "libelleVoie": DELETE},
        "ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE",
    ),
    "unknown commune": ({"codeCommune": "96001"}, "ERR_CONTACT_ADRESSE_COMMUNE"),
    "commune 000": ({"codeCommune": "69000"}, "ERR_CONTACT_ADRESSE_COMMUNE"),
    "postal code": ({"codePostal": "6900"}, "ERR_CONTACT"),
}


@pytest.mark.parametrize("case", sorted(ADDRESS_CASES))
def test_br22_address(api, case):
    address, code = ADDRESS_CASES[case]
    assert request_error(api.register(particulier(adressePostale=address))) == code


def test_br22_lieu_dit_is_enough(api):
    address = {"codeTypeVoie": DELETE, "libelleVoie": DELETE, "lieuDit": "Le Beyssat"}
    assert api.register(particulier(adressePostale=address)).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"numeroTelephonePortable": "0112345678"},
        {"numeroTelephonePortable": "06 12 34 56 78"},
        {"adresseMail": "jeanne+sap@example.fr"},
        {"adresseMail": "jeanne@example"},
    ],
)
def test_br23_contact_format(api, overrides):
    assert request_error(api.register(particulier(**overrides))) == "ERR_CONTACT"


def test_br23_contact_pair_unique(api):
    assert api.register(particulier(0)).status_code == 200
    twin = particulier(
        1, adresseMail="client0@example.fr", numeroTelephonePortable="0612345600"
    )
    code = request_error(api.register(twin))
    assert code == "ERREUR_REFERENCE_PARTICULIER_EXISTANTE_TYPE"
    # same e-mail with another phone is fine
    assert (
        api.register(particulier(1, adresseMail="client0@example.fr")).status_code
        == 200
    )


def test_br23_known_customer_must_keep_contact_data(api, sim):
    first = api.register(particulier()).get_json()["idClient"]
    other = LocalClient(sim, client_id="other-provider")
    changed = particulier(adresseMail="autre@example.fr")
    assert request_error(other.register(changed)) == "ERR_CONTACT"
    response = other.register(particulier(adresseMail="CLIENT0@example.fr"))
    assert response.get_json() == {"idClient": first}  # same person, new link


def test_existing_link_and_blocked_person(api, sim):
    id_client = api.register(particulier()).get_json()["idClient"]
    code = request_error(api.register(particulier()))
    assert code == "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE"
    sim.expire_activation(id_client)  # an expired link may be re-sent
    assert api.register(particulier()).get_json() == {"idClient": id_client}
    sim.block_customer(id_client)
    other = LocalClient(sim, client_id="other-provider")
    assert request_error(other.register(particulier())) == "ERR_COMPTE_BLOQUE"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"dateNaissance": "2030-01-01T00:00:00Z"}, "ERR_DATE_NAISSANCE_FUTUR"),
        (
            {"coordonneeBancaire": {"iban": "FR7630004000031234567890144"}},
            "ERR_COORDONNEES_BANCAIRES",
        ),
        ({"coordonneeBancaire": {"bic": "BNP"}}, "ERR_COORDONNEES_BANCAIRES"),
        ({"nomNaissance": "D" * 81}, "ERREUR_VALIDATION"),
        ({"civilite": "3"}, "ERREUR_VALIDATION"),
    ],
)
def test_other_inscription_checks(api, overrides, code):
    assert request_error(api.register(particulier(**overrides))) == code


def test_name_length_follows_settings():
    sim = Simulator(
        clock=ManualClock(ACTIVATION), settings=Settings(max_name_length=None)
    )
    api = LocalClient(sim)
    assert api.register(particulier(nomNaissance="D" * 100)).status_code == 200
    assert request_error(api.register(particulier(1, nomNaissance="D" * 101))) == (
        "ERREUR_VALIDATION"
    )
    sim.close()
