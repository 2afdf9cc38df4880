"""The search index of published suppliers: their filter values and orders, kept in each process and brought up to
date before every search.

PostgreSQL stays the source of truth and matches text (``suppliers_search_document``). What it cannot do fast is
count: facet counts are a pass over every matching row, and a broad word or no word at all matches most of the
catalogue. So each process keeps, for every published supplier, its filter values (regions and service areas
served, sectors, categories, legal form, accreditations) and its place in name order and in "most recently
updated" order. A search state is then a few bitmap operations, a facet count a population count or a count over
the matched suppliers, and a page of results the n-th matched suppliers in an order.

Layout. A published supplier has a *slot* (a bit position); an option is identified by a number that is never
given twice (a region by its code, sectors, categories and service areas by ``number``, legal forms and
accreditations by their place in the choices), so a deleted option's identity never passes to a new one. A facet
with few options keeps one bitmap per option (``DenseFacet``); one with many keeps (slot, option) pairs and counts
from the matched set (``SparseFacet``), so the number of options costs no memory per supplier and no ceiling.

Freshness. An index belongs to a database snapshot (``pg_current_snapshot()``). Before each search, one query
(``CHECK_SQL``) returns the suppliers whose filter data changed in transactions that snapshot does not see
(``suppliers_search_change``, written by the triggers of migration 0012), with their current data and where they
go in name order; the index is then copied with only those suppliers replaced. Versions are immutable and share
what did not change, so a request keeps a consistent index while another installs a newer one, and an old version
is freed as soon as no request holds it. A change is therefore visible to the next search of every process; the
whole index is reloaded only at start, after a process was idle past the change log's retention, after a bulk
change of a large part of the catalogue, or when suppliers were truncated. A transaction's own uncommitted
changes are applied to a private copy for its own searches and never to the shared index.

Modules: ``bitmaps`` (bitmaps and facets), ``reference`` (options and their numbers in the index), ``index`` (the
index of one snapshot, and how a change makes the next one), ``freshness`` (snapshots, the check before each
search, the catalogue a search reads).
"""

from .bitmaps import DenseFacet, SparseFacet, pack, popcount, unpack
from .freshness import Catalogue, Snapshot, current_catalogue
from .index import CatalogueIndex
from .reference import ACCREDITATIONS, FACETS, LEGAL_FORMS, Reference

__all__ = [
    "ACCREDITATIONS", "FACETS", "LEGAL_FORMS", "Catalogue", "CatalogueIndex", "DenseFacet", "Reference", "Snapshot",
    "SparseFacet", "current_catalogue", "pack", "popcount", "unpack",
]  # fmt: skip
