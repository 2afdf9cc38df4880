"""The filters of the workspace's list pages (django-filter): a buyer's lists, records and saved searches, and
staff's lists of buyers and organisations."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from suppliers.models import Region

from .models import (
    Buyer,
    BuyerOrganisation,
    BuyerStatus,
    Frequency,
    MarketResearchRecord,
    Nature,
    OrganisationDomain,
    OrganisationKind,
    SavedSearch,
    Shortlist,
)


class TextFilter(django_filters.CharFilter):
    """A free-text box searched in several fields (any of them contains it)."""

    def __init__(self, *args, fields, **kwargs):
        kwargs.setdefault("label", _("Rechercher"))
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, method=self.search, **kwargs)
        self.fields_searched = fields

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.fields_searched:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class ShortlistFilter(django_filters.FilterSet):
    MINE, SHARED = "mine", "shared"

    q = TextFilter(fields=["name", "purpose"])
    whose = django_filters.ChoiceFilter(
        label=_("Listes"),
        choices=[(MINE, _("Mes listes")), (SHARED, _("Partagées par mes collègues"))],
        method="filter_whose",
        empty_label=_("Toutes"),
    )

    class Meta:
        model = Shortlist
        fields = []

    def __init__(self, *args, buyer, **kwargs):
        super().__init__(*args, **kwargs)
        self.buyer = buyer

    def filter_whose(self, queryset, name, value):
        if value == self.MINE:
            return queryset.filter(owner=self.buyer)
        if value == self.SHARED:
            return queryset.exclude(owner=self.buyer)
        return queryset


class RecordFilter(django_filters.FilterSet):
    q = TextFilter(fields=["reference", "need", "justification"])
    nature = django_filters.ChoiceFilter(
        label=_("Nature du contrat"), choices=Nature.choices, empty_label=_("Toutes")
    )
    created_from = django_filters.DateFilter(
        label=_("Créés depuis le"),
        field_name="created_at",
        lookup_expr="date__gte",
        input_formats=["%Y-%m-%d"],
    )
    created_to = django_filters.DateFilter(
        label=_("Créés jusqu'au"),
        field_name="created_at",
        lookup_expr="date__lte",
        input_formats=["%Y-%m-%d"],
    )
    mine = django_filters.BooleanFilter(
        label=_("Seulement les miens"), method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = MarketResearchRecord
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("created_from", "created_to"):
            self.filters[name].field.widget.input_type = "date"

    def filter_mine(self, queryset, name, value):
        return queryset.filter(author=self.user) if value else queryset


class SavedSearchFilter(django_filters.FilterSet):
    q = TextFilter(fields=["name"])
    frequency = django_filters.ChoiceFilter(
        label=_("Alerte par courriel"), choices=Frequency.choices, empty_label=_("Toutes")
    )

    class Meta:
        model = SavedSearch
        fields = []


class StaffBuyerFilter(django_filters.FilterSet):
    q = TextFilter(fields=["user__email", "user__first_name", "user__last_name", "organisation__name"])
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=BuyerStatus.choices, empty_label=_("Tous")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type d'organisme"),
        field_name="organisation__kind",
        choices=OrganisationKind.choices,
        empty_label=_("Tous"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        field_name="organisation__region",
        queryset=Region.objects.order_by("code"),
        empty_label=_("Toutes"),
    )

    class Meta:
        model = Buyer
        fields = []


class StaffOrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom ou domaine"), max_length=100, method="filter_q")
    kind = django_filters.ChoiceFilter(
        label=_("Type d'organisme"), choices=OrganisationKind.choices, empty_label=_("Tous")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"), queryset=Region.objects.order_by("code"), empty_label=_("Toutes")
    )
    pending = django_filters.BooleanFilter(
        label=_("Avec des acheteurs en attente"),
        method="filter_pending",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = BuyerOrganisation
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        domains = OrganisationDomain.objects.filter(organisation=OuterRef("pk"), domain__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Exists(domains))

    def filter_pending(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.alias(pending=Count("buyers", filter=Q(buyers__status=BuyerStatus.PENDING))).filter(
            pending__gt=0
        )
