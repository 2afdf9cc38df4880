from html import escape

from django import forms
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Accreditation, LegalForm
from .search import DEFAULT_PAGE_SIZE, FACETS, MAX_PAGE_SIZE, Reference, SearchParams, Sort


class SupplierSearchForm(forms.Form):
    """The search state from the query string (search page and API); options come from the reference data."""

    q = forms.CharField(label=_("Que cherchez-vous?"), required=False, max_length=200)
    region = forms.MultipleChoiceField(label=_("Région desservie"), required=False)
    area = forms.MultipleChoiceField(label=_("Territoire desservi"), required=False)
    sector = forms.MultipleChoiceField(label=_("Secteur"), required=False)
    category = forms.MultipleChoiceField(label=_("Catégorie"), required=False)
    legal_form = forms.MultipleChoiceField(
        label=_("Forme juridique"), required=False, choices=LegalForm.choices
    )
    accreditation = forms.MultipleChoiceField(
        label=_("Accréditation"), required=False, choices=Accreditation.choices
    )
    sort = forms.ChoiceField(label=_("Trier par"), required=False, choices=Sort.choices)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    page_size = forms.IntegerField(
        label=_("Résultats par page"), required=False, min_value=1, max_value=MAX_PAGE_SIZE
    )
    exact = forms.BooleanField(label=_("Rechercher exactement ces mots, sans correction"), required=False)

    def __init__(self, data=None, *, reference: Reference):
        super().__init__(data)
        self.reference = reference
        self.fields["region"].choices = [(region.code, region.name) for region in reference.regions]
        self.fields["area"].choices = [(area.code, area.name) for area in reference.areas_in_tree_order]
        self.fields["sector"].choices = [(sector.code, sector.name) for sector in reference.sectors]
        self.fields["category"].choices = [
            (category.code, category.name) for category in reference.categories
        ]

    def to_params(self) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=" ".join(data["q"].split()),
            **{name: tuple(dict.fromkeys(data[name])) for name in FACETS},
            sort=data["sort"],
            page=data["page"] or 1,
            page_size=data["page_size"] or DEFAULT_PAGE_SIZE,
            exact=data["exact"],
        )

    def invalid_parameters(self) -> dict[str, dict]:
        """For each parameter in error: the message, the rejected values and, for choices, the allowed values."""
        problems = {}
        for name, errors in self.errors.items():
            problem = {"message": " ".join(str(error) for error in errors)}
            field = self.fields.get(name)
            if isinstance(field, forms.ChoiceField):
                allowed = [str(value) for value, _label in field.choices]
                problem["invalid"] = [value for value in self.data.getlist(name) if value not in allowed]
                problem["allowed"] = allowed
            problems[name] = problem
        return problems

    def option_label(self, name, value) -> str:
        return str(dict(self.fields[name].choices).get(value, value))

    def active_filters(self, params: SearchParams) -> list[dict]:
        """Each selected option, with its label and the URL query string without it."""
        return [
            {
                "facet": name,
                "legend": self.fields[name].label,
                "label": self.option_label(name, value),
                "querystring": params.querystring(remove=(name, value)),
            }
            for name, values in params.filters.items()
            for value in values
        ]

    def facet_groups(self, params: SearchParams, facets: dict[str, dict[str, int]]) -> list[dict]:
        """The filter fieldsets, each option as its checkbox markup with its count; categories without results
        are left out unless selected (57 of them would bury the useful ones)."""
        groups = []
        for name in FACETS:
            selected = set(getattr(params, name))
            options = []
            for value, label in self.fields[name].choices:
                count = facets[name].get(value, 0)
                if name == "category" and not count and value not in selected:
                    continue
                options.append(
                    _option_html(f"f-{name}-{value}", name, value, label, count, value in selected)
                )
            groups.append({"name": name, "legend": self.fields[name].label, "options": options})
        return groups


def _option_html(option_id, name, value, label, count, checked) -> str:
    """One filter checkbox with its count. Built here rather than in the template: a hundred options through
    template lookups took half of the search page's rendering time. Every variable part is escaped."""
    return mark_safe(
        f'<li><label for="{escape(option_id)}"><input type="checkbox" name="{escape(name)}" '
        f'value="{escape(value)}" id="{escape(option_id)}"{" checked" if checked else ""}>\n'
        f'                  {escape(str(label))} <span class="facet__count">({_grouped(count)})</span></label></li>'
    )


def _grouped(count: int) -> str:
    """The count as |intcomma writes it in the active language."""
    return str(count) if count < 1000 else number_format(count, force_grouping=True)
