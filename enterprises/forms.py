import secrets

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from suppliers.logos import LOGO_MAX_SIDE, clean_logo
from suppliers.models import (
    MAX_OFFERINGS,
    OFFERING_DESCRIPTION_MAX_LENGTH,
    Accreditation,
    Category,
    OfferingKind,
    Region,
    Sector,
    Supplier,
    validate_service_area,
)
from suppliers.validators import normalize_neq, normalize_postal_code, validate_neq

from .listing_data import SCALAR_FIELDS
from .models import NEQ_UNAVAILABLE, MembershipRole

# A logo chosen in a form sent back with errors waits this long for the corrected form.
KEPT_LOGO_SECONDS = 3600


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
    # A logo kept from a previous submit of this form (see keep_logo).
    logo_kept = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # What the person saw when the form opened (enterprises.listing_data.edit_token), to detect a change since.
    version = forms.CharField(required=False, max_length=500_000, widget=forms.HiddenInput)

    class Meta:
        model = Supplier
        fields = [*SCALAR_FIELDS, "head_office_region", "regions_served"]
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

    def __init__(self, *args, neq_editable=True, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kept_logo = None
        self.neq_unavailable = None
        self.fields["neq"].disabled = not neq_editable
        self.fields["head_office_region"].empty_label = _("Choisissez une région")
        self.fields["coop_type"].choices = [
            ("", _("Sans objet (OBNL)")),
            *self.fields["coop_type"].choices[1:],
        ]
        self.fields["employees_band"].choices = [
            ("", _("Non précisé")),
            *self.fields["employees_band"].choices[1:],
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
        if Supplier.objects.filter(neq=neq).exclude(pk=self.instance.pk).exists():
            # Say that the NEQ cannot be used, not what holds it: the claim page is the way to it.
            self.neq_unavailable = neq
            raise ValidationError(NEQ_UNAVAILABLE, code="neq_unavailable")
        return neq

    def clean_postal_code(self):
        return normalize_postal_code(self.cleaned_data["postal_code"])

    def _kept_logo_key(self, token):
        return f"kept-logo:{getattr(self.user, 'pk', '')}:{token}"

    def clean_logo(self):
        uploaded = self.cleaned_data.get("logo")
        if uploaded:
            return clean_logo(uploaded)
        token = self.data.get(self.add_prefix("logo_kept"), "")
        self.kept_logo = cache.get(self._kept_logo_key(token)) if token else None
        return self.kept_logo

    def keep_logo(self):
        """The form goes back to the person: keep the logo they chose (browsers empty file fields) for the next
        submit, which then needs no new file."""
        logo = getattr(self, "cleaned_data", {}).get("logo")
        if logo is None:
            return
        token = secrets.token_urlsafe(24)
        cache.set(self._kept_logo_key(token), logo, KEPT_LOGO_SECONDS)
        self.data = self.data.copy()
        self.data[self.add_prefix("logo_kept")] = token
        self.kept_logo = logo

    def set_version(self, token):
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = token

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("serves_all_quebec"):
            cleaned["regions_served"] = Region.objects.none()
        elif "regions_served" in cleaned:
            try:
                validate_service_area(serves_all_quebec=False, regions=cleaned["regions_served"])
            except ValidationError as error:
                self.add_error("regions_served", error)
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
        label=_("Description de l'offre"),
        required=False,
        max_length=OFFERING_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
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


# One offering to fill at least, one blank row to add another; a posted count beyond MAX_OFFERINGS is refused with
# a form error, never built (Django would otherwise build up to 1,000 forms more than max_num).
OfferingFormSet = forms.formset_factory(
    OfferingForm,
    formset=BaseOfferingFormSet,
    extra=1,
    min_num=1,
    can_delete=True,
    max_num=MAX_OFFERINGS,
    absolute_max=MAX_OFFERINGS,
    validate_max=True,
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
    """Staff's decision on a request; refusing needs a reason (the model checks it: ``DecisionMixin.decide``)."""

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision


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
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClaimDecisionForm(DecisionForm):
    reason = forms.CharField(
        label=_("Motif (obligatoire pour refuser ; transmis au demandeur)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remove_other_members = forms.BooleanField(
        label=_("NEQ accaparé : retirer l'accès des membres actuels et confier la fiche au demandeur"),
        required=False,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=MembershipRole.choices)
