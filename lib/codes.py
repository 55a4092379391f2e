"""Enumerations of the Urssaf API Tiers de Prestation, with French labels.

Sources and confidence levels are in ``urssaf-api.md`` (sections 3.1 to 3.7).
Codes are strings everywhere, exactly as the API sends and expects them.
This is the single source of these tables: the client and the simulator
(``lib/simulator``) both import them.
"""

from decimal import Decimal

# Gateway paths (appended to the production, sandbox or simulator root) and
# the OAuth scope of the API.
TOKEN_PATH = "/api/oauth/v1/token"
API_PATH = "/atp/v1/tiersPrestations"
OAUTH_SCOPE = "homeplus.tiersprestations"
# At most this many payment requests per call (ERR_NBRE_PREST_MAX), and ids
# or invoice numbers per search.
MAX_ITEMS_PER_CALL = 10

FRANCE_COUNTRY_CODE = "99100"

CIVILITY_MALE = "1"
CIVILITY_FEMALE = "2"
CIVILITIES = {CIVILITY_MALE: "Monsieur", CIVILITY_FEMALE: "Madame"}

UNIT_HOUR = "HEURE"
UNIT_FLAT_RATE = "FORFAIT"
UNITS = {UNIT_HOUR: "Heure", UNIT_FLAT_RATE: "Forfait"}

# Payment request ("demande de paiement") statuses, section 3.1. Only the
# codes confirmed by several implementations are listed; any other code is
# kept verbatim by the client and mapped to STATE_UNKNOWN.
PAYMENT_STATUSES = {
    "10": "Intégrée",
    "20": "En attente de validation",
    "30": "Validée",
    "40": "Refusée",
    "50": "Prélevée",
    "60": "En refus de prélèvement",
    "70": "Payée",
    "110": "Annulée",
    "111": "Annulée après impayé",
    "112": "Annulée après recouvrement",
    "120": "Recouvrée",
}
# The other statuses of section 3.1, not confirmed by implementations: the
# simulator knows their labels, the client treats them as unknown.
UNCONFIRMED_PAYMENT_STATUSES = {
    "15": "Aides calculées",
    "80": "En attente d'échanges",
    "90": "Clôturée",
    "100": "Supprimée",
    "113": "Annulée (raison spécifique)",
    "260": "Impayé prestataire",
    "270": "Régularisé prestataire",
}

STATE_PENDING = "pending"
STATE_PAID = "paid"
STATE_REFUSED = "refused"
STATE_UNPAID = "unpaid"
STATE_CANCELLED = "cancelled"
STATE_RECOVERED = "recovered"
STATE_UNKNOWN = "unknown"

# 120 means the provider recovered an unpaid request itself: terminal, but
# Urssaf did not pay (contradiction C9 of the reference, we follow CAERP).
PAYMENT_STATUS_STATES = {
    "10": STATE_PENDING,
    "20": STATE_PENDING,
    "30": STATE_PENDING,
    "50": STATE_PENDING,
    "40": STATE_REFUSED,
    "60": STATE_UNPAID,
    "70": STATE_PAID,
    "110": STATE_CANCELLED,
    "111": STATE_CANCELLED,
    "112": STATE_CANCELLED,
    "120": STATE_RECOVERED,
}

# Statuses after which Urssaf is not expected to move the request any more.
# 70 can still change for a few days (CAERP keeps watching it for 7 days),
# so pollers should keep an eye on recently paid requests.
FINAL_PAYMENT_STATUSES = frozenset({"40", "70", "110", "111", "112", "120"})


def payment_status_label(code):
    """French label of a status code; unknown codes are shown verbatim."""
    return PAYMENT_STATUSES.get(code) or f"Statut inconnu ({code})"


def payment_status_state(code):
    """Coarse state of a status code, ``STATE_UNKNOWN`` if not documented."""
    return PAYMENT_STATUS_STATES.get(code, STATE_UNKNOWN)


# Customer account / link statuses returned by GET /particulier, section 3.2.
ACCOUNT_PENDING = "APPAREILLAGE_EC"
ACCOUNT_ACTIVE = "APPAREILLAGE_VALIDE"
ACCOUNT_NOT_FINALISED = "APPAREILLAGE_NF"
ACCOUNT_BLOCKED = "PARTICULIER_BLOQUE"
ACCOUNT_MANDATE_EXPIRED = "MANDAT_ECHU"
ACCOUNT_STATUSES = {
    ACCOUNT_PENDING: "Appareillage en cours (activation du compte en attente)",
    ACCOUNT_ACTIVE: "Compte validé, transmission possible",
    ACCOUNT_NOT_FINALISED: "Appareillage non finalisé (lien d'activation expiré)",
    ACCOUNT_BLOCKED: "Compte du particulier bloqué",
    ACCOUNT_MANDATE_EXPIRED: "Mandat de prélèvement expiré",
}

# Rejection / cancellation reasons (infoRejet.code), section 3.3:
# code -> (category, label).
REJECTION_REASONS = {
    "REGUL_MNT_FACT": (
        "Régularisation",
        "Erreur sur le montant facturé et/ou sur le tarif indiqué pour la prestation",
    ),
    "REGUL_NB_QTE_FACT": (
        "Régularisation",
        "Nombre d'heures ou quantités facturées erronées",
    ),
    "REGUL_PRESTA_FACT": ("Régularisation", "Erreur sur les prestations facturées"),
    "REGUL_AUTRE": ("Régularisation", "Autre motif"),
    "CONTEST_ERR_FACT": ("Contestation", "La facture comporte une erreur"),
    "CONTEST_FACT_REGLEE": ("Contestation", "La facture a déjà été réglée"),
    "CONTEST_AUTRE": ("Contestation", "Autre motif"),
    "ANNUL_DBL": ("Annulation", "Demande de paiement en doublon"),
    "ANNUL_ERR_MNT": ("Annulation", "Montant facturé erroné"),
    "ANNUL_ERR_TECH": ("Annulation", "Erreur technique"),
    "ANNUL_AUTRE": ("Annulation", "Autre motif"),
}

# Service natures (article D7231-1 du code du travail), section 3.4.
NATURE_CODES = {
    "10": "Garde d'enfant handicapé",
    "20": "Accompagnement d'enfant handicapé",
    "30": "Aide humaine",
    "40": "Conduite du véhicule personnel",
    "50": "Accompagnement pour les sorties",
    "60": "Ménage - repassage",
    "70": "Jardinage",
    "80": "Petit bricolage",
    "90": "Garde d'enfant + 6 ans",
    "100": "Soutien scolaire",
    "110": "Coiffure - esthétique",
    "120": "Préparation de repas",
    "130": "Livraison de repas",
    "140": "Collecte et livraison de linge",
    "150": "Livraison de course",
    "160": "Assistance informatique",
    "170": "Soins et promenades d'animaux",
    "180": "Gardiennage",
    "190": "Assistance administrative",
    "200": "Accompagnement d'enfant + 6 ans",
    "210": "Téléassistance",
    "220": "Interprétariat et codage",
    "230": "Conduite du véhicule personnel - temporaire",
    "240": "Accompagnement pour les sorties - temporaire",
    "250": "Aide humaine - temporaire",
    "260": "Plateforme de coordination",
    "270": "Divers - Non éligible",
}

# Not a service à la personne: no tax credit, never on an attestation.
NATURE_NOT_ELIGIBLE = "270"

# Usual French VAT rate (percent) per nature, as seeded by CAERP. Informative
# only: Urssaf does not check the rate.
NATURE_USUAL_VAT_RATES = {
    code: Decimal(rate)
    for code, rate in {
        "10": "5.5",
        "20": "5.5",
        "30": "5.5",
        "40": "5.5",
        "50": "5.5",
        "60": "10",
        "70": "20",
        "80": "10",
        "90": "10",
        "100": "10",
        "110": "10",
        "120": "10",
        "130": "10",
        "140": "10",
        "150": "10",
        "160": "20",
        "170": "10",
        "180": "20",
        "190": "10",
        "200": "10",
        "210": "20",
        "220": "5.5",
        "230": "10",
        "240": "10",
        "250": "10",
        "260": "20",
        "270": "20",
    }.items()
}

# Letter after the street number (lettreVoie).
STREET_LETTERS = {"B": "Bis", "T": "Ter", "Q": "Quater", "C": "Quinquiès"}

# Road types (codeTypeVoie), section 3.6: the API takes the code.
ROAD_TYPES = {
    "ALL": "Allée",
    "AV": "Avenue",
    "BAT": "Bâtiment",
    "BD": "Boulevard",
    "C": "Cours",
    "CAN": "Canal",
    "CAS": "Caserne",
    "CAV": "Cavée",
    "CEI": "Ceinture",
    "CEL": "Cellier",
    "CEN": "Centre",
    "CGE": "Collège",
    "CH": "Chasse",
    "CHA": "Château",
    "CHE": "Chemin",
    "CHN": "Chantier",
    "CHP": "Chapelle",
    "CHS": "Chaussée",
    "CHT": "Cheminement",
    "CHV": "Chemin vicinal",
    "CI": "Cité",
    "CIM": "Cimetière",
    "CIN": "Cinéma",
    "CL": "Clos",
    "CLB": "Club",
    "CLI": "Clinique",
    "CLL": "Col",
    "CLO": "Cloître",
    "CN": "Coin",
    "CO": "Cour",
    "COE": "Colline",
    "COG": "Cottage",
    "COL": "Colonie",
    "COM": "Commissariat",
    "COR": "Corniche",
    "COT": "Côte",
    "COU": "Couloir",
    "CRO": "Carroi",
    "CRX": "Croix",
    "CTE": "Central téléphonique",
    "CUR": "Cure",
    "DEG": "Degré",
    "DEP": "Dépôt",
    "DES": "Descente",
    "DIG": "Digue",
    "DOM": "Domaine",
    "DON": "Direction",
    "ECA": "Écart",
    "ECL": "Écluse",
    "ECO": "École",
    "ECV": "Enclave",
    "EGL": "Église",
    "EMP": "Emplacement",
    "EN": "Enceinte",
    "ENC": "Enclos",
    "ENT": "Entrepôt",
    "ESC": "Escalier",
    "ESP": "Esplanade",
    "ETA": "Établissement",
    "ETG": "Étang",
    "FAC": "Façade",
    "FCU": "Faculté",
    "FER": "Ferme",
    "FG": "Faubourg",
    "FOL": "Folie",
    "FON": "Fontaine",
    "FOR": "Forêt",
    "FOS": "Fosse",
    "FOY": "Foyer",
    "FRI": "Friche",
    "FT": "Fort",
    "GA": "Gare",
    "GAL": "Galerie",
    "GDI": "Grand impasse",
    "GED": "Gendarmerie",
    "GEN": "Grand ensemble",
    "GGE": "Garage",
    "GLA": "Glacis",
    "GPE": "Groupe",
    "GR": "Grand rue",
    "GRI": "Grille",
    "GRN": "Garenne",
    "GRP": "Groupement",
    "GSC": "Groupe scolaire",
    "GUE": "Gué",
    "HA": "Halage",
    "HAL": "Halle",
    "HAM": "Hameau",
    "HCE": "Hospice",
    "HIP": "Hippodrome",
    "HLM": "H.L.M.",
    "HOP": "Hôpital",
    "HOT": "Hôtel",
    "HUT": "Hutte",
    "ILE": "Île",
    "ILO": "Îlot",
    "IMB": "Immeuble",
    "IMP": "Impasse",
    "INS": "Institut",
    "ISP": "Inspection",
    "JAR": "Jardin",
    "JET": "Jetée",
    "JUS": "Justice",
    "LD": "Lieu dit",
    "LEV": "Levée",
    "LOT": "Lotissement",
    "LYC": "Lycée",
    "MA": "Mare",
    "MAG": "Magasin",
    "MAI": "Maison",
    "MAN": "Manoir",
    "MAR": "Marché",
    "MAS": "Mas",
    "MAT": "Maternité",
    "MET": "Métro",
    "MF": "Maison forestière",
    "MG": "Maison de garde",
    "ML": "Mail",
    "MOU": "Moulin",
    "MRI": "Mairie",
    "MTE": "Montée",
    "MUS": "Musée",
    "NTE": "Nouvelle route",
    "OBS": "Observatoire",
    "OCT": "Octroi",
    "PA": "Parvis",
    "PAE": "Petite avenue",
    "PAL": "Palais",
    "PAR": "Parc",
    "PAS": "Passage",
    "PAT": "Pâture",
    "PAV": "Pavillon",
    "PBY": "Presbytère",
    "PCE": "Porche",
    "PER": "Péristyle",
    "PHA": "Pharmacie",
    "PIE": "Pièce",
    "PIM": "Petite impasse",
    "PKG": "Parking",
    "PL": "Place",
    "PLA": "Plaine",
    "PLC": "Placis",
    "PLE": "Passerelle",
    "PLT": "Plateau",
    "PLY": "Petit lycée",
    "PO": "Pont",
    "POI": "Pointe",
    "POR": "Porte",
    "POT": "Poterne",
    "POU": "Pourtour",
    "PPA": "Petit passage",
    "PR": "Petite rue",
    "PRA": "Prairie",
    "PRE": "Pré",
    "PRO": "Promenade",
    "PRQ": "Presqu'île",
    "PRT": "Petite route",
    "PRU": "Préau",
    "PT": "Port",
    "PTE": "Poste",
    "Q": "Quai",
    "QU": "Quartier",
    "R": "Rue",
    "RAC": "Raccourci",
    "RAM": "Rampe",
    "REM": "Rempart",
    "RES": "Résidence",
    "RNT": "Restaurant",
    "ROC": "Rocade",
    "ROQ": "Roquet",
    "ROT": "Rotonde",
    "ROU": "Roulade",
    "RP": "Rond point",
    "RTE": "Route",
    "RUL": "Ruelle",
    "SAN": "Sanatorium",
    "SAP": "Sapum",
    "SAS": "Sas",
    "SCE": "Service",
    "SEC": "Section",
    "SEM": "Séminaire",
    "SEN": "Sentier",
    "SNT": "Sente",
    "SOC": "Société",
    "SQ": "Square",
    "STA": "Stade",
    "STN": "Stand",
    "STO": "Station",
    "TE": "Terrasse",
    "TEA": "Terrain",
    "TEN": "Tenue",
    "TER": "Tertre",
    "THE": "Théâtre",
    "TOU": "Tour",
    "TP": "Terre plein",
    "TRA": "Traverse",
    "TRG": "Triège",
    "TRI": "Triage",
    "TUI": "Tuilerie",
    "USI": "Usine",
    "VAL": "Val",
    "VCH": "Vieux chemin",
    "VEL": "Vélodrome",
    "VEN": "Venelle",
    "VGE": "Village",
    "VIA": "Viaduc",
    "VIL": "Ville",
    "VLA": "Villa",
    "VLE": "Vallée",
    "VNO": "Ville nouvelle",
    "VO": "Voie",
    "VON": "Vallon",
    "VOY": "Voyeul",
    "ZAC": "ZAC",
    "ZI": "Zone industrielle",
    "ZUP": "Z.U.P.",
}
