"""Validator for the JSON-schema subset used by Swagger 2.0 definitions.

Supported keywords: ``$ref`` (local JSON pointers), ``type``, ``enum``,
``required``, ``properties``, ``additionalProperties``, ``items``,
``minItems``/``maxItems``, ``minLength``/``maxLength``, ``pattern``, ``format``,
``minimum``/``maximum`` (with draft-4 boolean or numeric ``exclusive*``) and
``allOf``. Annotations (``title``, ``description``, ``example``…) are ignored,
as are siblings of ``$ref`` (draft 4).

Patterns may be written for Java (the Urssaf back end): ``\\pL``/``\\p{L}`` is
translated, and ``pattern_mode="fullmatch"`` gives Java ``matches()``
semantics instead of JSON-schema ``search`` semantics.

Numbers: ``int``, ``float`` and ``decimal.Decimal`` (parse JSON with
``parse_float=Decimal`` to keep exact amounts) are numbers, ``bool`` is not.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

_LETTER = r"[^\W\d_]"
_JAVA_LETTER_ESCAPES = (r"\pL", r"\p{L}")


@dataclass(frozen=True)
class SchemaError:
    """One violation: ``path`` leads to the offending value (for ``required``,
    to the missing property)."""

    path: tuple
    keyword: str
    message: str

    @property
    def dotted_path(self):
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out.lstrip(".")


def java_pattern_to_python(pattern):
    """Translate the Java-only constructs of ``pattern`` (``\\pL``) to ``re``."""
    out = []
    i = 0
    while i < len(pattern):
        escape = _letter_escape_at(pattern, i)
        if escape:
            out.append(_LETTER)
            i += len(escape)
        elif pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern[i] == "[":
            text, i = _translate_class(pattern, i)
            out.append(text)
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _letter_escape_at(pattern, i):
    for escape in _JAVA_LETTER_ESCAPES:
        if pattern.startswith(escape, i):
            return escape
    if pattern.startswith(r"\p", i) or pattern.startswith(r"\P", i):
        raise ValueError(f"unsupported Unicode class in pattern {pattern!r}")
    return None


def _translate_class(pattern, start):
    """Return (python text, index after the class) for the class at ``start``.

    Python has no ``\\pL``: a positive class containing it becomes
    ``(?:[^\\W\\d_]|[rest])``.
    """
    i = start + 1
    negated = pattern.startswith("^", i)
    if negated:
        i += 1
    items = []
    has_letter = False
    first = True
    while i < len(pattern) and (pattern[i] != "]" or first):
        first = False
        escape = _letter_escape_at(pattern, i)
        if escape:
            has_letter = True
            i += len(escape)
        elif pattern[i] == "\\":
            items.append(pattern[i : i + 2])
            i += 2
        else:
            items.append(pattern[i])
            i += 1
    if i >= len(pattern):
        raise ValueError(f"unterminated character class in {pattern!r}")
    body = "".join(items)
    end = i + 1
    if not has_letter:
        return pattern[start:end], end
    if negated:
        raise ValueError(f"negated class with \\pL unsupported in {pattern!r}")
    if not body:
        return _LETTER, end
    return f"(?:{_LETTER}|[{body}])", end


@lru_cache(maxsize=256)
def _compile(pattern):
    return re.compile(java_pattern_to_python(pattern))


def _is_date(value):
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
)


def _is_date_time(value):
    if not _DATE_TIME.fullmatch(value):
        return False
    head = value[:19]
    try:
        datetime.fromisoformat(head.replace("t", "T"))
    except ValueError:
        return False
    return True


_UUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

DEFAULT_FORMATS = {
    "date": _is_date,
    "date-time": _is_date_time,
    "uuid": _UUID.fullmatch,
}


def _is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "integer": lambda v: _is_number(v) and v == int(v),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


class Validator:
    """Validate instances against schemas resolving ``$ref`` in ``root``.

    :param root: document holding the ``definitions`` (the swagger itself).
    :param formats: ``{format name: callable(str) -> truthy}`` (default:
        :data:`DEFAULT_FORMATS`); unknown formats are accepted, as JSON schema
        prescribes.
    :param pattern_mode: ``"search"`` (JSON schema) or ``"fullmatch"`` (Java).
    :param pattern_overrides: ``{pattern: equivalent pattern}`` used instead of
        the original (e.g. to avoid catastrophic backtracking).
    """

    def __init__(
        self, root=None, formats=None, pattern_mode="search", pattern_overrides=None
    ):
        if pattern_mode not in ("search", "fullmatch"):
            raise ValueError(pattern_mode)
        self.root = root or {}
        self.formats = DEFAULT_FORMATS if formats is None else formats
        self.pattern_mode = pattern_mode
        self.pattern_overrides = pattern_overrides or {}

    def errors(self, instance, schema):
        """Return the list of :class:`SchemaError`, depth-first, in order."""
        return list(self.iter_errors(instance, schema))

    def iter_errors(self, instance, schema, path=()):
        if "$ref" in schema:
            yield from self.iter_errors(instance, self.resolve(schema["$ref"]), path)
            return
        if "type" in schema and not self._type_ok(instance, schema["type"]):
            yield SchemaError(path, "type", f"doit être de type {schema['type']}")
        if "enum" in schema and instance not in schema["enum"]:
            allowed = ", ".join(map(str, schema["enum"]))
            yield SchemaError(path, "enum", f"valeur non autorisée ({allowed})")
        for sub in schema.get("allOf", ()):
            yield from self.iter_errors(instance, sub, path)
        if isinstance(instance, str):
            yield from self._string_errors(instance, schema, path)
        elif _is_number(instance):
            yield from self._number_errors(instance, schema, path)
        elif isinstance(instance, dict):
            yield from self._object_errors(instance, schema, path)
        elif isinstance(instance, list):
            yield from self._array_errors(instance, schema, path)

    def resolve(self, ref):
        if not ref.startswith("#"):
            raise ValueError(f"only local references are supported: {ref}")
        node = self.root
        for part in ref[1:].split("/")[1:]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @staticmethod
    def _type_ok(instance, expected):
        types = expected if isinstance(expected, list) else [expected]
        return any(_TYPE_CHECKS[t](instance) for t in types)

    def _string_errors(self, value, schema, path):
        if "minLength" in schema and len(value) < schema["minLength"]:
            yield SchemaError(
                path, "minLength", f"longueur minimale {schema['minLength']}"
            )
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            yield SchemaError(
                path, "maxLength", f"longueur maximale {schema['maxLength']}"
            )
        if "pattern" in schema and not self.pattern_ok(schema["pattern"], value):
            yield SchemaError(path, "pattern", "format incorrect")
        check = self.formats.get(schema.get("format"))
        if check and not check(value):
            yield SchemaError(path, "format", f"format {schema['format']} attendu")

    def pattern_ok(self, pattern, value):
        regex = _compile(self.pattern_overrides.get(pattern, pattern))
        if self.pattern_mode == "fullmatch":
            return regex.fullmatch(value) is not None
        return regex.search(value) is not None

    @staticmethod
    def _number_errors(value, schema, path):
        for key, exclusive_key, too_far in (
            ("minimum", "exclusiveMinimum", lambda v, b: v < b),
            ("maximum", "exclusiveMaximum", lambda v, b: v > b),
        ):
            exclusive = schema.get(exclusive_key)
            if key in schema:
                bound = schema[key]
                if too_far(value, bound) or (exclusive is True and value == bound):
                    yield SchemaError(path, key, f"{key} {bound}")
            if _is_number(exclusive) and (
                too_far(value, exclusive) or value == exclusive
            ):
                yield SchemaError(path, exclusive_key, f"{exclusive_key} {exclusive}")

    def _object_errors(self, value, schema, path):
        for name in schema.get("required", ()):
            if name not in value:
                yield SchemaError(path + (name,), "required", "champ obligatoire")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                yield from self.iter_errors(item, properties[name], path + (name,))
            elif extra is False:
                yield SchemaError(path + (name,), "additionalProperties", "inattendu")
            elif isinstance(extra, dict):
                yield from self.iter_errors(item, extra, path + (name,))

    def _array_errors(self, value, schema, path):
        if "minItems" in schema and len(value) < schema["minItems"]:
            yield SchemaError(path, "minItems", f"au moins {schema['minItems']}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            yield SchemaError(path, "maxItems", f"au plus {schema['maxItems']}")
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                yield from self.iter_errors(item, items, path + (index,))
