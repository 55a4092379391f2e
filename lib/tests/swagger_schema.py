"""JSON-schema validators built from the official swagger 1.29.1 (tests only).

The swagger is read and its Java patterns translated by the simulator's own
helpers; validation itself is left to the independent ``jsonschema`` library.
"""

import jsonschema

from lib.simulator.schema import java_pattern_to_python
from lib.simulator.swagger import INVOICE_NUMBERS_CRITERION, load_swagger


def python_patterns(node):
    """Copy of a schema tree with every Java ``pattern`` translated to ``re``."""
    if isinstance(node, dict):
        out = {k: python_patterns(v) for k, v in node.items()}
        if "pattern" in out:
            out["pattern"] = java_pattern_to_python(node["pattern"])
        return out
    if isinstance(node, list):
        return [python_patterns(v) for v in node]
    return node


def _strict(definitions):
    """Copy with Python patterns, and unknown properties forbidden so that a
    misspelt field name fails the contract."""
    definitions = python_patterns(definitions)
    for definition in definitions.values():
        definition["additionalProperties"] = False
    search = definitions["InputRechercheDemandePaiement"]
    search["properties"]["numFactureTiers"] = INVOICE_NUMBERS_CRITERION
    return definitions


def validator(schema):
    """Draft-4 validator of ``schema`` whose ``#/definitions`` refs resolve
    against the swagger's (strict) definitions."""
    document = dict(schema, definitions=_strict(load_swagger()["definitions"]))
    return jsonschema.Draft4Validator(document)


def definition_validator(name):
    return validator({"$ref": f"#/definitions/{name}"})


def body_validator(path):
    """Validator of the request body declared for ``POST path``."""
    parameters = load_swagger()["paths"][path]["post"]["parameters"]
    body = next(param for param in parameters if param["in"] == "body")
    return validator(body["schema"])
