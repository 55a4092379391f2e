"""INSEE commune data: generator, address and birth-place lookups."""

import dataclasses
import gzip
import importlib.util
import io
import json
import os
import tarfile
from datetime import date, datetime

import pytest

from lib import insee
from lib.insee import Commune, CommuneDateError, CommuneIndex, UnknownCommuneError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load_generator():
    # tools/ is not a package: load the script as a module.
    path = os.path.join(ROOT, "tools", "gen_insee_data.py")
    spec = importlib.util.spec_from_file_location("gen_insee_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()

# A few records shaped like data/communes.json of the npm package.
FIXTURE = [
    {
        "code": "92012",
        "nom": "Boulogne-Billancourt",
        "departement": "92",
        "type": "commune-actuelle",
        "anciensCodes": ["75012"],
        "codesPostaux": ["92100"],
        "population": 119019,
    },
    {
        "code": "2A004",
        "nom": "Ajaccio",
        "departement": "2A",
        "type": "commune-actuelle",
        "anciensCodes": ["20004"],
        "codesPostaux": ["20167", "20000", "20090"],
        "population": 76320,
    },
    {
        "code": "49092",
        "nom": "Chemillé-en-Anjou",
        "departement": "49",
        "type": "commune-actuelle",
        "anciensCodes": ["49169", "49092", "49164"],
        "codesPostaux": ["49120", "49310"],
        "population": 21999,
    },
    {
        "code": "49092",
        "nom": "Chemillé",
        "departement": "49",
        "type": "commune-deleguee",
        "chefLieu": "49092",
    },
    {
        "code": "49169",
        "nom": "La Jumellière",
        "departement": "49",
        "type": "commune-deleguee",
        "chefLieu": "49092",
    },
    {
        "code": "01120",
        "nom": "Cordieux",
        "departement": "01",
        "type": "commune-associee",
        "chefLieu": "01262",
    },
    {
        "code": "01262",
        "nom": "Montluel",
        "departement": "01",
        "type": "commune-actuelle",
        "anciensCodes": ["01120"],
        "codesPostaux": ["01120"],
    },
    {
        "code": "69123",
        "nom": "Lyon",
        "departement": "69",
        "type": "commune-actuelle",
        "codesPostaux": ["69001"],
    },
    {
        "code": "69381",
        "nom": "Lyon 1er Arrondissement",
        "departement": "69",
        "type": "arrondissement-municipal",
        "commune": "69123",
        "codesPostaux": ["69001"],
    },
    {
        "code": "69275",
        "nom": "Décines-Charpieu",
        "departement": "69",
        "type": "commune-actuelle",
        "anciensCodes": ["38145"],
        "codesPostaux": ["69150"],
    },
]


def _write_package(directory, records, version="6.0.0"):
    package = os.path.join(directory, "package")
    os.makedirs(os.path.join(package, "data"))
    manifest = {"name": "@etalab/decoupage-administratif", "version": version}
    with open(os.path.join(package, "package.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    path = os.path.join(package, "data", "communes.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(records, f, ensure_ascii=False)
    return package


def _write_tarball(path, package):
    with tarfile.open(path, "w:gz") as archive:
        archive.add(package, arcname="package")
    return path


@pytest.fixture
def fixture_file(tmp_path):
    package = _write_package(str(tmp_path / "src"), FIXTURE)
    output = str(tmp_path / "out.csv.gz")
    gen.generate(package, output)
    return output


@pytest.fixture
def fixture_index(fixture_file):
    return CommuneIndex.from_file(fixture_file)


# -- generator ---------------------------------------------------------------


def test_generator_is_deterministic(tmp_path):
    package = _write_package(str(tmp_path / "a"), FIXTURE)
    tarball = _write_tarball(str(tmp_path / "pkg.tgz"), package)
    shuffled = _write_package(str(tmp_path / "b"), list(reversed(FIXTURE)))
    outputs = []
    for index, source in enumerate((package, tarball, tmp_path / "a", shuffled)):
        output = str(tmp_path / f"out{index}.csv.gz")
        gen.generate(str(source), output)
        with open(output, "rb") as handle:
            outputs.append(handle.read())
    assert len(set(outputs)) == 1
    # No timestamp in the gzip header (bytes 4-7).
    assert outputs[0][4:8] == b"\0\0\0\0"


def test_generator_rows(fixture_file):
    with gzip.open(fixture_file, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "# source: @etalab/decoupage-administratif 6.0.0"
    assert lines[1] == ",".join(gen.COLUMNS)
    rows = lines[2:]
    assert rows == sorted(rows, key=lambda line: line.split(",")[0])
    assert "20004,Ajaccio,20,former,2A004,,,1975-12-31," in rows
    assert "2A004,Ajaccio,2A,current,,20000 20090 20167,1976-01-01,,76320" in rows
    assert "75012,Boulogne-Billancourt,75,former,92012,,,1967-12-31," in rows
    # Absorbed commune: the source gives no name.
    assert "49164,,49,former,49092,,,," in rows
    # Moved from Isère to Rhône under a new number: the commune itself.
    assert "38145,Décines-Charpieu,38,former,69275,,,," in rows
    assert "01120,Cordieux,01,associated,01262,,,," in rows
    assert "69381,Lyon 1er Arrondissement,69,arrondissement,69123,69001,,," in rows
    # Codes kept by a delegated commune get no former row.
    assert not any(row.startswith("49169,,") for row in rows)


def test_generator_main(tmp_path, capsys):
    package = _write_package(str(tmp_path / "src"), FIXTURE)
    tarball = _write_tarball(str(tmp_path / "pkg.tgz"), package)
    output = str(tmp_path / "data" / "out.csv.gz")
    assert gen.main(["--package", tarball, "--output", output]) == 0
    assert os.path.exists(output)
    summary = capsys.readouterr().out
    assert "14 rows (current 6, arrondissement 1, delegated 2" in summary


def test_generator_rejects_package_without_data(tmp_path):
    tarball = str(tmp_path / "empty.tgz")
    with tarfile.open(tarball, "w:gz") as archive:
        data = b'{"name": "x", "version": "1"}'
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(FileNotFoundError):
        gen.load_package(tarball)


def test_fixture_index(fixture_index):
    assert fixture_index.source == "@etalab/decoupage-administratif 6.0.0"
    assert [c.kind for c in fixture_index.by_code("49092")] == ["current", "delegated"]
    assert fixture_index.get("2a004").name == "Ajaccio"
    assert fixture_index.find_address("49120", "La Jumelliere").code == "49092"
    assert fixture_index.birth_place_codes("20004", date(1970, 1, 1)) == ("020", "004")


@pytest.mark.skipif(
    not os.environ.get("INSEE_PACKAGE"),
    reason="set INSEE_PACKAGE to the npm tarball of the pinned version",
)
def test_shipped_file_matches_package(tmp_path):
    output = str(tmp_path / "out.csv.gz")
    gen.generate(os.environ["INSEE_PACKAGE"], output)
    with open(output, "rb") as new, open(insee.DATA_FILE, "rb") as shipped:
        assert new.read() == shipped.read()


# -- shipped data ------------------------------------------------------------


def test_shipped_file_source_and_counts():
    assert insee.data_source() == "@etalab/decoupage-administratif 6.0.0"
    counts = {}
    for commune in insee.iter_communes():
        counts[commune.kind] = counts.get(commune.kind, 0) + 1
    assert counts == {
        "current": 34969,
        "arrondissement": 45,
        "delegated": 2105,
        "associated": 471,
        "former": 2248,
    }
    assert os.path.getsize(insee.DATA_FILE) < 2 * 1024 * 1024


def test_commune_is_frozen():
    commune = insee.get_commune("75056")
    assert isinstance(commune, Commune)
    with pytest.raises(dataclasses.FrozenInstanceError):
        commune.name = "Lutèce"


@pytest.mark.parametrize(
    "text, key",
    [
        ("L'Haÿ-les-Roses", "L HAY LES ROSES"),
        ("L’Haÿ-les-Roses", "L HAY LES ROSES"),
        ("St-Étienne", "SAINT ETIENNE"),
        ("ste  marie", "SAINTE MARIE"),
        ("Œuilly", "OEUILLY"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name(text, key):
    assert insee.normalize_name(text) == key


# -- address -----------------------------------------------------------------


@pytest.mark.parametrize(
    "zip_code, city, code",
    [
        # Paris, Lyon, Marseille: the arrondissement.
        ("75001", "Paris", "75101"),
        ("75001", "PARIS 01", "75101"),
        ("75001", "Paris 1er arrondissement", "75101"),
        ("75116", "Paris 16e", "75116"),
        ("75016", "PARIS", "75116"),
        ("75020", "PARIS 20EME", "75120"),
        ("69001", "LYON 01", "69381"),
        ("69009", "Lyon 9ème", "69389"),
        ("13008", "Marseille", "13208"),
        ("13016", "MARSEILLE 16", "13216"),
        # Corsica and overseas.
        ("20000", "Ajaccio", "2A004"),
        ("20200", "BASTIA", "2B033"),
        ("97400", "St-Denis", "97411"),
        ("97200", "Fort de France", "97209"),
        ("97133", "Saint-Barthélemy", "97701"),
        # Spelling variants.
        ("42000", "ST ETIENNE", "42218"),
        ("94240", "L HAY LES ROSES", "94038"),
        ("59000", "lille", "59350"),
        # Postal code shared by many communes.
        ("51300", "Vitry-le-François", "51649"),
        ("51300", "MAROLLES", "51352"),
        # Commune nouvelle: a delegated commune or the old name as city.
        ("49120", "La Jumellière", "49092"),
        ("49120", "Chemillé", "49092"),
        ("01200", "Bellegarde-sur-Valserine", "01033"),
        # CEDEX: suffix dropped, unknown postal code resolved by name.
        ("35000", "Rennes Cedex", "35238"),
        ("35052", "RENNES CEDEX 9", "35238"),
        ("75680", "PARIS CEDEX 14", "75056"),
        ("20700", "AJACCIO CEDEX 9", "2A004"),
        # Misspelt city, or a lieu-dit: the postal code alone decides.
        ("51300", "Vitry le Francoi", "51649"),
        ("06560", "Sophia Antipolis", "06152"),
    ],
)
def test_find_address_commune(zip_code, city, code):
    assert insee.find_address_commune(zip_code, city).code == code


@pytest.mark.parametrize(
    "zip_code, city",
    [
        ("75001", "Marseille"),  # a commune elsewhere: wrong postal code
        ("51300", ""),  # several communes, no city
        ("", "Saint-Denis"),  # homonyms
        ("99999", "Nowhere"),
    ],
)
def test_find_address_commune_none(zip_code, city):
    assert insee.find_address_commune(zip_code, city) is None


def test_communes_for_postcode():
    assert [c.code for c in insee.communes_for_postcode("75001")] == [
        "75101",
        "75056",
    ]
    assert [c.code for c in insee.communes_for_postcode(" 20 000 ")] == ["2A004"]
    shared = insee.communes_for_postcode("51300")
    assert len(shared) > 20
    assert all(c.kind == "current" and "51300" in c.zip_codes for c in shared)
    assert insee.communes_for_postcode("35052") == []


# -- search ------------------------------------------------------------------


def _codes(communes):
    return [c.code for c in communes]


def test_search_by_name():
    assert _codes(insee.search_communes("paris", limit=1)) == ["75056"]
    assert _codes(insee.search_communes("EVRY", limit=2)) == ["89162", "91228"]
    assert insee.search_communes("st etienne")[0].code == "42218"
    assert insee.search_communes("oeuilly")[0].name == "Œuilly"
    saint_denis = insee.search_communes("Saint-Denis", limit=3)
    assert _codes(saint_denis) == ["97411", "93066", "11339"]
    assert [c.department_code for c in saint_denis] == ["974", "93", "11"]
    # A later word of the name matches too, after the name prefixes.
    assert "93039" in _codes(insee.search_communes("denis", limit=10))
    assert len(insee.search_communes("saint", limit=5)) == 5
    assert insee.search_communes("", limit=5) == []


def test_search_half_typed_saint():
    found = _codes(insee.search_communes("St", limit=50))
    assert "67482" in found  # Strasbourg
    assert "42218" in found  # Saint-Étienne


def test_search_arrondissements_and_delegated():
    assert _codes(insee.search_communes("Lyon 1", limit=3)) == ["69381"]
    found = insee.search_communes("Chemillé", limit=2)
    assert [(c.code, c.kind) for c in found] == [
        ("49092", "delegated"),
        ("49092", "current"),
    ]
    assert found[0].current_code == "49092"
    jumelliere = insee.search_communes("la jumelliere")[0]
    assert (jumelliere.code, jumelliere.parent_code) == ("49169", "49092")


def test_search_city_then_its_arrondissements_in_order():
    found = [c.name for c in insee.search_communes("Lyon", limit=11)]
    assert found == [
        "Lyon",
        "Lyon 1er Arrondissement",
        *(f"Lyon {n}e Arrondissement" for n in range(2, 10)),
        "Lyons-la-Forêt",
    ]
    paris = _codes(insee.search_communes("paris", limit=21))
    assert paris == ["75056", *(f"751{n:02d}" for n in range(1, 21))]


def test_search_by_code():
    assert _codes(insee.search_communes("2a004")) == ["2A004"]
    assert insee.search_communes("751", limit=3)[0].kind == "arrondissement"


def test_search_at_date():
    assert _codes(insee.search_communes("ajaccio")) == ["2A004", "20004"]
    assert _codes(insee.search_communes("ajaccio", at_date=date(1970, 5, 1))) == [
        "20004"
    ]
    assert _codes(insee.search_communes("ajaccio", at_date=date(1990, 5, 1))) == [
        "2A004"
    ]
    assert _codes(
        insee.search_communes("boulogne billancourt", at_date=datetime(1960, 1, 2))
    ) == ["75012"]


# -- birth place -------------------------------------------------------------


@pytest.mark.parametrize(
    "code, birth_date, expected",
    [
        ("77288", date(1980, 3, 29), ("077", "288")),
        ("75056", None, ("075", "056")),
        ("75114", date(1975, 1, 1), ("075", "114")),
        ("69381", date(1990, 1, 1), ("069", "381")),
        ("2A004", date(1990, 1, 1), ("02A", "004")),
        ("2b033", datetime(1980, 6, 1, 12, 0), ("02B", "033")),
        ("20004", date(1970, 1, 1), ("020", "004")),
        ("92012", date(1968, 1, 1), ("092", "012")),
        ("75012", date(1967, 12, 31), ("075", "012")),
        ("97411", date(1980, 1, 1), ("974", "011")),
        ("97209", date(1980, 1, 1), ("972", "009")),
        ("97611", date(2000, 1, 1), ("976", "011")),
        ("49169", date(1980, 1, 1), ("049", "169")),
        ("49164", date(1980, 1, 1), ("049", "164")),
    ],
)
def test_birth_place_codes(code, birth_date, expected):
    assert insee.birth_place_codes(code, birth_date) == expected


@pytest.mark.parametrize(
    "code, birth_date, suggestion",
    [
        ("2A004", date(1975, 12, 31), "20004"),
        ("20004", date(1976, 1, 1), "2A004"),
        ("92012", date(1960, 1, 1), "75012"),
        ("75012", date(1990, 1, 1), "92012"),
        ("93059", date(1960, 1, 1), "75059"),  # delegated commune of Saint-Denis
        ("78182", date(1990, 1, 1), "91182"),  # Courcouronnes, then Évry
    ],
)
def test_birth_code_not_valid_at_date(code, birth_date, suggestion):
    with pytest.raises(CommuneDateError) as raised:
        insee.birth_place_codes(code, birth_date)
    error = raised.value
    assert error.commune.code == code
    assert error.day == birth_date
    assert error.suggestion.code == suggestion
    assert f"use {suggestion}" in str(error)
    assert insee.birth_place_codes(suggestion, birth_date)


def test_check_birth_commune_gives_label():
    commune = insee.check_birth_commune("2A004", date(1990, 1, 1))
    assert (commune.name, commune.department_code) == ("Ajaccio", "2A")
    error = pytest.raises(
        CommuneDateError, insee.check_birth_commune, "2A004", date(1970, 1, 1)
    ).value
    assert str(error) == (
        "INSEE code 2A004 (Ajaccio) did not exist on 1970-01-01; "
        "use 20004 (Ajaccio), the commune at that date."
    )


@pytest.mark.parametrize("code", ["99999", "7505", "ABCDE", "", None, "99100"])
def test_birth_place_unknown_code(code):
    with pytest.raises(UnknownCommuneError):
        insee.birth_place_codes(code, date(1980, 1, 1))
    assert issubclass(UnknownCommuneError, ValueError)


def test_commune_valid_at_unknown_bounds():
    commune = insee.get_commune("49169")
    assert commune.kind == "delegated"
    assert commune.valid_at(date(1900, 1, 1)) and commune.valid_at(date(2100, 1, 1))
