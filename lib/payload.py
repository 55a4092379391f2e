"""Build the JSON payloads Urssaf expects from plain Python values.

The builders normalise what can be normalised without guessing (spaces,
typographic apostrophes, phone formats, IBAN spacing, birth-place encoding,
amount rounding) and never raise on bad business data: the result is then
checked by :mod:`.validators`, which reports every remaining problem::

    payload = build_customer_payload(customer)
    problems = validate_customer_payload(payload)

Conventions: naive datetimes are UTC (as stored by Odoo), dates mean midnight
UTC; amounts are given as Decimal, int, str or float and computed in Decimal.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .amounts import balance_lines, round_amount, round_quantity, to_decimal
from .codes import FRANCE_COUNTRY_CODE, ROAD_TYPES, STREET_LETTERS, UNIT_HOUR
from .formats import format_api_datetime, split_commune_code, strip_accents
from .validators import ROAD_NAME_MAX_LENGTH

# Required by the schema but not used by Urssaf ("n'a pas vocation à être
# renseigné", Urssaf support quoted by CAERP): any stable value will do.
DEFAULT_BILLING_PARTY_ID = "odoo"
# Undocumented limit of complement1; the most recent client truncates at 120.
DESCRIPTION_MAX_LENGTH = 120

# Amounts and quantities may be given in any exact-enough form.
Number = Decimal | int | float | str


def _number(value):
    """JSON number from an exact Decimal (float repr keeps its digits)."""
    return float(value)


# Typographic variants users paste from word processors.
_NAME_TRANSLATION = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u2010": "-",
        "\u2013": "-",
    }
)


def normalize_name(value):
    """Collapse whitespace and straighten apostrophes and dashes.

    Accents are kept: the official pattern accepts any letter.
    """
    if not value:
        return value
    return " ".join(value.translate(_NAME_TRANSLATION).split())


# France, then Réunion/Mayotte, Guadeloupe, Guyane, Martinique (mobiles 06xx).
_PHONE_PREFIXES = tuple(
    prefix + code
    for code in ("33", "262", "590", "594", "596")
    for prefix in ("+", "00")
)


def normalize_mobile_phone(value):
    """French mobile in the national ``06XXXXXXXX`` form when recognisable.

    Spaces, dots, dashes and parentheses are removed; ``+33``/``0033`` and the
    overseas country codes (``+262``, ``+590``, ``+594``, ``+596``, whose
    mobiles are ``06xx``) become ``0``; ``+33 (0)6…`` loses its ``(0)``.
    Anything else is returned compacted, for the validator to report.
    """
    if not value:
        return value
    compact = re.sub(r"[\s.\-()/]", "", value.replace("(0)", ""))
    for prefix in _PHONE_PREFIXES:
        if compact.startswith(prefix):
            return "0" + compact[len(prefix) :]
    return compact


def normalize_bank_code(value):
    """IBAN or BIC without spaces, upper case."""
    return "".join(value.split()).upper() if value else value


def normalize_intervenant(value):
    """``SAP`` + SIREN or ``SIR`` + SIRET; bare SIREN/SIRET digits are prefixed."""
    if not value:
        return value
    compact = "".join(value.split()).upper()
    if compact.isdigit():
        return {9: "SAP", 14: "SIR"}.get(len(compact), "") + compact
    return compact


@dataclass
class BirthPlace:
    """Birth place as stored by the caller.

    :param country_code: INSEE country code, ``99100`` for France
    :param commune_code: 5-character INSEE code of the birth commune, as it was
        at the birth date (e.g. ``69123``, ``2A004``, ``97411``); France only
    :param commune_label: name of the birth commune; France only
    """

    country_code: str = FRANCE_COUNTRY_CODE
    commune_code: str | None = None
    commune_label: str | None = None


def encode_birth_place(place):
    """``lieuNaissance`` object from a :class:`BirthPlace`.

    * metropolitan France ``DDCCC``: department ``0DD``, commune ``CCC``
      (``77288`` -> ``077``/``288``), Corsica included (``2A004`` ->
      ``02A``/``004``, pre-1976 ``20xxx`` -> ``020``);
    * overseas ``97xCC``/``98xCC``: department ``97x``, commune ``0CC``
      (``97411`` -> ``974``/``011``), as Urssaf support told CAERP to send;
    * abroad: country code only, department and commune must be absent.
    """
    country = (place.country_code or "").strip()
    result = {"codePaysNaissance": country}
    if country != FRANCE_COUNTRY_CODE:
        return result
    code = (place.commune_code or "").strip().upper()
    if len(code) == 5:
        department, commune = split_commune_code(code)
        result["departementNaissance"] = department
        result["communeNaissance"] = {"codeCommune": commune}
    else:
        # Not an INSEE code: send it as is so that validation reports it.
        result["communeNaissance"] = {"codeCommune": code}
    if place.commune_label:
        result["communeNaissance"]["libelleCommune"] = place.commune_label.strip()
    return result


def _fold(text):
    """Lower-case form without accents used to recognise road types."""
    return strip_accents(text).lower()


# Usual abbreviations of titles in road names (La Poste's, NF Z 10-011), used
# only for a name longer than Urssaf's 28 characters.
_TITLE_ABBREVIATIONS = {
    "marechal": "Mal",
    "general": "Gal",
    "president": "Pdt",
    "docteur": "Dr",
    "professeur": "Pr",
    "commandant": "Cdt",
    "capitaine": "Cne",
    "lieutenant": "Lt",
    "colonel": "Col",
    "monseigneur": "Mgr",
    "saint": "St",
    "sainte": "Ste",
    "notre-dame": "N-D",
}


def shorten_road_name(name):
    """Abbreviate the titles of a road name, first to last, until it fits in
    28 characters (``du Maréchal de Lattre de Tassigny`` -> ``du Mal de Lattre
    de Tassigny``); a name without titles is returned as it is."""
    words = name.split(" ")
    for index, word in enumerate(words):
        if len(" ".join(words)) <= ROAD_NAME_MAX_LENGTH:
            break
        words[index] = _TITLE_ABBREVIATIONS.get(_fold(word)) or "-".join(
            _TITLE_ABBREVIATIONS.get(_fold(part), part) for part in word.split("-")
        )
    return " ".join(words)


# Road-type words (labels have at most three words) and usual abbreviations.
_ROAD_TYPE_WORDS = {
    _fold(label).replace("-", " "): code for code, label in ROAD_TYPES.items()
}
_ROAD_TYPE_WORDS.update(
    {
        "av": "AV",
        "ave": "AV",
        "bd": "BD",
        "bld": "BD",
        "boul": "BD",
        "ch": "CHE",
        "che": "CHE",
        "chem": "CHE",
        "fbg": "FG",
        "imp": "IMP",
        "lieu dit": "LD",
        "lieudit": "LD",
        "pl": "PL",
        "r": "R",
        "rte": "RTE",
        "sq": "SQ",
    }
)
_LETTER_WORDS = {"bis": "B", "ter": "T", "quater": "Q", "quinquies": "C"}
_LETTER_WORDS.update({letter.lower(): letter for letter in STREET_LETTERS})
_STREET_RE = re.compile(
    r"(?P<number>[0-9]+)\s*(?P<letter>bis|ter|quater|quinquies|[btqc])?\b[\s,]*(?P<rest>.*)",
    re.IGNORECASE,
)


@dataclass
class Address:
    """Customer postal address (place where the services are performed).

    :param city_code: INSEE code of the commune (not the postal code)
    """

    city: str
    city_code: str
    zip_code: str
    country_code: str = FRANCE_COUNTRY_CODE
    street_number: str | None = None
    street_letter: str | None = None
    road_type: str | None = None
    road_name: str | None = None
    complement: str | None = None
    locality: str | None = None

    @classmethod
    def from_street(
        cls,
        street,
        *,
        city,
        city_code,
        zip_code,
        street2=None,
        country_code=FRANCE_COUNTRY_CODE,
    ):
        """Split a free-text street line such as ``12 bis av. Jean Jaurès``.

        The number and its letter are recognised first, then a road type
        (word or usual abbreviation). A road name over 28 characters has its
        titles abbreviated (Maréchal -> Mal). When no type is recognised, or the
        road name still exceeds 28 characters, the rest goes to ``complement``;
        ``street2`` is appended to the complement.
        """
        number = letter = road_type = road_name = None
        rest = " ".join((street or "").split())
        match = _STREET_RE.fullmatch(rest)
        if match:
            number, rest = match["number"], match["rest"]
            if match["letter"]:
                letter = _LETTER_WORDS[match["letter"].lower()]
        words = rest.split(" ")
        for size in (3, 2, 1):
            key = _fold(" ".join(words[:size])).replace("-", " ").rstrip(".")
            name = shorten_road_name(" ".join(words[size:]))
            if len(words) > size and key in _ROAD_TYPE_WORDS:
                if len(name) <= ROAD_NAME_MAX_LENGTH:
                    road_type, road_name, rest = _ROAD_TYPE_WORDS[key], name, ""
                break
        complement = ", ".join(part for part in (rest, normalize_name(street2)) if part)
        return cls(
            city=city,
            city_code=city_code,
            zip_code=zip_code,
            street_number=number,
            street_letter=letter,
            road_type=road_type,
            road_name=road_name,
            complement=complement or None,
            country_code=country_code,
        )


def encode_address(address):
    """``adressePostale`` object; empty optional fields are omitted."""
    values = {
        "numeroVoie": address.street_number,
        "lettreVoie": (address.street_letter or "").upper(),
        "codeTypeVoie": (address.road_type or "").upper(),
        "libelleVoie": normalize_name(address.road_name),
        "complement": normalize_name(address.complement),
        "lieuDit": normalize_name(address.locality),
        "libelleCommune": normalize_name(address.city),
        "codeCommune": (address.city_code or "").strip().upper(),
        "codePostal": (address.zip_code or "").strip(),
        "codePays": (address.country_code or "").strip(),
    }
    return {key: value for key, value in values.items() if value}


@dataclass
class BankAccount:
    iban: str
    bic: str
    holder: str


@dataclass
class Customer:
    """A private customer to register (``POST /particulier``).

    :param civility: ``codes.CIVILITY_MALE`` ("1") or ``CIVILITY_FEMALE`` ("2")
    :param first_names: all first names as known to the tax office
    """

    civility: str
    birth_name: str
    first_names: str
    birth_date: date
    birth_place: BirthPlace
    mobile_phone: str
    email: str
    address: Address
    bank_account: BankAccount
    usage_name: str | None = None


def build_customer_payload(customer):
    """``InputParticulierDTO`` dict for :meth:`UrssafClient.register_customer`.

    ``nomUsage`` is only sent when it differs from the birth name, as the
    swagger asks.
    """
    birth_name = normalize_name(customer.birth_name)
    usage_name = normalize_name(customer.usage_name)
    payload = {
        "civilite": customer.civility,
        "nomNaissance": birth_name,
        "prenoms": normalize_name(customer.first_names),
        "dateNaissance": format_api_datetime(customer.birth_date),
        "lieuNaissance": encode_birth_place(customer.birth_place),
        "numeroTelephonePortable": normalize_mobile_phone(customer.mobile_phone),
        "adresseMail": (customer.email or "").strip(),
        "adressePostale": encode_address(customer.address),
        "coordonneeBancaire": {
            "bic": normalize_bank_code(customer.bank_account.bic),
            "iban": normalize_bank_code(customer.bank_account.iban),
            "titulaire": normalize_name(customer.bank_account.holder),
        },
    }
    if usage_name and usage_name.casefold() != (birth_name or "").casefold():
        payload["nomUsage"] = usage_name
    return payload


@dataclass
class ServiceLine:
    """One invoiced service.

    :param unit_price: unit price **including VAT**
    :param vat_rate: VAT rate in percent (``10`` for 10 %), 0 when exempt
    :param description: free text shown to the customer (``complement1``)
    """

    nature_code: str
    quantity: Number
    unit_price: Number
    unit: str = UNIT_HOUR
    vat_rate: Number = 0
    description: str | None = None
    activity_code: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class PaymentRequest:
    """An invoice to transmit as a payment request (``POST /demandePaiement``).

    :param customer_id: ``idClient`` returned by the registration
    :param intervenant: provider number sent in ``complement2`` of every line:
        ``SAP`` + SIREN (SAP declaration) or ``SIR`` + SIRET
    :param total: invoice total including VAT; ``None`` uses the sum of lines.
        A gap of up to one cent per line is absorbed (see :mod:`.amounts`).
    """

    customer_id: str
    customer_birth_date: date
    invoice_number: str
    invoice_date: date
    start: date
    end: date
    intervenant: str
    lines: list = field(default_factory=list)
    total: Number | None = None
    deposit_amount: Number | None = None
    deposit_date: date | None = None
    billing_party_id: str = DEFAULT_BILLING_PARTY_ID


def build_payment_request_payload(request):
    """``InputDemandePaiement`` dict, one item of the transmitted list.

    Quantities are rounded to 3 decimals, unit prices to 3, amounts to 2;
    line totals, HT and TVA come from :func:`.amounts.balance_lines`, and the
    invoice HT is the sum of the lines' HT.
    """
    quantities = [round_quantity(line.quantity) for line in request.lines]
    amounts = balance_lines(
        [
            (line.unit_price, quantity, line.vat_rate or 0)
            for line, quantity in zip(request.lines, quantities, strict=True)
        ],
        None if request.total is None else to_decimal(request.total),
    )
    intervenant = normalize_intervenant(request.intervenant)
    lines = [
        _encode_line(line, line_amounts, intervenant)
        for line, line_amounts in zip(request.lines, amounts, strict=True)
    ]
    total = (
        round_amount(request.total)
        if request.total is not None
        else sum((line.total for line in amounts), round_amount(0))
    )
    payload = {
        "idTiersFacturation": request.billing_party_id,
        "idClient": request.customer_id,
        "dateNaissanceClient": format_api_datetime(request.customer_birth_date),
        "numFactureTiers": request.invoice_number,
        "dateFacture": format_api_datetime(request.invoice_date),
        "dateDebutEmploi": format_api_datetime(request.start),
        "dateFinEmploi": format_api_datetime(request.end),
        "mntFactureTTC": _number(total),
        "mntFactureHT": _number(
            sum((line.untaxed for line in amounts), round_amount(0))
        ),
        "inputPrestations": lines,
    }
    if request.deposit_amount:
        payload["mntAcompte"] = _number(round_amount(request.deposit_amount))
        if request.deposit_date:
            payload["dateVersementAcompte"] = format_api_datetime(request.deposit_date)
    return payload


def _encode_line(line, amounts, intervenant):
    encoded = {
        "codeNature": str(line.nature_code),
        "quantite": _number(amounts.quantity),
        "unite": line.unit,
        "mntUnitaireTTC": _number(amounts.unit_price),
        "mntPrestationTTC": _number(amounts.total),
        "mntPrestationHT": _number(amounts.untaxed),
        "mntPrestationTVA": _number(amounts.tax),
        "complement2": intervenant,
    }
    optional = {
        "codeActivite": line.activity_code,
        "dateDebutEmploi": format_api_datetime(line.start),
        "dateFinEmploi": format_api_datetime(line.end),
        "complement1": (line.description or "").strip()[:DESCRIPTION_MAX_LENGTH],
    }
    encoded.update({key: value for key, value in optional.items() if value})
    return encoded


def build_search_payload(
    *, ids=None, invoice_numbers=None, date_from=None, date_to=None
):
    """``InputRechercheDemandePaiement`` dict; ``None`` criteria are omitted.

    ``numFactureTiers`` is not in swagger 1.29.1 but is used by every recent
    client (newer API versions).
    """
    values = {
        "idDemandePaiements": list(ids) if ids else None,
        "numFactureTiers": list(invoice_numbers) if invoice_numbers else None,
        "dateDebut": format_api_datetime(date_from),
        "dateFin": format_api_datetime(date_to),
    }
    return {key: value for key, value in values.items() if value}
