"""The public supplier search, shared by the search page, the home page and the JSON API.

Text: the stored ``Supplier.search_vector`` (French and English stems, accents removed) matched with
``websearch_to_tsquery`` in both configurations. A negated term (``-buffet``) excludes every supplier containing
it, in either language, whatever its place in the text. Typos: a plain word that matches nothing is replaced by
the closest word of the lexicon of published words (``SearchTerm``, trigram index).
Filters: region served, sector, category, legal form, accreditation, each multi-select (OR within a filter,
AND between filters). Facets: one SQL query gives, for every option, the number of results it gives with the
other filters applied (disjunctive faceting), and the total; it is cached briefly under a catalogue version.
Only published suppliers are ever counted or shown.
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
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Func, Max, OuterRef, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import (
    ENGLISH_SEARCH_CONFIG,
    FRENCH_SEARCH_CONFIG,
    NAME_SORT_KEY_FUNCTION,
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
        f"description_en)) FROM {Supplier._meta.db_table} WHERE status = 'published' AND id IN ({suppliers_sql})"
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


def filter_conditions(params: SearchParams) -> dict[str, Q]:
    """One boolean condition per active filter; the same rules as ``SupplierQuerySet.serving()``, ``offering()``,
    ``in_sectors()`` and ``with_accreditations()``, as expressions so that facets can compute each one as a column.
    """
    conditions = {}
    if params.region:
        served = RegionsServed.objects.filter(supplier_id=OuterRef("pk"), region_id__in=params.region)
        conditions["region"] = Q(serves_all_quebec=True) | Exists(served)
    if params.sector:
        listed = SupplierCategories.objects.filter(
            supplier_id=OuterRef("pk"), category__sector_id__in=params.sector
        )
        conditions["sector"] = Q(Exists(listed))
    if params.category:
        listed = SupplierCategories.objects.filter(
            supplier_id=OuterRef("pk"), category_id__in=params.category
        )
        conditions["category"] = Q(Exists(listed))
    if params.legal_form:
        conditions["legal_form"] = Q(legal_form__in=params.legal_form)
    if params.accreditation:
        conditions["accreditation"] = Q(accreditations__overlap=list(params.accreditation))
    return conditions


# --- Facets ---


def facet_counts(
    matching, conditions: dict[str, Q], reference: Reference
) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per option of every facet, each with the other facets' filters applied, and the total; one query.

    ``matching`` is the published suppliers matching the text. A supplier serving all of Québec counts in
    every region.
    """
    flags = {
        f"m_{name}": ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in conditions.items()
    }
    base = (
        matching.order_by()
        .annotate(**flags)
        .values("id", "serves_all_quebec", "legal_form", "accreditations", *flags)
    )
    base_sql, params = base.query.sql_with_params()

    def others(facet=None):
        return " AND ".join(f"b.m_{name}" for name in conditions if name != facet) or "TRUE"

    # Facets over the supplier row itself (legal form, accreditation, all of Québec, total) come from one pass
    # with FILTER clauses; the many-to-many facets join the through tables to the matching suppliers.
    legal_forms, accreditations = _choices_of("legal_form"), _choices_of("accreditations")
    row_counts = [
        ("total", "", "TRUE", others(), []),
        ("all_quebec", "", "b.serves_all_quebec", others("region"), []),
        *(("legal_form", value, "b.legal_form = %s", others("legal_form"), [value]) for value in legal_forms),
        *(
            (
                "accreditation",
                value,
                "b.accreditations @> ARRAY[%s]::varchar[]",
                others("accreditation"),
                [value],
            )
            for value in accreditations
        ),
    ]
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE {condition} AND {rest}) AS n{index}"
        for index, (_facet, _code, condition, rest, _params) in enumerate(row_counts)
    )
    labels = ", ".join(f"(%s, %s, n{index})" for index in range(len(row_counts)))
    sql = f"""
        WITH b AS MATERIALIZED ({base_sql})
        SELECT 'region', rs.region_id::text, count(*) FROM b
            JOIN {RegionsServed._meta.db_table} rs ON rs.supplier_id = b.id
            WHERE NOT b.serves_all_quebec AND {others("region")} GROUP BY rs.region_id
        UNION ALL SELECT 'sector', pairs.sector_id::text, count(*) FROM (
            SELECT b.id, c.sector_id FROM b
            JOIN {SupplierCategories._meta.db_table} sc ON sc.supplier_id = b.id
            JOIN {Category._meta.db_table} c ON c.code = sc.category_id
            WHERE {others("sector")} GROUP BY b.id, c.sector_id) AS pairs
            GROUP BY pairs.sector_id
        UNION ALL SELECT 'category', sc.category_id::text, count(*) FROM b
            JOIN {SupplierCategories._meta.db_table} sc ON sc.supplier_id = b.id
            WHERE {others("category")} GROUP BY sc.category_id
        UNION ALL SELECT v.facet, v.code, v.n FROM (SELECT {aggregates} FROM b) AS counts
            CROSS JOIN LATERAL (VALUES {labels}) AS v(facet, code, n)
    """
    params = [
        *params,
        *(value for *_rest, condition_params in row_counts for value in condition_params),
        *(label for facet, code, *_rest in row_counts for label in (facet, code)),
    ]
    found = {facet: {} for facet in (*FACETS, "all_quebec", "total")}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, code, count in cursor.fetchall():
            found[facet][code] = count
    all_quebec = found["all_quebec"].get("", 0)
    facets = {
        "region": {code: found["region"].get(code, 0) + all_quebec for code in reference.region_codes},
        "sector": {sector.code: found["sector"].get(sector.code, 0) for sector in reference.sectors},
        "category": {
            category.code: found["category"].get(category.code, 0) for category in reference.categories
        },
        "legal_form": {value: found["legal_form"].get(value, 0) for value in legal_forms},
        "accreditation": {value: found["accreditation"].get(value, 0) for value in accreditations},
    }
    return facets, found["total"].get("", 0)


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


def cached_facet_counts(searched_text: str, params: SearchParams, reference: Reference):
    """``facet_counts()`` for this text and these filters, through the cache (see ``FACETS_CACHE_SECONDS``).

    A listing whose categories, regions or offerings change without the supplier being saved can show the old
    counts until the entry expires; the results themselves are never cached.
    """
    matching, _query = matching_suppliers(searched_text)

    def compute():
        return facet_counts(matching, filter_conditions(params), reference)

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
    conditions = filter_conditions(params)
    facets, count = cached_facet_counts(searched_text, params, reference)

    results = (
        matching.filter(*conditions.values())
        .select_related("head_office_region")
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
        results = results.annotate(rank=SearchRank(F("search_vector"), query, cover_density=True)).order_by(
            "-rank", name_order(), "id"
        )
    elif sort == Sort.NAME:
        results = results.order_by(name_order(), "id")
    else:
        results = results.order_by("-updated_at", "-id")

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
