from django.shortcuts import render

from .. import services
from ..access import workspace_required
from ..exports import EXPORT_MAX_ROWS, Labels, spreadsheet_response, supplier_cells, supplier_header
from ..models import ExportKind
from ..searching import SearchRows, validated_search


@workspace_required
def search_export(request, fmt):
    """The current search results (the search page's query string) as CSV or XLSX, streamed: at most
    ``EXPORT_MAX_ROWS`` rows; past that, a page asks to narrow the search."""
    search = validated_search(request.GET)
    if not search.is_valid:
        return render(request, "buyers/export_refused.html", {"search": search, "invalid": True}, status=400)
    rows = SearchRows(search)
    if rows.count > EXPORT_MAX_ROWS:
        return render(
            request,
            "buyers/export_refused.html",
            {"search": search, "count": rows.count, "limit": EXPORT_MAX_ROWS},
            status=400,
        )
    labels, site = Labels(), request.build_absolute_uri("/")[:-1]
    services.export_log(user=request.user, kind=ExportKind.SEARCH, fmt=fmt, rows=rows.count)
    return spreadsheet_response(
        fmt=fmt,
        header=supplier_header(),
        rows=(supplier_cells(supplier, labels=labels, site=site) for supplier in rows),
        title="fournisseurs",
    )
