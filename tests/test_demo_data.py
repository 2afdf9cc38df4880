"""The demo-data generator (suppliers/demo_data.py): pure Python, no database needed."""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from suppliers.demo_data import (
    ADJACENT_REGIONS,
    FIELDS,
    REGION_CODES,
    REGION_WEIGHTS,
    SECTOR_WEIGHTS,
    generate_suppliers,
    load_categories,
)

NEQ_RE = re.compile(r"^(11|22|33|88)\d{8}$")
POSTAL_CODE_RE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPR-TV-Z] \d[ABCEGHJ-NPR-TV-Z]\d$")
PHONE_RE = re.compile(r"^\d{3} 555-01\d\d$")
AREA_CODES = {
    **dict.fromkeys(["01", "02", "03", "09", "11", "12"], {"418", "581"}),
    "06": {"514", "438"},
    **dict.fromkeys(["13", "14", "15", "16"], {"450", "579"}),
    **dict.fromkeys(["04", "05", "07", "08", "10", "17"], {"819", "873"}),
}
COOP_TYPES = {"consumer", "producer", "worker", "worker_shareholder", "solidarity"}
FIXTURE_CATEGORIES = Path(__file__).resolve().parent.parent / "fixtures" / "categories.csv"

CATEGORIES = load_categories()
SECTOR_OF = {row["code"]: row["sector_code"] for row in CATEGORIES}


@pytest.fixture(scope="module")
def rows_320():
    return list(generate_suppliers(320))


@pytest.fixture(scope="module")
def rows_2000():
    return list(generate_suppliers(2000, seed=7))


def searchable_text(row):
    offerings = " ".join(f"{o['title']} {o['description']}" for o in row["offerings"])
    return f"{row['name']} {row['description_fr']} {offerings}".casefold()


def serves(row, region):
    return row["regions_served"] == "*" or region in row["regions_served"].split(";")


def test_deterministic_for_a_seed():
    first = list(generate_suppliers(300, seed=11))
    assert first == list(generate_suppliers(300, seed=11))
    assert first != list(generate_suppliers(300, seed=12))
    # A shorter run is a prefix of a longer one with the same seed.
    assert list(generate_suppliers(50, seed=11)) == first[:50]


def test_count_and_status():
    assert list(generate_suppliers(0)) == []
    rows = list(generate_suppliers(25, status="draft"))
    assert len(rows) == 25
    assert {row["status"] for row in rows} == {"draft"}


def test_keys_and_types(rows_320):
    for row in rows_320:
        assert tuple(row) == FIELDS
        for key, value in row.items():
            if key != "offerings":
                assert isinstance(value, str), key
        assert row["name"] and row["description_fr"] and row["city"] and row["address"]


def test_neq_and_name_unique_at_2000(rows_2000):
    assert len({row["neq"] for row in rows_2000}) == 2000
    assert len({row["name"] for row in rows_2000}) == 2000


def test_formats(rows_2000):
    for row in rows_2000:
        assert NEQ_RE.match(row["neq"]), row["neq"]
        assert POSTAL_CODE_RE.match(row["postal_code"]), row["postal_code"]
        assert PHONE_RE.match(row["phone"]), row["phone"]
        assert row["phone"][:3] in AREA_CODES[row["head_office_region"]]
        if row["website"]:
            assert re.fullmatch(r"https://www\.[a-z0-9-]+\.qc\.ca", row["website"]), row["website"]
        if row["email"]:
            assert re.fullmatch(r"[a-z]+@[a-z0-9-]+\.qc\.ca", row["email"]), row["email"]


def test_neq_prefixes_mostly_11_and_33(rows_2000):
    prefixes = Counter(row["neq"][:2] for row in rows_2000)
    assert prefixes["11"] + prefixes["33"] > 0.7 * len(rows_2000)


def test_every_region_and_sector_covered_at_320(rows_320):
    published = [row for row in rows_320 if row["status"] == "published"]
    assert {row["head_office_region"] for row in published} == set(REGION_CODES)
    sectors = {SECTOR_OF[code] for row in rows_320 for code in row["categories"].split(";")}
    assert sectors == set(SECTOR_WEIGHTS)


def test_coverage_does_not_depend_on_the_seed():
    for seed in (1, 99):
        rows = list(generate_suppliers(40, seed=seed))
        assert {row["head_office_region"] for row in rows} == set(REGION_CODES)
        assert {SECTOR_OF[row["categories"].split(";")[0]] for row in rows} == set(SECTOR_WEIGHTS)


def test_realistic_skew(rows_2000):
    regions = Counter(row["head_office_region"] for row in rows_2000)
    assert regions["06"] == max(regions.values())
    assert regions["06"] > regions["03"] > regions["10"]
    assert regions["16"] > regions["10"]
    assert regions["10"] == min(regions.values())


def test_legal_form_and_coop_type(rows_2000):
    for row in rows_2000:
        assert row["legal_form"] in {"cooperative", "non_profit"}
        assert (row["coop_type"] == "") == (row["legal_form"] == "non_profit")
        if row["legal_form"] == "cooperative":
            assert row["coop_type"] in COOP_TYPES
            assert "coop" in row["name"].casefold()
        else:
            assert "coop" not in row["name"].casefold()
    share = sum(row["legal_form"] == "cooperative" for row in rows_2000) / len(rows_2000)
    assert 0.15 < share < 0.35


def test_name_agrees_with_coop_type(rows_2000):
    words = {
        "Coopérative de solidarité": "solidarity",
        "Coop de solidarité": "solidarity",
        "Coopérative de travail": "worker",
        "Coopérative de travailleurs actionnaire": "worker_shareholder",
        "Coopérative de producteurs": "producer",
        "Coopérative de consommateurs": "consumer",
        "coopérative de solidarité": "solidarity",
        "coopérative de travail": "worker",
    }
    for row in rows_2000:
        for phrase, coop_type in words.items():
            if phrase in row["name"] and not (
                phrase.endswith("de travail") and "de travailleurs actionnaire" in row["name"]
            ):
                assert row["coop_type"] == coop_type, row["name"]


def test_accreditations(rows_2000):
    counts = Counter()
    for row in rows_2000:
        values = row["accreditations"].split(";") if row["accreditations"] else []
        assert set(values) <= {"adapted", "integration"}
        if "integration" in values:
            assert row["legal_form"] == "non_profit"
        if "Entreprise adaptée" in row["name"]:
            assert "adapted" in values
        counts.update(values)
    assert 0.04 * len(rows_2000) < counts["adapted"] < 0.14 * len(rows_2000)
    assert 0.05 * len(rows_2000) < counts["integration"] < 0.16 * len(rows_2000)


def test_regions_served(rows_2000):
    for row in rows_2000:
        served = row["regions_served"]
        if served == "*":
            continue
        codes = served.split(";")
        assert codes == sorted(set(codes))
        assert row["head_office_region"] in codes
        assert 1 <= len(codes) <= 4
        assert set(codes) <= set(REGION_CODES)
    share_all = sum(row["regions_served"] == "*" for row in rows_2000) / len(rows_2000)
    assert 0.05 < share_all < 0.15


def test_adjacency_is_symmetric():
    assert set(ADJACENT_REGIONS) == set(REGION_CODES) == set(REGION_WEIGHTS)
    for region, neighbours in ADJACENT_REGIONS.items():
        for other in neighbours:
            assert region in ADJACENT_REGIONS[other]


def test_categories_and_offerings(rows_2000):
    for row in rows_2000:
        codes = row["categories"].split(";")
        assert 1 <= len(codes) <= 3
        assert len(set(codes)) == len(codes)
        assert set(codes) <= set(SECTOR_OF)
        assert 1 <= len(row["offerings"]) <= 4
        for offering in row["offerings"]:
            assert set(offering) == {"title", "description", "category"}
            assert offering["category"] in codes
            assert offering["title"] and offering["description"].endswith(".")


def test_descriptions(rows_2000):
    for row in rows_2000:
        sentences = row["description_fr"].count(". ") + 1
        assert 2 <= sentences <= 4, row["description_fr"]
        assert row["city"].removeprefix("Les ") in row["description_fr"]
    share_en = sum(bool(row["description_en"]) for row in rows_2000) / len(rows_2000)
    assert 0.3 < share_en < 0.5
    assert len({row["description_fr"] for row in rows_2000}) == len(rows_2000)


@pytest.mark.parametrize("word", ["traiteur", "déneigement", "recyclage", "imprimerie"])
def test_demo_searches_find_several_suppliers(rows_320, word):
    hits = [row for row in rows_320 if word in searchable_text(row)]
    assert len(hits) >= 5
    assert sum(serves(row, "01") for row in hits) >= 2


def test_adapted_enterprises_doing_contract_packaging(rows_320):
    packagers = [
        row
        for row in rows_320
        if "adapted" in row["accreditations"] and "fabrication.assemblage" in row["categories"].split(";")
    ]
    assert len(packagers) >= 3
    assert any("emballage à forfait" in searchable_text(row) for row in packagers)


def test_embedded_categories_match_the_fixture():
    assert len(CATEGORIES) == 57
    assert len({row["sector_code"] for row in CATEGORIES}) == 13
    # The reference taxonomy is part of the repository: without it this fails rather than skips.
    with open(FIXTURE_CATEGORIES, encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == CATEGORIES


def test_names_stay_unique_past_the_memory_window(monkeypatch):
    import suppliers.demo_data as demo_data

    monkeypatch.setattr(demo_data, "NAME_MEMORY", 100)
    rows = list(demo_data.generate_suppliers(600, seed=3))
    assert len({row["name"] for row in rows}) == 600


def test_the_generator_draws_its_texts_from_the_fixture_files(rows_320):
    import json

    demo = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
    offerings = json.loads((demo / "categories.json").read_text(encoding="utf-8"))["cat_content"]
    towns = (demo / "places.json").read_text(encoding="utf-8")
    titles = {category: {title for title, _text in content[4]} for category, content in offerings.items()}
    for row in rows_320:
        assert f'"{row["city"]}"' in towns
        for offering in row["offerings"]:
            assert offering["title"] in titles[offering["category"]]
