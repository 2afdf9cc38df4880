"""The public supplier search, shared by the search page, the home page and the JSON API.

Text: the search documents of published suppliers (``suppliers_search_document``, kept by triggers, migration
0009: French and English stems, accents removed) matched with ``websearch_to_tsquery`` in both configurations.
A negated term (``-buffet``) excludes every supplier containing it, in either language, whatever its place in
the text. Typos: a plain word that matches nothing is replaced by the closest word of the lexicon of published
words (``SearchTerm``, trigram index).
Filters: region served, sector, category, legal form, accreditation, each multi-select (OR within a filter,
AND between filters), answered by the search index (``suppliers.catalogue``: bitmaps of the supplier rows'
region, category and sector masks, a derived read model of the many-to-many tables kept by
``SupplierQuerySet.refresh_search_text()`` and the import). Facets: for every option, the number of results it
gives with the other filters applied (disjunctive faceting), and the total, counted in the index. Results: the
index gives the ordered ids; only the rows of the page asked for are read. Only published suppliers are ever
counted or shown.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchQueryCombinable, SearchQueryField
from django.core.paginator import EmptyPage, Paginator
from django.db import connection, models, transaction
from django.db.models import Func, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .catalogue import ACCREDITATIONS, FACETS, LEGAL_FORMS, current_index, popcount
from .models import (
    ENGLISH_SEARCH_CONFIG,
    FRENCH_SEARCH_CONFIG,
    Category,
    Region,
    SearchTerm,
    Supplier,
)

SEARCH_DOCUMENT_TABLE = "suppliers_search_document"  # migration 0009: published suppliers' search vectors
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A query word is replaced only by a known word at least this similar (pg_trgm similarity, 0 to 1).
TYPO_SIMILARITY_THRESHOLD = 0.4
# Shorter words are too ambiguous to correct (and are often abbreviations).
MIN_CORRECTABLE_LENGTH = 4
# Up to this many results, relevance is PostgreSQL's ts_rank over the whole text; past it, suppliers with the words
# in their name first, then the others, each by name (ranking reads every matching document: 800,000 of them for
# « services » at a million listings).
EXACT_RANK_LIMIT = getattr(settings, "SEARCH_EXACT_RANK_LIMIT", 1000)

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
    """Regions and categories (with their sectors): the filter options and the labels of codes.

    Loaded (two queries) once per search index, that is once per catalogue version (``load_reference()``); shared
    by the requests of a process, so never modified.
    """

    regions: list[Region]
    categories: list[Category]
    index: object = field(default=None, repr=False, compare=False)  # the search index it was loaded with

    @cached_property
    def sectors(self):
        sectors = {}
        for category in self.categories:
            sectors.setdefault(category.sector_id, category.sector)
        return list(sectors.values())

    @cached_property
    def facet_bits(self) -> dict[str, dict[str, int]]:
        """Per facet, its options (codes or values, in display order) and their bits in the search index; kept
        with the reference, so built once per catalogue version."""
        return {
            "region": {code: int(code) - 1 for code in self.region_codes},
            "sector": {sector.code: sector.bit for sector in self.sectors},
            "category": {category.code: category.bit for category in self.categories},
            "legal_form": {value: index for index, value in enumerate(LEGAL_FORMS)},
            "accreditation": {value: index for index, value in enumerate(ACCREDITATIONS)},
        }

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
    """The reference data of the current catalogue version, with the search index (one query when unchanged)."""
    index = current_index()
    reference = index.reference
    if reference is None:
        reference = Reference(
            regions=list(Region.objects.order_by("code")),
            categories=list(
                Category.objects.select_related("sector").order_by(
                    "sector__position", "sector__code", "position", "code"
                )
            ),
            index=index,
        )
        index.reference = reference
    return reference


def _index_of(reference: Reference):
    return reference.index if reference.index is not None else current_index()


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
        query = EitherLanguage(
            _websearch(parsed.positive, FRENCH_SEARCH_CONFIG),
            _websearch(parsed.positive, ENGLISH_SEARCH_CONFIG),
        )
    if parsed.negative:
        excluded = " or ".join(parsed.negative)
        exclusion = _websearch(excluded, FRENCH_SEARCH_CONFIG, invert=True) & _websearch(
            excluded, ENGLISH_SEARCH_CONFIG, invert=True
        )
        query = exclusion if query is None else query & exclusion
    return query


class EitherLanguage(SearchQueryCombinable, Func):
    """``french || english``, or ``french`` alone when both languages read the text the same way (most words):
    the index then looks each word up once (« services » at a million listings: 120 → 105 ms). The comparison is
    folded into a constant when the query is planned."""

    output_field = SearchQueryField()
    config = None  # each side carries its own configuration (CombinedSearchQuery asks for one)

    def as_sql(self, compiler, connection, **extra):
        french, french_params = compiler.compile(self.source_expressions[0])
        english, english_params = compiler.compile(self.source_expressions[1])
        return (
            f"(CASE WHEN {french} = {english} THEN {french} ELSE {french} || {english} END)",
            [*french_params, *english_params, *french_params, *french_params, *english_params],
        )


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
    SELECT 1 FROM {SEARCH_DOCUMENT_TABLE} d WHERE d.document @@ (
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


# --- Filters ---


def option_bits(params: SearchParams, reference: Reference) -> dict[str, list[int]]:
    """Per active filter, the option bits of its selected values in the search index (``suppliers.catalogue``)."""
    options = reference.facet_bits
    return {
        facet: sorted({options[facet][value] for value in values if value in options[facet]})
        for facet, values in params.filters.items()
    }


# --- Facets ---


def _labelled(counts, reference: Reference) -> dict[str, dict[str, int]]:
    facets = {}
    for facet, options in reference.facet_bits.items():
        by_bit = counts[facet]
        facets[facet] = {code: int(by_bit[bit]) if bit < len(by_bit) else 0 for code, bit in options.items()}
    return facets


def catalogue_counts(reference: Reference) -> dict[str, dict[str, int]]:
    """Published suppliers per region served, sector, category, legal form and accreditation (home page)."""
    counts, _matched = _index_of(reference).facet_counts({})
    return _labelled(counts, reference)


# --- Text matching ---


def _tsquery_sql(query: SearchQuery) -> tuple[str, list]:
    compiler = models.sql.Query(Supplier).get_compiler(connection=connection)
    sql, params = query.resolve_expression(compiler.query).as_sql(compiler, connection)
    return sql, list(params)


def text_matches(query: SearchQuery) -> np.ndarray:
    """Ids of the published suppliers matching the text, from the GIN index of the narrow search documents
    (migration 0009)."""
    sql, params = _tsquery_sql(query)
    # Always through the GIN index: for a word found in most documents the planner would rather read every
    # document, unpacking each out-of-line vector (0.3 s at 100,000 documents instead of 0.02 s).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"SELECT string_agg(int4send(supplier_id::int4), '') FROM {SEARCH_DOCUMENT_TABLE} "
            f"WHERE document @@ {sql}",
            params,
        )
        return _ids(cursor.fetchone()[0])


def name_matches(query: SearchQuery) -> np.ndarray:
    """Ids of the published suppliers with the text in their name (the documents' ``title``)."""
    sql, params = _tsquery_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg(int4send(supplier_id::int4), '') FROM {SEARCH_DOCUMENT_TABLE} "
            f"WHERE title @@ {sql}",
            params,
        )
        return _ids(cursor.fetchone()[0])


def _ids(data) -> np.ndarray:
    return np.frombuffer(data or b"", dtype=">i4").astype(np.int64)


def ranked(ids: list[int], query: SearchQuery, index) -> list[int]:
    """These suppliers by ``ts_rank`` of their whole document, then by name."""
    sql, params = _tsquery_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT supplier_id, ts_rank(document, {sql}) FROM {SEARCH_DOCUMENT_TABLE} "
            "WHERE supplier_id = ANY(%s)",
            [*params, ids],
        )
        ranks = dict(cursor.fetchall())
    return sorted(ids, key=lambda pk: (-ranks.get(pk, 0), index.positions[pk]))


# --- Results ---


class OrderedPage:
    """The results, as the paginator sees them: the ordered ids are known; a slice reads only its rows."""

    ordered = True

    def __init__(self, ids_of_slice, rows):
        self.ids_of_slice, self.rows = ids_of_slice, rows

    def __getitem__(self, page):
        ids = self.ids_of_slice(page.start or 0, page.stop)
        by_id = {supplier.pk: supplier for supplier in self.rows.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class CountedPaginator(Paginator):
    """A paginator told the count, which the search index has already computed (no COUNT query)."""

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

    def ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        """Ids of a slice of the results, in their order, without reading their rows (exports, records)."""
        return self.paginator.object_list.ids_of_slice(start, stop)


def result_rows():
    """The rows shown for a page of results, with their region and category codes (one query a page)."""
    return (
        Supplier.objects.select_related("head_office_region")
        .defer("search_text", "status_reason")
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


def search_suppliers(params: SearchParams, *, reference: Reference, clamp_page: bool = True) -> SearchResults:
    """Run a search: typo correction and text matches (with text), then, by relevance, the ranks of at most
    ``EXACT_RANK_LIMIT`` results or the name matches of more; then the page of results. The catalogue version (and
    after a change the search index) was read with ``reference`` (``load_reference()``).

    Filters, counts and order come from the search index (``suppliers.catalogue``). Relevance: up to
    ``EXACT_RANK_LIMIT`` results are ordered by ``ts_rank`` (name words weigh most, then categories and offerings,
    then descriptions); past that, suppliers with the words in their name come first, then the others, each group
    by name. With ``clamp_page`` a page past the last gives the last page (the HTML page); without it,
    ``page`` is None.
    """
    searched_text, corrected_from = params.q, None
    if params.q and not params.exact:
        corrected = correct_query(params.q)
        if corrected is not None:
            searched_text, corrected_from = corrected, params.q
    index = _index_of(reference)
    query = text_query(searched_text) if searched_text else None
    within = index.of_ids(text_matches(query)) if query is not None else None
    counts, matched = index.facet_counts(option_bits(params, reference), within)
    count = popcount(matched)

    sort = params.sort or Sort.RELEVANCE
    if sort == Sort.RELEVANCE and not parse_query(searched_text).positive.strip():
        sort = Sort.NAME
    order = _Order(index, matched, sort, query, count)
    paginator = CountedPaginator(OrderedPage(order.ids, result_rows()), params.page_size, count=count)
    try:
        page = paginator.page(params.page)
    except EmptyPage:
        page = paginator.page(paginator.num_pages) if clamp_page else None
    return SearchResults(
        params=params,
        reference=reference,
        count=count,
        facets=_labelled(counts, reference),
        paginator=paginator,
        page=page,
        sort=sort,
        searched_text=searched_text,
        corrected_from=corrected_from,
    )


class _Order:
    """The matched suppliers in the asked order; ``ids(start, stop)`` gives a slice of it."""

    def __init__(self, index, matched, sort, query, count):
        self.index, self.matched, self.sort, self.query, self.count = index, matched, sort, query, count

    def ids(self, start: int, stop: int | None) -> list[int]:
        index = self.index
        if self.sort == Sort.UPDATED:
            return index.ids_at(index.in_updated_order(self.matched)[start:stop])
        if self.sort == Sort.NAME:
            return index.ids_at(index.in_name_order(self.matched)[start:stop])
        if self.count <= EXACT_RANK_LIMIT:
            every = index.ids_at(index.in_name_order(self.matched))
            return ranked(every, self.query, index)[start:stop]
        in_name = index.of_ids(name_matches(self.query))
        first = index.in_name_order(self.matched & in_name)
        rest = index.in_name_order(self.matched & ~in_name)
        return index.ids_at(np.concatenate([first, rest])[start:stop])


def matching_ids(params: SearchParams, *, reference: Reference) -> list[int]:
    """Ids (ascending) of every published supplier the search matches — its text, corrected as the page
    corrects it, and its filters — whatever the page and order: what a saved search's alert compares between
    two digests."""
    searched_text = params.q
    if params.q and not params.exact:
        searched_text = correct_query(params.q) or params.q
    index = _index_of(reference)
    query = text_query(searched_text) if searched_text else None
    within = index.of_ids(text_matches(query)) if query is not None else None
    _counts, matched = index.facet_counts(option_bits(params, reference), within)
    return sorted(index.ids_at(index.in_name_order(matched)))
