"""The dashboard's filters, read from the query string (every value bounded to known choices)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from suppliers.models import Accreditation, Category, LegalForm, Region, Sector

from .coverage import CoverageFilters
from .demand import DEFAULT_PERIOD, PERIODS


class CoverageFilterForm(forms.Form):
    """Toggles of the coverage view: accredited enterprises, legal form, checked in the last 12 months."""

    accreditation = forms.MultipleChoiceField(
        label=_("Entreprises accréditées"),
        choices=Accreditation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_form = forms.ChoiceField(
        label=_("Forme juridique"),
        choices=[("", _("Toutes"))] + list(LegalForm.choices),
        required=False,
    )
    checked_recently = forms.BooleanField(
        label=_("Vérifiées ou confirmées dans les 12 derniers mois"), required=False
    )

    def filters(self) -> CoverageFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return CoverageFilters(
            accreditations=tuple(sorted(data.get("accreditation") or ())),
            legal_form=data.get("legal_form") or "",
            checked_recently=bool(data.get("checked_recently")),
        )


def filters_querystring(filters: CoverageFilters, **extra) -> str:
    """The query string of the toggles (and ``extra`` parameters), for links that keep them."""
    pairs = [("accreditation", value) for value in filters.accreditations]
    if filters.legal_form:
        pairs.append(("legal_form", filters.legal_form))
    if filters.checked_recently:
        pairs.append(("checked_recently", "on"))
    pairs.extend((key, value) for key, value in extra.items() if value)
    return urlencode(pairs)


class CellForm(CoverageFilterForm):
    """A coverage cell: a region and a sector or a category, with the toggles."""

    region = forms.ModelChoiceField(queryset=Region.objects.all(), to_field_name="code")
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), to_field_name="code", required=False)
    category = forms.ModelChoiceField(
        queryset=Category.objects.select_related("sector"), to_field_name="code", required=False
    )
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("sector") and not data.get("category"):
            raise forms.ValidationError(_("Choisissez un secteur ou une catégorie."), code="cell_column")
        return data


class PeriodForm(forms.Form):
    period = forms.TypedChoiceField(
        label=_("Période"),
        choices=[(months, label) for months, label in PERIODS.items()],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PERIOD,
    )

    def months(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"] or DEFAULT_PERIOD
        return DEFAULT_PERIOD
