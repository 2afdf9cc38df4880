"""The buyers' side of the public search: exports, records and saved searches run exactly the search page's
search (``SupplierSearchForm`` → ``SearchParams`` → ``search_suppliers``), never a second one."""

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.http import QueryDict

from suppliers.forms import SupplierSearchForm
from suppliers.search import SearchParams, load_reference, matching_ids, search_suppliers

# Rows read per query while streaming an export.
EXPORT_CHUNK = 500


@dataclass
class ValidatedSearch:
    form: SupplierSearchForm
    params: SearchParams | None
    reference: object

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
    reference = load_reference()
    form = SupplierSearchForm(data, reference=reference)
    params = form.to_params() if form.is_valid() else None
    return ValidatedSearch(form=form, params=params, reference=reference)


def search_count(search: ValidatedSearch) -> int:
    return search_suppliers(replace(search.params, page=1, page_size=1), reference=search.reference).count


def first_results(search: ValidatedSearch, limit: int):
    """The count and the first ``limit`` suppliers in the page's order (one read of the rows)."""
    results = search_suppliers(replace(search.params, page=1, page_size=limit), reference=search.reference)
    return results.count, list(results.page.object_list)


class SearchRows:
    """The suppliers of a search in the page's order, read ``EXPORT_CHUNK`` at a time; ``count`` is known first."""

    def __init__(self, search: ValidatedSearch, *, chunk: int = EXPORT_CHUNK):
        self.results = search_suppliers(
            replace(search.params, page=1, page_size=chunk), reference=search.reference
        )
        self.count = self.results.count

    def __iter__(self) -> Iterator:
        yield from self.results.page.object_list
        for number in range(2, math.ceil(self.count / self.results.paginator.per_page) + 1):
            yield from self.results.paginator.page(number).object_list


def current_matches(search: ValidatedSearch) -> list[int]:
    """Ids of every supplier the search matches now (for alerts)."""
    return matching_ids(search.params, reference=search.reference)
