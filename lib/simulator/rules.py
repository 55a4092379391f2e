"""Format and business rules (urssaf-api.md §4, BR1–BR23) as pure functions.

A violated rule raises :class:`Rejected` carrying one Urssaf ``Erreur``; only
the first violation is reported, as the real API seems to do. Checks that need
the stored state (identities, links, duplicates) get it as arguments.
"""

import re

from dateutil.parser import isoparse

from ..amounts import decimal_places, line_total, to_decimal
from ..codes import (
    ACCOUNT_ACTIVE,
    FRANCE_COUNTRY_CODE,
    NATURE_CODES,
    ROAD_TYPES,
    STREET_LETTERS,
)
from ..formats import INSEE_COMMUNE_RE, INTERVENANT_RE, iban_checksum_ok
from . import codes
from .clock import to_utc
from .identity import commune_exists
from .swagger import request_schemas

SCHEMA_ROOTS = {
    "inscription": "inputParticulier",
    "demande": "inputDemandePaiements",
    "recherche": "inputRechercheDemandePaiement",
}

# Inscription fields reported with their own codes (most specific first).
INSCRIPTION_FIELD_CODES = (
    (("lieuNaissance", "departementNaissance"), "ERREUR_LIEU_NAISSANCE_DEPT_FORMAT"),
    (
        ("lieuNaissance", "communeNaissance", "libelleCommune"),
        "ERREUR_LIEU_NAISSANCE_INVALIDE",
    ),
    (("lieuNaissance", "communeNaissance"), "ERR_LIEU_NAISSANCE_COMN"),
    (("lieuNaissance", "codePaysNaissance"), "ERREUR_VALIDATION"),
    (("lieuNaissance",), "ERREUR_LIEU_NAISSANCE_OBLIGATOIRE"),
    (("numeroTelephonePortable",), "ERR_CONTACT"),
    (("adresseMail",), "ERR_CONTACT"),
    (("adressePostale", "codeTypeVoie"), "ERR_CONTACT_ADRESSE_TYPE_VOIE"),
    (("adressePostale", "lettreVoie"), "ERR_CONTACT_ADRESSE_LETTRE_VOIE"),
    (("adressePostale", "codeCommune"), "ERR_CONTACT_ADRESSE_COMMUNE"),
    (("adressePostale",), "ERR_CONTACT"),
    (("coordonneeBancaire",), "ERR_COORDONNEES_BANCAIRES"),
)
NAME_FIELDS = ("nomNaissance", "nomUsage", "prenoms")
_BIRTH_COMMUNE = ("lieuNaissance", "communeNaissance", "codeCommune")
_BIRTH_LABEL = re.compile(r"[\w' \-]+")
_ACTIVITY = re.compile(r"([0-9]{1,3})A[0-9]{3}")


class Rejected(Exception):
    """A request or item is rejected with one Urssaf error."""

    def __init__(self, code, description=None):
        super().__init__(code)
        self.code = code
        self.error = codes.error(code, description)


def parse_timestamp(value):
    """ISO timestamp -> aware UTC datetime (naive values are taken as UTC)."""
    return to_utc(isoparse(value))


def _present(mapping, key):
    value = mapping.get(key)
    return value is not None and value != ""


# -- schema ---------------------------------------------------------------------


def check_schema(validator, operation, body, field_codes=(), ignore=None):
    """Raise :class:`Rejected` for the first swagger violation of ``body``.

    ``ignore(error)`` may discard tolerated violations.
    """
    for error in validator.iter_errors(body, request_schemas()[operation]):
        if ignore and ignore(error):
            continue
        code = next(
            (c for prefix, c in field_codes if error.path[: len(prefix)] == prefix),
            "ERREUR_VALIDATION",
        )
        where = ".".join(filter(None, [SCHEMA_ROOTS[operation], error.dotted_path]))
        where = where.replace(".[", "[")
        raise Rejected(code, f"champ {where} : {error.message}")


# -- inscription ------------------------------------------------------------------


def check_inscription(validator, body, settings, today):
    """Format and referential checks of ``POST /particulier`` (BR21–BR23)."""

    def tolerated(error):
        if not settings.accept_5_digit_birth_commune or error.path != _BIRTH_COMMUNE:
            return False
        code = body["lieuNaissance"]["communeNaissance"]["codeCommune"]
        return isinstance(code, str) and bool(INSEE_COMMUNE_RE.fullmatch(code))

    check_schema(validator, "inscription", body, INSCRIPTION_FIELD_CODES, tolerated)
    if settings.max_name_length:
        for field in NAME_FIELDS:
            if len(body.get(field) or "") > settings.max_name_length:
                raise Rejected(
                    "ERREUR_VALIDATION",
                    f"champ inputParticulier.{field} : longueur maximale "
                    f"{settings.max_name_length}",
                )
    if parse_timestamp(body["dateNaissance"]).date() > today:
        raise Rejected("ERR_DATE_NAISSANCE_FUTUR")
    check_birth_place(body["lieuNaissance"])
    check_address(body["adressePostale"])
    if not iban_checksum_ok(body["coordonneeBancaire"]["iban"]):
        raise Rejected("ERR_COORDONNEES_BANCAIRES", "IBAN invalide (clé de contrôle)")


def check_birth_place(place):
    """BR21: France-born needs department and commune, foreign-born neither."""
    if place["codePaysNaissance"] != FRANCE_COUNTRY_CODE:
        if _present(place, "departementNaissance") or place.get("communeNaissance"):
            raise Rejected("ERREUR_LIEU_NAISSANCE_PAYS")
        return
    if not _present(place, "departementNaissance"):
        raise Rejected("ERREUR_LIEU_NAISSANCE_DEPT")
    commune = place.get("communeNaissance")
    if not commune:
        raise Rejected("ERR_LIEU_NAISSANCE_COMN")
    label = commune.get("libelleCommune")
    if not label:
        raise Rejected("ERR_LIEU_NAISSANCE_OBLIGATOIRE")
    if not _BIRTH_LABEL.fullmatch(label):
        raise Rejected("ERREUR_LIEU_NAISSANCE_INVALIDE")


def check_address(address):
    """BR22: road type and letter from the lists, type <=> label, commune."""
    has_type = _present(address, "codeTypeVoie")
    has_label = _present(address, "libelleVoie")
    if has_type and address["codeTypeVoie"].upper() not in ROAD_TYPES:
        raise Rejected("ERR_CONTACT_ADRESSE_TYPE_VOIE")
    letter = address.get("lettreVoie")
    if letter and letter.upper() not in STREET_LETTERS:
        raise Rejected("ERR_CONTACT_ADRESSE_LETTRE_VOIE")
    if has_type and not has_label:
        raise Rejected("ERR_CONTACT_ADRESSE_LIBELLEVOIE")
    if has_label and not has_type:
        raise Rejected("ERR_CONTACT_ADRESSE_TYPEVOIE")
    if not (
        has_type or _present(address, "complement") or _present(address, "lieuDit")
    ):
        raise Rejected("ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE")
    if not commune_exists(address["codeCommune"]):
        raise Rejected("ERR_CONTACT_ADRESSE_COMMUNE")


def normalize_phone(phone):
    return "0" + phone[3:] if phone.startswith("+33") else phone


# -- payment requests -----------------------------------------------------------


def check_payment_request(item, *, ctx):
    """BR1–BR14, BR17–BR19 for one payment request (raises :class:`Rejected`).

    ``ctx`` is a :class:`PaymentContext`.
    """
    _check_provider(item, ctx.provider)
    _check_customer(item, ctx)
    _check_period(item, ctx)
    if ctx.duplicate:
        raise Rejected("ERR_FACTURE_DOUBLON")
    _check_amount_formats(item)
    for line in item["inputPrestations"]:
        _check_line(line, ctx)
    _check_totals(item, ctx)


class PaymentContext:
    """What :func:`check_payment_request` needs to know about the stored state."""

    def __init__(self, *, now, settings, provider, customer, link, duplicate):
        self.now = now
        self.settings = settings
        self.provider = provider
        self.customer = customer
        self.link = link
        self.duplicate = duplicate


def _check_provider(item, provider):
    """BR18."""
    if not provider.habilitated:
        raise Rejected("ERR_PRESTATAIRE_EMETTEUR_INCONNU")
    expected = provider.id_tiers_facturation
    if expected is not None and item["idTiersFacturation"] != expected:
        raise Rejected("ERR_PRESTATAIRE_FACTURATION_INCONNU")
    if not provider.financial_guarantee:
        raise Rejected("ERREUR_GARANTIE_FINANCIERE_NON_CONFORME")


def _check_customer(item, ctx):
    """BR6 and BR17."""
    customer = ctx.customer
    if customer is None or ctx.link is None:
        raise Rejected("ERR_PARTICULIER_INCONNU")
    birth = parse_timestamp(item["dateNaissanceClient"]).date()
    if birth != parse_timestamp(customer["data"]["dateNaissance"]).date():
        raise Rejected("ERR_PARTICULIER_INCONNU")
    if customer["blocked"]:
        raise Rejected("ERR_CMPT_BLOQUE")
    if customer["mandate_expired"]:
        raise Rejected("ERR_MANDAT_ECHU")


def _check_period(item, ctx):
    """BR1–BR5."""
    start = parse_timestamp(item["dateDebutEmploi"])
    end = parse_timestamp(item["dateFinEmploi"])
    if end < start:
        raise Rejected("ERR_DATE_FIN_AVANT_DATE_DEB")
    if (start.year, start.month) != (end.year, end.month):
        raise Rejected("ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE")
    if end > ctx.now:
        raise Rejected("ERR_DATE_FUTUR")
    scheme_start = to_utc(ctx.settings.scheme_start)
    if start < scheme_start or parse_timestamp(item["dateFacture"]) < scheme_start:
        raise Rejected("ERR_DATE_PAIEMENT_AVANT_EXP")
    link = ctx.link
    if link["status"] != ACCOUNT_ACTIVE:
        raise Rejected("ERR_LIEN_PARTICULIER_PRESTATAIRE", "Appareillage non validé")
    if start < to_utc(link["activated_at"]):
        raise Rejected(
            "ERR_LIEN_PARTICULIER_PRESTATAIRE",
            "La période d'emploi commence avant l'activation du particulier",
        )


_ITEM_AMOUNTS = ("mntFactureTTC", "mntFactureHT", "mntAcompte")
_LINE_AMOUNTS = ("mntPrestationTTC", "mntPrestationHT", "mntPrestationTVA")


def _check_amount_formats(item):
    """BR11 and BR12 on every number of the request."""
    numbers = [(k, item[k], 2) for k in _ITEM_AMOUNTS if k in item]
    for index, line in enumerate(item["inputPrestations"]):
        numbers += [
            (f"inputPrestations[{index}].{k}", line[k], 2) for k in _LINE_AMOUNTS
        ]
        numbers.append(
            (f"inputPrestations[{index}].mntUnitaireTTC", line["mntUnitaireTTC"], 3)
        )
        numbers.append((f"inputPrestations[{index}].quantite", line["quantite"], None))
    for name, value, _places in numbers:
        if to_decimal(value) < 0:
            raise Rejected("ERR_VALEUR_NEGATIVE", f"champ {name} négatif")
    for name, value, places in numbers:
        if places is not None and decimal_places(value) > places:
            raise Rejected(
                "ERR_FORMAT_VALEUR", f"champ {name} : {places} décimales maximum"
            )


def _check_line(line, ctx):
    """BR14, BR19, BR9, BR10 for one line."""
    nature = line["codeNature"]
    if nature not in NATURE_CODES:
        raise Rejected("ERR_CODE_NATURE", f"Code nature {nature} inconnu")
    activity = line.get("codeActivite")
    if activity:
        match = _ACTIVITY.fullmatch(activity)
        if not match or match.group(1) not in NATURE_CODES:
            raise Rejected("ERR_CODE_ACTIVITE", f"Code activité {activity} inconnu")
        if match.group(1) != nature:
            raise Rejected("ERR_CODE_ACTIVITE_NATURE")
    if ctx.settings.require_intervenant:
        intervenant = line.get("complement2")
        if not intervenant:
            raise Rejected("ERR_NUMINTERVENANT_MANQUANT")
        if not INTERVENANT_RE.fullmatch(intervenant):
            raise Rejected("ERR_FORMAT_NUMINTERVENANT")
        if intervenant in ctx.provider.blocked_intervenants:
            raise Rejected("ERR_NUMINTERVENANT_BLOQUE")
    ttc = to_decimal(line["mntPrestationTTC"])
    expected = line_total(line["mntUnitaireTTC"], line["quantite"])
    if ttc != expected:
        raise Rejected(
            "ERR_MNT_PREST_TTC", f"attendu {expected}, reçu {ttc} (mntPrestationTTC)"
        )
    if (
        to_decimal(line["mntPrestationHT"]) + to_decimal(line["mntPrestationTVA"])
        != ttc
    ):
        raise Rejected("ERR_MNT_PREST_HT_TVA")


def _check_totals(item, ctx):
    """BR8, BR25 (optional) and BR13."""
    lines = item["inputPrestations"]
    ttc = to_decimal(item["mntFactureTTC"])
    if sum(to_decimal(line["mntPrestationTTC"]) for line in lines) != ttc:
        raise Rejected("ERR_TOTAL_PRESTATIONS", "Somme des mntPrestationTTC")
    if ctx.settings.check_invoice_ht:
        ht = sum(to_decimal(line["mntPrestationHT"]) for line in lines)
        if ht != to_decimal(item["mntFactureHT"]):
            raise Rejected("ERR_TOTAL_PRESTATIONS", "Somme des mntPrestationHT")
    deposit = to_decimal(item.get("mntAcompte") or 0)
    if deposit:
        if not ctx.provider.deposits_allowed:
            raise Rejected("ERR_ACOMPTE_BLOQUE")
        if deposit > ttc * to_decimal(ctx.settings.deposit_max_ratio):
            raise Rejected("ERR_MONTANT_ACOMPTE")
        if not item.get("dateVersementAcompte"):
            raise Rejected(
                "ERREUR_VALIDATION", "dateVersementAcompte obligatoire avec mntAcompte"
            )
