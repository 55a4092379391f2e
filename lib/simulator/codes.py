"""Error codes the simulator emits, and its own names for the statuses.

Source: urssaf-api.md §3 and §5 (error catalogue). The Urssaf enumerations
(statuses, reasons, natures, road types, account statuses) live once in
``lib/codes.py``; this module only adds what is the simulator's own: the
status constants of its transition graph, the account-status texts the API
writes and the error catalogue it answers with.
"""

from ..codes import (
    ACCOUNT_ACTIVE,
    ACCOUNT_BLOCKED,
    ACCOUNT_MANDATE_EXPIRED,
    ACCOUNT_NOT_FINALISED,
    ACCOUNT_PENDING,
    PAYMENT_STATUSES,
    UNCONFIRMED_PAYMENT_STATUSES,
)

# §3.1 every documented payment-request status; the simulator drives the core
# set 10/20/30/40/50/60/70/110/111/112/120.
DP_STATUS_LABELS = {**PAYMENT_STATUSES, **UNCONFIRMED_PAYMENT_STATUSES}
DP_INTEGREE = "10"
DP_ATTENTE_VALIDATION = "20"
DP_VALIDEE = "30"
DP_REFUSEE = "40"
DP_PRELEVEE = "50"
DP_REFUS_PRELEVEMENT = "60"
DP_PAYEE = "70"
DP_ANNULEE = "110"
DP_UNPAID_OUTCOMES = ("111", "112", "120")

# §3.2 statut.description as the API writes it (the client shows its own
# labels, ``lib.codes.ACCOUNT_STATUSES``).
ACCOUNT_STATUS_DESCRIPTIONS = {
    ACCOUNT_PENDING: "Transmission DP impossible, appareillage en cours de traitement",
    # The real text is unknown; it carries the activation date-time.
    ACCOUNT_ACTIVE: "Transmission DP possible depuis le {activation}",
    ACCOUNT_NOT_FINALISED: "Transmission DP impossible, appareillage non finalisé",
    ACCOUNT_BLOCKED: "Transmission DP impossible, compte du particulier bloqué",
    ACCOUNT_MANDATE_EXPIRED: "Transmission DP impossible, mandat de prélèvement échu",
}

# §3.3 which rejection reasons go with a refusal, which with a cancellation.
REFUSAL_PREFIXES = ("REGUL_", "CONTEST_")
CANCELLATION_PREFIX = "ANNUL_"

# §5 error codes emitted by the simulator, with a short message.
ERROR_MESSAGES = {
    # any endpoint
    "ERREUR_VALIDATION": "La requête ne respecte pas le format attendu",
    "ERREUR_TECHNIQUE": "Erreur technique",
    # payment requests
    "ERR_DATE_FUTUR": "La période d'emploi est dans le futur",
    "ERR_DATE_PAIEMENT_AVANT_EXP": (
        "La date de paiement est antérieure à la date de début du dispositif"
    ),
    "ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE": (
        "Les dates de début et de fin d'emploi doivent être dans le même mois"
    ),
    "ERR_DATE_FIN_AVANT_DATE_DEB": (
        "La date de fin d'emploi est antérieure à la date de début"
    ),
    "ERR_MONTANT_ACOMPTE": "Le montant de l'acompte est trop élevé",
    "ERR_ACOMPTE_BLOQUE": "Le prestataire n'est pas autorisé à déclarer un acompte",
    "ERR_TOTAL_PRESTATIONS": (
        "La somme des prestations ne correspond pas au montant de la facture"
    ),
    "ERR_CODE_NATURE": "Code nature inconnu",
    "ERR_CODE_ACTIVITE": "Code activité inconnu",
    "ERR_CODE_ACTIVITE_NATURE": "Le code activité ne correspond pas à la nature",
    "ERR_FORMAT_VALEUR": "Le montant comporte trop de décimales",
    "ERR_MNT_PREST_HT_TVA": "Le montant HT plus la TVA ne correspond pas au TTC",
    "ERR_MNT_PREST_TTC": (
        "Le montant TTC ne correspond pas à la quantité multipliée par le prix"
        " unitaire"
    ),
    "ERR_NBRE_PREST_MAX": "Le nombre de demandes de paiement est limité à 10",
    "ERR_VALEUR_NEGATIVE": "Les valeurs négatives ne sont pas autorisées",
    "ERR_PARTICULIER_INCONNU": (
        "Le particulier est inconnu ou la date de naissance ne correspond pas"
    ),
    "ERR_PRESTATAIRE_EMETTEUR_INCONNU": "Aucun prestataire ne correspond à l'émetteur",
    "ERR_PRESTATAIRE_FACTURATION_INCONNU": (
        "Aucun prestataire ne correspond à l'identifiant de facturation"
    ),
    "ERR_LIEN_PARTICULIER_PRESTATAIRE": (
        "Aucun lien actif entre le particulier et le prestataire aux dates d'emploi"
    ),
    "ERR_FACTURE_DOUBLON": "Le numéro de facture a déjà été utilisé",
    "ERR_CMPT_BLOQUE": "Le compte du particulier est bloqué",
    "ERR_MANDAT_ECHU": "Le mandat de prélèvement du particulier est échu",
    "ERREUR_GARANTIE_FINANCIERE_NON_CONFORME": (
        "La garantie financière du prestataire n'est pas conforme"
    ),
    "ERR_FORMAT_NUMINTERVENANT": "Le numéro de l'intervenant est mal formé",
    "ERR_NUMINTERVENANT_MANQUANT": "Le numéro de l'intervenant est manquant",
    "ERR_NUMINTERVENANT_BLOQUE": "L'intervenant n'est pas autorisé",
    # search
    "ERR_CRITERE_RECHERCHE_VIDE": "Aucun critère de recherche n'est renseigné",
    "ERR_NBRE_MAX_RESULTAT": "Trop de résultats, veuillez affiner votre recherche",
    "ERR_RECHERCHE_VIDE": "Aucune demande de paiement ne correspond à la recherche",
    # customer status
    "ERR_RECHERCHE_PARTICULIER": "Aucun particulier ne correspond à la recherche",
    # inscription
    "ERR_DGFIP_R2P_INCONNU": (
        "Aucune identité fiscale ne correspond à l'état civil transmis"
    ),
    "ERR_DGFIP_IMPOTPART_INCONNU": (
        "La situation fiscale du particulier ne permet pas l'accès au service"
    ),
    "ERR_ECV_PARTICULIERS_EXISTENT": (
        "Plusieurs particuliers correspondent à l'état civil transmis"
    ),
    "ERREUR_REFERENCE_PARTICULIER_EXISTANTE_TYPE": (
        "Le couple adresse mail et téléphone est déjà utilisé"
    ),
    "ERR_DATE_NAISSANCE_FUTUR": "La date de naissance est dans le futur",
    "ERR_LIEU_NAISSANCE_OBLIGATOIRE": (
        "Le libellé de la commune de naissance doit être renseigné"
    ),
    "ERREUR_LIEU_NAISSANCE_DEPT": (
        "Le département de naissance est obligatoire pour une naissance en France"
    ),
    "ERREUR_LIEU_NAISSANCE_DEPT_FORMAT": (
        "Le format du département de naissance est incorrect"
    ),
    "ERR_LIEU_NAISSANCE_COMN": (
        "La commune de naissance est obligatoire pour une naissance en France"
    ),
    "ERREUR_LIEU_NAISSANCE_PAYS": (
        "Département et commune de naissance interdits pour une naissance à"
        " l'étranger"
    ),
    "ERREUR_LIEU_NAISSANCE_OBLIGATOIRE": "Le lieu de naissance est obligatoire",
    "ERREUR_LIEU_NAISSANCE_INVALIDE": (
        "Le libellé de la commune de naissance doit être alphanumérique"
    ),
    "ERR_CONTACT": "Les coordonnées du particulier sont incomplètes ou invalides",
    "ERR_CONTACT_ADRESSE_TYPE_VOIE": "Type de voie inconnu",
    "ERR_CONTACT_ADRESSE_TYPEVOIE": (
        "Le type de voie est obligatoire quand le libellé de voie est renseigné"
    ),
    "ERR_CONTACT_ADRESSE_LETTRE_VOIE": "Lettre de voie inconnue",
    "ERR_CONTACT_ADRESSE_LIBELLEVOIE": (
        "Le libellé de voie est obligatoire quand le type de voie est renseigné"
    ),
    "ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE": (
        "Renseigner la voie, un complément d'adresse ou un lieu-dit"
    ),
    "ERR_CONTACT_ADRESSE_COMMUNE": "Commune inconnue",
    "ERR_COORDONNEES_BANCAIRES": "Le BIC ou l'IBAN est invalide",
    "ERR_COMPTE_BLOQUE": "Le compte du particulier est bloqué",
    "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE": (
        "Le lien entre le prestataire et le particulier existe déjà"
    ),
}


def error(code, description=None):
    """Build an Urssaf ``Erreur`` object."""
    message = ERROR_MESSAGES[code]
    return {"code": code, "message": message, "description": description or message}
