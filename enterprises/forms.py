from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from suppliers.models import Accreditation, Category, OfferingKind, Region, Sector, Supplier
from suppliers.validators import normalize_neq, normalize_postal_code, validate_neq

from .logos import LOGO_MAX_SIDE, logo_to_png


class ListingForm(forms.ModelForm):
    """Identity, descriptions, contact details and service area of a listing (the offerings are a formset)."""

    neq = forms.CharField(
        label=_("NEQ"),
        max_length=14,
        help_text=_("Numéro d'entreprise du Québec : 10 chiffres commençant par 11, 22, 33 ou 88."),
    )
    claimed_accreditations = forms.MultipleChoiceField(
        label=_("Accréditations détenues"),
        choices=Accreditation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Elles seront affichées publiquement une fois vérifiées par le personnel du ministère."),
    )
    logo = forms.FileField(
        label=_("Logo (facultatif)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Supplier
        fields = [
            "name",
            "neq",
            "legal_form",
            "coop_type",
            "description_fr",
            "description_en",
            "website",
            "email",
            "phone",
            "address",
            "city",
            "postal_code",
            "head_office_region",
            "serves_all_quebec",
            "regions_served",
            "employees_band",
        ]
        widgets = {
            "legal_form": forms.RadioSelect,
            "regions_served": forms.CheckboxSelectMultiple,
            "description_fr": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"name": _("Nom de l'entreprise")}
        help_texts = {
            "coop_type": _("Pour une coopérative seulement."),
            "description_en": _("Facultative ; affichée aux personnes qui consultent le site en anglais."),
            "email": _("Adresse affichée publiquement pour joindre l'entreprise."),
            "postal_code": _("Format A1A 1A1."),
            "regions_served": _("Cochez les régions où vous livrez ou offrez vos services."),
        }

    def __init__(self, *args, neq_editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_supplier = None
        self.fields["neq"].disabled = not neq_editable
        self.fields["head_office_region"].empty_label = _("Choisissez une région")
        self.fields["coop_type"].choices = [
            ("", _("Sans objet (OBNL)")),
            *self.fields["coop_type"].choices[1:],
        ]
        self.fields["legal_form"].choices = [c for c in self.fields["legal_form"].choices if c[0]]
        self.fields["regions_served"].queryset = Region.objects.order_by("code")
        self.fields["description_fr"].required = True
        self.fields["logo"].help_text = _(
            "Image JPEG, PNG ou WebP de 2 Mo au plus et d'au plus %(max)s pixels de côté."
        ) % {"max": LOGO_MAX_SIDE}

    def clean_neq(self):
        neq = normalize_neq(self.cleaned_data["neq"])
        validate_neq(neq)
        existing = Supplier.objects.filter(neq=neq).exclude(pk=self.instance.pk).first()
        if existing is not None:
            self.existing_supplier = existing
            raise ValidationError(
                _(
                    "Une fiche existe déjà pour le NEQ %(neq)s : vous pouvez demander à la gérer "
                    "plutôt que d'en créer une autre."
                ),
                code="neq_listed",
                params={"neq": neq},
            )
        return neq

    def clean_postal_code(self):
        return normalize_postal_code(self.cleaned_data["postal_code"])

    def clean_logo(self):
        uploaded = self.cleaned_data.get("logo")
        if not uploaded:
            return None
        return logo_to_png(uploaded)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("serves_all_quebec"):
            cleaned["regions_served"] = Region.objects.none()
        elif "regions_served" in cleaned and not cleaned["regions_served"]:
            self.add_error(
                "regions_served",
                _("Cochez au moins une région desservie, ou indiquez que vous desservez tout le Québec."),
            )
        return cleaned

    def _get_validation_exclusions(self):
        # The NEQ's uniqueness is checked in clean_neq, with a message that offers to claim the listing.
        return {*super()._get_validation_exclusions(), "neq"}


def category_choices():
    """Categories grouped by sector, for the offering form's select (one query for all rows)."""
    sectors = {sector.code: sector.name for sector in Sector.objects.all()}
    groups: dict[str, list] = {}
    for category in Category.objects.order_by("sector__position", "position", "code"):
        groups.setdefault(sectors[category.sector_id], []).append((category.code, category.name))
    return [("", _("Choisissez une catégorie")), *groups.items()]


class OfferingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=OfferingKind.choices, initial=OfferingKind.SERVICE)
    title = forms.CharField(label=_("Titre de l'offre"), max_length=200)
    description = forms.CharField(
        label=_("Description de l'offre"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Catégorie"))

    def __init__(self, *args, category_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices


class BaseOfferingFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Décrivez au moins une offre (un bien ou un service)."),
        "too_many_forms": _("Une fiche compte au plus %(num)d offres."),
    }

    def offerings(self):
        return [
            {field: form.cleaned_data[field] for field in ("kind", "title", "description", "category")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.offerings():
            raise ValidationError(self.error_messages["too_few_forms"], code="too_few_forms")


OfferingFormSet = forms.formset_factory(
    OfferingForm, formset=BaseOfferingFormSet, extra=2, can_delete=True, max_num=50, validate_max=True
)
OFFERINGS_PREFIX = "offres"


def listing_data(form: ListingForm, formset) -> dict:
    """The listing as plain data (see enterprises.services.listing_snapshot) from valid forms."""
    cleaned = form.cleaned_data
    data = {
        name: cleaned[name]
        for name in ListingForm.Meta.fields
        if name not in {"head_office_region", "regions_served"}
    }
    data["head_office_region"] = cleaned["head_office_region"].code
    data["regions_served"] = sorted(region.code for region in cleaned["regions_served"])
    data["offerings"] = formset.offerings()
    data["categories"] = sorted({offering["category"] for offering in data["offerings"]})
    data["claimed_accreditations"] = sorted(cleaned["claimed_accreditations"])
    return data


def listing_initial(data: dict) -> tuple[dict, list[dict]]:
    """Initial values for the listing form and the offering formset from listing data."""
    initial = {key: value for key, value in data.items() if key not in {"offerings", "categories", "logo"}}
    return initial, list(data["offerings"])


class ClaimLookupForm(forms.Form):
    neq = forms.CharField(
        label=_("NEQ de l'entreprise"),
        max_length=14,
        help_text=_("Numéro d'entreprise du Québec : 10 chiffres commençant par 11, 22, 33 ou 88."),
    )

    def clean_neq(self):
        neq = normalize_neq(self.cleaned_data["neq"])
        validate_neq(neq)
        return neq


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Votre lien avec l'entreprise"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Par exemple : votre poste et comment le personnel du ministère peut le vérifier."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Courriel de votre collègue"))


class DecisionForm(forms.Form):
    """Staff's decision on a request: a reason is required to refuse, and is sent to whoever asked."""

    refusal_reason_required = _("Indiquez le motif du refus : il sera transmis à l'entreprise.")

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision

    def clean(self):
        cleaned = super().clean()
        if self.decision == "refuse" and not cleaned.get("reason", "").strip():
            self.add_error("reason", self.refusal_reason_required)
        return cleaned


class RevisionDecisionForm(DecisionForm):
    """Approving a listing or a revision also sets the verified accreditations."""

    verified_accreditations = forms.MultipleChoiceField(
        label=_("Accréditations vérifiées (affichées publiquement)"),
        choices=Accreditation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Motif (obligatoire pour refuser ; transmis à l'entreprise)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClaimDecisionForm(DecisionForm):
    refusal_reason_required = _("Indiquez le motif du refus : il sera transmis au demandeur.")

    reason = forms.CharField(
        label=_("Motif (obligatoire pour refuser ; transmis au demandeur)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
