from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from suppliers.models import Accreditation, Category, CoopType, LegalForm, Region, Status

from .. import services
from ..access import buyer_required
from ..exports import Labels, record_rows, spreadsheet_response
from ..filters import RecordFilter
from ..forms import AddendumForm, RecordForm, VerificationForm
from ..models import (
    ASKED_DECISIONS,
    ExportFormat,
    ExportKind,
    MarketResearchRecord,
    Nature,
    ProcurementMode,
    RecordSource,
    ThresholdRule,
)
from ..searching import first_results, validated_search
from .common import filter_querystring, paginate
from .shortlists import list_entries, visible_shortlist_or_404


@dataclass
class RecordSourceData:
    """What a record is made from: a search or a list, its suppliers in order, and its criteria."""

    source: str
    suppliers: list
    results_count: int
    criteria: dict
    preselected: set = field(default_factory=set)
    initial: dict = field(default_factory=dict)
    shortlist: object = None
    search: object = None


def _source_from_request(request, buyer) -> RecordSourceData | None:
    """From ``?liste=<id>`` (a list the buyer may read) or from the search page's query string."""
    shortlist_id = request.GET.get("liste", "")
    if shortlist_id:
        if not shortlist_id.isdigit():
            return None
        shortlist = visible_shortlist_or_404(buyer, int(shortlist_id))
        entries = list_entries(shortlist)
        return RecordSourceData(
            source=RecordSource.SHORTLIST,
            suppliers=[entry.supplier for entry in entries],
            results_count=len(entries),
            criteria={
                "shortlist": shortlist.name,
                "purpose": shortlist.purpose,
                "category": shortlist.category_id,
                "region": shortlist.region_id,
            },
            preselected={entry.supplier.neq for entry in entries if entry.decision in ASKED_DECISIONS},
            initial={"need": shortlist.purpose, "estimated_amount": shortlist.estimated_amount},
            shortlist=shortlist,
        )
    search = validated_search(request.GET)
    if not search.is_valid:
        return None
    count, suppliers = first_results(search, services.RECORD_MAX_RESULTS)
    params = search.params
    return RecordSourceData(
        source=RecordSource.SEARCH,
        suppliers=suppliers,
        results_count=count,
        criteria={
            "querystring": search.querystring,
            "q": params.q,
            "filters": {name: list(values) for name, values in params.filters.items()},
            "sort": params.sort,
        },
        search=search,
    )


def criteria_summary(source: str, criteria: dict) -> list[tuple[str, str]]:
    """The criteria as (label, value) lines in the reader's language."""
    regions = dict(Region.objects.values_list("code", "name"))
    categories = {category.code: category.name for category in Category.objects.all()}
    if source == RecordSource.SHORTLIST:
        lines = [(_("Liste restreinte"), criteria.get("shortlist", ""))]
        if criteria.get("purpose"):
            lines.append((_("Objet"), criteria["purpose"]))
        if criteria.get("category"):
            lines.append((_("Catégorie"), categories.get(criteria["category"], criteria["category"])))
        if criteria.get("region"):
            lines.append((_("Région"), regions.get(criteria["region"], criteria["region"])))
        return lines
    if source == RecordSource.NEED:
        return need_criteria_summary(criteria, regions=regions, categories=categories)
    if source != RecordSource.SEARCH:
        return [(key, str(value)) for key, value in criteria.items()]
    filters = criteria.get("filters", {})
    sectors = {
        category.sector_id: category.sector.name for category in Category.objects.select_related("sector")
    }
    labels = {
        "region": (_("Régions desservies"), regions),
        "sector": (_("Secteurs"), sectors),
        "category": (_("Catégories"), categories),
        "legal_form": (_("Formes juridiques"), dict(LegalForm.choices)),
        "accreditation": (_("Accréditations"), dict(Accreditation.choices)),
    }
    lines = [(_("Mots-clés"), criteria.get("q") or _("aucun"))]
    for name, (label, names) in labels.items():
        if filters.get(name):
            lines.append((label, ", ".join(str(names.get(code, code)) for code in filters[name])))
    return lines


def need_criteria_summary(criteria: dict, *, regions: dict, categories: dict) -> list[tuple[str, str]]:
    """A record made from a published need (needs.services.need_criteria): what the need asked, as codes."""
    lines = [(_("Besoin"), f"{criteria.get('need', '')} — {criteria.get('title', '')}")]
    if criteria.get("categories"):
        lines.append((_("Catégories"), ", ".join(str(categories.get(c, c)) for c in criteria["categories"])))
    if criteria.get("all_quebec"):
        lines.append((_("Régions"), _("Tout le Québec")))
    elif criteria.get("regions"):
        lines.append((_("Régions"), ", ".join(str(regions.get(c, c)) for c in criteria["regions"])))
    if criteria.get("accreditations"):
        names = dict(Accreditation.choices)
        lines.append(
            (_("Accréditations"), ", ".join(str(names.get(c, c)) for c in criteria["accreditations"]))
        )
    if criteria.get("legal_forms"):
        names = dict(LegalForm.choices)
        lines.append(
            (_("Formes juridiques"), ", ".join(str(names.get(c, c)) for c in criteria["legal_forms"]))
        )
    if criteria.get("response_deadline"):
        lines.append((_("Date limite de réponse"), criteria["response_deadline"]))
    return lines


def labelled_snapshot(record) -> list[dict]:
    labels = Labels()
    coop_types = dict(CoopType.choices)
    rows = []
    for row in record.snapshot:
        rows.append(
            {
                **row,
                "legal_form_label": labels.legal_forms.get(row["legal_form"], row["legal_form"]),
                "coop_type_label": coop_types.get(row["coop_type"], ""),
                "accreditation_labels": labels.accreditation_list(row["accreditations"]),
                "regions_label": labels.regions_served(all_quebec=row["all_quebec"], codes=row["regions"]),
                "categories_label": "; ".join(
                    labels.categories.get(code, code) for code in row["categories"]
                ),
                "status_label": labels.statuses.get(row["status"], row["status"]),
                "is_public": row["status"] == Status.PUBLISHED,
                "extra_values": [row.get("extra", {}).get(column, "") for column in record.extra_columns],
            }
        )
    return rows


@buyer_required
def record_list(request, buyer):
    queryset = MarketResearchRecord.objects.of_organisation(buyer.organisation_id).only(
        "reference", "need", "created_at", "author_name", "nature", "mode_considered", "results_count"
    )
    record_filter = RecordFilter(request.GET, queryset=queryset, user=request.user)
    return render(
        request,
        "buyers/record_list.html",
        {
            "filter": record_filter,
            "page_obj": paginate(request, record_filter.qs),
            "querystring": filter_querystring(request),
        },
    )


@buyer_required
def record_create(request, buyer):
    """One action from a search or a list: the form shows the suppliers found (the first
    ``RECORD_MAX_RESULTS``) and the indicative mode from the threshold rules in force; posting creates the record
    from the search or the list as it is at that moment."""
    data = _source_from_request(request, buyer)
    if data is None:
        return render(request, "buyers/record_source_invalid.html", status=400)
    neqs = [supplier.neq for supplier in data.suppliers]
    form = RecordForm(
        request.POST or None, neqs=neqs, initial={**data.initial, "selected": sorted(data.preselected)}
    )
    organisation = buyer.organisation
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        chosen = set(cleaned["selected"])
        try:
            record = services.record_create(
                author=buyer,
                suppliers=data.suppliers,
                selected_ids=[supplier.pk for supplier in data.suppliers if supplier.neq in chosen],
                need=cleaned["need"],
                estimated_amount=cleaned["estimated_amount"],
                nature=cleaned["nature"],
                mode_considered=cleaned["mode_considered"],
                justification=cleaned["justification"],
                source=data.source,
                criteria=data.criteria,
                results_count=data.results_count,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Le dossier %(reference)s est créé.") % {"reference": record.reference}
            )
            return redirect(record)
    selected = set(form["selected"].value() or [])
    return render(
        request,
        "buyers/record_form.html",
        {
            "form": form,
            "data": data,
            "criteria_lines": criteria_summary(data.source, data.criteria),
            "suppliers": data.suppliers,
            "selected": selected,
            "truncated": data.results_count > len(data.suppliers),
            "max_results": services.RECORD_MAX_RESULTS,
            **indicative_context(form, organisation),
        },
        status=400 if form.is_bound else 200,
    )


def indicative_context(form: RecordForm, organisation) -> dict:
    """The threshold rules in force for the organisation and, once the form is valid, the indicative mode
    (``buyers/_indicative.html``); used by every page that creates a record."""
    today = timezone.localdate()
    indicative = None
    if form.is_bound and form.is_valid():
        indicative = services.indicative_rule(
            organisation=organisation,
            nature=form.cleaned_data["nature"],
            amount=form.cleaned_data["estimated_amount"],
            on=today,
        )
    rules = (
        ThresholdRule.objects.in_force(today).filter(regime=organisation.regime)
        if organisation.regime
        else []
    )
    return {"rules": rules, "indicative": indicative, "organisation": organisation}


def _organisation_record_or_404(buyer, reference) -> MarketResearchRecord:
    return get_object_or_404(
        MarketResearchRecord.objects.of_organisation(buyer.organisation_id).prefetch_related("addenda"),
        reference=reference,
    )


@require_GET
@buyer_required
def record_detail(request, reference, buyer):
    record = _organisation_record_or_404(buyer, reference)
    return _render_record(request, record, AddendumForm(record=record))


def _render_record(request, record, addendum_form, status=200):
    indicative = record.indicative or {}
    return render(
        request,
        "buyers/record_detail.html",
        {
            "record": record,
            "rows": labelled_snapshot(record),
            "criteria_lines": criteria_summary(record.source, record.criteria),
            "nature_label": Nature(record.nature).label,
            "mode_label": ProcurementMode(record.mode_considered).label,
            "indicative": indicative,
            "indicative_mode_label": ProcurementMode(indicative["mode"]).label if indicative else "",
            "selected_count": len(record.selected),
            "addendum_form": addendum_form,
        },
        status=status,
    )


@require_POST
@buyer_required
def record_addendum(request, reference, buyer):
    record = _organisation_record_or_404(buyer, reference)
    form = AddendumForm(request.POST, record=record)
    if form.is_valid():
        try:
            services.record_addendum_add(record=record, author=buyer, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("L'addenda est ajouté au dossier."))
            return redirect(f"{record.get_absolute_url()}#addenda")
    return _render_record(request, record, form, status=400)


@buyer_required
def record_export(request, reference, buyer):
    record = _organisation_record_or_404(buyer, reference)
    rows = record_rows(record, labels=Labels())
    services.export_log(
        user=request.user, kind=ExportKind.RECORD, fmt=ExportFormat.CSV, rows=len(record.snapshot)
    )
    return spreadsheet_response(
        fmt=ExportFormat.CSV, header=rows[0], rows=rows[1:], title=record.reference, stem=record.reference
    )


def record_verify(request):
    """Anyone holding a printed record (an auditor) checks that the reference and checksum printed on it match a
    record whose stored content still gives that checksum. Nothing of the content is shown."""
    form = VerificationForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        record = (
            MarketResearchRecord.objects.filter(reference=form.cleaned_data["reference"])
            .prefetch_related("addenda")
            .first()
        )
        if record is None or record.checksum != form.cleaned_data["checksum"]:
            result = {"found": False}
        else:
            result = {"found": True, "record": record, **services.record_verify(record=record)}
    return render(request, "buyers/record_verify.html", {"form": form, "result": result})
