"""The JSON-schema subset validator, cross-checked with ``jsonschema``."""

import itertools
import json
import re
import time
from datetime import datetime, timezone
from decimal import Decimal

import jsonschema
import pytest

from lib.simulator import swagger
from lib.simulator.schema import Validator, java_pattern_to_python
from lib.simulator.testing import DELETE, particulier, payment_request
from lib.tests.helpers import replaced
from lib.tests.swagger_schema import python_patterns

ROOT = {
    "definitions": {
        "Line": {
            "type": "object",
            "required": ["code", "qty"],
            "properties": {
                "code": {"type": "string", "enum": ["A", "B"]},
                "qty": {"type": "number", "minimum": 0, "maximum": 10},
                "label": {"type": "string", "minLength": 2, "maxLength": 4},
                "ref": {"type": "string", "pattern": "^[0-9]{3}$"},
            },
        },
        "Doc": {
            "type": "object",
            "properties": {
                "lines": {"type": "array", "items": {"$ref": "#/definitions/Line"}},
                "when": {"type": "string", "format": "date"},
                "id": {"type": "string", "format": "uuid"},
                "n": {"type": "integer", "exclusiveMinimum": 0},
            },
            "additionalProperties": False,
        },
    }
}
DOC = {"$ref": "#/definitions/Doc"}


def errors(instance, schema=None, **options):
    return [
        (e.dotted_path, e.keyword)
        for e in Validator(ROOT, **options).errors(instance, schema or DOC)
    ]


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        ({"lines": [{"code": "A", "qty": 1}]}, []),
        ({"lines": [{"qty": 1}]}, [("lines[0].code", "required")]),
        ({"lines": [{"code": "C", "qty": 1}]}, [("lines[0].code", "enum")]),
        ({"lines": [{"code": "A", "qty": "1"}]}, [("lines[0].qty", "type")]),
        ({"lines": [{"code": "A", "qty": True}]}, [("lines[0].qty", "type")]),
        ({"lines": [{"code": "A", "qty": 11}]}, [("lines[0].qty", "maximum")]),
        ({"lines": [{"code": "A", "qty": -1}]}, [("lines[0].qty", "minimum")]),
        ({"lines": [{"code": "A", "qty": Decimal("2.5")}]}, []),
        (
            {"lines": [{"code": "A", "qty": 1, "label": "x"}]},
            [("lines[0].label", "minLength")],
        ),
        (
            {"lines": [{"code": "A", "qty": 1, "label": "xxxxx"}]},
            [("lines[0].label", "maxLength")],
        ),
        (
            {"lines": [{"code": "A", "qty": 1, "ref": "12a"}]},
            [("lines[0].ref", "pattern")],
        ),
        ({"lines": {}}, [("lines", "type")]),
        ({"when": "2024-02-30"}, [("when", "format")]),
        ({"when": "2024-02-29"}, []),
        ({"id": "not-a-uuid"}, [("id", "format")]),
        ({"n": 0}, [("n", "exclusiveMinimum")]),
        ({"n": 1.5}, [("n", "type")]),
        ({"extra": 1}, [("extra", "additionalProperties")]),
        ([], [("", "type")]),
    ],
)
def test_keywords(instance, expected):
    assert errors(instance) == expected


def test_draft4_boolean_exclusive_bounds():
    schema = {"type": "number", "maximum": 5, "exclusiveMaximum": True}
    assert errors(5, schema) == [("", "maximum")]
    assert errors(4.99, schema) == []


def test_pattern_modes():
    schema = {"type": "string", "pattern": "[0-9]{3}"}
    assert errors("ab123cd", schema) == []  # JSON schema: search
    assert errors("ab123cd", schema, pattern_mode="fullmatch") == [("", "pattern")]
    with pytest.raises(ValueError):
        Validator(pattern_mode="match")


def test_unknown_format_is_accepted_and_custom_formats_apply():
    schema = {"type": "string", "format": "color"}
    assert errors("anything", schema) == []
    assert errors("red", schema, formats={"color": lambda v: v == "blue"}) == [
        ("", "format")
    ]


@pytest.mark.parametrize(
    ("java", "python"),
    [
        (r"^[\pL]+$", r"^[^\W\d_]+$"),
        (r"^\pL+$", r"^[^\W\d_]+$"),
        (r"^[\p{L}'\- ]$", r"^(?:[^\W\d_]|['\- ])$"),
        (r"^[a-z\]]$", r"^[a-z\]]$"),
        (r"^\d\.$", r"^\d\.$"),
        (r"^[\pL]+(['\-]*\pL+)*$", r"^[^\W\d_]+(['\-]*[^\W\d_]+)*$"),
        (r"([\pL'\- ])*", r"((?:[^\W\d_]|['\- ]))*"),
    ],
)
def test_java_pattern_translation(java, python):
    assert java_pattern_to_python(java) == python


@pytest.mark.parametrize("pattern", [r"\p{Lu}", r"[^\pL]", r"[abc"])
def test_unsupported_java_patterns(pattern):
    with pytest.raises(ValueError):
        java_pattern_to_python(pattern)


def test_letter_class_accepts_accents_not_digits():
    schema = {"type": "string", "pattern": r"^[\pL]+$"}
    assert errors("Éléonore", schema) == []
    assert errors("Anne2", schema) == [("", "pattern")]


@pytest.mark.parametrize("original", sorted(swagger.PATTERN_OVERRIDES))
def test_pattern_overrides_are_equivalent(original):
    """Same full-match language on every string of length <= 6 over letters,
    accented letters, quote, hyphen, space and digit; and fast on long input."""
    assert original in json.dumps(swagger.load_swagger()).replace("\\\\", "\\")
    slow = re.compile(java_pattern_to_python(original))
    fast = re.compile(java_pattern_to_python(swagger.PATTERN_OVERRIDES[original]))
    for size in range(7):
        for chars in itertools.product("aé' -1", repeat=size):
            text = "".join(chars)
            assert bool(slow.fullmatch(text)) == bool(fast.fullmatch(text)), text
    started = time.perf_counter()
    for text in ("a" * 300 + "1", "a " * 150 + " ", "a'" * 150 + "-"):
        assert fast.fullmatch(text) is None
    assert time.perf_counter() - started < 0.5


# -- cross-check with the jsonschema library on the swagger definitions -----------


def _mutations(valid):
    """Instances derived from ``valid``: each leaf dropped or given a wrong value."""
    yield valid
    for path, value in _leaves(valid):
        for replacement in (DELETE, 12, "", "x" * 300, None, "Ab-1;"):
            if replacement != value:
                yield replaced(valid, path, replacement)


def _leaves(node, path=()):
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        yield path, node
        return
    for key, value in items:
        yield from _leaves(value, path + (key,))


@pytest.mark.parametrize(
    ("definition", "valid"),
    [
        ("InputParticulierDTO", particulier()),
        (
            "InputDemandePaiement",
            payment_request(
                "af0be430-908a-11eb-a8b3-0242ac130003",
                "F1",
                datetime(2024, 3, 4, 9, tzinfo=timezone.utc),
                datetime(2024, 3, 4, 17, tzinfo=timezone.utc),
                mntAcompte=5.0,
                dateVersementAcompte="2024-03-01T00:00:00Z",
            ),
        ),
        ("InputRechercheDemandePaiement", {"idDemandePaiements": ["1", "2"]}),
    ],
)
def test_cross_check_with_jsonschema(definition, valid):
    root = python_patterns(swagger.load_swagger())
    schema = {"$ref": f"#/definitions/{definition}"}
    ours = Validator(root, formats={})  # JSON-schema semantics, formats unchecked
    reference = jsonschema.Draft4Validator(
        dict(schema, definitions=root["definitions"])
    )
    checked = 0
    for instance in _mutations(valid):
        expected = sorted(
            (tuple(e.absolute_path), e.validator)
            for e in reference.iter_errors(instance)
        )
        got = sorted(
            (e.path[:-1] if e.keyword == "required" else e.path, e.keyword)
            for e in ours.iter_errors(instance, schema)
        )
        assert got == expected, instance
        checked += 1
    assert checked > 10
