"""Sample payloads and an in-process client, for tests, demos and the scenario.

``particulier(seed, **overrides)`` builds a valid ``POST /particulier`` body
(distinct e-mail/phone/first name per ``seed``); ``payment_request(...)`` a
valid ``InputDemandePaiement`` whose amounts are consistent (BR8–BR10).
Overrides replace top-level keys; a dict value is merged one level deep; the
:data:`DELETE` sentinel removes a key.
"""

import copy
from decimal import Decimal

from werkzeug.test import Client

from ..amounts import line_total, round_amount
from ..formats import format_api_datetime
from .app import API_PREFIX

DELETE = object()
FIRST_NAMES = ("Jeanne", "Marie", "Louise", "Paul", "Pierre", "Anne", "Luc", "Rose")


def _merge(base, overrides):
    for key, value in overrides.items():
        if value is DELETE:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def particulier(seed=0, **overrides):
    """A valid inscription body for a person born in Lyon in 1980."""
    body = {
        "civilite": "2",
        "nomNaissance": "Durand",
        "nomUsage": "Martin",
        "prenoms": FIRST_NAMES[seed % len(FIRST_NAMES)] + " Marie" * (seed // 8),
        "dateNaissance": "1980-03-29T00:00:00.000Z",
        "lieuNaissance": {
            "codePaysNaissance": "99100",
            "departementNaissance": "069",
            "communeNaissance": {"codeCommune": "123", "libelleCommune": "Lyon"},
        },
        "numeroTelephonePortable": f"06123456{seed % 100:02d}",
        "adresseMail": f"client{seed}@example.fr",
        "adressePostale": {
            "numeroVoie": "8",
            "codeTypeVoie": "R",
            "libelleVoie": "du Soleil",
            "libelleCommune": "LYON 01",
            "codeCommune": "69101",
            "codePostal": "69001",
            "codePays": "99100",
        },
        "coordonneeBancaire": {
            "bic": "BNPAFRPP",
            "iban": "FR7630004000031234567890143",
            "titulaire": "Mme Jeanne Martin",
        },
    }
    return _merge(body, overrides)


def _money(value):
    return float(round_amount(value))


def line(nature="60", quantity="2", unit_price="25.00", vat_rate="0.10", **overrides):
    """One ``InputPrestation`` with TTC = unit × quantity and HT + TVA = TTC."""
    ttc = line_total(unit_price, quantity)
    ht = round_amount(ttc / (1 + Decimal(vat_rate)))
    body = {
        "codeNature": nature,
        "quantite": float(Decimal(quantity)),
        "unite": "HEURE",
        "mntUnitaireTTC": float(Decimal(unit_price)),
        "mntPrestationTTC": _money(ttc),
        "mntPrestationHT": _money(ht),
        "mntPrestationTVA": _money(ttc - ht),
        "complement2": "SAP123456789",
    }
    return _merge(body, overrides)


def payment_request(id_client, number, start, end, lines=None, **overrides):
    """A valid ``InputDemandePaiement`` for the 1980-03-29 sample customer.

    ``start``/``end`` are datetimes (UTC) of the employment period; the invoice
    is dated ``end``.
    """
    lines = lines or [line()]
    ttc = sum(Decimal(str(item["mntPrestationTTC"])) for item in lines)
    ht = sum(Decimal(str(item["mntPrestationHT"])) for item in lines)
    body = {
        "idTiersFacturation": "simulateur",
        "idClient": id_client,
        "dateNaissanceClient": "1980-03-29T00:00:00Z",
        "numFactureTiers": number,
        "dateFacture": format_api_datetime(end),
        "dateDebutEmploi": format_api_datetime(start),
        "dateFinEmploi": format_api_datetime(end),
        "mntFactureTTC": _money(ttc),
        "mntFactureHT": _money(ht),
        "inputPrestations": lines,
    }
    return _merge(body, overrides)


class LocalClient:
    """Urssaf calls through werkzeug's test client, already authenticated.

    Methods return werkzeug test responses (``status_code``, ``get_json()``).
    A new token is issued whenever the current one expired (clock moves).
    """

    def __init__(self, simulator, client_id="test"):
        self.simulator = simulator
        self.client_id = client_id
        self.client = Client(simulator.wsgi_app)
        self.token = simulator.issue_token(client_id)

    @property
    def headers(self):
        if self.simulator.authenticate(self.token) is None:
            self.token = self.simulator.issue_token(self.client_id)
        return {"Authorization": f"Bearer {self.token}"}

    def register(self, body):
        return self.client.post(
            f"{API_PREFIX}/particulier", json=body, headers=self.headers
        )

    def status(self, id_client=None, email=None):
        params = {
            k: v for k, v in (("idClient", id_client), ("adresseMail", email)) if v
        }
        return self.client.get(
            f"{API_PREFIX}/particulier", query_string=params, headers=self.headers
        )

    def submit(self, items):
        return self.client.post(
            f"{API_PREFIX}/demandePaiement", json=items, headers=self.headers
        )

    def search(self, body):
        return self.client.post(
            f"{API_PREFIX}/demandePaiement/rechercher", json=body, headers=self.headers
        )

    def active_customer(self, seed=0, **overrides):
        """Register ``particulier(seed, **overrides)`` and activate it now."""
        response = self.register(particulier(seed, **overrides))
        if response.status_code != 200:
            raise AssertionError(response.get_json())
        id_client = response.get_json()["idClient"]
        self.simulator.activate(id_client, provider=self.client_id)
        return id_client
