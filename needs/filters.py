"""Lists filtered with django-filter: the buyer's needs, a need's recipients (the tabs), a supplier's
opportunities."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Answer, Need, NeedKind, NeedStatus, Recipient

RECIPIENT_TABS = [
    ("viewed", _("Consulté")),
    ("interested", _("Intéressés")),
    ("not_interested", _("Pas intéressés")),
]


class NeedFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=NeedStatus.choices, empty_label=_("Tous"))
    kind = django_filters.ChoiceFilter(
        label=_("Type de démarche"), choices=NeedKind.choices, empty_label=_("Tous")
    )

    class Meta:
        model = Need
        fields = ["status", "kind"]


class RecipientFilter(django_filters.FilterSet):
    """The tabs of the buyer's need page: all, viewed, interested, not interested."""

    tab = django_filters.ChoiceFilter(
        label=_("Afficher"), choices=RECIPIENT_TABS, method="filter_tab", empty_label=_("Tous")
    )

    class Meta:
        model = Recipient
        fields = ["tab"]

    def filter_tab(self, queryset, name, value):
        if value == "viewed":
            return queryset.filter(viewed_at__isnull=False)
        if value == "interested":
            return queryset.filter(answer=Answer.INTERESTED)
        if value == "not_interested":
            return queryset.filter(answer=Answer.NOT_INTERESTED)
        return queryset


OPPORTUNITY_STATES = [
    ("open", _("À répondre")),
    ("answered", _("Répondues")),
    ("closed", _("Fermées")),
    ("hidden", _("Masquées")),
]


class OpportunityFilter(django_filters.FilterSet):
    """ "Mes occasions": hidden ones only when asked for."""

    state = django_filters.ChoiceFilter(
        label=_("Afficher"),
        choices=OPPORTUNITY_STATES,
        method="filter_state",
        empty_label=_("Toutes, sauf masquées"),
    )

    class Meta:
        model = Recipient
        fields = ["state"]

    def filter_state(self, queryset, name, value):
        if value == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        queryset = queryset.filter(hidden_at__isnull=True)
        if value == "open":
            return queryset.filter(need__status=NeedStatus.PUBLISHED, answer="")
        if value == "answered":
            return queryset.exclude(answer="")
        if value == "closed":
            return queryset.filter(~Q(need__status=NeedStatus.PUBLISHED))
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        state = self.form.cleaned_data.get("state") if self.is_bound and self.form.is_valid() else ""
        if not state:
            queryset = queryset.filter(hidden_at__isnull=True)
        return queryset
