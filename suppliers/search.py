"""The public supplier search, shared by the search page, the home page and the JSON API.

Text: the search documents of published suppliers (``suppliers_search_document``, kept by triggers, migration
0009: French and English stems, accents removed) matched with ``websearch_to_tsquery`` in both configurations.
A negated term (``-buffet``) excludes every supplier containing it, in either language, whatever its place in
the text. Typos: a plain word that matches nothing is replaced by the closest word of the lexicon of published
words (``SearchTerm``, trigram index).
Filters: region served, service area, sector, category, legal form, accreditation, each multi-select (OR within
a filter, AND between filters), answered by the search index (``suppliers.catalogue``, brought up to date with
the database before each search). Facets: for every option, the number of results it gives with the other
filters applied (disjunctive faceting), and the total, counted in the index. Results: the index gives the ordered
ids; only the rows of the page asked for are read, and only if they are still published. Only published
suppliers are ever counted or shown.
"""

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchQueryCombinable, SearchQueryField
from django.core.paginator import EmptyPage, Paginator
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import Func, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .catalogue import FACETS, Catalogue, Reference, current_catalogue, popcount
from .models import ENGLISH_SEARCH_CONFIG, FRENCH_SEARCH_CONFIG, SearchTerm, Supplier

SEARCH_DOCUMENT_TABLE = (
    "suppliers_search_document"  # migrations 0009 and 0011: published suppliers' documents
)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A query word is replaced only by a known word at least this similar (pg_trgm similarity, 0 to 1).
TYPO_SIMILARITY_THRESHOLD = 0.4
# A correction is at most this many letters shorter than the word typed (a much shorter word is a broader one).
MAX_SHORTER_CORRECTION = 2
# Shorter words are too ambiguous to correct (and are often abbreviations).
MIN_CORRECTABLE_LENGTH = 4
# Up to this many results, relevance is PostgreSQL's ts_rank over the whole text; past it, suppliers with the words
# in their name first, then the others, each by name (ranking reads every matching document, and a broad word
# matches most of the catalogue: see bench/README.md).
EXACT_RANK_LIMIT = getattr(settings, "SEARCH_EXACT_RANK_LIMIT", 1000)
# A search finding fewer suppliers than this with the words as typed is widened to their synonyms (SearchSynonym).
SYNONYMS_BELOW = getattr(settings, "SEARCH_SYNONYMS_BELOW", 100)

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
    area: tuple[str, ...] = ()
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


__all__ = ["Catalogue", "Reference", "current_catalogue"]


# --- Text ---

# A websearch token: a (possibly negated) quoted phrase, or a run of non-spaces.
TOKEN_RE = re.compile(r'-?"[^"]*"?|\S+')
CORRECTABLE_WORD_RE = re.compile(rf"^[^\W\d_]{{{MIN_CORRECTABLE_LENGTH},100}}$")


@dataclass(frozen=True)
class ParsedQuery:
    positive: str
    negative: tuple[str, ...] = field(default=())


SEARCH_CONFIGS = (FRENCH_SEARCH_CONFIG, ENGLISH_SEARCH_CONFIG)


def parse_query(text: str) -> ParsedQuery:
    """Split web-search text into what must match and the negated terms (``-word``, ``-"a phrase"``)."""
    positive, negative = [], []
    for token in TOKEN_RE.findall(text):
        if token.startswith("-") and len(token) > 1:
            negative.append(token[1:])
        elif token != "-":
            positive.append(token)
    return ParsedQuery(positive=" ".join(positive), negative=tuple(negative))


def text_query(text: str, *, synonyms: bool = True) -> SearchQuery | None:
    """The tsquery for web-search text, in French or English; ``None`` when there is nothing to search. With
    ``synonyms``, words and phrases with synonyms (``SearchSynonym``) match any of them.

    ``websearch_to_tsquery(fr, q) || websearch_to_tsquery(en, q)`` would let a negated word through whenever one
    language's branch does not see it, so negated terms are taken out and excluded in both languages.
    """
    parsed = parse_query(text)
    query = None
    if parsed.positive.strip():
        french, english = (_websearch(parsed.positive, config) for config in SEARCH_CONFIGS)
        if synonyms:
            french, english = (
                WithSynonyms(french, FRENCH_SEARCH_CONFIG),
                WithSynonyms(english, ENGLISH_SEARCH_CONFIG),
            )
        query = EitherLanguage(french, english)
    if parsed.negative:
        excluded = " or ".join(parsed.negative)
        exclusion = _websearch(excluded, FRENCH_SEARCH_CONFIG, invert=True) & _websearch(
            excluded, ENGLISH_SEARCH_CONFIG, invert=True
        )
        query = exclusion if query is None else query & exclusion
    return query


class EitherLanguage(SearchQueryCombinable, Func):
    """``french || english``, or ``french`` alone when both languages read the text the same way (most words):
    the index then looks each word up once (bench/README.md). The comparison is
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


# The synonym rules of one search configuration (``SearchSynonym``, derived by the database: migration 0013).
SYNONYM_RULES_SQL = (
    "SELECT target, substitute FROM suppliers_search_synonym_rule WHERE config = '{config}'::regconfig"
)


class WithSynonyms(SearchQueryCombinable, Func):
    """The query with each word or phrase that has synonyms replaced by the OR of its group (``ts_rewrite``).
    A sub-select, so that it is computed once per statement and the GIN index still serves ``@@``."""

    output_field = SearchQueryField()
    config = None

    def __init__(self, query, config):
        super().__init__(query)
        self.synonyms_config = config

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT ts_rewrite({sql}, %s))", [
            *params,
            SYNONYM_RULES_SQL.format(config=self.synonyms_config),
        ]


def _websearch(text, config, invert=False):
    return SearchQuery(text, config=config, search_type="websearch", invert=invert)


# For each query word: is it in the lexicon, or does it match a published supplier (stems, newer words), or does it
# have synonyms (then it is searched with them)? If not, the most similar lexicon word, but never a broader one: a
# typo drops a letter or two, so a much shorter word is a part of the word typed (« multiservices » is not
# « services »). Stop words (no lexeme in one language) are left alone. One query for all words.
# The lexicon is kept by the database and applied when a transaction commits: until then, the transaction's own
# changes (suppliers_search_word_change, migration 0011) are read beside it.
CORRECTION_SQL = f"""
WITH pending AS (
    SELECT c.word, sum(c.delta) AS delta FROM suppliers_search_word_change c
    WHERE c.xid = pg_current_xact_id_if_assigned() GROUP BY c.word
), lexicon AS (
    SELECT t.word, t.documents + coalesce(p.delta, 0) AS documents
    FROM {SearchTerm._meta.db_table} t LEFT JOIN pending p ON p.word = t.word
)
SELECT w.word, (
    SELECT candidate.word FROM (
        SELECT t.word, t.documents FROM lexicon t WHERE t.word %% n.norm
        UNION ALL
        SELECT p.word, p.delta FROM pending p
        WHERE p.word %% n.norm AND NOT EXISTS (SELECT 1 FROM {SearchTerm._meta.db_table} t WHERE t.word = p.word)
    ) AS candidate
    WHERE candidate.documents > 0 AND similarity(candidate.word, n.norm) >= %s
      AND length(candidate.word) >= length(n.norm) - %s
    ORDER BY similarity(candidate.word, n.norm) DESC, candidate.documents DESC, candidate.word
    LIMIT 1)
FROM unnest(%s::text[]) AS w(word)
CROSS JOIN LATERAL (SELECT lower(unaccent(w.word)) AS norm) AS n
WHERE ts_lexize('french_stem', n.norm) <> '{{}}' AND ts_lexize('english_stem', n.norm) <> '{{}}'
  AND NOT EXISTS (SELECT 1 FROM lexicon t WHERE t.word = n.norm AND t.documents > 0)
  AND NOT EXISTS (
    SELECT 1 FROM suppliers_search_synonym_rule r
    WHERE r.target = plainto_tsquery('{FRENCH_SEARCH_CONFIG}', w.word) AND r.config = '{FRENCH_SEARCH_CONFIG}'::regconfig
       OR r.target = plainto_tsquery('{ENGLISH_SEARCH_CONFIG}', w.word) AND r.config = '{ENGLISH_SEARCH_CONFIG}'::regconfig)
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
        cursor.execute(CORRECTION_SQL, [TYPO_SIMILARITY_THRESHOLD, MAX_SHORTER_CORRECTION, words])
        replacements = {word: suggestion for word, suggestion in cursor.fetchall() if suggestion}
    if not replacements:
        return None
    return " ".join(replacements.get(token, token) for token in tokens)


def rebuild_search_lexicon() -> int:
    """Rebuild the typo-correction lexicon from the words of the search documents; returns its size.

    Never needed on a write path (the database keeps the lexicon, see ``SearchTerm``): a repair tool
    (``manage.py rebuild_search_lexicon``), and the reference the tests compare the kept lexicon with.
    """
    table = SearchTerm._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (word, documents) SELECT word, count(*) FROM {SEARCH_DOCUMENT_TABLE}, "
            "unnest(words) AS word GROUP BY word"
        )
        return cursor.rowcount


# --- Filters ---


def option_numbers(params: SearchParams, reference: Reference) -> dict[str, list[int]]:
    """Per active filter, the numbers of its selected options in the search index (``suppliers.catalogue``)."""
    options = reference.options
    return {
        facet: sorted({options[facet][value] for value in values if value in options[facet]})
        for facet, values in params.filters.items()
    }


# --- Facets ---


def _labelled(counts, reference: Reference) -> dict[str, dict[str, int]]:
    facets = {}
    for facet, (codes, numbers) in reference.option_arrays.items():
        by_number = np.asarray(counts[facet])
        known = numbers < len(by_number)
        values = np.zeros(len(numbers), dtype=np.int64)
        values[known] = by_number[numbers[known]]
        facets[facet] = dict(zip(codes, values.tolist(), strict=True))
    return facets


def catalogue_counts(catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Published suppliers per option of every facet (home page)."""
    counts, _matched = catalogue.index.facet_counts({}, catalogue.reference)
    return _labelled(counts, catalogue.reference)


# --- Text matching ---


def _tsquery_sql(query: SearchQuery) -> tuple[str, list]:
    compiler = models.sql.Query(Supplier).get_compiler(connection=connection)
    sql, params = query.resolve_expression(compiler.query).as_sql(compiler, connection)
    return sql, list(params)


# Text matches always go through the GIN index: for a word found in most documents the planner would rather read
# every document, unpacking each out-of-line vector, several times slower (bench/README.md).
PLANNER_SETTINGS = {"enable_seqscan": "off"}


def text_matches(query: SearchQuery, *, widened: SearchQuery | None = None) -> np.ndarray:
    """Ids of the published suppliers matching the text, from the GIN index of the narrow search documents. With
    ``widened`` (the text with its synonyms), a search that finds fewer than ``SYNONYMS_BELOW`` suppliers as typed
    gets the widened matches instead, in the same statement (the widened query runs only then)."""
    sql, params = _tsquery_sql(query)
    with planner_settings() as cursor:
        if widened is None:
            cursor.execute(
                f"SELECT string_agg(int8send(supplier_id), '') FROM {SEARCH_DOCUMENT_TABLE} WHERE document @@ {sql}",
                params,
            )
        else:
            widened_sql, widened_params = _tsquery_sql(widened)
            cursor.execute(
                f"""WITH typed AS MATERIALIZED (
                        SELECT supplier_id FROM {SEARCH_DOCUMENT_TABLE} WHERE document @@ {sql})
                    SELECT CASE WHEN (SELECT count(*) FROM typed) >= %s
                        THEN (SELECT string_agg(int8send(supplier_id), '') FROM typed)
                        ELSE (SELECT string_agg(int8send(supplier_id), '') FROM {SEARCH_DOCUMENT_TABLE}
                              WHERE document @@ {widened_sql}) END""",
                [*params, SYNONYMS_BELOW, *widened_params],
            )
        return _ids(cursor.fetchone()[0])


class planner_settings:
    """A cursor with ``PLANNER_SETTINGS`` in force, in a transaction. ``SET LOCAL`` lasts until the end of the
    top-level transaction, not of a savepoint: inside a caller's transaction the previous values are put back."""

    def __enter__(self):
        self.nested = connection.in_atomic_block
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.cursor = connection.cursor().__enter__()
        names = list(PLANNER_SETTINGS)
        assignments = ", ".join(
            f"current_setting('{name}'), set_config('{name}', %s, true)" for name in names
        )
        self.cursor.execute(f"SELECT {assignments}", [PLANNER_SETTINGS[name] for name in names])
        self.previous = dict(zip(names, self.cursor.fetchone()[::2], strict=True))
        return self.cursor

    def __exit__(self, *exc_info):
        try:
            if self.nested and exc_info[0] is None:
                restore = ", ".join(f"set_config('{name}', %s, true)" for name in self.previous)
                self.cursor.execute(f"SELECT {restore}", list(self.previous.values()))
        finally:
            self.cursor.__exit__(*exc_info)
            self.atomic.__exit__(*exc_info)


def name_matches(query: SearchQuery) -> np.ndarray:
    """Ids of the published suppliers with the text in their name (the documents' ``title``)."""
    sql, params = _tsquery_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT string_agg(int8send(supplier_id), '') FROM {SEARCH_DOCUMENT_TABLE} WHERE title @@ {sql}",
            params,
        )
        return _ids(cursor.fetchone()[0])


def _ids(data) -> np.ndarray:
    return np.frombuffer(data or b"", dtype=">i8").astype(np.int64)


def ranked(ids: list[int], query: SearchQuery) -> list[int]:
    """These suppliers (in name order) by ``ts_rank`` of their whole document, then by name."""
    sql, params = _tsquery_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT supplier_id, ts_rank(document, {sql}) FROM {SEARCH_DOCUMENT_TABLE} "
            "WHERE supplier_id = ANY(%s)",
            [*params, ids],
        )
        ranks = dict(cursor.fetchall())
    by_name = {pk: position for position, pk in enumerate(ids)}
    return sorted(ids, key=lambda pk: (-ranks.get(pk, 0), by_name[pk]))


# --- Results ---


class OrderedPage:
    """The results, as the paginator sees them: the ordered ids are known; a slice reads only its rows."""

    ordered = True

    def __init__(self, ids_of_slice, rows):
        self.ids_of_slice, self.rows = ids_of_slice, rows

    def __getitem__(self, page):
        ids = self.ids_of_slice(page.start or 0, page.stop)
        by_id = {supplier.pk: supplier for supplier in self.rows(ids)}
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
    catalogue: Catalogue
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

    def release(self) -> None:
        """Let go of the search index once the response is built. A rendered template's context is cyclic garbage
        (Django's ``ContextDict`` points back to its context) that the collector frees only now and then: holding
        the index, it kept each replaced index alive — at one change a second, workers grew by 10 MB a second
        (bench/README.md)."""
        self.catalogue = None
        self.paginator.object_list.ids_of_slice = self.paginator.object_list.rows = None


def result_rows():
    """The rows shown for a page of results, with their region and category codes (one query a page). A supplier
    unpublished since the search index was read is left out rather than shown."""
    return (
        Supplier.objects.published()
        .defer("status_reason")
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


_IDS = object()  # where the page's ids go in the compiled statement


@functools.cache
def _page_rows_statement() -> tuple[str, tuple]:
    """``result_rows()`` for a list of ids, compiled once per process: compiling it took longer than running it
    (bench/README.md). The statement depends only on the models, never on data."""
    query = result_rows().extra(where=['"suppliers_supplier"."id" = ANY(%s)'], params=[_IDS]).order_by().query
    return query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()


def page_rows(ids: list[int]) -> list[Supplier]:
    """The published suppliers among ``ids``, as ``result_rows()`` gives them, in no particular order."""
    sql, params = _page_rows_statement()
    return list(Supplier.objects.raw(sql, [ids if param is _IDS else param for param in params]))


# A search box holding only an NEQ (10 digits, spaces or dashes ignored) looks that enterprise up.
NEQ_QUERY_RE = re.compile(r"^[\s-]*(?:\d[\s-]*){10}$")
# A postal code typed without its space (« G5L1A1 ») is searched as written in listings (« G5L 1A1 »).
POSTAL_CODE_RE = re.compile(r"\b([A-Za-z]\d[A-Za-z])-?(\d[A-Za-z]\d)\b")


def neq_in_query(text: str) -> str | None:
    """The NEQ the search text is, or None."""
    return re.sub(r"\D", "", text) if NEQ_QUERY_RE.match(text) else None


def _text(params: SearchParams, index):
    """The text part of a search: ``(searched text, text as typed if corrected, tsquery to rank by, bitmap of
    matches)``; the query and the bitmap are None without text. Synonyms widen the matches, but relevance is
    that of the words searched (their users first). An NEQ is looked up exactly, without text search."""
    if neq := neq_in_query(params.q):
        ids = Supplier.objects.published().filter(neq=neq).values_list("pk", flat=True)
        return neq, None, None, index.of_ids(np.array(list(ids), dtype=np.int64))
    text = POSTAL_CODE_RE.sub(r"\1 \2", params.q)
    searched_text, corrected_from = text, None
    if text and not params.exact:
        corrected = correct_query(text)
        if corrected is not None:
            searched_text, corrected_from = corrected, params.q
    # Quoted phrases and « exactly these words » are searched as typed: no synonyms (nor, inside a phrase, the
    # costly alternatives they would put in it).
    # Synonyms serve searches that find little as typed (« conciergerie »); a search that already finds many keeps
    # its own words, and the cost of a broad alternative of several words (bench/README.md).
    synonyms = not params.exact and '"' not in searched_text
    query = text_query(searched_text, synonyms=False) if searched_text else None
    if query is None:
        return searched_text, corrected_from, None, None
    widened = text_query(searched_text, synonyms=True) if synonyms else None
    return searched_text, corrected_from, query, index.of_ids(text_matches(query, widened=widened))


def search_suppliers(params: SearchParams, *, catalogue: Catalogue, clamp_page: bool = True) -> SearchResults:
    """Run a search: typo correction and text matches (with text), then, by relevance, the ranks of at most
    ``EXACT_RANK_LIMIT`` results or the name matches of more; then the page of results. ``catalogue`` is the
    search index and reference data brought up to date for this search (``current_catalogue()``).

    Filters, counts and order come from the search index (``suppliers.catalogue``). Relevance: up to
    ``EXACT_RANK_LIMIT`` results are ordered by ``ts_rank`` (name words weigh most, then categories and offerings,
    then descriptions); past that, suppliers with the words in their name come first, then the others, each group
    by name. With ``clamp_page`` a page past the last gives the last page (the HTML page); without it,
    ``page`` is None.
    """
    index, reference = catalogue.index, catalogue.reference
    searched_text, corrected_from, query, within = _text(params, index)
    counts, matched = index.facet_counts(option_numbers(params, reference), reference, within)
    count = popcount(matched)

    sort = params.sort or Sort.RELEVANCE
    if sort == Sort.RELEVANCE and (query is None or not parse_query(searched_text).positive.strip()):
        sort = Sort.NAME
    order = _Order(index, matched, sort, query, count)
    paginator = CountedPaginator(OrderedPage(order.ids, page_rows), params.page_size, count=count)
    try:
        page = paginator.page(params.page)
    except EmptyPage:
        page = paginator.page(paginator.num_pages) if clamp_page else None
    return SearchResults(
        params=params,
        catalogue=catalogue,
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
            return index.ids_at(index.ordered(self.matched, "updated", start, stop))
        if self.sort == Sort.NAME:
            return index.ids_at(index.ordered(self.matched, "name", start, stop))
        if self.count <= EXACT_RANK_LIMIT:
            every = index.ids_at(index.ordered(self.matched, "name"))
            return ranked(every, self.query)[start:stop]
        in_name = self.matched & index.of_ids(name_matches(self.query))
        first = popcount(in_name)
        stop = self.count if stop is None else stop
        slots = [index.ordered(in_name, "name", start, min(stop, first))]
        if stop > first:
            slots.append(index.ordered(self.matched & ~in_name, "name", max(0, start - first), stop - first))
        return index.ids_at(np.concatenate(slots))


def matching_ids(params: SearchParams, *, catalogue: Catalogue) -> list[int]:
    """Ids (ascending) of every published supplier the search matches — its text, corrected as the page
    corrects it, and its filters — whatever the page and order: what a saved search's alert compares between
    two digests."""
    index, reference = catalogue.index, catalogue.reference
    _searched, _corrected_from, _query, within = _text(params, index)
    _counts, matched = index.facet_counts(option_numbers(params, reference), reference, within)
    return sorted(int(pk) for pk in index.ids_at(index.ordered(matched, "name")))
