from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import services
from ..access import buyer_required
from ..filters import SavedSearchFilter
from ..forms import FrequencyForm, SavedSearchForm
from ..models import SAVED_SEARCHES_PER_BUYER, Frequency, SavedSearch
from ..searching import search_count, validated_search
from .common import filter_querystring, paginate


@buyer_required
def saved_search_list(request, buyer):
    queryset = SavedSearch.objects.owned_by(buyer).defer("baseline")
    saved_filter = SavedSearchFilter(request.GET, queryset=queryset)
    page = paginate(request, saved_filter.qs)
    for saved_search in page:
        saved_search.frequency_form = FrequencyForm(instance=saved_search, prefix=f"s{saved_search.pk}")
    return render(
        request,
        "buyers/saved_search_list.html",
        {
            "filter": saved_filter,
            "page_obj": page,
            "querystring": filter_querystring(request),
            "count": SavedSearch.objects.owned_by(buyer).count(),
            "limit": SAVED_SEARCHES_PER_BUYER,
        },
    )


@buyer_required
def saved_search_create(request, buyer):
    """Save the search of the query string under a name, with its email alert."""
    search = validated_search(request.GET)
    if not search.is_valid:
        return render(request, "buyers/record_source_invalid.html", status=400)
    form = SavedSearchForm(
        request.POST or None, initial={"frequency": Frequency.WEEKLY, "name": search.params.q}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_create(
                owner=buyer,
                name=form.cleaned_data["name"],
                querystring=search.querystring,
                frequency=form.cleaned_data["frequency"],
                language=get_language(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("La recherche est enregistrée."))
            return redirect("buyers:saved_search_list")
    return render(
        request,
        "buyers/saved_search_form.html",
        {"form": form, "search": search, "count": search_count(search)},
        status=400 if form.is_bound else 200,
    )


@require_POST
@buyer_required
def saved_search_update(request, pk, buyer):
    saved_search = get_object_or_404(SavedSearch.objects.owned_by(buyer), pk=pk)
    form = FrequencyForm(request.POST, instance=saved_search, prefix=f"s{saved_search.pk}")
    if form.is_valid():
        form.save()
        messages.success(
            request, _("L'alerte de « %(name)s » est enregistrée.") % {"name": saved_search.name}
        )
    else:
        messages.error(request, _("Choisissez une fréquence d'alerte."))
    return redirect("buyers:saved_search_list")


@require_POST
@buyer_required
def saved_search_delete(request, pk, buyer):
    saved_search = get_object_or_404(SavedSearch.objects.owned_by(buyer), pk=pk)
    saved_search.delete()
    messages.success(request, _("La recherche « %(name)s » est supprimée.") % {"name": saved_search.name})
    return redirect("buyers:saved_search_list")


# The link in a digest works without logging in (the token is the proof); mail clients may also POST to it
# (List-Unsubscribe-Post, RFC 8058), without a CSRF token.
@csrf_exempt
def unsubscribe(request, token):
    saved_search = SavedSearch.objects.filter(unsubscribe_token=token).first()
    if saved_search is None:
        return render(request, "buyers/unsubscribe.html", {"saved_search": None}, status=404)
    if request.method == "POST" and request.POST.get("action") == "resubscribe":
        frequency = request.POST.get("frequency")
        if frequency in (Frequency.WEEKLY, Frequency.MONTHLY):
            saved_search.frequency = frequency
            saved_search.save(update_fields=["frequency"])
        return render(
            request, "buyers/unsubscribe.html", {"saved_search": saved_search, "resubscribed": True}
        )
    services.saved_search_unsubscribe(token=token)
    saved_search.refresh_from_db(fields=["frequency"])
    return render(request, "buyers/unsubscribe.html", {"saved_search": saved_search})
