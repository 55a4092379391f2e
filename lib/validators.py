"""Local validation of the JSON payloads before they are sent to Urssaf.

The validators take the exact dict that will be sent (as produced by
:mod:`.payload`, or by anything else) and return **all** the problems found,
each one a :class:`Problem` with the field path (``lieuNaissance.
codePaysNaissance``, ``inputPrestations[0].mntPrestationTTC``), a stable code
and a French and an English message saying what is wrong and how to fix it.
They never raise on malformed input.

Rules come from ``urssaf-api.md``: the official swagger 1.29.1 patterns, the
80-character limit on names (v1.30.3), and business rules BR1-BR23 that can be
checked without Urssaf's data (BR4/BR6/BR7/BR20 need the server).
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from .amounts import decimal_places, line_total, round_amount, to_decimal
from .codes import FRANCE_COUNTRY_CODE, NATURE_CODES, ROAD_TYPES, STREET_LETTERS, UNITS
from .formats import (
    DEPOSIT_MAX_RATIO,
    INSEE_COMMUNE_RE,
    INTERVENANT_RE,
    NAME_MAX_LENGTH,
    iban_checksum_ok,
)

BIRTH_COMMUNE_LABEL_MAX_LENGTH = 50
CITY_LABEL_MAX_LENGTH = 50
ROAD_NAME_MAX_LENGTH = 28
ADDRESS_COMPLEMENT_MAX_LENGTH = 38
STREET_NUMBER_MAX_LENGTH = 20
HOLDER_MAX_LENGTH = 100
# Undocumented by Urssaf; implementers store at most 50 characters.
INVOICE_NUMBER_MAX_LENGTH = 50
# Sanity bound (no documented maximum): keeps Decimal arithmetic exact.
MAX_NUMBER = Decimal(10**9)
AMOUNT_DECIMALS = 2
UNIT_PRICE_DECIMALS = 3
QUANTITY_DECIMALS = 3

DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", re.ASCII)
COUNTRY_CODE_RE = re.compile(r"[0-9]{5}")
BIRTH_DEPARTMENT_RE = re.compile(r"[09][0-9][0-9abAB]")
BIRTH_COMMUNE_RE = re.compile(r"[0-9]{3}")
PHONE_RE = re.compile(r"(0|\+33)[6-7]([0-9]{2}){4}")
FRENCH_PHONE_RE = re.compile(r"(0|\+33)[1-9]([0-9]{2}){4}")
EMAIL_RE = re.compile(
    r"[-A-Za-z0-9_]+(\.[-A-Za-z0-9_]+)*@[A-Za-z0-9]+((-|\.)[A-Za-z0-9]+)*\.[A-Za-z]+"
)
STREET_NUMBER_RE = re.compile(r"(?!0$)[0-9]{0,20}")
ROAD_TYPE_RE = re.compile(r"[0-9A-Za-z]{0,4}")
ZIP_CODE_RE = re.compile(r"[0-9]{5}")
BIC_RE = re.compile(r"[a-zA-Z]{6}[0-9a-zA-Z]{2}([0-9a-zA-Z]{3})?")
IBAN_RE = re.compile(r"[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{4}[0-9]{7}([a-zA-Z0-9]?){0,16}")

# (French, English) label of each field, keyed by path without list indices.
FIELD_LABELS = {
    "": ("Données", "Data"),
    "civilite": ("Civilité", "Civility"),
    "nomNaissance": ("Nom de naissance", "Birth name"),
    "nomUsage": ("Nom d'usage", "Usage name"),
    "prenoms": ("Prénoms", "First names"),
    "dateNaissance": ("Date de naissance", "Birth date"),
    "lieuNaissance": ("Lieu de naissance", "Birth place"),
    "lieuNaissance.codePaysNaissance": ("Pays de naissance", "Birth country"),
    "lieuNaissance.departementNaissance": (
        "Département de naissance",
        "Birth department",
    ),
    "lieuNaissance.communeNaissance": ("Commune de naissance", "Birth commune"),
    "lieuNaissance.communeNaissance.codeCommune": (
        "Code INSEE de la commune de naissance",
        "INSEE code of the birth commune",
    ),
    "lieuNaissance.communeNaissance.libelleCommune": (
        "Nom de la commune de naissance",
        "Name of the birth commune",
    ),
    "numeroTelephonePortable": ("Téléphone portable", "Mobile phone"),
    "adresseMail": ("Adresse e-mail", "E-mail address"),
    "adressePostale": ("Adresse postale", "Postal address"),
    "adressePostale.numeroVoie": ("Numéro de voie", "Street number"),
    "adressePostale.lettreVoie": ("Lettre de voie (bis, ter…)", "Street letter"),
    "adressePostale.codeTypeVoie": ("Type de voie", "Road type"),
    "adressePostale.libelleVoie": ("Libellé de voie", "Road name"),
    "adressePostale.complement": ("Complément d'adresse", "Address complement"),
    "adressePostale.lieuDit": ("Lieu-dit", "Locality"),
    "adressePostale.libelleCommune": ("Commune", "City"),
    "adressePostale.codeCommune": ("Code INSEE de la commune", "City INSEE code"),
    "adressePostale.codePostal": ("Code postal", "Postal code"),
    "adressePostale.codePays": ("Pays", "Country"),
    "coordonneeBancaire": ("Coordonnées bancaires", "Bank details"),
    "coordonneeBancaire.bic": ("BIC", "BIC"),
    "coordonneeBancaire.iban": ("IBAN", "IBAN"),
    "coordonneeBancaire.titulaire": ("Titulaire du compte", "Account holder"),
    "idTiersFacturation": ("Identifiant du tiers de facturation", "Billing party id"),
    "idClient": ("Identifiant Urssaf du client", "Urssaf customer id"),
    "dateNaissanceClient": ("Date de naissance du client", "Customer birth date"),
    "numFactureTiers": ("Numéro de facture", "Invoice number"),
    "dateFacture": ("Date de facture", "Invoice date"),
    "dateDebutEmploi": ("Date de début de prestation", "Service start date"),
    "dateFinEmploi": ("Date de fin de prestation", "Service end date"),
    "mntAcompte": ("Montant de l'acompte", "Deposit amount"),
    "dateVersementAcompte": ("Date de versement de l'acompte", "Deposit date"),
    "mntFactureTTC": ("Total TTC de la facture", "Invoice total incl. VAT"),
    "mntFactureHT": ("Total HT de la facture", "Invoice total excl. VAT"),
    "inputPrestations": ("Lignes de prestation", "Service lines"),
    "inputPrestations.codeNature": ("Nature de la prestation", "Service nature"),
    "inputPrestations.codeActivite": ("Code activité", "Activity code"),
    "inputPrestations.quantite": ("Quantité", "Quantity"),
    "inputPrestations.unite": ("Unité", "Unit"),
    "inputPrestations.mntUnitaireTTC": ("Prix unitaire TTC", "Unit price incl. VAT"),
    "inputPrestations.mntPrestationTTC": ("Montant TTC", "Amount incl. VAT"),
    "inputPrestations.mntPrestationHT": ("Montant HT", "Amount excl. VAT"),
    "inputPrestations.mntPrestationTVA": ("Montant de TVA", "VAT amount"),
    "inputPrestations.dateDebutEmploi": ("Date de début", "Start date"),
    "inputPrestations.dateFinEmploi": ("Date de fin", "End date"),
    "inputPrestations.complement1": ("Description", "Description"),
    "inputPrestations.complement2": ("Numéro de l'intervenant", "Provider number"),
}

# code -> (French template, English template); {label} is the field label.
MESSAGES = {
    "REQUIRED": (
        "{label} : information obligatoire, à renseigner.",
        "{label}: required, fill it in.",
    ),
    "TYPE_INVALID": (
        "{label} : type de valeur incorrect ({expected} attendu), à corriger.",
        "{label}: wrong value type ({expected} expected), correct it.",
    ),
    "TOO_LONG": (
        "{label} : {length} caractères pour {max} au maximum, à raccourcir.",
        "{label}: {length} characters for at most {max}, shorten it.",
    ),
    "NAME_INVALID": (
        "{label} : seuls les lettres, l'apostrophe, le tiret et l'espace sont "
        "acceptés, et le nom doit commencer et finir par une lettre. Retirez "
        "chiffres et caractères spéciaux et reprenez l'orthographe connue des "
        "impôts.",
        "{label}: only letters, apostrophes, hyphens and spaces are accepted, and "
        "the name must start and end with a letter. Remove digits and special "
        "characters and use the spelling known to the tax office.",
    ),
    "FIRST_NAMES_INVALID": (
        "{label} : ne mettez que des lettres (apostrophe ou tiret acceptés à "
        "l'intérieur d'un prénom) et séparez les prénoms par un seul espace. "
        "Retirez chiffres, caractères spéciaux et espaces en trop.",
        "{label}: use letters only (apostrophe or hyphen allowed inside a first "
        "name) and separate first names with a single space. Remove digits, "
        "special characters and extra spaces.",
    ),
    "CIVILITY_INVALID": (
        "{label} : valeur « 1 » (Monsieur) ou « 2 » (Madame) attendue, choisissez "
        "la civilité du client.",
        '{label}: expected "1" (Mr) or "2" (Mrs), choose the customer\'s civility.',
    ),
    "DATE_INVALID": (
        "{label} : date-heure UTC attendue au format AAAA-MM-JJTHH:MM:SSZ, "
        "corrigez la date.",
        "{label}: expected a UTC date-time formatted YYYY-MM-DDTHH:MM:SSZ, "
        "correct the date.",
    ),
    "BIRTH_DATE_FUTURE": (
        "{label} : la date est dans le futur, saisissez la vraie date de " "naissance.",
        "{label}: the date is in the future, enter the real birth date.",
    ),
    "COUNTRY_CODE_INVALID": (
        "{label} : code pays INSEE de 5 chiffres attendu (99100 pour la France), "
        "corrigez le pays.",
        "{label}: expected a 5-digit INSEE country code (99100 for France), "
        "correct the country.",
    ),
    "BIRTH_DEPARTMENT_INVALID": (
        "{label} : 3 caractères attendus (ex. 069, 02A, 974), indiquez le "
        "département tel qu'il était à la date de naissance.",
        "{label}: 3 characters expected (e.g. 069, 02A, 974), enter the "
        "department as it was at the birth date.",
    ),
    "BIRTH_COMMUNE_INVALID": (
        "{label} : 3 chiffres attendus (fin du code INSEE de la commune à la date "
        "de naissance), corrigez la commune de naissance.",
        "{label}: 3 digits expected (end of the commune's INSEE code at the birth "
        "date), correct the birth commune.",
    ),
    "BIRTH_PLACE_ABROAD_DETAILS": (
        "{label} : le client est né hors de France, le département et la commune "
        "de naissance ne doivent pas être transmis. Retirez-les ou corrigez le "
        "pays de naissance.",
        "{label}: the customer was born outside France, birth department and "
        "commune must not be sent. Remove them or correct the birth country.",
    ),
    "PHONE_INVALID": (
        "{label} : numéro de portable français attendu (10 chiffres commençant "
        "par 06 ou 07, ou +336/+337), corrigez le numéro.",
        "{label}: a French mobile number is expected (10 digits starting with 06 "
        "or 07, or +336/+337), correct the number.",
    ),
    "PHONE_NOT_MOBILE": (
        "{label} : ce numéro n'est pas un portable ; l'Urssaf exige un numéro "
        "commençant par 06 ou 07, saisissez un numéro de portable.",
        "{label}: this is not a mobile number; Urssaf requires a number starting "
        "with 06 or 07, enter a mobile number.",
    ),
    "EMAIL_INVALID": (
        "{label} : adresse refusée par l'Urssaf (seuls lettres, chiffres, points, "
        "tirets et soulignés avant le @, puis un nom de domaine), corrigez-la.",
        "{label}: address refused by Urssaf (only letters, digits, dots, hyphens "
        "and underscores before the @, then a domain name), correct it.",
    ),
    "EMAIL_PLUS_SIGN": (
        "{label} : le signe « + » est refusé par l'Urssaf, utilisez une adresse "
        "sans « + ».",
        '{label}: the "+" sign is refused by Urssaf, use an address without "+".',
    ),
    "STREET_NUMBER_INVALID": (
        "{label} : uniquement des chiffres (ni 0, ni plus de 20). Mettez bis, "
        "ter… dans la lettre de voie et le reste dans le complément.",
        "{label}: digits only (not 0, at most 20). Put bis, ter… in the street "
        "letter and anything else in the complement.",
    ),
    "STREET_LETTER_INVALID": (
        "{label} : B (bis), T (ter), Q (quater) ou C (quinquies) attendu, "
        "corrigez-la ou laissez-la vide.",
        "{label}: B (bis), T (ter), Q (quater) or C (quinquies) expected, "
        "correct it or leave it empty.",
    ),
    "ROAD_TYPE_UNKNOWN": (
        "{label} : code inconnu de l'Urssaf, choisissez un code de la liste "
        "(R pour rue, AV pour avenue, CHE pour chemin…).",
        "{label}: code unknown to Urssaf, choose a code from the list (R for "
        "rue, AV for avenue, CHE for chemin…).",
    ),
    "ROAD_TYPE_REQUIRED": (
        "{label} : obligatoire dès que le libellé de voie est renseigné ; "
        "indiquez le type (rue, avenue…) ou mettez l'adresse dans le complément.",
        "{label}: required when a road name is given; enter the type (rue, "
        "avenue…) or put the address in the complement.",
    ),
    "ROAD_NAME_REQUIRED": (
        "{label} : obligatoire dès que le type de voie est renseigné ; indiquez "
        "le nom de la voie ou retirez le type.",
        "{label}: required when a road type is given; enter the road name or "
        "remove the type.",
    ),
    "ADDRESS_DETAIL_REQUIRED": (
        "{label} : l'adresse doit comporter un type et un libellé de voie, un "
        "complément ou un lieu-dit ; complétez l'adresse.",
        "{label}: the address needs a road type and name, a complement or a "
        "locality; complete the address.",
    ),
    "CITY_CODE_INVALID": (
        "{label} : code INSEE de la commune sur 5 caractères attendu (ex. 69101, "
        "2A004), et non le code postal ; corrigez-le.",
        "{label}: the commune's 5-character INSEE code is expected (e.g. 69101, "
        "2A004), not the postal code; correct it.",
    ),
    "ZIP_CODE_INVALID": (
        "{label} : 5 chiffres attendus, corrigez le code postal.",
        "{label}: 5 digits expected, correct the postal code.",
    ),
    "BIC_REQUIRED": (
        "{label} : manquant ; il identifie la banque du compte et figure sur le "
        "RIB : recopiez-le.",
        "{label}: missing; it identifies the account's bank and is on the bank "
        "details (RIB): copy it.",
    ),
    "BIC_INVALID": (
        "{label} : 8 ou 11 caractères attendus (banque, pays, emplacement, agence "
        "facultative), recopiez le BIC du RIB.",
        "{label}: 8 or 11 characters expected (bank, country, location, optional "
        "branch), copy the BIC from the bank details (RIB).",
    ),
    "IBAN_INVALID": (
        "{label} : format d'IBAN attendu (2 lettres, 2 chiffres de clé puis le "
        "numéro de compte, sans espaces), recopiez l'IBAN du RIB.",
        "{label}: IBAN format expected (2 letters, 2 check digits then the "
        "account number, no spaces), copy the IBAN from the bank details (RIB).",
    ),
    "IBAN_CHECKSUM": (
        "{label} : la clé de contrôle ne correspond pas, une erreur de saisie "
        "s'est glissée ; recopiez l'IBAN du RIB.",
        "{label}: the check digits do not match, there is a typing mistake; copy "
        "the IBAN from the bank details (RIB).",
    ),
    "NUMBER_OUT_OF_RANGE": (
        "{label} : valeur hors limites (un milliard ou plus), corrigez-la.",
        "{label}: value out of range (one billion or more), correct it.",
    ),
    "AMOUNT_NEGATIVE": (
        "{label} : montant négatif refusé par l'Urssaf. Les avoirs et remises ne "
        "se transmettent pas : intégrez la remise dans le prix unitaire.",
        "{label}: negative amounts are refused by Urssaf. Credit notes and "
        "discounts cannot be sent: include the discount in the unit price.",
    ),
    "TOO_MANY_DECIMALS": (
        "{label} : {decimals} décimales au maximum, arrondissez la valeur.",
        "{label}: at most {decimals} decimals, round the value.",
    ),
    "QUANTITY_NOT_POSITIVE": (
        "{label} : la quantité doit être strictement positive, corrigez-la.",
        "{label}: the quantity must be strictly positive, correct it.",
    ),
    "LINE_TOTAL_MISMATCH": (
        "{label} : {actual} au lieu de quantité × prix unitaire arrondi au "
        "centime ({expected}) ; corrigez le prix unitaire ou la quantité.",
        "{label}: {actual} instead of quantity × unit price rounded to the cent "
        "({expected}); correct the unit price or the quantity.",
    ),
    "LINE_TAX_MISMATCH": (
        "{label} : HT ({untaxed}) + TVA ({tax}) doit égaler le TTC ({total}) ; "
        "corrigez les montants de la ligne.",
        "{label}: excl. VAT ({untaxed}) + VAT ({tax}) must equal the total "
        "({total}); correct the line amounts.",
    ),
    "INVOICE_TOTAL_MISMATCH": (
        "{label} : {total} alors que la somme des lignes fait {lines}. L'écart "
        "dépasse l'ajustement automatique d'un centime par ligne : vérifiez les "
        "remises et les lignes de la facture.",
        "{label}: {total} while the lines add up to {lines}. The gap exceeds the "
        "automatic adjustment of one cent per line: check the invoice's "
        "discounts and lines.",
    ),
    "NATURE_CODE_UNKNOWN": (
        "{label} : code inconnu, choisissez une nature de la nomenclature des "
        "services à la personne (ex. 60 ménage, 100 soutien scolaire).",
        "{label}: unknown code, choose a nature from the personal services "
        "nomenclature (e.g. 60 housework, 100 tutoring).",
    ),
    "UNIT_INVALID": (
        "{label} : HEURE ou FORFAIT attendu, corrigez l'unité.",
        "{label}: HEURE or FORFAIT expected, correct the unit.",
    ),
    "INTERVENANT_INVALID": (
        "{label} : SAP suivi des 9 chiffres du SIREN, ou SIR suivi des 14 chiffres "
        "du SIRET, attendu ; corrigez le numéro de déclaration SAP.",
        "{label}: SAP followed by the 9-digit SIREN, or SIR followed by the "
        "14-digit SIRET, expected; correct the SAP declaration number.",
    ),
    "PERIOD_END_BEFORE_START": (
        "{label} : la fin de prestation précède son début, corrigez les dates.",
        "{label}: the service ends before it starts, correct the dates.",
    ),
    "PERIOD_MULTIPLE_MONTHS": (
        "{label} : début et fin de prestation doivent être dans le même mois de "
        "la même année ; faites une facture par mois.",
        "{label}: service start and end must be in the same month of the same "
        "year; issue one invoice per month.",
    ),
    "PERIOD_IN_FUTURE": (
        "{label} : la prestation se termine dans le futur ; une demande ne peut "
        "être transmise qu'une fois la prestation réalisée.",
        "{label}: the service ends in the future; a request can only be sent "
        "once the service has been performed.",
    ),
    "LINE_PERIOD_OUTSIDE": (
        "{label} : hors de la période de la demande de paiement, corrigez les "
        "dates de la ligne.",
        "{label}: outside the payment request's period, correct the line dates.",
    ),
    "DEPOSIT_TOO_HIGH": (
        "{label} : {deposit} dépasse 50 % du total TTC ({total}), réduisez "
        "l'acompte.",
        "{label}: {deposit} exceeds 50% of the total incl. VAT ({total}), reduce "
        "the deposit.",
    ),
}

EXPECTED_TYPES = {
    str: ("texte", "text"),
    dict: ("objet", "object"),
    list: ("liste", "list"),
    Decimal: ("nombre", "number"),
}


@dataclass(frozen=True)
class Problem:
    """One problem found in a payload, ready to be shown to the user."""

    path: str
    code: str
    message_fr: str
    message_en: str


def field_label(path):
    """(French, English) label of a payload path such as ``a[1].b``."""
    generic = re.sub(r"\[\d+\]", "", path)
    label_fr, label_en = FIELD_LABELS.get(generic, (generic, generic))
    line = re.match(r"inputPrestations\[(\d+)\]\.", path)
    if line:
        number = int(line.group(1)) + 1
        return f"{label_fr} (ligne {number})", f"{label_en} (line {number})"
    return label_fr, label_en


def make_problem(path, code, **params):
    """Build a :class:`Problem`; a (fr, en) tuple param is localised."""
    label_fr, label_en = field_label(path)
    template_fr, template_en = MESSAGES[code]

    def localise(index):
        return {
            key: value[index] if isinstance(value, tuple) else value
            for key, value in params.items()
        }

    return Problem(
        path=path,
        code=code,
        message_fr=template_fr.format(label=label_fr, **localise(0)),
        message_en=template_en.format(label=label_en, **localise(1)),
    )


def is_valid_name(value):
    """Swagger name pattern: letters, ``'``, ``-`` and space, letter at both ends.

    ``str.isalpha`` is exactly the ``\\pL`` class the swagger uses.
    """
    return (
        bool(value)
        and value[0].isalpha()
        and value[-1].isalpha()
        and all(char.isalpha() or char in "'- " for char in value)
    )


def is_valid_first_names(value):
    """Swagger first-names pattern: words of letters with inner ``'``/``-``,
    separated by exactly one space."""
    return all(
        word
        and word[0].isalpha()
        and word[-1].isalpha()
        and all(char.isalpha() or char in "'-" for char in word)
        for word in value.split(" ")
    )


def parse_api_datetime(value):
    """Parse a date-time as sent to Urssaf (UTC with ``Z``), None if invalid."""
    if not isinstance(value, str) or not DATETIME_RE.fullmatch(value):
        return None
    try:
        # The fraction of a second, checked by the regex, does not matter here.
        parsed = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc)


def _join(prefix, key):
    return f"{prefix}.{key}" if prefix else key


def _money(value):
    """Amount shown in messages: decimal comma in French."""
    return str(value).replace(".", ","), str(value)


class _Checker:
    """Collects problems while walking a payload."""

    def __init__(self):
        self.problems = []

    def add(self, path, code, **params):
        self.problems.append(make_problem(path, code, **params))

    def get(self, obj, prefix, key, expected=str, required=True):
        """Value of ``obj[key]`` if present and of the expected type.

        Numbers are returned as exact Decimals (``expected=Decimal``).
        """
        path = _join(prefix, key)
        value = obj.get(key)
        if value is None or value in ("", [], {}):
            if required:
                self.add(path, "REQUIRED")
            return None
        if expected is Decimal:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.add(path, "TYPE_INVALID", expected=EXPECTED_TYPES[Decimal])
                return None
            if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
                self.add(path, "NUMBER_OUT_OF_RANGE")
                return None
            return to_decimal(value)
        if not isinstance(value, expected):
            self.add(path, "TYPE_INVALID", expected=EXPECTED_TYPES[expected])
            return None
        return value

    def text(self, obj, prefix, key, max_length=None, required=True, pattern=None):
        """String field with an optional length limit and a format.

        ``pattern`` is ``(regex, code)``; returns the value when it is valid.
        """
        value = self.get(obj, prefix, key, required=required)
        if value is None:
            return None
        path = _join(prefix, key)
        if max_length and len(value) > max_length:
            self.add(path, "TOO_LONG", length=len(value), max=max_length)
            return None
        if pattern and not pattern[0].fullmatch(value):
            self.add(path, pattern[1])
            return None
        return value

    def datetime(self, obj, prefix, key, required=True):
        value = self.get(obj, prefix, key, required=required)
        if value is None:
            return None
        parsed = parse_api_datetime(value)
        if parsed is None:
            self.add(_join(prefix, key), "DATE_INVALID")
        return parsed

    def amount(self, obj, prefix, key, decimals=AMOUNT_DECIMALS, required=True):
        value = self.get(obj, prefix, key, expected=Decimal, required=required)
        if value is None:
            return None
        path = _join(prefix, key)
        if value < 0:
            self.add(path, "AMOUNT_NEGATIVE")
            return None
        if decimal_places(value) > decimals:
            self.add(path, "TOO_MANY_DECIMALS", decimals=decimals)
            return None
        return value

    def name(self, obj, key, first_names=False, required=True):
        code = "FIRST_NAMES_INVALID" if first_names else "NAME_INVALID"
        valid = is_valid_first_names if first_names else is_valid_name
        value = self.text(obj, "", key, NAME_MAX_LENGTH, required=required)
        if value is not None and not valid(value):
            self.add(key, code)


def validate_customer_payload(payload, *, today=None):
    """All problems of a ``POST /particulier`` body (InputParticulierDTO).

    :param today: reference date for "not in the future", default: UTC today.
    :return: list of :class:`Problem`, empty when the payload is valid.
    """
    checker = _Checker()
    if not isinstance(payload, dict):
        checker.add("", "TYPE_INVALID", expected=EXPECTED_TYPES[dict])
        return checker.problems
    today = today or datetime.now(timezone.utc).date()
    civility = checker.get(payload, "", "civilite")
    if civility is not None and civility not in ("1", "2"):
        checker.add("civilite", "CIVILITY_INVALID")
    checker.name(payload, "nomNaissance")
    checker.name(payload, "nomUsage", required=False)
    checker.name(payload, "prenoms", first_names=True)
    birth_date = checker.datetime(payload, "", "dateNaissance")
    if birth_date and birth_date.date() > today:
        checker.add("dateNaissance", "BIRTH_DATE_FUTURE")
    _check_birth_place(checker, payload)
    _check_phone(checker, payload)
    _check_email(checker, payload)
    address = checker.get(payload, "", "adressePostale", expected=dict)
    if address is not None:
        _check_address(checker, address)
    bank = checker.get(payload, "", "coordonneeBancaire", expected=dict)
    if bank is not None:
        _check_bank_account(checker, bank)
    return checker.problems


def _check_birth_place(checker, payload):
    place = checker.get(payload, "", "lieuNaissance", expected=dict)
    if place is None:
        return
    prefix = "lieuNaissance"
    country = checker.text(
        place,
        prefix,
        "codePaysNaissance",
        pattern=(COUNTRY_CODE_RE, "COUNTRY_CODE_INVALID"),
    )
    if country is None:
        return
    if country != FRANCE_COUNTRY_CODE:
        if place.get("departementNaissance") or place.get("communeNaissance"):
            checker.add(prefix, "BIRTH_PLACE_ABROAD_DETAILS")
        return
    checker.text(
        place,
        prefix,
        "departementNaissance",
        pattern=(BIRTH_DEPARTMENT_RE, "BIRTH_DEPARTMENT_INVALID"),
    )
    commune = checker.get(place, prefix, "communeNaissance", expected=dict)
    if commune is not None:
        commune_prefix = f"{prefix}.communeNaissance"
        checker.text(
            commune,
            commune_prefix,
            "codeCommune",
            pattern=(BIRTH_COMMUNE_RE, "BIRTH_COMMUNE_INVALID"),
        )
        # Optional in the swagger, but ERR_LIEU_NAISSANCE_OBLIGATOIRE says
        # Urssaf wants the label.
        checker.text(
            commune, commune_prefix, "libelleCommune", BIRTH_COMMUNE_LABEL_MAX_LENGTH
        )


def _check_phone(checker, payload):
    phone = checker.get(payload, "", "numeroTelephonePortable")
    if phone is not None and not PHONE_RE.fullmatch(phone):
        code = (
            "PHONE_NOT_MOBILE" if FRENCH_PHONE_RE.fullmatch(phone) else "PHONE_INVALID"
        )
        checker.add("numeroTelephonePortable", code)


def _check_email(checker, payload):
    email = checker.get(payload, "", "adresseMail")
    if email is not None and not EMAIL_RE.fullmatch(email):
        plus = "+" in email and EMAIL_RE.fullmatch(email.replace("+", ""))
        checker.add("adresseMail", "EMAIL_PLUS_SIGN" if plus else "EMAIL_INVALID")


def _check_address(checker, address):
    prefix = "adressePostale"
    checker.text(
        address,
        prefix,
        "numeroVoie",
        STREET_NUMBER_MAX_LENGTH,
        required=False,
        pattern=(STREET_NUMBER_RE, "STREET_NUMBER_INVALID"),
    )
    letter = checker.get(address, prefix, "lettreVoie", required=False)
    if letter is not None and letter.upper() not in STREET_LETTERS:
        checker.add(f"{prefix}.lettreVoie", "STREET_LETTER_INVALID")
    road_type = checker.get(address, prefix, "codeTypeVoie", required=False)
    if road_type is not None and (
        not ROAD_TYPE_RE.fullmatch(road_type) or road_type.upper() not in ROAD_TYPES
    ):
        checker.add(f"{prefix}.codeTypeVoie", "ROAD_TYPE_UNKNOWN")
    checker.text(address, prefix, "libelleVoie", ROAD_NAME_MAX_LENGTH, required=False)
    for key in ("complement", "lieuDit"):
        checker.text(
            address, prefix, key, ADDRESS_COMPLEMENT_MAX_LENGTH, required=False
        )
    # Presence rules (BR22) look at raw values so that a badly formatted
    # field is reported once, by its own check.
    has_type, has_name = bool(road_type), bool(address.get("libelleVoie"))
    if has_type and not has_name:
        checker.add(f"{prefix}.libelleVoie", "ROAD_NAME_REQUIRED")
    elif has_name and not has_type:
        checker.add(f"{prefix}.codeTypeVoie", "ROAD_TYPE_REQUIRED")
    elif not (has_type or address.get("complement") or address.get("lieuDit")):
        checker.add(prefix, "ADDRESS_DETAIL_REQUIRED")
    checker.text(address, prefix, "libelleCommune", CITY_LABEL_MAX_LENGTH)
    checker.text(
        address, prefix, "codeCommune", pattern=(INSEE_COMMUNE_RE, "CITY_CODE_INVALID")
    )
    checker.text(
        address, prefix, "codePostal", pattern=(ZIP_CODE_RE, "ZIP_CODE_INVALID")
    )
    checker.text(
        address, prefix, "codePays", pattern=(COUNTRY_CODE_RE, "COUNTRY_CODE_INVALID")
    )


def _check_bank_account(checker, bank):
    prefix = "coordonneeBancaire"
    if bank.get("bic") in (None, ""):
        checker.add(f"{prefix}.bic", "BIC_REQUIRED")
    else:
        checker.text(bank, prefix, "bic", pattern=(BIC_RE, "BIC_INVALID"))
    iban = checker.text(bank, prefix, "iban", pattern=(IBAN_RE, "IBAN_INVALID"))
    if iban is not None and not iban_checksum_ok(iban):
        checker.add(f"{prefix}.iban", "IBAN_CHECKSUM")
    checker.text(bank, prefix, "titulaire", HOLDER_MAX_LENGTH)


def validate_payment_request_payload(payload, *, now=None):
    """All problems of one ``POST /demandePaiement`` item (InputDemandePaiement).

    :param now: aware reference date-time for "not in the future", default now.
    :return: list of :class:`Problem`, empty when the payload is valid.
    """
    checker = _Checker()
    if not isinstance(payload, dict):
        checker.add("", "TYPE_INVALID", expected=EXPECTED_TYPES[dict])
        return checker.problems
    now = now or datetime.now(timezone.utc)
    checker.get(payload, "", "idTiersFacturation")
    checker.get(payload, "", "idClient")
    checker.datetime(payload, "", "dateNaissanceClient")
    checker.text(payload, "", "numFactureTiers", INVOICE_NUMBER_MAX_LENGTH)
    checker.datetime(payload, "", "dateFacture")
    period = _check_period(checker, payload, "", now)
    total = checker.amount(payload, "", "mntFactureTTC")
    checker.amount(payload, "", "mntFactureHT")
    _check_deposit(checker, payload, total)
    lines = checker.get(payload, "", "inputPrestations", expected=list)
    if lines is None:
        return checker.problems
    line_totals = [
        _check_line(checker, line, f"inputPrestations[{index}]", period)
        for index, line in enumerate(lines)
    ]
    if total is not None and None not in line_totals:
        lines_sum = sum(line_totals, Decimal(0))
        if lines_sum != total:
            checker.add(
                "mntFactureTTC",
                "INVOICE_TOTAL_MISMATCH",
                total=_money(total),
                lines=_money(lines_sum),
            )
    return checker.problems


def _check_period(checker, obj, prefix, now, required=True, outer=None):
    """Check a start/end pair (BR1-BR3); return it when both are valid."""
    start = checker.datetime(obj, prefix, "dateDebutEmploi", required=required)
    end = checker.datetime(obj, prefix, "dateFinEmploi", required=required)
    if start is None or end is None:
        return None
    end_path = _join(prefix, "dateFinEmploi")
    if end < start:
        checker.add(end_path, "PERIOD_END_BEFORE_START")
    elif (start.year, start.month) != (end.year, end.month):
        checker.add(end_path, "PERIOD_MULTIPLE_MONTHS")
    elif outer and (start < outer[0] or end > outer[1]):
        checker.add(end_path, "LINE_PERIOD_OUTSIDE")
    elif now and end > now:
        checker.add(end_path, "PERIOD_IN_FUTURE")
    return start, end


def _check_deposit(checker, payload, total):
    deposit = checker.amount(payload, "", "mntAcompte", required=False)
    if deposit is None:
        return
    checker.datetime(payload, "", "dateVersementAcompte")
    if total is not None and deposit > total * DEPOSIT_MAX_RATIO:
        checker.add(
            "mntAcompte",
            "DEPOSIT_TOO_HIGH",
            deposit=_money(deposit),
            total=_money(total),
        )


def _check_line(checker, line, prefix, period):
    """Check one InputPrestation; return its TTC amount if it is consistent."""
    if not isinstance(line, dict):
        checker.add(prefix, "TYPE_INVALID", expected=EXPECTED_TYPES[dict])
        return None
    nature = checker.get(line, prefix, "codeNature")
    if nature is not None and nature not in NATURE_CODES:
        checker.add(f"{prefix}.codeNature", "NATURE_CODE_UNKNOWN")
    checker.get(line, prefix, "codeActivite", required=False)
    unit = checker.get(line, prefix, "unite")
    if unit is not None and unit not in UNITS:
        checker.add(f"{prefix}.unite", "UNIT_INVALID")
    checker.text(
        line,
        prefix,
        "complement2",
        pattern=(INTERVENANT_RE, "INTERVENANT_INVALID"),
    )
    checker.get(line, prefix, "complement1", required=False)
    _check_period(checker, line, prefix, None, required=False, outer=period)
    quantity = checker.amount(line, prefix, "quantite", QUANTITY_DECIMALS)
    if quantity is not None and quantity <= 0:
        checker.add(f"{prefix}.quantite", "QUANTITY_NOT_POSITIVE")
        quantity = None
    unit_price = checker.amount(line, prefix, "mntUnitaireTTC", UNIT_PRICE_DECIMALS)
    total = checker.amount(line, prefix, "mntPrestationTTC")
    untaxed = checker.amount(line, prefix, "mntPrestationHT")
    tax = checker.amount(line, prefix, "mntPrestationTVA")
    consistent = total is not None
    if None not in (quantity, unit_price, total):
        expected = line_total(unit_price, quantity)
        if expected != total:
            checker.add(
                f"{prefix}.mntPrestationTTC",
                "LINE_TOTAL_MISMATCH",
                actual=_money(total),
                expected=_money(expected),
            )
            consistent = False
    if None not in (total, untaxed, tax) and round_amount(untaxed + tax) != total:
        checker.add(
            f"{prefix}.mntPrestationTVA",
            "LINE_TAX_MISMATCH",
            untaxed=_money(untaxed),
            tax=_money(tax),
            total=_money(total),
        )
    return total if consistent else None
