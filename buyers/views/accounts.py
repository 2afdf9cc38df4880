from allauth.account.views import SignupView
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse_lazy

from ..access import current_buyer, forbidden, staff_required
from ..filters import StaffBuyerFilter, StaffOrganisationFilter
from ..forms import ORGANISATIONS_DATALIST, BuyerSignupForm
from ..models import (
    Buyer,
    BuyerOrganisation,
    BuyerStatus,
    MarketResearchRecord,
    SavedSearch,
    Shortlist,
    Visibility,
)
from .common import filter_querystring, paginate


class BuyerSignupView(SignupView):
    """A sign-up of its own for buyers: allauth's account and email verification, plus the buyer's body. After
    confirming the address (in the same browser), the buyer lands in the buyers' space."""

    template_name = "buyers/signup.html"
    form_class = BuyerSignupForm
    success_url = reverse_lazy("buyers:home")

    def get_form_class(self):
        return BuyerSignupForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation_names"] = BuyerOrganisation.objects.order_by("name").values_list(
            "name", flat=True
        )
        context["organisations_datalist"] = ORGANISATIONS_DATALIST
        return context


signup = BuyerSignupView.as_view()


@login_required
def home(request):
    """The buyer's space: their status while pending or refused; their lists, records and saved searches once
    active. Staff without a buyer profile see what they may do here."""
    buyer = current_buyer(request.user)
    if buyer is None:
        if request.user.is_staff:
            return render(request, "buyers/home_staff.html")
        return forbidden(request)
    if not buyer.is_active:
        return render(request, "buyers/home_pending.html", {"buyer": buyer})
    shortlists = Shortlist.objects.visible_to(buyer).select_related("owner__user").with_entry_count()[:5]
    records = MarketResearchRecord.objects.of_organisation(buyer.organisation_id).only(
        "reference", "need", "created_at", "author_name"
    )[:5]
    saved_searches = SavedSearch.objects.owned_by(buyer)[:5]
    return render(
        request,
        "buyers/home.html",
        {"buyer": buyer, "shortlists": shortlists, "records": records, "saved_searches": saved_searches},
    )


@staff_required
def staff_buyers(request):
    queryset = Buyer.objects.select_related("user", "organisation", "organisation__region").order_by(
        "status", "-created_at"
    )
    buyer_filter = StaffBuyerFilter(request.GET, queryset=queryset)
    page = paginate(request, buyer_filter.qs)
    return render(
        request,
        "buyers/staff_buyers.html",
        {"filter": buyer_filter, "page_obj": page, "querystring": filter_querystring(request)},
    )


@staff_required
def staff_organisations(request):
    """Organisations with counts of their buyers, lists, records and saved searches: staff see how much is kept,
    never its content."""
    queryset = (
        BuyerOrganisation.objects.select_related("region")
        .annotate(
            active_buyers=Count("buyers", filter=Q(buyers__status=BuyerStatus.ACTIVE), distinct=True),
            pending_buyers=Count("buyers", filter=Q(buyers__status=BuyerStatus.PENDING), distinct=True),
            domain_count=Count("domains", distinct=True),
        )
        .order_by("name")
    )
    organisation_filter = StaffOrganisationFilter(request.GET, queryset=queryset)
    page = paginate(request, organisation_filter.qs)
    ids = [organisation.pk for organisation in page]
    counts = {
        "shortlists": dict(
            Shortlist.objects.filter(owner__organisation_id__in=ids)
            .values_list("owner__organisation_id")
            .annotate(n=Count("id"))
        ),
        "shared": dict(
            Shortlist.objects.filter(owner__organisation_id__in=ids, visibility=Visibility.ORGANISATION)
            .values_list("owner__organisation_id")
            .annotate(n=Count("id"))
        ),
        "records": dict(
            MarketResearchRecord.objects.filter(organisation_id__in=ids)
            .values_list("organisation_id")
            .annotate(n=Count("id"))
        ),
        "saved_searches": dict(
            SavedSearch.objects.filter(owner__organisation_id__in=ids)
            .values_list("owner__organisation_id")
            .annotate(n=Count("id"))
        ),
    }
    for organisation in page:
        organisation.counts = {name: values.get(organisation.pk, 0) for name, values in counts.items()}
    return render(
        request,
        "buyers/staff_organisations.html",
        {"filter": organisation_filter, "page_obj": page, "querystring": filter_querystring(request)},
    )
