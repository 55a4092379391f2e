"""The official swagger 1.29.1 as request schemas for the simulator.

The swagger file under ``lib/data`` is the single source of field rules. Two
adjustments are made here, both documented in urssaf-api.md:

* ``numFactureTiers`` is added to the search criteria (used by newer API
  versions, §2.4 / C6);
* the name patterns are replaced by equivalent ones: as written they nest
  quantifiers (``(x*)+``) and backtrack exponentially in Python's ``re``
  (seconds for a 25-letter invalid name). Equivalence under full-match
  semantics is checked exhaustively on short strings by the tests;
* ``unite`` gets the enum its description gives in words (``HEURE`` or
  ``FORFAIT``, §3.3): Urssaf refuses any other value.
"""

import copy
import json
import os
import re
from functools import lru_cache

from dateutil.parser import isoparse

from ..codes import UNIT_FLAT_RATE, UNIT_HOUR
from .schema import Validator

SWAGGER_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "data",
    "urssaf-api-tiers-de-prestation-1.29.1.swagger.json",
)

# Java patterns of the swagger -> equivalent patterns without nested quantifiers.
PATTERN_OVERRIDES = {
    # nomNaissance / nomUsage: a single letter, or letters, quotes, hyphens and
    # spaces starting and ending with a letter.
    r"^[\pL]+(([\pL'\- ])*)+([\pL])|(^[\pL])$": r"^[\pL]([\pL'\- ]*[\pL])?$",
    # prenoms: words of letters, quotes and hyphens starting and ending with a
    # letter, separated by exactly one space.
    r"^[\pL]+(['\-]*[\pL]+)*((\ ){1}[\pL]+(['\-]*[\pL]+)*)*$": (
        r"^[\pL]([\pL'\-]*[\pL])?( [\pL]([\pL'\-]*[\pL])?)*$"
    ),
}

# Search by invoice numbers, added to the search criteria (§2.4 / C6).
INVOICE_NUMBERS_CRITERION = {"type": "array", "items": {"type": "string"}}

# Inscription and payment requests: UTC timestamp with a mandatory "Z" (§1.4).
_STRICT_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")


def is_strict_timestamp(value):
    return bool(_STRICT_TIMESTAMP.fullmatch(value)) and is_lenient_timestamp(value)


def is_lenient_timestamp(value):
    try:
        isoparse(value)
    except (ValueError, OverflowError):
        return False
    return True


@lru_cache(maxsize=1)
def load_swagger():
    with open(SWAGGER_PATH, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _simulator_swagger():
    """The swagger with the rules it states only in words made checkable."""
    swagger = copy.deepcopy(load_swagger())
    line = swagger["definitions"]["InputPrestation"]["properties"]
    line["unite"]["enum"] = [UNIT_HOUR, UNIT_FLAT_RATE]
    return swagger


def _body_schema(swagger, path, method):
    for parameter in swagger["paths"][path][method]["parameters"]:
        if parameter["in"] == "body":
            return parameter["schema"]
    raise KeyError(path)


@lru_cache(maxsize=1)
def request_schemas():
    """Return ``{operation: schema}`` for the three request bodies."""
    swagger = _simulator_swagger()
    search = copy.deepcopy(swagger["definitions"]["InputRechercheDemandePaiement"])
    search["properties"]["numFactureTiers"] = INVOICE_NUMBERS_CRITERION
    return {
        "inscription": _body_schema(swagger, "/particulier", "post"),
        "demande": _body_schema(swagger, "/demandePaiement", "post"),
        "recherche": search,
    }


def validator(strict_dates=True):
    """Validator with Java pattern semantics and Urssaf date formats.

    The swagger's ``format: date`` fields actually carry timestamps.
    """
    check = is_strict_timestamp if strict_dates else is_lenient_timestamp
    return Validator(
        root=_simulator_swagger(),
        formats={"date": check, "date-time": check},
        pattern_mode="fullmatch",
        pattern_overrides=PATTERN_OVERRIDES,
    )
