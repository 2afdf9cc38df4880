import heapq
import unicodedata
from html import escape

from django import forms
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Accreditation, LegalForm
from .search import DEFAULT_PAGE_SIZE, FACETS, MAX_PAGE_SIZE, Reference, SearchParams, Sort

# Facets whose options are too many for a list of checkboxes: they show their selected options and their most
# frequent ones, grouped under their parent (sector, region), with a field to find any option by name and a link to
# all those with results. All of it is plain HTML: it works without JavaScript.
WIDE_FACETS = ("area", "category")
WIDE_OPTIONS_SHOWN = 10
FOUND_OPTIONS_SHOWN = 40
# Other facets show this many options; the rest are behind a disclosure (open when one of them is selected).
OPTIONS_SHOWN = 6
# What the search page offers for results per page (the API takes any size up to MAX_PAGE_SIZE).
PAGE_SIZES = (DEFAULT_PAGE_SIZE, 50, MAX_PAGE_SIZE)


class OptionsField(forms.MultipleChoiceField):
    """A multiple choice among options kept as a dict of code → label: Django normalizes a list of choices each
    time one is assigned, which took longer than the rest of the search for a thousand categories (see
    bench/README.md)."""

    def __init__(self, *args, **kwargs):
        self.options = {}
        super().__init__(*args, **kwargs)

    @property
    def choices(self):
        return list(self.options.items())

    @choices.setter
    def choices(self, value):
        self.options = value if isinstance(value, dict) else dict(value)

    def valid_value(self, value):
        return str(value) in self.options

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result.options = self.options  # replaced per form, never changed in place
        return result


class SupplierSearchForm(forms.Form):
    """The search state from the query string (search page and API); options come from the reference data."""

    q = forms.CharField(label=_("Que cherchez-vous?"), required=False, max_length=200)
    region = OptionsField(label=_("Région desservie"), required=False)
    area = OptionsField(label=_("Territoire desservi"), required=False)
    sector = OptionsField(label=_("Secteur"), required=False)
    category = OptionsField(label=_("Catégorie"), required=False)
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
    # How the options of a wide facet are shown (not part of the search).
    area_q = forms.CharField(
        label=_("Trouver un territoire (MRC, municipalité)"), required=False, max_length=100
    )
    category_q = forms.CharField(label=_("Trouver une catégorie"), required=False, max_length=100)
    options = forms.ChoiceField(required=False, choices=[(name, name) for name in WIDE_FACETS])

    def __init__(self, data=None, *, reference: Reference):
        super().__init__(data)
        self.reference = reference
        for name in ("region", "area", "sector", "category"):
            self.fields[name].options = reference.labels(name)

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
        field = self.fields[name]
        options = field.options if isinstance(field, OptionsField) else dict(field.choices)
        return str(options.get(value, value))

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
        """The filter fieldsets, each option as its checkbox markup with its count. Wide facets (``WIDE_FACETS``)
        show only some of their options, under their parents (see ``_wide_group``)."""
        groups = []
        for name in FACETS:
            if name in WIDE_FACETS:
                groups.append(self._wide_group(name, params, facets[name]))
                continue
            selected = set(getattr(params, name))
            choices = list(self.fields[name].choices)
            options = [
                _option_html(
                    f"f-{name}-{value}", name, value, label, facets[name].get(value, 0), value in selected
                )
                for value, label in choices
            ]
            collapsed = options[OPTIONS_SHOWN:] if len(options) > OPTIONS_SHOWN + 1 else []
            groups.append(
                {
                    "name": name,
                    "legend": self.fields[name].label,
                    "options": options[: len(options) - len(collapsed)],
                    "collapsed": collapsed,
                    "collapsed_selected": any(value in selected for value, _label in choices[OPTIONS_SHOWN:]),
                }
            )
        return groups

    def _wide_group(self, name: str, params: SearchParams, counts: dict[str, int]) -> dict:
        """The options of a wide facet: those found by name (``<facet>_q``), or all those with results (``options``
        = the facet), or else the selected ones and the ``WIDE_OPTIONS_SHOWN`` most frequent (within the selected
        regions, for service areas); grouped under their parent, in the taxonomy's order."""
        selected = set(getattr(params, name))
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        text = _plain(data.get(f"{name}_q") or "")
        everything = self.reference.wide_options(name)  # (code, label, parent label, depth), taxonomy order
        with_results = [option for option in everything if counts.get(option[0], 0) or option[0] in selected]
        if text:
            shown = [option for option in everything if text in _plain(option[1]) or option[0] in selected]
            shown = shown[: FOUND_OPTIONS_SHOWN + len(selected)]
        elif data.get("options") == name:
            shown = with_results
        else:
            pool = with_results
            if name == "area" and params.region:
                regions = {self.reference.regions_by_code[code].name for code in params.region}
                pool = [option for option in pool if option[2] in regions]
            frequent = heapq.nlargest(WIDE_OPTIONS_SHOWN, pool, key=lambda option: counts.get(option[0], 0))
            keep = {option[0] for option in frequent} | selected
            shown = [option for option in with_results if option[0] in keep]
        parents = []
        for code, label, parent, depth in shown:
            if not parents or parents[-1]["label"] != parent:
                parents.append({"label": parent, "options": []})
            option = _option_html(
                f"f-{name}-{code}", name, code, label, counts.get(code, 0), code in selected, depth=depth
            )
            parents[-1]["options"].append(option)
        shown_codes = {option[0] for option in shown}
        hidden = sum(1 for option in with_results if option[0] not in shown_codes)
        more = None
        if hidden > 0 and not text and data.get("options") != name:
            more = {
                "label": ngettext(
                    "Voir l'option qui a des résultats (%(count)s de plus)",
                    "Voir les %(total)s options qui ont des résultats (%(count)s de plus)",
                    len(with_results),
                )
                % {"count": hidden, "total": len(with_results)},
                "querystring": "&".join(
                    filter(None, [params.querystring(page=params.page), f"options={name}"])
                ),
            }
        return {
            "name": name,
            "legend": self.fields[name].label,
            "wide": True,
            "find": self[f"{name}_q"],
            "parents": parents,
            "options": [option for parent in parents for option in parent["options"]],
            "more": more,
        }


def _option_html(option_id, name, value, label, count, checked, *, depth=0) -> str:
    """One filter checkbox with its count. Built here rather than in the template: a hundred options through
    template lookups took half of the search page's rendering time. Every variable part is escaped."""
    nested = f' class="facet__depth-{min(int(depth), 3)}"' if depth else ""
    return mark_safe(
        f'<li{nested}><label for="{escape(option_id)}"><input type="checkbox" name="{escape(name)}" '
        f'value="{escape(value)}" id="{escape(option_id)}"{" checked" if checked else ""}>\n'
        f'                  {escape(str(label))} <span class="facet__count">({_grouped(count)})</span></label></li>'
    )


def _plain(text: str) -> str:
    """Lower case without accents, to find an option by name."""
    return "".join(
        char for char in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(char)
    ).strip()


def _grouped(count: int) -> str:
    """The count as |intcomma writes it in the active language."""
    return str(count) if count < 1000 else number_format(count, force_grouping=True)
