"""The buyers' side of the public search: exports, records and saved searches run exactly the search page's
search (``SupplierSearchForm`` → ``SearchParams`` → ``search_suppliers``), never a second one."""

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.http import QueryDict

from suppliers.catalogue import Catalogue
from suppliers.forms import SupplierSearchForm
from suppliers.search import SearchParams, current_catalogue, matching_ids, search_suppliers

from .rows import supplier_rows

# Rows read per query while streaming an export.
EXPORT_CHUNK = 1000


@dataclass
class ValidatedSearch:
    form: SupplierSearchForm
    params: SearchParams | None
    catalogue: Catalogue

    @property
    def reference(self):
        return self.catalogue.reference

    @property
    def is_valid(self) -> bool:
        return self.params is not None

    @property
    def querystring(self) -> str:
        """The canonical query string of the search, without page number."""
        return self.params.querystring() if self.params else ""


def validated_search(data) -> ValidatedSearch:
    """The search page's validation of a query string (a QueryDict or a ``str``)."""
    if isinstance(data, str):
        data = QueryDict(data)
    catalogue = current_catalogue()
    form = SupplierSearchForm(data, reference=catalogue.reference)
    params = form.to_params() if form.is_valid() else None
    return ValidatedSearch(form=form, params=params, catalogue=catalogue)


def _results(search: ValidatedSearch):
    """The search's results without reading a page of rows (their order and count only)."""
    return search_suppliers(replace(search.params, page=1, page_size=1), catalogue=search.catalogue)


def search_count(search: ValidatedSearch) -> int:
    return _results(search).count


def first_results(search: ValidatedSearch, limit: int):
    """The count and the first ``limit`` suppliers in the page's order, as ``SupplierRow``s."""
    results = _results(search)
    return results.count, supplier_rows(results.ids(0, limit))


class SearchRows:
    """The suppliers of a search in the page's order, as ``SupplierRow``s read ``EXPORT_CHUNK`` at a time;
    ``count`` is known first."""

    def __init__(self, search: ValidatedSearch, *, chunk: int | None = None):
        self.results = _results(search)
        self.count = self.results.count
        self.chunk = chunk or EXPORT_CHUNK

    def __iter__(self) -> Iterator:
        for number in range(math.ceil(self.count / self.chunk)):
            yield from supplier_rows(self.results.ids(number * self.chunk, (number + 1) * self.chunk))


def current_matches(search: ValidatedSearch) -> list[int]:
    """Ids of every supplier the search matches now (for alerts)."""
    return matching_ids(search.params, catalogue=search.catalogue)
