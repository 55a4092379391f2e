#!/usr/bin/env python3
"""Regenerate lib/data/insee_communes.csv.gz from @etalab/decoupage-administratif.

Usage::

    python3 tools/gen_insee_data.py [--package TGZ_OR_DIR] [--output FILE]

Without ``--package`` the script runs ``npm pack`` for the pinned version in a
temporary directory. The output is deterministic (sorted rows, gzip without
timestamp nor file name), so regenerating from the same package gives the same
bytes.

One row per INSEE code and kind (``lib/insee.py`` reads them):

* ``current``: commune in force (``commune-actuelle``);
* ``delegated`` / ``associated``: former commune kept inside a merged one
  (``commune-deleguee`` / ``commune-associee``), ``parent_code`` = its chef-lieu;
* ``arrondissement``: Paris, Lyon, Marseille, ``parent_code`` = the commune;
* ``former``: code listed in a commune's ``anciensCodes`` with no row of its
  own (absorbed commune, or code before a change of department),
  ``parent_code`` = the commune it now belongs to.

The package carries no dates. The only validity bounds written are those of
the two department reorganisations every code of a department followed (see
``DEPARTMENT_CREATED`` and ``DEPARTMENT_ENDED``); the rest stays empty
(unknown).
"""

import argparse
import csv
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # lib/ is pure Python: no Odoo needed here

from lib.insee import COLUMNS  # noqa: E402  (the reader defines the format)

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
DEFAULT_OUTPUT = os.path.join(ROOT, "lib", "data", "insee_communes.csv.gz")
KINDS = {
    "commune-actuelle": "current",
    "arrondissement-municipal": "arrondissement",
    "commune-deleguee": "delegated",
    "commune-associee": "associated",
}
# Sort order of rows sharing a code: the commune in force first.
KIND_ORDER = ("current", "arrondissement", "delegated", "associated", "former")

# Loi n° 64-707 du 10 juillet 1964 (Seine and Seine-et-Oise split, in force
# 1968-01-01) and loi n° 75-356 du 15 mai 1975 (Corsica split, in force
# 1976-01-01): no code of these departments existed before.
DEPARTMENT_CREATED = {
    "91": "1968-01-01",
    "92": "1968-01-01",
    "93": "1968-01-01",
    "94": "1968-01-01",
    "95": "1968-01-01",
    "2A": "1976-01-01",
    "2B": "1976-01-01",
}
# Former codes that ended with those reorganisations: (old department, new
# departments) -> last day. Other moves (e.g. Isère -> Rhône) had various dates.
DEPARTMENT_ENDED = {
    ("20", frozenset({"2A", "2B"})): "1975-12-31",
    ("75", frozenset({"92", "93", "94"})): "1967-12-31",
    ("78", frozenset({"91", "92", "93", "94", "95"})): "1967-12-31",
}


def department_of(code):
    """Department part of an INSEE commune code (3 characters overseas)."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def _read_member(archive, suffix):
    for member in archive.getmembers():
        # npm tarballs root everything under "package/".
        if member.isfile() and member.name.split("/", 1)[-1] == suffix:
            return archive.extractfile(member).read()
    raise FileNotFoundError(f"{suffix} not found in the package")


def load_package(path):
    """``(version, communes)`` from an npm tarball or an unpacked package."""
    if os.path.isdir(path):
        if os.path.isdir(os.path.join(path, "package")):
            path = os.path.join(path, "package")
        with open(os.path.join(path, "package.json"), "rb") as handle:
            manifest = handle.read()
        with open(os.path.join(path, "data", "communes.json"), "rb") as handle:
            communes = handle.read()
    else:
        with tarfile.open(path, "r:*") as archive:
            manifest = _read_member(archive, "package.json")
            communes = _read_member(archive, "data/communes.json")
    meta = json.loads(manifest)
    return f"{meta['name']} {meta['version']}", json.loads(communes)


def _bounds(code, parent_department=None):
    """Known ``(date_start, date_end)`` of a code, empty strings if unknown."""
    department = department_of(code)
    date_end = ""
    if parent_department is not None:
        for (old, new), last_day in DEPARTMENT_ENDED.items():
            if department == old and parent_department in new:
                date_end = last_day
    return DEPARTMENT_CREATED.get(department, ""), date_end


def _renumbered_keeping_number(old_department, new_department):
    return any(
        old == old_department and new_department in new for old, new in DEPARTMENT_ENDED
    )


def _former_names(rows):
    """Name former codes after the row that continues them, when one does.

    A code that only changed department in 1968 or 1976 kept its last three
    digits (``75012`` -> ``92012``, ``20004`` -> ``2A004``). A single code in
    another department under another number (Isère -> Rhône) is the parent's
    own former code. Other former codes are absorbed communes whose name the
    source does not give.
    """
    families = {}
    for row in rows:
        families.setdefault(row["parent_code"] or row["code"], []).append(row)
    for parent, family in families.items():
        by_number = {}
        for row in family:
            if row["name"]:
                by_number.setdefault(row["code"][-3:], row["name"])
        moved = []
        for row in family:
            if row["kind"] != "former":
                continue
            number = row["code"][-3:]
            if any(
                other is not row and other["code"][-3:] == number for other in family
            ):
                row["name"] = by_number.get(number, "")
            elif row["department_code"] != department_of(
                parent
            ) and not _renumbered_keeping_number(
                row["department_code"], department_of(parent)
            ):
                moved.append(row)
        if len(moved) == 1:
            moved[0]["name"] = by_number.get(parent[-3:], "")


def build_rows(communes):
    """Rows (dicts of :data:`COLUMNS`) sorted by code, kind and name."""
    rows = []
    for item in communes:
        code = item["code"]
        rows.append(
            {
                "code": code,
                "name": item["nom"],
                "department_code": item.get("departement") or department_of(code),
                "kind": KINDS[item["type"]],
                "parent_code": item.get("chefLieu") or item.get("commune") or "",
                "zip_codes": " ".join(sorted(set(item.get("codesPostaux", [])))),
                "date_start": _bounds(code)[0],
                "date_end": "",
                "population": str(item.get("population") or ""),
            }
        )
    known = {row["code"] for row in rows}
    for item in communes:
        for old in item.get("anciensCodes", []):
            if old in known:
                continue  # kept as a delegated or associated commune
            known.add(old)
            date_start, date_end = _bounds(old, item["departement"])
            rows.append(
                {
                    "code": old,
                    "name": "",
                    "department_code": department_of(old),
                    "kind": "former",
                    "parent_code": item["code"],
                    "zip_codes": "",
                    "date_start": date_start,
                    "date_end": date_end,
                    "population": "",
                }
            )
    _former_names(rows)
    rows.sort(
        key=lambda row: (
            row["code"],
            KIND_ORDER.index(row["kind"]),
            row["name"],
            row["parent_code"],
        )
    )
    return rows


def render(source, rows):
    """Gzipped CSV bytes: a ``# source:`` line, the header, the rows."""
    text = io.StringIO()
    text.write(f"# source: {source}\n")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[column] for column in COLUMNS])
    buffer = io.BytesIO()
    # Fixed mtime and no file name: identical input gives identical bytes.
    with gzip.GzipFile(
        filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0
    ) as handle:
        handle.write(text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def generate(package_path, output):
    """Write ``output`` from the package at ``package_path``; return the rows."""
    source, communes = load_package(package_path)
    rows = build_rows(communes)
    data = render(source, rows)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "wb") as handle:
        handle.write(data)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--package", help="npm tarball or unpacked package")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package_path = args.package
        if not package_path:
            name = subprocess.run(
                ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"],
                cwd=tmp,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
            package_path = os.path.join(tmp, name)
        rows = generate(package_path, args.output)
    counts = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    summary = ", ".join(f"{kind} {counts.get(kind, 0)}" for kind in KIND_ORDER)
    sys.stdout.write(f"{args.output}: {len(rows)} rows ({summary})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
