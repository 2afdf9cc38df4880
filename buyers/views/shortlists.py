from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suppliers.models import Region, Supplier

from .. import services
from ..access import buyer_required
from ..entries import EntryRenderer
from ..exports import Labels, shortlist_cells, shortlist_header, spreadsheet_response
from ..filters import ShortlistFilter
from ..forms import NEW_SHORTLIST, AddToShortlistForm, EntryForm, ShortlistForm
from ..models import ExportKind, Shortlist, ShortlistEntry
from ..rows import with_codes
from .common import filter_querystring, paginate, safe_next

# A list page shows all its entries at once: a list is a working set, not a catalogue.
ENTRIES_PER_LIST_MAX = 1000


def visible_shortlist_or_404(buyer, pk) -> Shortlist:
    """A list the buyer may read: theirs, or shared by a colleague of the same organisation; else 404."""
    return get_object_or_404(
        Shortlist.objects.visible_to(buyer).select_related("owner__user", "category", "region"), pk=pk
    )


def own_shortlist_or_404(buyer, pk) -> Shortlist:
    return get_object_or_404(Shortlist.objects.owned_by(buyer), pk=pk)


@buyer_required
def shortlist_list(request, buyer):
    queryset = (
        Shortlist.objects.visible_to(buyer)
        .select_related("owner__user")
        .annotate(entry_count=Count("entries"))
        .order_by("-updated_at", "-id")
    )
    shortlist_filter = ShortlistFilter(request.GET, queryset=queryset, buyer=buyer)
    return render(
        request,
        "buyers/shortlist_list.html",
        {
            "buyer": buyer,
            "filter": shortlist_filter,
            "page_obj": paginate(request, shortlist_filter.qs),
            "querystring": filter_querystring(request),
        },
    )


@buyer_required
def shortlist_create(request, buyer):
    form = ShortlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shortlist = services.shortlist_create(owner=buyer, **form.cleaned_data)
        messages.success(request, _("La liste « %(name)s » est créée.") % {"name": shortlist.name})
        return redirect(shortlist)
    return render(request, "buyers/shortlist_form.html", {"form": form, "creating": True})


@buyer_required
def shortlist_edit(request, pk, buyer):
    shortlist = own_shortlist_or_404(buyer, pk)
    form = ShortlistForm(request.POST or None, instance=shortlist)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("La liste est enregistrée."))
        return redirect(shortlist)
    return render(request, "buyers/shortlist_form.html", {"form": form, "shortlist": shortlist})


@require_POST
@buyer_required
def shortlist_delete(request, pk, buyer):
    shortlist = own_shortlist_or_404(buyer, pk)
    name = shortlist.name
    shortlist.delete()
    messages.success(request, _("La liste « %(name)s » est supprimée.") % {"name": name})
    return redirect("buyers:shortlist_list")


def list_entries(shortlist) -> list[ShortlistEntry]:
    """The list's entries with their suppliers' region and category codes (three queries)."""
    entries = list(shortlist.entries.for_page()[:ENTRIES_PER_LIST_MAX])
    with_codes([entry.supplier for entry in entries])
    return entries


def _render_list(request, shortlist, buyer, *, invalid=None, status=200):
    """The list page; ``invalid`` is an entry form sent with errors, shown again with what was typed."""
    editable = shortlist.is_editable_by(buyer)
    renderer = EntryRenderer(
        shortlist=shortlist,
        editable=editable,
        csrf_token=get_token(request),
        region_names=dict(Region.objects.values_list("code", "name")),
    )
    entries = list_entries(shortlist)
    rendered = [
        renderer.render(entry, invalid if invalid is not None and invalid.instance.pk == entry.pk else None)
        for entry in entries
    ]
    return render(
        request,
        "buyers/shortlist_detail.html",
        {"shortlist": shortlist, "entries": rendered, "editable": editable, "buyer": buyer},
        status=status,
    )


@buyer_required
def shortlist_detail(request, pk, buyer):
    return _render_list(request, visible_shortlist_or_404(buyer, pk), buyer)


@require_POST
@buyer_required
def shortlist_add(request, buyer):
    """Add a supplier to one of the buyer's lists, or to a new one, from a result card or the supplier page; back
    to where the buyer was, with a message."""
    shortlists = list(Shortlist.objects.owned_by(buyer).only("pk", "name"))
    form = AddToShortlistForm(request.POST, shortlists=shortlists)
    if not form.is_valid():
        messages.error(request, _("L'ajout à la liste n'a pas fonctionné : choisissez une liste."))
        return redirect(safe_next(request, request.POST.get("next", ""), "buyers:shortlist_list"))
    data = form.cleaned_data
    back = safe_next(request, data["next"], "buyers:shortlist_list")
    supplier = Supplier.objects.published().filter(neq=data["supplier"]).first()
    if supplier is None:
        messages.error(request, _("Ce fournisseur n'est plus publié au répertoire."))
        return redirect(back)
    if data["shortlist"] == NEW_SHORTLIST:
        shortlist = services.shortlist_create(owner=buyer, name=data["new_name"])
    else:
        shortlist = next(item for item in shortlists if str(item.pk) == data["shortlist"])
    _entry, created = services.shortlist_add(
        shortlist=shortlist, supplier=supplier, by=request.user, note=data["note"]
    )
    message = (
        _('« {supplier} » est ajouté à la liste <a href="{url}">{list}</a>.')
        if created
        else _('« {supplier} » était déjà dans la liste <a href="{url}">{list}</a>.')
    )
    messages.success(
        request,
        format_html(message, supplier=supplier.name, url=shortlist.get_absolute_url(), list=shortlist.name),
    )
    return redirect(back)


def _own_entry_or_404(buyer, pk, entry_pk) -> ShortlistEntry:
    entry = (
        ShortlistEntry.objects.filter(shortlist__owner=buyer, shortlist_id=pk)
        .select_related("shortlist", "supplier")
        .filter(pk=entry_pk)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@require_POST
@buyer_required
def entry_update(request, pk, entry_pk, buyer):
    entry = _own_entry_or_404(buyer, pk, entry_pk)
    form = EntryForm(request.POST, instance=entry, prefix=f"entry-{entry.pk}")
    if form.is_valid():
        services.shortlist_entry_update(entry=entry, **form.cleaned_data)
        messages.success(
            request, _("« %(name)s » : note et décision enregistrées.") % {"name": entry.supplier.name}
        )
        return redirect(f"{entry.shortlist.get_absolute_url()}#entry-{entry.pk}")
    # Show the list again with this entry's errors and what was typed.
    return _render_list(request, visible_shortlist_or_404(buyer, pk), buyer, invalid=form, status=400)


@require_POST
@buyer_required
def entry_remove(request, pk, entry_pk, buyer):
    entry = _own_entry_or_404(buyer, pk, entry_pk)
    entry.delete()
    messages.success(request, _("« %(name)s » est retiré de la liste.") % {"name": entry.supplier.name})
    return redirect(entry.shortlist)


@buyer_required
def shortlist_export(request, pk, fmt, buyer):
    shortlist = visible_shortlist_or_404(buyer, pk)
    entries = list_entries(shortlist)
    labels, site = Labels(), request.build_absolute_uri("/")[:-1]
    services.export_log(user=request.user, kind=ExportKind.SHORTLIST, fmt=fmt, rows=len(entries))
    return spreadsheet_response(
        fmt=fmt,
        header=shortlist_header(),
        rows=(shortlist_cells(entry, labels=labels, site=site) for entry in entries),
        title=shortlist.name,
    )
