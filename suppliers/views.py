import json
import re
from urllib.parse import urlencode

from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from .forms import PAGE_SIZES, SupplierSearchForm
from .hooks import search_completed
from .models import Accreditation, CoopType, LegalForm, Supplier
from .search import Sort, current_catalogue, search_suppliers

# The parameter of a supplier page that holds the search it was reached from (for its breadcrumb).
RETURN_PARAMETER = "recherche"
MAX_RETURN_LENGTH = 4000
NEQ_MARKER = "__neq__"

# json_script's escapes, for a <script type="application/ld+json"> that json_script cannot produce.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def supplier_search(request):
    catalogue = current_catalogue()
    reference = catalogue.reference
    form = SupplierSearchForm(request.GET, reference=reference)
    if not form.is_valid():
        return render(request, "suppliers/search.html", {"form": form}, status=400)
    params = form.to_params()
    results = search_suppliers(params, catalogue=catalogue)
    search_completed.send("page", request=request, params=params, count=results.count)
    suppliers = list(results.page.object_list)
    # Labels looked up once per page rather than through get_FOO_display() on every result.
    legal_forms, coop_types = dict(LegalForm.choices), dict(CoopType.choices)
    # reverse() once for the page rather than once a result (0.08 ms each); an NEQ is ten digits (validate_neq).
    detail_url = reverse("suppliers:detail", kwargs={"neq": NEQ_MARKER})
    for supplier in suppliers:
        supplier.url = detail_url.replace(NEQ_MARKER, supplier.neq)
        supplier.head_office_region_name = reference.regions_by_code[supplier.head_office_region_id].name
        supplier.legal_form_label = legal_forms.get(supplier.legal_form, supplier.legal_form)
        supplier.coop_type_label = str(coop_types.get(supplier.coop_type, "")).lower()
        supplier.accreditation_labels = accreditation_labels(supplier)
        supplier.region_names = [reference.regions_by_code[code].name for code in supplier.region_codes]
        supplier.category_names = [
            reference.categories_by_code[code].name for code in supplier.category_codes
        ]
        supplier.phone_uri = phone_uri(supplier.phone)
    current_querystring = params.querystring(page=results.page.number)
    response = render(
        request,
        "suppliers/search.html",
        {
            "form": form,
            "params": params,
            "results": results,
            "suppliers": suppliers,
            "facet_groups": form.facet_groups(params, results.facets),
            "active_filters": form.active_filters(params),
            "sort_choices": Sort.choices,
            "exact_querystring": params.querystring(q=results.corrected_from or "", exact=True),
            "without_text_querystring": params.querystring(q=""),
            "without_filters_querystring": params.querystring(clear_filters=True),
            "current_querystring": current_querystring,
            # Supplier pages linked from the results lead back to this page of this search (their breadcrumb).
            "from_search": urlencode({RETURN_PARAMETER: current_querystring}) if current_querystring else "",
            "page_sizes": sorted({*PAGE_SIZES, params.page_size}),
        },
    )
    results.release()
    return response


def supplier_detail(request, neq):
    supplier = get_object_or_404(Supplier.objects.published().with_public_details(), neq=neq)
    search_url = reverse("suppliers:search")
    if search_querystring := return_querystring(request.GET.get(RETURN_PARAMETER, "")):
        search_url = f"{search_url}?{search_querystring}"
    offerings_by_category = {}
    for offering in supplier.offerings.all():
        offerings_by_category.setdefault(offering.category, []).append(offering)
    page_url = request.build_absolute_uri(supplier.get_absolute_url())
    other_categories = [
        category for category in supplier.categories.all() if category not in offerings_by_category
    ]
    return render(
        request,
        "suppliers/detail.html",
        {
            "supplier": supplier,
            "accreditations": accreditation_labels(supplier),
            "offerings_by_category": list(offerings_by_category.items()),
            "other_categories": other_categories,
            "phone_uri": phone_uri(supplier.phone),
            "json_ld": json_ld(supplier_structured_data(supplier, page_url)),
            "page_url": page_url,
            "search_url": search_url,
            "from_search": bool(search_querystring),
        },
    )


def return_querystring(value: str) -> str:
    """The search's query string a supplier page was reached from, re-encoded (only a query string, bounded),
    or empty."""
    if not value or len(value) > MAX_RETURN_LENGTH:
        return ""
    return QueryDict(value).urlencode()


def accreditation_labels(supplier) -> list[str]:
    """Labels of the staff-verified accreditations (the only ones ever shown)."""
    return [Accreditation(value).label for value in supplier.accreditations if value in Accreditation.values]


def phone_uri(phone: str) -> str:
    """A tel: URI for a North American number ("418 555-1234" → "tel:+14185551234"); empty when unusable."""
    digits = re.sub(r"\D", "", phone.split("poste")[0].split("#")[0])
    if len(digits) == 10:
        digits = "1" + digits
    return f"tel:+{digits}" if len(digits) == 11 and digits.startswith("1") else ""


def supplier_structured_data(supplier, page_url) -> dict:
    """schema.org Organization for the supplier page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": supplier.name,
        "identifier": {"@type": "PropertyValue", "propertyID": "NEQ", "value": supplier.neq},
        "description": supplier.description,
        "mainEntityOfPage": page_url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": supplier.address,
            "addressLocality": supplier.city,
            "postalCode": supplier.postal_code,
            "addressRegion": "QC",
            "addressCountry": "CA",
        },
        "areaServed": (
            {"@type": "State", "name": "Québec"}
            if supplier.serves_all_quebec
            else [
                {"@type": "AdministrativeArea", "name": region.name}
                for region in supplier.regions_served.all()
            ]
        ),
    }
    if supplier.website:
        data["url"] = supplier.website
    if supplier.email:
        data["email"] = supplier.email
    if supplier.phone:
        data["telephone"] = supplier.phone
    return data


def json_ld(data) -> str:
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))
