"""The public supplier search, shared by the search page, the home page and the JSON API.

Text: the stored ``Supplier.search_vector`` (French and English stems, accents removed) matched with
``websearch_to_tsquery`` in both configurations. A negated term (``-buffet``) excludes every supplier containing
it, in either language, whatever its place in the text. Typos: a plain word that matches nothing is replaced by
the closest word of the lexicon of published words (``SearchTerm``, trigram index).
Filters: region served, sector, category, legal form, accreditation, each multi-select (OR within a filter,
AND between filters), all read from the supplier row: the region, category and sector bit masks are a derived
read model of the many-to-many tables, kept by ``SupplierQuerySet.refresh_search_text()`` and the import.
Facets: one SQL query gives, for every option, the number of results it gives with the other filters applied
(disjunctive faceting), and the total; it is cached briefly under a catalogue version. Results: the page's ids
come first from the ordered, filtered keys (an index-only scan of the name order without text), then only those
rows are read. Only published suppliers are ever counted or shown.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db import connection, models, transaction
from django.db.models import F, Func, Max, OuterRef, Q, Value
from django.db.models.lookups import GreaterThan
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import (
    ENGLISH_SEARCH_CONFIG,
    FRENCH_SEARCH_CONFIG,
    NAME_SORT_KEY_FUNCTION,
    SEARCH_FILTER_COLUMNS,
    Category,
    Region,
    SearchTerm,
    Supplier,
)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A query word is replaced only by a known word at least this similar (pg_trgm similarity, 0 to 1).
TYPO_SIMILARITY_THRESHOLD = 0.4
# Shorter words are too ambiguous to correct (and are often abbreviations).
MIN_CORRECTABLE_LENGTH = 4
# Facet counts over a large share of the catalogue cost a pass over it; they are cached this many seconds under
# a key that changes whenever a supplier is added or saved (0 turns the cache off).
FACETS_CACHE_SECONDS = getattr(settings, "SEARCH_FACETS_CACHE_SECONDS", 60)

FACETS = ("region", "sector", "category", "legal_form", "accreditation")

RegionsServed = Supplier.regions_served.through
SupplierCategories = Supplier.categories.through


class Sort(models.TextChoices):
    RELEVANCE = "relevance", _("Pertinence")
    NAME = "name", _("Nom")
    UPDATED = "updated", _("Mise à jour la plus récente")


@dataclass(frozen=True)
class SearchParams:
    """A validated search state (see ``suppliers.forms.SupplierSearchForm``)."""

    q: str = ""
    region: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    legal_form: tuple[str, ...] = ()
    accreditation: tuple[str, ...] = ()
    sort: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    exact: bool = False

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        """The active filters, by facet name."""
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}

    def querystring(self, *, q=None, remove=None, clear_filters=False, page=None, exact=None) -> str:
        """The URL query string of this state, changed as asked; page 1 unless ``page`` is given.

        ``remove`` is a ``(facet, value)`` pair to drop one selected option.
        """
        pairs = []
        q = self.q if q is None else q
        if q:
            pairs.append(("q", q))
        if not clear_filters:
            for name, values in self.filters.items():
                pairs.extend((name, value) for value in values if (name, value) != remove)
        if self.sort:
            pairs.append(("sort", self.sort))
        if self.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", self.page_size))
        if (self.exact if exact is None else exact) and q:
            pairs.append(("exact", "1"))
        if page and page > 1:
            pairs.append(("page", page))
        return urlencode(pairs)


@dataclass
class Reference:
    """Regions and categories (with their sectors): the filter options and the labels of codes. Two queries."""

    regions: list[Region]
    categories: list[Category]

    @cached_property
    def sectors(self):
        sectors = {}
        for category in self.categories:
            sectors.setdefault(category.sector_id, category.sector)
        return list(sectors.values())

    @cached_property
    def region_codes(self) -> list[str]:
        return [region.code for region in self.regions]

    @cached_property
    def regions_by_code(self) -> dict[str, Region]:
        return {region.code: region for region in self.regions}

    @cached_property
    def categories_by_code(self) -> dict[str, Category]:
        return {category.code: category for category in self.categories}


def load_reference() -> Reference:
    return Reference(
        regions=list(Region.objects.order_by("code")),
        categories=list(
            Category.objects.select_related("sector").order_by(
                "sector__position", "sector__code", "position", "code"
            )
        ),
    )


# --- Text ---

# A websearch token: a (possibly negated) quoted phrase, or a run of non-spaces.
TOKEN_RE = re.compile(r'-?"[^"]*"?|\S+')
CORRECTABLE_WORD_RE = re.compile(rf"^[^\W\d_]{{{MIN_CORRECTABLE_LENGTH},100}}$")


@dataclass(frozen=True)
class ParsedQuery:
    positive: str
    negative: tuple[str, ...] = field(default=())


def parse_query(text: str) -> ParsedQuery:
    """Split web-search text into what must match and the negated terms (``-word``, ``-"a phrase"``)."""
    positive, negative = [], []
    for token in TOKEN_RE.findall(text):
        if token.startswith("-") and len(token) > 1:
            negative.append(token[1:])
        elif token != "-":
            positive.append(token)
    return ParsedQuery(positive=" ".join(positive), negative=tuple(negative))


def text_query(text: str) -> SearchQuery | None:
    """The tsquery for web-search text, in French or English; ``None`` when there is nothing to search.

    ``websearch_to_tsquery(fr, q) || websearch_to_tsquery(en, q)`` would let a negated word through whenever one
    language's branch does not see it, so negated terms are taken out and excluded in both languages.
    """
    parsed = parse_query(text)
    query = None
    if parsed.positive.strip():
        query = _websearch(parsed.positive, FRENCH_SEARCH_CONFIG) | _websearch(
            parsed.positive, ENGLISH_SEARCH_CONFIG
        )
    if parsed.negative:
        excluded = " or ".join(parsed.negative)
        exclusion = _websearch(excluded, FRENCH_SEARCH_CONFIG, invert=True) & _websearch(
            excluded, ENGLISH_SEARCH_CONFIG, invert=True
        )
        query = exclusion if query is None else query & exclusion
    return query


def _websearch(text, config, invert=False):
    return SearchQuery(text, config=config, search_type="websearch", invert=invert)


# For each query word: is it in the lexicon, or does it match a published supplier (stems, newer words)? If not,
# the most similar lexicon word. Stop words (no lexeme in one language) are left alone. One query for all words.
CORRECTION_SQL = f"""
SELECT w.word, (
    SELECT t.word FROM {SearchTerm._meta.db_table} t
    WHERE t.word %% n.norm AND similarity(t.word, n.norm) >= %s
    ORDER BY similarity(t.word, n.norm) DESC, t.documents DESC, t.word
    LIMIT 1)
FROM unnest(%s::text[]) AS w(word)
CROSS JOIN LATERAL (SELECT lower(unaccent(w.word)) AS norm) AS n
WHERE ts_lexize('french_stem', n.norm) <> '{{}}' AND ts_lexize('english_stem', n.norm) <> '{{}}'
  AND NOT EXISTS (SELECT 1 FROM {SearchTerm._meta.db_table} t WHERE t.word = n.norm)
  AND NOT EXISTS (
    SELECT 1 FROM {Supplier._meta.db_table} s
    WHERE s.status = 'published' AND s.search_vector @@ (
        plainto_tsquery('{FRENCH_SEARCH_CONFIG}', w.word) || plainto_tsquery('{ENGLISH_SEARCH_CONFIG}', w.word)))
"""


def correct_query(text: str) -> str | None:
    """The text with each unknown word replaced by the closest known word, or ``None`` if nothing changed.

    Only plain words are corrected: not quoted phrases, negated terms, ``or``, numbers or short words.
    """
    tokens = TOKEN_RE.findall(text)
    words = list(
        dict.fromkeys(token for token in tokens if CORRECTABLE_WORD_RE.match(token) and token.lower() != "or")
    )
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(CORRECTION_SQL, [TYPO_SIMILARITY_THRESHOLD, words])
        replacements = {word: suggestion for word, suggestion in cursor.fetchall() if suggestion}
    if not replacements:
        return None
    return " ".join(replacements.get(token, token) for token in tokens)


def refresh_search_lexicon() -> int:
    """Rebuild the lexicon of words of published suppliers used for typo correction; returns its size.

    Call it after imports, demo loading or bulk publication (also ``manage.py refresh_search_lexicon``). Words
    come unaccented and in lower case from names, descriptions, categories and offerings. Readers keep seeing the
    old lexicon until the rebuild commits.
    """
    documents = (
        "SELECT to_tsvector('simple', unaccent(name || ' ' || search_text || ' ' || description_fr || ' ' || "
        f"description_en)) FROM {Supplier._meta.db_table} WHERE status = 'published'"
    )
    table = SearchTerm._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (word, documents) SELECT word, ndoc FROM ts_stat(%s) "
            "WHERE word ~ '^[[:alpha:]]{3,100}$'",
            [documents],
        )
        return cursor.rowcount


def extend_search_lexicon(suppliers_sql: str) -> None:
    """Add the words of some suppliers (the ids that ``suppliers_sql`` selects) to the lexicon.

    Used by large imports, where rebuilding the whole lexicon for each file would cost a pass over the catalogue.
    Word counts only break ties between equally similar words, so adding to them is close enough.
    """
    documents = (
        "SELECT to_tsvector('simple', unaccent(name || ' ' || search_text || ' ' || description_fr || ' ' || "
        f"description_en)) FROM {Supplier._meta.db_table} WHERE status = 'published' "
        f"AND id = ANY(ARRAY({suppliers_sql}))"
    )
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS t (word, documents) SELECT word, ndoc FROM ts_stat(%s) "
            "WHERE word ~ '^[[:alpha:]]{3,100}$' "
            "ON CONFLICT (word) DO UPDATE SET documents = t.documents + excluded.documents",
            [documents],
        )


# --- Filters ---


def region_bits(codes) -> int:
    """The ``Supplier.region_mask`` bits of region codes (bit ``int(code) - 1``)."""
    bits = 0
    for code in codes:
        bits |= 1 << (int(code) - 1)
    return bits


def filter_bits(params: SearchParams, reference: Reference) -> dict[str, int]:
    """Per mask filter (region, sector, category), the mask bits of its selected options."""
    bits = {}
    if params.region:
        bits["region"] = region_bits(params.region)
    if params.sector:
        sectors = {sector.code: sector.bit for sector in reference.sectors}
        bits["sector"] = sum(1 << sectors[code] for code in set(params.sector) if code in sectors)
    if params.category:
        categories = reference.categories_by_code
        bits["category"] = sum(
            1 << categories[code].bit for code in set(params.category) if code in categories
        )
    return bits


def _has_any(column, bits):
    return GreaterThan(BitAnd(F(column), Value(bits, output_field=models.BigIntegerField())), 0)


class BitAnd(Func):
    arg_joiner = " & "
    template = "(%(expressions)s)"
    output_field = models.BigIntegerField()


def filter_conditions(params: SearchParams, bits: dict[str, int]) -> dict[str, Q]:
    """One boolean condition per active filter, read from the supplier row (its filter masks, see
    ``suppliers.models.filter_masks_sql``): the same rules as ``SupplierQuerySet.serving()``, ``offering()``,
    ``in_sectors()`` and ``with_accreditations()`` without their subqueries.
    """
    conditions = {}
    if params.region:
        conditions["region"] = Q(serves_all_quebec=True) | Q(_has_any("region_mask", bits["region"]))
    if params.sector:
        conditions["sector"] = Q(_has_any("sector_mask", bits["sector"]))
    if params.category:
        conditions["category"] = Q(_has_any("category_mask", bits["category"]))
    if params.legal_form:
        conditions["legal_form"] = Q(legal_form__in=params.legal_form)
    if params.accreditation:
        conditions["accreditation"] = Q(accreditations__overlap=list(params.accreditation))
    return conditions


def _condition_sql(params: SearchParams, bits: dict[str, int]) -> tuple[dict[str, str], list]:
    """The conditions of ``filter_conditions()`` as SQL over the columns of one row, with their parameters
    (in the order of ``FACETS``)."""
    sql, values = {}, {}
    if params.region:
        sql["region"], values["region"] = "(serves_all_quebec OR region_mask & %s <> 0)", [bits["region"]]
    if params.sector:
        sql["sector"], values["sector"] = "sector_mask & %s <> 0", [bits["sector"]]
    if params.category:
        sql["category"], values["category"] = "category_mask & %s::bigint <> 0", [bits["category"]]
    if params.legal_form:
        sql["legal_form"], values["legal_form"] = "legal_form = ANY(%s)", [list(params.legal_form)]
    if params.accreditation:
        sql["accreditation"], values["accreditation"] = (
            "accreditations && %s::varchar[]",
            [list(params.accreditation)],
        )
    return sql, values


# --- Facets ---

ALL_REGIONS_MASK = (1 << 17) - 1


def facet_counts(
    matching, params: SearchParams, reference: Reference, bits: dict[str, int] | None = None
) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per option of every facet, each with the other facets' filters applied, and the total; one query.

    ``matching`` is the published suppliers matching the text. One pass over them groups their filter masks
    (GROUPING SETS, a grouped row per distinct mask), each set counting the rows that pass the OTHER filters;
    the masks are then expanded to options here. A supplier serving all of Québec counts in every region.
    """
    bits = filter_bits(params, reference) if bits is None else bits
    conditions, condition_params = _condition_sql(params, bits)
    base_sql, base_params = (
        matching.order_by().values("serves_all_quebec", *SEARCH_FILTER_COLUMNS[1:]).query.sql_with_params()
    )
    flags, flag_params = [], []
    for facet in (*FACETS, "total"):
        others = [name for name in conditions if name != facet]
        flags.append(" AND ".join(conditions[name] for name in others) or "TRUE")
        flag_params.extend(value for name in others for value in condition_params[name])
    sql = f"""
        SELECT grouping(rm, sm, cm, lf, acc), rm, sm, cm, lf, acc,
            {", ".join(f"count(*) FILTER (WHERE f{index})" for index in range(len(flags)))}
        FROM (
            SELECT CASE WHEN serves_all_quebec THEN {ALL_REGIONS_MASK} ELSE region_mask END AS rm,
                sector_mask AS sm, category_mask AS cm, legal_form AS lf, accreditations AS acc,
                {", ".join(f"{flag} AS f{index}" for index, flag in enumerate(flags))}
            FROM ({base_sql}) AS b
        ) AS rows
        GROUP BY GROUPING SETS ((rm), (sm), (cm), (lf), (acc), ())
    """
    sectors = {sector.code: sector.bit for sector in reference.sectors}
    categories = {category.code: category.bit for category in reference.categories}
    legal_forms, accreditations = _choices_of("legal_form"), _choices_of("accreditations")
    facets = {
        "region": dict.fromkeys(reference.region_codes, 0),
        "sector": dict.fromkeys(sectors, 0),
        "category": dict.fromkeys(categories, 0),
        "legal_form": dict.fromkeys(legal_forms, 0),
        "accreditation": dict.fromkeys(accreditations, 0),
    }
    region_bit = {code: int(code) - 1 for code in reference.region_codes}
    total = 0
    # grouping() has one bit per argument, 1 when it is not grouped: the set is the one argument left at 0.
    grouped_by = {0b01111: "region", 0b10111: "sector", 0b11011: "category", 0b11101: "legal_form"}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*flag_params, *base_params])
        for grouping, rm, sm, cm, lf, acc, *counts in cursor.fetchall():
            facet = grouped_by.get(grouping, "accreditation" if grouping == 0b11110 else "total")
            count = counts[(*FACETS, "total").index(facet)]
            if not count:
                continue
            if facet == "total":
                total = count
            elif facet == "legal_form":
                facets["legal_form"][lf] = facets["legal_form"].get(lf, 0) + count
            elif facet == "accreditation":
                for value in set(acc):
                    facets["accreditation"][value] = facets["accreditation"].get(value, 0) + count
            else:
                mask, option_bits = {
                    "region": (rm, region_bit),
                    "sector": (sm, sectors),
                    "category": (cm, categories),
                }[facet]
                for code, bit in option_bits.items():
                    if mask >> bit & 1:
                        facets[facet][code] += count
    return facets, total


def _choices_of(field_name):
    model_field = Supplier._meta.get_field(field_name)
    model_field = getattr(model_field, "base_field", model_field)
    return [value for value, _label in model_field.choices]


def matching_suppliers(searched_text: str):
    """Published suppliers matching the text (all of them without text), and the text query."""
    query = text_query(searched_text) if searched_text else None
    matching = Supplier.objects.published()
    if query is not None:
        matching = matching.filter(search_vector=query)
    return matching, query


def catalogue_version() -> str:
    """Changes when a supplier is added or saved, status changes included (two index probes)."""
    latest = Supplier.objects.aggregate(updated=Max("updated_at"), last=Max("id"))
    return f"{latest['updated'].isoformat() if latest['updated'] else ''}/{latest['last'] or 0}"


def cached_facet_counts(
    searched_text: str, params: SearchParams, reference: Reference, bits: dict[str, int] | None = None
):
    """``facet_counts()`` for this text and these filters, through the cache (see ``FACETS_CACHE_SECONDS``).

    A listing whose categories, regions or offerings change without the supplier being saved can show the old
    counts until the entry expires; the results themselves are never cached.
    """
    matching, _query = matching_suppliers(searched_text)

    def compute():
        return facet_counts(matching, params, reference, bits)

    if not FACETS_CACHE_SECONDS:
        return compute()
    state = json.dumps([catalogue_version(), searched_text, params.filters], sort_keys=True)
    key = "supplier-facets:" + hashlib.sha256(state.encode()).hexdigest()
    return cache.get_or_set(key, compute, FACETS_CACHE_SECONDS)


def catalogue_counts(reference: Reference) -> dict[str, dict[str, int]]:
    """Published suppliers per region served, sector, category, legal form and accreditation (home page)."""
    facets, _total = cached_facet_counts("", SearchParams(), reference)
    return facets


# --- Results ---


class PagedByKeys:
    """Results whose page is found by its ids first: an index-only scan of the ordered, filtered keys (the
    filter columns are in the name-order index), then only that page's rows are read and annotated."""

    ordered = True

    def __init__(self, keys, rows):
        self.keys, self.rows = keys, rows

    def __getitem__(self, page):
        return self.rows.filter(pk__in=self.keys.values("pk")[page])


class CountedPaginator(Paginator):
    """A paginator told the count, which the facet query has already computed (no second COUNT)."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


@dataclass
class SearchResults:
    params: SearchParams
    reference: Reference
    count: int
    facets: dict[str, dict[str, int]]
    paginator: Paginator
    page: object  # django.core.paginator.Page, or None when the asked page is past the last (API only)
    sort: str  # the order used
    searched_text: str  # the text actually searched (corrected, or as typed)
    corrected_from: str | None = None  # the text as typed, when it was corrected


def name_order():
    """Accent-insensitive name order ("École" beside "Ecole"), indexed for published suppliers."""
    return Func(F("name"), function=NAME_SORT_KEY_FUNCTION)


def search_suppliers(params: SearchParams, *, reference: Reference, clamp_page: bool = True) -> SearchResults:
    """Run a search in at most four queries: typo correction (with text), the catalogue version and the facets
    with the total (unless cached), the page of results.

    With ``clamp_page`` a page past the last gives the last page (the HTML page); without it, ``page`` is None.
    """
    searched_text, corrected_from = params.q, None
    if params.q and not params.exact:
        corrected = correct_query(params.q)
        if corrected is not None:
            searched_text, corrected_from = corrected, params.q
    matching, query = matching_suppliers(searched_text)
    bits = filter_bits(params, reference)
    facets, count = cached_facet_counts(searched_text, params, reference, bits)

    keys = matching.filter(*filter_conditions(params, bits).values())
    rows = (
        Supplier.objects.select_related("head_office_region")
        .defer("search_text", "search_vector", "status_reason")
        .annotate(
            region_codes=ArraySubquery(
                RegionsServed.objects.filter(supplier_id=OuterRef("pk"))
                .order_by("region_id")
                .values("region_id")
            ),
            category_codes=ArraySubquery(
                SupplierCategories.objects.filter(supplier_id=OuterRef("pk"))
                .order_by("category_id")
                .values("category_id")
            ),
        )
    )
    sort = params.sort or Sort.RELEVANCE
    if sort == Sort.RELEVANCE and not parse_query(searched_text).positive.strip():
        sort = Sort.NAME
    if sort == Sort.RELEVANCE:
        rank = SearchRank(F("search_vector"), query)
        keys = keys.annotate(rank=rank).order_by("-rank", name_order(), "id")
        rows = rows.annotate(rank=rank).order_by("-rank", name_order(), "id")
    elif sort == Sort.NAME:
        keys, rows = keys.order_by(name_order(), "id"), rows.order_by(name_order(), "id")
    else:
        keys, rows = keys.order_by("-updated_at", "-id"), rows.order_by("-updated_at", "-id")
    results = PagedByKeys(keys, rows)

    paginator = CountedPaginator(results, params.page_size, count=count)
    try:
        page = paginator.page(params.page)
    except EmptyPage:
        page = paginator.page(paginator.num_pages) if clamp_page else None
    return SearchResults(
        params=params,
        reference=reference,
        count=count,
        facets=facets,
        paginator=paginator,
        page=page,
        sort=sort,
        searched_text=searched_text,
        corrected_from=corrected_from,
    )
