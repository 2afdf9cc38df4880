"""The staff dashboard (staff only: anyone else gets the log-in page or a 403) and the enterprises' one-click
confirmation of their listing."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.spreadsheets import csv_response, dated_filename
from enterprises.models import Membership
from suppliers.models import Accreditation, LegalForm, Sector, Status, Supplier

from . import reports, services
from .coverage import cell_supplier_ids
from .demand import DEFAULT_PERIOD
from .forms import CellForm, CoverageFilterForm, PeriodForm, filters_querystring
from .models import ConfirmationRequest, ListingFacts
from .tables import table_csv_response

CELL_PAGE_SIZE = 50
CELL_EXPORT_CHUNK = 2000


def staff_required(view):
    """Staff only: the log-in page for anonymous visitors, 403 for any other account."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _sector_or_404(code):
    return get_object_or_404(Sector, code=code)


# Each page: how to build its report from the request (used by the page and by its CSV exports).
def _coverage(request, **kwargs):
    form = CoverageFilterForm(request.GET)
    filters = form.filters()
    return reports.coverage_report(filters), {"form": form, "filters": filters}


def _sector(request, *, sector):
    form = CoverageFilterForm(request.GET)
    filters = form.filters()
    sector = _sector_or_404(sector)
    return reports.sector_report(filters, sector), {"form": form, "filters": filters, "sector": sector}


def _freshness(request, *, full=False, **kwargs):
    return reports.freshness_report(full=full), {}


def _demand(request, *, full="", **kwargs):
    form = PeriodForm(request.GET or None, initial={"period": DEFAULT_PERIOD})
    return reports.demand_report(months=form.months(), full=full), {"form": form}


def _funnel(request, **kwargs):
    return reports.funnel_report(), {}


def _adoption(request, **kwargs):
    return reports.adoption_report(), {}


PAGES = {
    "coverage": (_coverage, "insights/coverage.html", "couverture"),
    "sector": (_sector, "insights/sector.html", "couverture-secteur"),
    "freshness": (_freshness, "insights/freshness.html", "fraicheur"),
    "demand": (_demand, "insights/demand.html", "demande"),
    "funnel": (_funnel, "insights/funnel.html", "besoins"),
    "adoption": (_adoption, "insights/adoption.html", "adoption"),
}


def _page(page):
    build, template, _stem = PAGES[page]

    @staff_required
    def view(request, **kwargs):
        report, context = build(request, **kwargs)
        query = request.GET.urlencode()
        exports = {
            name: reverse(f"insights:export_{page}", kwargs={**kwargs, "table": name})
            + (f"?{query}" if query else "")
            for name in report.tables
        }
        return render(
            request,
            template,
            {**context, **report.context, "tables": report.tables, "exports": exports, "page": page},
        )

    view.__name__ = f"{page}_page"
    return view


coverage = _page("coverage")
sector = _page("sector")
freshness = _page("freshness")
demand = _page("demand")
funnel = _page("funnel")
adoption = _page("adoption")


@staff_required
def overview(request):
    return render(request, "insights/overview.html", {"page": "overview"})


@staff_required
def export(request, page, table, **kwargs):
    """One table of a page as CSV (small cells suppressed), with the page's filters."""
    if page not in PAGES:
        raise Http404
    build, _template, stem = PAGES[page]
    # Tables shown in part on screen are built whole only for their own export.
    if page == "freshness":
        kwargs["full"] = table == "sans_reponse"
    elif page == "demand":
        kwargs["full"] = table
    report, _context = build(request, **kwargs)
    if table not in report.tables:
        raise Http404
    return table_csv_response(report.tables[table], stem=stem)


# A cell of at most this many suppliers is listed by name; a larger one in the order listings were added (its CSV
# export sorts in any spreadsheet).
CELL_NAME_ORDER_LIMIT = 1000


def _cell_ids(form) -> list[int]:
    """The ids of the cell's suppliers, in the order they are listed."""
    data = form.cleaned_data
    ids = cell_supplier_ids(
        form.filters(),
        region_code=data["region"].code,
        sector=data.get("sector"),
        category=data.get("category"),
    ).tolist()
    if len(ids) <= CELL_NAME_ORDER_LIMIT:
        ids = list(Supplier.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", flat=True))
    return ids


def _suppliers_in_order(ids):
    """The suppliers of ``ids``, in that order, with the date of their last check (two queries)."""
    suppliers = Supplier.objects.filter(pk__in=ids).only("name", "neq", "legal_form", "accreditations")
    by_id = {supplier.pk: supplier for supplier in suppliers}
    checked = dict(ListingFacts.objects.filter(supplier_id__in=ids).values_list("supplier_id", "checked_at"))
    ordered = [by_id[pk] for pk in ids if pk in by_id]
    for supplier in ordered:
        supplier.checked_at = checked.get(supplier.pk)
    return ordered


@staff_required
def cell_export(request):
    """The suppliers behind a coverage cell as CSV (public listings: no figures to suppress)."""
    form = CellForm(request.GET)
    if not form.is_valid():
        raise Http404
    ids = _cell_ids(form)
    legal_forms = dict(LegalForm.choices)
    accreditations = dict(Accreditation.choices)
    rows = (
        (
            supplier.name,
            supplier.neq,
            str(legal_forms[supplier.legal_form]),
            "; ".join(str(accreditations[value]) for value in supplier.accreditations),
            timezone.localtime(supplier.checked_at).date().isoformat() if supplier.checked_at else "",
        )
        for start in range(0, len(ids), CELL_EXPORT_CHUNK)
        for supplier in _suppliers_in_order(ids[start : start + CELL_EXPORT_CHUNK])
    )
    return csv_response(
        filename=dated_filename("couverture-fournisseurs", "csv"),
        header=[
            _("Fournisseur"),
            _("NEQ"),
            _("Forme juridique"),
            _("Accréditations"),
            _("Dernière vérification ou confirmation"),
        ],
        rows=rows,
    )


@staff_required
def cell(request):
    """The suppliers behind a coverage cell, with the toggles applied."""
    form = CellForm(request.GET)
    if not form.is_valid():
        return render(request, "insights/cell.html", {"form": form, "page": "coverage"}, status=400)
    data = form.cleaned_data
    filters = form.filters()
    region, sector, category = data["region"], data.get("sector"), data.get("category")
    ids = _cell_ids(form)
    page = Paginator(ids, CELL_PAGE_SIZE).get_page(data.get("page") or 1)
    return render(
        request,
        "insights/cell.html",
        {
            "form": form,
            "page": "coverage",
            "region": region,
            "sector": sector or category.sector,
            "category": category,
            "suppliers_page": page,
            "suppliers": _suppliers_in_order(list(page.object_list)),
            "by_name": len(ids) <= CELL_NAME_ORDER_LIMIT,
            "what": (
                _("la catégorie « %(name)s »") % {"name": category.name}
                if category
                else _("au moins une catégorie du secteur « %(name)s »") % {"name": sector.name}
            ),
            "filters": filters,
            "back_query": filters_querystring(filters),
            "export_url": reverse("insights:cell_export") + "?" + request.GET.urlencode(),
            "page_query": filters_querystring(
                filters,
                region=region.code,
                sector=sector.code if sector else "",
                category=category.code if category else "",
            ),
        },
    )


# --- The enterprises' confirmation of their listing ---


def _open_request(token) -> ConfirmationRequest:
    """The request of this token, if it is the listing's latest and the listing is published; else 404."""
    request = get_object_or_404(
        ConfirmationRequest.objects.select_related("supplier"), token=token, supplier__status=Status.PUBLISHED
    )
    latest = ConfirmationRequest.objects.filter(supplier_id=request.supplier_id).order_by("-due_on").first()
    if latest.pk != request.pk:
        raise Http404
    return request


def confirm(request, token):
    """The emailed link: the listing, and one button to say it is current (no log-in needed: the token is the key).

    The link itself changes nothing (mail scanners open links): the button posts."""
    confirmation_request = _open_request(token)
    supplier = confirmation_request.supplier
    if request.method == "POST":
        services.listing_confirm(supplier=supplier, by=request.user, request=confirmation_request)
        messages.success(request, _("Merci : la fiche est confirmée à jour en date d'aujourd'hui."))
        return redirect("insights:confirm", token=token)
    last_confirmation = supplier.confirmations.order_by("-confirmed_at").first()
    return render(
        request,
        "insights/confirm.html",
        {
            "supplier": supplier,
            "confirmation_request": confirmation_request,
            "last_confirmation": last_confirmation,
            "confirmed_today": last_confirmation is not None
            and timezone.localdate(last_confirmation.confirmed_at) == timezone.localdate(),
        },
    )


@login_required
@require_POST
def confirm_as_member(request, pk):
    """A member confirms from their space that the listing is current."""
    membership = get_object_or_404(
        Membership.objects.select_related("supplier"), user=request.user, supplier_id=pk
    )
    if membership.supplier.status != Status.PUBLISHED:
        raise Http404
    services.listing_confirm(supplier=membership.supplier, by=request.user)
    messages.success(request, _("Merci : la fiche est confirmée à jour en date d'aujourd'hui."))
    return redirect("enterprises:dashboard")
