"""Deterministic, plausible demo suppliers for the directory (pure standard library, no Django).

The data it draws from (places, name parts, descriptions, offerings) is in ``fixtures/demo/*.json``, the
taxonomy in ``fixtures/categories.csv``; this module only combines them.

``generate_suppliers(count, seed=..., status=...)`` yields dicts whose keys are the columns of the
supplier CSV import format (see ``suppliers/importing.py``) plus ``offerings``, a list of
``{"title", "description", "category"}`` dicts. The same ``(count, seed)`` always gives the same rows,
and row *i* does not depend on ``count`` (a shorter run is a prefix of a longer one).

Everything is fictional: NEQs come from a bijective scramble of the row index, phone numbers use the
555-01xx block, addresses are invented. Towns, postal-code areas (FSA), area codes and the region
adjacency map are real.

The generator is built for volume (``generate_suppliers(1_000_000)`` for benchmarks): all templates are
precomputed at import time, rows only pick and format. Memory stays bounded: names are de-duplicated
against the first ``NAME_MEMORY`` rows; past that, every name carries its row number, which keeps all
names unique without remembering them.
"""

from __future__ import annotations

import csv
import json
import random
import unicodedata
from bisect import bisect
from collections.abc import Iterator, Sequence
from itertools import accumulate
from pathlib import Path

__all__ = [
    "ADJACENT_REGIONS",
    "FIELDS",
    "NAME_MEMORY",
    "REGION_CODES",
    "REGION_WEIGHTS",
    "SECTOR_WEIGHTS",
    "generate_suppliers",
    "load_categories",
]

# Keys of each generated dict, in CSV column order (``offerings`` last, it is not a CSV column).
FIELDS = (
    "neq",
    "name",
    "legal_form",
    "coop_type",
    "accreditations",
    "description_fr",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "postal_code",
    "head_office_region",
    "regions_served",
    "categories",
    "status",
    "offerings",
)

# Rows whose names are remembered for de-duplication; later rows get a numeric suffix instead.
NAME_MEMORY = 100_000

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _tuples(value):
    """JSON's lists as tuples: the generator's tables are immutable and concatenated as tuples."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


def _load(name: str) -> dict:
    with open(FIXTURES / "demo" / f"{name}.json", encoding="utf-8") as handle:
        return _tuples(json.load(handle))


_DEMO_CATEGORIES, _DEMO_PLACES, _DEMO_NAMES, _DEMO_TEXTS = (
    _load(name) for name in ("categories", "places", "names", "texts")
)


def load_categories() -> list[dict]:
    """The reference taxonomy (``fixtures/categories.csv``), one dict per category with the file's columns."""
    with open(FIXTURES / "categories.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_CATEGORY_ROWS = load_categories()
# Sectors in their order of first appearance in the taxonomy.
_SECTOR_CODES = tuple(dict.fromkeys(row["sector_code"] for row in _CATEGORY_ROWS))

# Relative size of each sector in the generated population (cleaning, food and recovery dominate).
SECTOR_WEIGHTS: dict[str, float] = _DEMO_CATEGORIES["sector_weights"]

# --------------------------------------------------------------------------------------------------
# What each category sells: weight in its sector, trade word for names, French and English activity
# phrases for descriptions (each with its article), and a pool of offerings (title, one sentence).
# --------------------------------------------------------------------------------------------------

_CAT_CONTENT: dict[str, tuple[float, str, str, str, tuple[tuple[str, str], ...]]] = _DEMO_CATEGORIES[
    "cat_content"
]

# Short forms (French with article, English) used when a category is not the supplier's main one.
_SHORT_FORMS = _DEMO_CATEGORIES["short_forms"]

# Categories that often go together across sectors (a second or third category may come from here).
_RELATED = _DEMO_CATEGORIES["related"]

# --------------------------------------------------------------------------------------------------
# Regions: names, grammatical forms, real adjacency, density, towns with real FSAs, area codes
# --------------------------------------------------------------------------------------------------

# code, name, "in" form, "of" form, with article (for lists of regions served)
_REGIONS = _DEMO_PLACES["regions"]

REGION_CODES: list[str] = [row[0] for row in _REGIONS]

# Regions sharing a land or St. Lawrence boundary (symmetric).
ADJACENT_REGIONS: dict[str, tuple[str, ...]] = _DEMO_PLACES["adjacent_regions"]

# Relative density of head offices per region: Montréal and Capitale-Nationale densest, Nord-du-Québec sparse.
REGION_WEIGHTS: dict[str, float] = _DEMO_PLACES["region_weights"]

# Area codes (main, overlay) per region.
_AREA_CODES = _DEMO_PLACES["area_codes"]

# Real towns per region: (name, forward sortation areas, weight).
_TOWNS: dict[str, tuple[tuple[str, tuple[str, ...], float], ...]] = _DEMO_PLACES["towns"]

# Sub-regional place names usable in enterprise names: (bare form, "of" form); no bare form for names
# that need their article ("des Basques", "du Fjord").
_PLACES: dict[str, tuple[tuple[str, str], ...]] = _DEMO_PLACES["places"]

# Regions where resource sectors weigh more, and the most urban regions.
_RURAL = frozenset({"01", "02", "04", "08", "09", "10", "11", "12", "17"})
_URBAN = frozenset({"06", "13"})

# --------------------------------------------------------------------------------------------------
# Legal form, accreditations, cooperative types (probabilities by sector)
# --------------------------------------------------------------------------------------------------

# sector: (P(adapted), P(integration), P(cooperative | not integration))
_SECTOR_PROFILE = _DEMO_NAMES["sector_profile"]

_COOP_TYPES_DEFAULT = {"solidarity": 45, "worker": 40, "worker_shareholder": 10, "consumer": 5}
_COOP_TYPES_BY_SECTOR = _DEMO_NAMES["coop_types_by_sector"]

_COOP_PREFIXES = _DEMO_NAMES["coop_prefixes"]
_COOP_GENERIC_PREFIXES = ("Coop", "Coopérative")
# (category, coop types) -> a customary prefix for that line of business
_COOP_SPECIAL_PREFIXES = {
    ("habitation.logement", "consumer"): "Coopérative d'habitation",
    ("habitation.logement", "solidarity"): "Coopérative d'habitation",
    ("ressources.sylviculture", "worker"): "Coopérative forestière",
    ("ressources.sylviculture", "producer"): "Coopérative forestière",
    ("ressources.agricole", "producer"): "Coopérative agricole",
    ("alimentation.local", "producer"): "Coopérative agricole",
}

# Brand-like name cores per sector; cores starting with an article take the "of" place form.
_SECTOR_CORES = _DEMO_NAMES["sector_cores"]
_GENERIC_CORES = _DEMO_NAMES["generic_cores"]
_INTEGRATION_CORES = _DEMO_NAMES["integration_cores"]
_INTEGRATION_PREFIXES = ("Entreprise d'insertion", "Plateau d'insertion", "Atelier d'insertion")
_ADAPTED_PREFIXES = _DEMO_NAMES["adapted_prefixes"]
_NONPROFIT_PREFIXES = ("Atelier", "Centre", "Corporation", "Groupe")

# --------------------------------------------------------------------------------------------------
# Description sentences
# --------------------------------------------------------------------------------------------------

# Legal phrase: (French with article, French without article, masculine?, English with article)
_LEGAL_PHRASES = _DEMO_NAMES["legal_phrases"]
_NONPROFIT_PHRASES = _DEMO_NAMES["nonprofit_phrases"]

# Mission sentences: (lead, rest) in French and English. With a lead, the full sentence is
# "<lead>, nous <rest>" (used when the first sentence did not state the legal form) and the short one
# "Nous <rest>"; without a lead, <rest> is a whole sentence used as is.
_MISSION_TEXTS = _DEMO_TEXTS["mission_texts"]
# kind -> tuple of (full French, full English, short French, short English)
_MISSIONS = {
    kind: tuple(
        (f"{lead_fr}, nous {rest_fr}", f"{lead_en}, we {rest_en}", f"Nous {rest_fr}", f"We {rest_en}")
        if lead_fr
        else (rest_fr, rest_en, rest_fr, rest_en)
        for lead_fr, rest_fr, lead_en, rest_en in texts
    )
    for kind, texts in _MISSION_TEXTS.items()
}

_ACTIVITY_TEMPLATES = _DEMO_TEXTS["activity_templates"]

_BUYER_SENTENCES = _DEMO_TEXTS["buyer_sentences"]

_STREET_TYPES = ("rue",) * 10 + ("boulevard",) * 3 + ("avenue",) * 2 + ("chemin", "route", "place")
_STREET_NAMES = _DEMO_PLACES["street_names"]
_DIRECTIONS = ("", "", "", "", " Est", " Ouest", " Nord", " Sud")
_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
_EMAIL_LOCALS = ("info",) * 16 + ("accueil", "accueil", "ventes", "bonjour")

# The first rows: (head-office region, main category, accreditation, forced service area or "").
# They cycle through the 17 regions and the 13 sectors, whatever the seed, and place the searches that
# matter for demos: catering, snow removal, recycling and printing serving Bas-Saint-Laurent (01), and
# adapted enterprises doing contract packaging.
_ANCHORS = _DEMO_PLACES["anchors"]


# --------------------------------------------------------------------------------------------------
# Precomputation
# --------------------------------------------------------------------------------------------------


class _Weighted:
    """Items with cumulative weights, for a fast weighted pick with one random() call."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]):
        self.items = tuple(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, random_float):
        return self.items[bisect(self.cum, random_float() * self.total)]


class _Category:
    __slots__ = (
        "code",
        "sector",
        "weight",
        "trade",
        "trade_lower",
        "fr",
        "en",
        "short_fr",
        "short_en",
        "offerings",
        "related",
    )

    def __init__(self, code, sector, content, related):
        self.code = code
        self.sector = sector
        self.weight, self.trade, self.fr, self.en, self.offerings = content
        self.short_fr, self.short_en = _SHORT_FORMS[code]
        self.trade_lower = self.trade.lower()[:5]  # stem, to avoid "Récupération Récup-Action"
        self.related = related


class _Town:
    __slots__ = ("name", "fsas", "at", "of")

    def __init__(self, name, fsas):
        self.name = name
        self.fsas = fsas
        if name.startswith("Les "):
            self.at, self.of = "aux " + name[4:], "des " + name[4:]
        else:
            self.at = "à " + name
            self.of = ("d'" if name[0] in "AEIOUYÉÈÊÎÔ" else "de ") + name


_CATEGORIES: dict[str, _Category] = {}
for _row in _CATEGORY_ROWS:
    _CATEGORIES[_row["code"]] = _Category(
        _row["code"], _row["sector_code"], _CAT_CONTENT[_row["code"]], _RELATED.get(_row["code"], ())
    )
assert set(_CAT_CONTENT) == set(_CATEGORIES) == set(_SHORT_FORMS)

_SECTOR_CATEGORIES = {
    sector: _Weighted(
        [c for c in _CATEGORIES.values() if c.sector == sector],
        [c.weight for c in _CATEGORIES.values() if c.sector == sector],
    )
    for sector in _SECTOR_CODES
}
assert set(SECTOR_WEIGHTS) == set(_SECTOR_CODES)


def _sector_weights_for(region: str) -> list[float]:
    weights = []
    for sector in _SECTOR_CODES:
        weight = SECTOR_WEIGHTS[sector]
        if sector == "ressources":
            weight *= 2.5 if region in _RURAL else 0.15 if region in _URBAN else 1.0
        elif sector in ("informatique", "services", "culture") and region in _URBAN:
            weight *= 1.5
        weights.append(weight)
    return weights


_REGION_PICK = _Weighted(REGION_CODES, [REGION_WEIGHTS[code] for code in REGION_CODES])
_REGION_SECTOR_PICK = {code: _Weighted(_SECTOR_CODES, _sector_weights_for(code)) for code in REGION_CODES}
_REGION_INFO = {row[0]: row for row in _REGIONS}
_REGION_TOWNS = {
    code: _Weighted([_Town(name, fsas) for name, fsas, _w in towns], [w for _n, _f, w in towns])
    for code, towns in _TOWNS.items()
}
# Place names for enterprise names besides the head-office town: sub-regional names (bare and "of" forms).
_REGION_PLACES = _PLACES
_COOP_TYPE_PICK = {
    sector: _Weighted(list(weights), list(weights.values()))
    for sector, weights in ((s, _COOP_TYPES_BY_SECTOR.get(s, _COOP_TYPES_DEFAULT)) for s in _SECTOR_CODES)
}
_CORES_WITH_GENERIC = {sector: cores + _GENERIC_CORES for sector, cores in _SECTOR_CORES.items()}
_ARTICLES = ("Le ", "La ", "Les ", "L'")


def _build_slug_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for codepoint in range(0x20, 0x250):
        char = chr(codepoint)
        ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode().lower()
        table[codepoint] = ascii_form if ascii_form.isalnum() else "-"
    for char in "'’":
        table[ord(char)] = ""
    table[ord("–")] = table[ord("—")] = "-"
    table[ord("œ")] = table[ord("Œ")] = "oe"
    table[ord("æ")] = table[ord("Æ")] = "ae"
    return table


_SLUG_TABLE = _build_slug_table()


def _slug(text: str) -> str:
    slug = text.translate(_SLUG_TABLE)
    while "--" in slug:
        slug = slug.replace("--", "-")
    slug = slug.strip("-")
    if len(slug) > 40:
        slug = slug[:40].rsplit("-", 1)[0]
    return slug


def _join_fr(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _join_en(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _neq_scrambler(rng: random.Random):
    """A bijection of [0, 10**8): affine map, digit reversal, affine map (all bijective)."""
    modulus = 10**8
    a, c = 48_271_357, 69_069_421  # odd and not multiples of 5: invertible modulo 10**8
    b, d = rng.randrange(modulus), rng.randrange(modulus)

    def scramble(index: int) -> str:
        x = (index * a + b) % modulus
        x = int(f"{x:08d}"[::-1])
        return f"{(x * c + d) % modulus:08d}"

    return scramble


# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


def _make_name(rnd, choice, legal_form, coop_type, accreditation, category, region, town):
    """Return (name, brand) where brand is the name without its legal prefix (used for the web slug)."""
    sector = category.sector
    if "integration" in accreditation and rnd() < 0.6:
        core = choice(_INTEGRATION_CORES)
    else:
        core = choice(_CORES_WITH_GENERIC[sector] if rnd() < 0.2 else _SECTOR_CORES[sector])
    if rnd() < 0.55:
        bare, of = town.name, town.of
    else:
        bare, of = choice(_REGION_PLACES[region])
    place = of if not bare or core.startswith(_ARTICLES) or rnd() < 0.4 else bare
    trade = category.trade

    if legal_form == "cooperative":
        special = _COOP_SPECIAL_PREFIXES.get((category.code, coop_type))
        roll = rnd()
        if special and roll < 0.5:
            prefix = special
        elif roll < 0.7:
            prefix = choice(_COOP_PREFIXES[coop_type])
        else:
            prefix = choice(_COOP_GENERIC_PREFIXES)
        form = rnd()
        brand = f"{core} {place}"
        if form < 0.5:
            return f"{prefix} {brand}", brand
        if form < 0.75 or not prefix.startswith("Coopérative de"):
            return f"{prefix} {core}", core
        return f"{core} {of}, {prefix[0].lower()}{prefix[1:]}", f"{core} {of}"

    # Non-profit
    roll = rnd()
    if "adapted" in accreditation and roll < 0.6:
        prefix = choice(_ADAPTED_PREFIXES)
    elif "integration" in accreditation and roll < 0.3:
        prefix = choice(_INTEGRATION_PREFIXES)
    elif category.code == "education.garde" and roll < 0.7:
        prefix = "CPE" if roll < 0.5 else "Centre de la petite enfance"
    elif roll < 0.25:
        prefix = choice(_NONPROFIT_PREFIXES)
    else:
        prefix = ""
    if prefix == "Atelier" and trade == "Atelier de couture":
        prefix = ""
    form = rnd()
    if prefix:
        if form < 0.55:
            brand = f"{core} {place}"
            return f"{prefix} {brand}", brand
        return f"{prefix} {core}", core
    if form < 0.4 or category.trade_lower in core.lower():
        brand = f"{core} {place}"
    elif form < 0.75:
        brand = f"{trade} {core}"
    else:
        brand = f"{trade} {core} {of}"
    return brand, brand


def generate_suppliers(count: int = 320, *, seed: int = 2026, status: str = "published") -> Iterator[dict]:
    """Yield ``count`` demo suppliers, deterministic for a given ``(count, seed)``.

    Each dict has the supplier CSV columns (all str) plus ``offerings``: a list of 1 to 4
    ``{"title", "description", "category"}`` dicts. The first rows cycle through all 17 regions and all
    13 sectors; later rows follow ``REGION_WEIGHTS`` and ``SECTOR_WEIGHTS``.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if count > 10**8:
        raise ValueError("count must be at most 100,000,000 (the NEQ space of one prefix)")
    generator = _Generator(seed)
    for index in range(count):
        yield generator.row(index, status)


class _Profile:
    """What a row is: where its head office is, what it mainly sells, its accreditation and legal form."""

    __slots__ = ("region", "main", "sector", "accreditation", "forced_served", "legal_form", "coop_type")


class _Generator:
    """One row after the other, each step drawing from the one random sequence in a fixed order (which keeps
    row *i* the same whatever the count)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.rnd, self.choice = self.rng.random, self.rng.choice
        self.scramble = _neq_scrambler(self.rng)
        self.seen_names: set[str] = set()

    def row(self, index: int, status: str) -> dict:
        profile = self._profile(index)
        cats = self._categories(profile)
        town = _REGION_TOWNS[profile.region].pick(self.rnd)
        served, regions_served = self._service_area(profile)
        name, brand = self._unique_name(index, profile, town)
        description_fr, description_en = self._descriptions(name, profile, cats, town, served, regions_served)
        contact = self._contact(brand, profile.region, town)
        offerings = self._offerings(cats)
        roll = self.rnd()
        neq_prefix = "11" if roll < 0.45 else "33" if roll < 0.85 else "22" if roll < 0.95 else "88"
        return {
            "neq": neq_prefix + self.scramble(index),
            "name": name,
            "legal_form": profile.legal_form,
            "coop_type": profile.coop_type,
            "accreditations": profile.accreditation,
            "description_fr": description_fr,
            "description_en": description_en,
            **contact,
            "head_office_region": profile.region,
            "regions_served": regions_served,
            "categories": ";".join(cat.code for cat in cats),
            "status": status,
            "offerings": offerings,
        }

    def _profile(self, index: int) -> _Profile:
        """Head office, sector, main category, accreditation, legal form: anchors first, then by weight."""
        rnd, profile = self.rnd, _Profile()
        if index < len(_ANCHORS):
            profile.region, main_code, profile.accreditation, profile.forced_served = _ANCHORS[index]
            profile.main = _CATEGORIES[main_code]
            profile.sector = profile.main.sector
            p_adapted, p_integration, p_coop = _SECTOR_PROFILE[profile.sector]
        else:
            profile.forced_served = ""
            profile.region = _REGION_PICK.pick(rnd)
            profile.sector = _REGION_SECTOR_PICK[profile.region].pick(rnd)
            profile.main = _SECTOR_CATEGORIES[profile.sector].pick(rnd)
            p_adapted, p_integration, p_coop = _SECTOR_PROFILE[profile.sector]
            roll = rnd()
            if roll < p_adapted:
                profile.accreditation = "adapted;integration" if rnd() < 0.08 else "adapted"
            elif roll < p_adapted + p_integration:
                profile.accreditation = "integration"
            else:
                profile.accreditation = ""
            # Adapted enterprises in manufacturing are mostly contract packaging shops.
            if profile.accreditation and profile.sector == "fabrication" and rnd() < 0.5:
                profile.main = _CATEGORIES["fabrication.assemblage"]
        if "integration" in profile.accreditation or rnd() >= p_coop:
            profile.legal_form, profile.coop_type = "non_profit", ""
        else:
            profile.legal_form = "cooperative"
            profile.coop_type = _COOP_TYPE_PICK[profile.sector].pick(rnd)
        return profile

    def _categories(self, profile: _Profile) -> list:
        """The main category and up to two more: related ones or others of the sector."""
        main, rnd = profile.main, self.rnd
        cats = [main]
        roll = rnd()
        wanted = 1 if roll < 0.35 else 2 if roll < 0.75 else 3
        attempts = 0
        while len(cats) < wanted and attempts < 6:
            attempts += 1
            if main.related and rnd() < 0.25:
                extra = _CATEGORIES[self.choice(main.related)]
            else:
                extra = _SECTOR_CATEGORIES[profile.sector].pick(rnd)
            if extra not in cats:
                cats.append(extra)
        return cats

    def _service_area(self, profile: _Profile) -> tuple[list[str], str]:
        """The regions served (all of Québec for some), as a list and as the CSV column."""
        roll = self.rnd()
        if profile.forced_served:
            return profile.forced_served.split(";"), profile.forced_served
        if roll < 0.10:
            return ["*"], "*"
        neighbours = ADJACENT_REGIONS[profile.region]
        extra_count = 0 if roll < 0.42 else 1 if roll < 0.70 else 2 if roll < 0.88 else 3
        extra_count = min(extra_count, len(neighbours))
        region = profile.region
        served = sorted([region, *self.rng.sample(neighbours, extra_count)]) if extra_count else [region]
        return served, ";".join(served)

    def _unique_name(self, index: int, profile: _Profile, town) -> tuple[str, str]:
        """A name (and the brand its web address is made of) no earlier row has."""

        def make():
            return _make_name(
                self.rnd, self.choice, profile.legal_form, profile.coop_type, profile.accreditation, profile.main,
                profile.region, town,
            )  # fmt: skip

        name, brand = make()
        if index >= NAME_MEMORY:
            # Past the memory window every name carries its row number: unique without remembering.
            return f"{name} {index + 1}", f"{brand} {index + 1}"
        tries = 0
        while name in self.seen_names and tries < 3:
            tries += 1
            name, brand = make()
        if name in self.seen_names and town.name not in name:
            name, brand = f"{name} ({town.name})", f"{brand} {town.name}"
        number = 2
        base_name, base_brand = name, brand
        while name in self.seen_names:
            name, brand = f"{base_name} {number}", f"{base_brand} {number}"
            number += 1
        self.seen_names.add(name)
        return name, brand

    def _descriptions(self, name, profile: _Profile, cats, town, served, regions_served) -> tuple[str, str]:
        """French and (for some) English: who they are, what they do, their mission, a closing sentence."""
        template, intro_fr, intro_en = self._introduction(name, profile, town)
        activity_fr, activity_en = self._activity(cats)
        mission_fr, mission_en = self._mission(profile, template)
        if self.rnd() < 0.7:
            sentences_fr, sentences_en = (
                [intro_fr, activity_fr, mission_fr],
                [intro_en, activity_en, mission_en],
            )
        else:
            sentences_fr, sentences_en = (
                [intro_fr, mission_fr, activity_fr],
                [intro_en, mission_en, activity_en],
            )
        closing = self._closing(profile, served, regions_served)
        if closing:
            sentences_fr.append(closing[0])
            sentences_en.append(closing[1])
        description_en = " ".join(sentences_en) if self.rnd() < 0.4 else ""
        return " ".join(sentences_fr), description_en

    def _introduction(self, name, profile: _Profile, town) -> tuple[int, str, str]:
        rnd, accreditation, legal_form = self.rnd, profile.accreditation, profile.legal_form
        if "adapted" in accreditation and legal_form == "non_profit":
            legal = _LEGAL_PHRASES["adapted"]
        elif "integration" in accreditation:
            legal = _LEGAL_PHRASES["integration"]
        elif legal_form == "cooperative":
            legal = _LEGAL_PHRASES[profile.coop_type]
        else:
            legal = self.choice(_NONPROFIT_PHRASES)
        legal_fr, legal_bare, masculine, legal_en = legal
        year = 1978 + int(rnd() * 45)
        region_name, region_in, region_of = _REGION_INFO[profile.region][1:4]
        same_place = town.name == region_name
        region_clause = "" if same_place else ", " + region_in
        region_en = "" if same_place else f", in the {region_name} region"

        template = int(rnd() * 4)
        if "," in name:
            template = 2  # "Le Grenier du Fjord, coopérative de travail": keep the name out of the sentence
        elif template == 3 and name.startswith(legal_bare):
            template = 0
        if template == 0:
            intro_fr = (
                f"{name} est {legal_fr} {'établi' if masculine else 'établie'} {town.at}{region_clause}."
            )
            intro_en = f"{name} is {legal_en} based in {town.name}{region_en}."
        elif template == 1:
            of_clause = "" if same_place else " et " + region_of
            intro_fr = f"Depuis {year}, {name} sert les organisations {town.of}{of_clause}."
            across = "" if same_place else f" and across the {region_name} region"
            intro_en = f"Since {year}, {name} has served organisations in {town.name}{across}."
        elif template == 2:
            intro_fr = (
                f"Nous sommes {legal_fr} {'établi' if masculine else 'établie'} {town.at}{region_clause}, "
                f"en activité depuis {year}."
            )
            intro_en = f"We are {legal_en} based in {town.name}{region_en}, operating since {year}."
        else:
            intro_fr = (
                f"{legal_bare} {'fondé' if masculine else 'fondée'} en {year}, {name} a son siège "
                f"{town.at}{region_clause}."
            )
            intro_en = (
                f"{legal_en[0].upper()}{legal_en[1:]} founded in {year}, {name} has its head office in "
                f"{town.name}{region_en}."
            )
        return template, intro_fr, intro_en

    def _activity(self, cats) -> tuple[str, str]:
        act_fr, act_en = self.choice(_ACTIVITY_TEMPLATES)
        main = cats[0]
        if len(cats) == 1:
            return act_fr.format(main.fr), act_en.format(main.en)
        return (
            act_fr.format(f"{main.fr}, ainsi que {_join_fr([c.short_fr for c in cats[1:]])}"),
            act_en.format(f"{main.en}, as well as {_join_en([c.short_en for c in cats[1:]])}"),
        )

    def _mission(self, profile: _Profile, template: int) -> tuple[str, str]:
        if "adapted" in profile.accreditation:
            mission = self.choice(_MISSIONS["adapted"])
        elif "integration" in profile.accreditation:
            mission = self.choice(_MISSIONS["integration"])
        else:
            mission = self.choice(_MISSIONS[profile.coop_type or "non_profit"])
        # Only the second template leaves the legal form unsaid; otherwise use the mission's short form.
        return (mission[0], mission[1]) if template == 1 else (mission[2], mission[3])

    def _closing(self, profile: _Profile, served, regions_served) -> tuple[str, str] | None:
        if profile.accreditation == "adapted;integration":
            extra = self.choice(_MISSIONS["integration"])
            return extra[0], extra[1]
        roll = self.rnd()
        if regions_served == "*":
            return "Nous desservons l'ensemble du Québec.", "We serve all of Québec."
        if len(served) > 1 and roll < 0.6:
            others = [_REGION_INFO[code] for code in served if code != profile.region]
            return (
                f"Nous desservons aussi {_join_fr([row[4] for row in others])}.",
                f"We also serve {_join_en([row[1] for row in others])}.",
            )
        if roll < 0.5:
            buyer = self.choice(_BUYER_SENTENCES)
            return buyer[0], buyer[1]
        return None

    def _contact(self, brand: str, region: str, town) -> dict:
        rnd, choice = self.rnd, self.choice
        domain = f"{_slug(brand)}.qc.ca"
        website = f"https://www.{domain}" if rnd() >= 0.15 else ""
        email = f"{choice(_EMAIL_LOCALS)}@{domain}" if rnd() >= 0.10 else ""
        area_main, area_overlay = _AREA_CODES[region]
        phone = f"{area_main if rnd() < 0.8 else area_overlay} 555-01{int(rnd() * 100):02d}"
        address = (
            f"{1 + int(rnd() * 3999)}, {choice(_STREET_TYPES)} {choice(_STREET_NAMES)}{choice(_DIRECTIONS)}"
        )
        if rnd() < 0.15:
            address += f", bureau {100 * (1 + int(rnd() * 4)) + int(rnd() * 20)}"
        postal_code = f"{choice(town.fsas)} {int(rnd() * 10)}{choice(_POSTAL_LETTERS)}{int(rnd() * 10)}"
        return {
            "website": website, "email": email, "phone": phone, "address": address, "city": town.name,
            "postal_code": postal_code,
        }  # fmt: skip

    def _offerings(self, cats) -> list[dict]:
        """One offering per category at least, up to four, no title twice."""
        roll = self.rnd()
        n_offerings = max(len(cats), 1 if roll < 0.3 else 2 if roll < 0.65 else 3 if roll < 0.9 else 4)
        offerings, used = [], set()
        position = guard = 0
        while len(offerings) < n_offerings and guard < 12:
            guard += 1
            cat = cats[position] if position < len(cats) else self.choice(cats)
            position += 1
            title, text = self.choice(cat.offerings)
            if title in used:
                continue
            used.add(title)
            offerings.append({"title": title, "description": text, "category": cat.code})
        return offerings


# How long ago demo listings were last verified by staff: about 15 % never, the others mostly within two years.
VERIFICATION_AGE_BANDS = [
    (0.15, None),  # never verified
    (0.50, (1, 182)),  # under 6 months
    (0.75, (183, 365)),  # 6 to 12 months
    (0.92, (366, 730)),  # 12 to 24 months
    (1.00, (731, 1460)),  # 2 to 4 years
]


def verification_age_days(neq: str, *, seed: int = 2026) -> int | None:
    """Days since the demo listing ``neq`` was last verified, or None if never; deterministic per NEQ and seed
    (independent of the generator's own random sequence)."""
    rng = random.Random(f"{seed}:{neq}")
    roll = rng.random()
    for limit, days in VERIFICATION_AGE_BANDS:
        if roll < limit:
            return None if days is None else rng.randint(*days)
    return None
