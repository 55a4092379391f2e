# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import format_date

from ..lib import insee

BATCH = 5000
# Paris, Marseille, Lyon: INSEE codes births are not registered under.
WITH_ARRONDISSEMENTS = ("75056", "13055", "69123")
# "Rennes (35) 35238", as displayed (and exported).
DISPLAYED = re.compile(r"^(?P<name>.+?) \((?P<dep>\w+)\) (?P<code>\w{5})\b")
NAME_AND_ZIP = re.compile(r"^(?P<name>\D+?)\s+(?P<zip>\d{5})$")
ZIP_AND_NAME = re.compile(r"^(?P<zip>\d{5})\s+(?P<name>\D+)$")
FIELDS = [
    "code",
    "kind",
    "name",
    "department_code",
    "zip_codes",
    "date_start",
    "date_end",
]


class L10nFrUrssafCommune(models.Model):
    """French communes with their INSEE codes, past and present, as published
    by INSEE (through @etalab/decoupage-administratif, see lib/data)."""

    _name = "l10n.fr.urssaf.commune"
    _description = "INSEE Commune"
    _order = "name, date_start desc"
    _rec_names_search = ["name", "code", "zip_codes"]

    name = fields.Char(required=True, index=True)
    code = fields.Char(string="INSEE Code", required=True, index=True)
    department_code = fields.Char(string="Department")
    kind = fields.Selection(
        selection=[
            ("current", "Commune"),
            ("delegated", "Delegated commune"),
            ("associated", "Associated commune"),
            ("arrondissement", "Municipal arrondissement"),
            ("former", "Former commune"),
        ],
        required=True,
    )
    zip_codes = fields.Char(string="Postal Codes")
    date_start = fields.Date(string="Valid From")
    date_end = fields.Date(string="Valid Until")

    @api.depends("name", "code", "department_code", "date_end")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for commune in self:
            label = f"{commune.name} ({commune.department_code}) {commune.code}"
            if commune.date_end:
                label += self.env._(
                    " — until %(date)s", date=format_date(self.env, commune.date_end)
                )
            commune.display_name = label

    def _l10n_fr_urssaf_portal_label(self):
        """How the portal offers the commune: "Rennes 35000" as a person
        knows it, an arrondissement by its name, else (former communes) as
        displayed; each found again by name_search with "=" operator."""
        if not self:
            return ""
        zip_codes = (self.zip_codes or "").split()
        if self.kind == "arrondissement" or self.code in WITH_ARRONDISSEMENTS:
            return self.name
        if self.kind == "current" and zip_codes:
            return f"{self.name} {zip_codes[0]}"
        return self.display_name

    def _l10n_fr_urssaf_with_arrondissements(self):
        """These communes, Paris, Lyon and Marseille replaced by their
        arrondissements: a birth there is registered in one of them."""
        cities = self.filtered(lambda commune: commune.code in WITH_ARRONDISSEMENTS)
        if not cities:
            return self
        arrondissements = self.search(
            [
                ("kind", "=", "arrondissement"),
                ("date_end", "=", False),
                ("name", "=like", cities[:1].name + " %"),
            ],
            order="code",
        )
        return (self - cities) | arrondissements

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        if name and operator == "=":
            # An imported value (base_import): the INSEE code, the name, as
            # displayed, or the name with the postal code ("Rennes 35000").
            return self._l10n_fr_urssaf_exact(name.strip(), args, limit)
        # Rank like a person expects: "Rennes" before "Brennes" and "Varennes".
        if not name or operator != "ilike":
            return super().name_search(name, args, operator, limit)
        ranked = insee.search_communes(name, limit=limit)
        if not ranked:  # e.g. a postal code
            return super().name_search(name, args, operator, limit)
        codes = [commune.code for commune in ranked]
        domain = expression.AND([args or [], [("code", "in", codes)]])
        records = {(r.code, r.kind, r.name): r for r in self.search(domain)}
        found = [records.get((c.code, c.kind, c.name)) for c in ranked]
        return [(record.id, record.display_name) for record in found if record]

    @api.model
    def _find_for_addresses(self, addresses):
        """``{(zip, city): commune}`` for postal addresses, in one query (an
        empty recordset where none is found)."""
        codes = {}
        for zip_code, city in addresses:
            commune = insee.find_address_commune(zip_code or "", city or "")
            if commune:
                codes[zip_code, city] = commune.code
        domain = [
            ("code", "in", list(set(codes.values()))),
            ("kind", "in", ("current", "arrondissement")),
        ]
        by_code = {record.code: record for record in self.search(domain)}
        empty = self.browse()
        return {place: by_code.get(codes.get(place), empty) for place in addresses}

    @api.model
    def _load_insee_data(self):
        """Bring the table in line with the shipped INSEE file, at install and
        at each update. Rows are matched by code, kind and name and updated in
        place: partners point at them."""
        existing = {
            (row["code"], row["kind"], row["name"]): row
            for row in self.search_read([], FIELDS)
        }
        to_create = []
        for commune in insee.iter_communes():
            values = {
                "name": commune.name,
                "code": commune.code,
                "kind": commune.kind,
                "department_code": commune.department_code,
                "zip_codes": " ".join(commune.zip_codes),
                "date_start": commune.date_start or False,
                "date_end": commune.date_end or False,
            }
            row = existing.get((commune.code, commune.kind, commune.name))
            if row is None:
                to_create.append(values)
            elif any(row[key] != value for key, value in values.items()):
                self.browse(row["id"]).write(values)
        for start in range(0, len(to_create), BATCH):
            self.create(to_create[start : start + BATCH])

    @api.model
    def _l10n_fr_urssaf_exact(self, value, args, limit):
        """Communes an imported value names, best first; none when a name
        alone fits several communes (the row then asks for more)."""
        shown = DISPLAYED.match(value)
        with_zip = NAME_AND_ZIP.match(value) or ZIP_AND_NAME.match(value)
        if shown:
            candidates = [insee.get_commune(shown["code"])]
        elif with_zip:
            key = insee.normalize_name(with_zip["name"])
            candidates = [
                commune
                for commune in insee.communes_for_postcode(with_zip["zip"])
                if insee.normalize_name(commune.name) == key
            ]
        elif value.isalnum() and len(value) == 5 and value[:1].isdigit():
            candidates = [insee.get_commune(value.upper())]
        else:
            key = insee.normalize_name(value)
            candidates = [
                commune
                for commune in insee.search_communes(value, limit=50)
                if insee.normalize_name(commune.name) == key
            ]
            # search_communes ranks communes in force first.
            current = {c.code for c in candidates if c.kind == candidates[0].kind}
            if len(current) > 1:
                return []
        codes = [commune.code for commune in candidates if commune]
        if not codes:
            return []
        domain = expression.AND([args or [], [("code", "in", codes)]])
        records = {(r.code, r.kind, r.name): r for r in self.search(domain)}
        found = [records.get((c.code, c.kind, c.name)) for c in candidates if c]
        return [(record.id, record.display_name) for record in found if record][:limit]
