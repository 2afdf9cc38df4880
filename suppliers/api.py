"""The open JSON API: the same search as the search page, and one published supplier. Documented in docs/api.md."""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms import SupplierSearchForm
from .hooks import search_completed
from .models import Supplier
from .search import current_catalogue, search_suppliers


def api_response(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it from a browser (no cookies are involved).
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def supplier_list(request):
    catalogue = current_catalogue()
    reference = catalogue.reference
    form = SupplierSearchForm(request.GET, reference=reference)
    if not form.is_valid():
        return api_response(
            {"error": _("Paramètres invalides."), "parameters": form.invalid_parameters()}, status=400
        )
    params = form.to_params()
    results = search_suppliers(params, catalogue=catalogue, clamp_page=False)
    search_completed.send("api", request=request, params=params, count=results.count)
    suppliers = list(results.page) if results.page is not None else []
    list_url = request.build_absolute_uri(reverse("suppliers_api:list"))
    has_next = results.page is not None and results.page.has_next()
    has_previous = params.page > 1
    previous_page = min(params.page - 1, results.paginator.num_pages)
    return api_response(
        {
            "count": results.count,
            "page": params.page,
            "num_pages": results.paginator.num_pages,
            "page_size": params.page_size,
            "next": with_query(list_url, params.querystring(page=params.page + 1)) if has_next else None,
            "previous": with_query(list_url, params.querystring(page=previous_page))
            if has_previous
            else None,
            "sort": results.sort,
            "q": params.q,
            "searched_q": results.searched_text,
            "corrected": results.corrected_from is not None,
            "results": [
                supplier_summary(supplier, request, all_region_codes=reference.region_codes)
                for supplier in suppliers
            ],
            "facets": results.facets,
        }
    )


@require_GET
def supplier_detail(request, neq):
    supplier = Supplier.objects.published().with_public_details().filter(neq=neq).first()
    if supplier is None:
        return api_response({"error": _("Aucun fournisseur publié ne porte ce NEQ.")}, status=404)
    data = supplier_summary(supplier, request, all_region_codes=supplier.served_region_codes())
    data.update(
        {
            "address": supplier.address,
            "city": supplier.city,
            "postal_code": supplier.postal_code,
            "phone": supplier.phone,
            "email": supplier.email,
            "website": supplier.website,
            "employees_band": supplier.employees_band or None,
            "last_verified_at": supplier.last_verified_at.isoformat() if supplier.last_verified_at else None,
            "offerings": [
                {
                    "title": offering.title,
                    "description": offering.description,
                    "kind": offering.kind,
                    "category": offering.category_id,
                }
                for offering in supplier.offerings.all()
            ],
        }
    )
    return api_response(data)


def with_query(url, querystring):
    return f"{url}?{querystring}" if querystring else url


def supplier_summary(supplier, request, *, all_region_codes) -> dict:
    """A supplier as listed by the API; works on search results (code arrays) and on prefetched suppliers."""
    region_codes = getattr(supplier, "region_codes", None)
    if region_codes is None:
        region_codes = [region.code for region in supplier.regions_served.all()]
    category_codes = getattr(supplier, "category_codes", None)
    if category_codes is None:
        category_codes = sorted(category.code for category in supplier.categories.all())
    return {
        "neq": supplier.neq,
        "name": supplier.name,
        "url": request.build_absolute_uri(supplier.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("suppliers_api:detail", kwargs={"neq": supplier.neq})),
        "legal_form": supplier.legal_form,
        "coop_type": supplier.coop_type or None,
        "accreditations": list(supplier.accreditations),
        "head_office_region": supplier.head_office_region_id,
        "serves_all_quebec": supplier.serves_all_quebec,
        "regions_served": list(all_region_codes) if supplier.serves_all_quebec else sorted(region_codes),
        "categories": sorted(category_codes),
        "city": supplier.city,
        "description_fr": supplier.description_fr,
        "description_en": supplier.description_en,
        "updated_at": supplier.updated_at.isoformat(),
    }
