from allauth.account.forms import SignupForm
from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import Category, Region

from . import services
from .models import (
    NOTE_MAX_LENGTH,
    BuyerOrganisation,
    Nature,
    OrganisationDomain,
    OrganisationKind,
    ProcurementMode,
    SavedSearch,
    Shortlist,
    ShortlistEntry,
)

NEW_SHORTLIST = "new"
ORGANISATIONS_DATALIST = "organisations-connues"
MAX_AMOUNT = 10_000_000_000


class BuyerSignupForm(SignupForm):
    """allauth's sign-up (same account, same email verification) plus who the buyer is and for which body."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    job_title = forms.CharField(
        label=_("Fonction"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : conseillère en approvisionnement."),
    )
    organisation = forms.CharField(
        label=_("Organisme public"),
        max_length=200,
        help_text=_(
            "Son nom complet. Si votre adresse courriel appartient à un organisme connu du répertoire, "
            "c'est cet organisme qui est retenu."
        ),
        widget=forms.TextInput(attrs={"list": ORGANISATIONS_DATALIST, "autocomplete": "organization"}),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Type d'organisme"),
        choices=[("", _("— Choisir —")), *OrganisationKind.choices],
        required=False,
        help_text=_("Nécessaire seulement si votre organisme n'est pas encore dans la liste."),
    )
    organisation_region = forms.ModelChoiceField(
        label=_("Région de l'organisme"),
        queryset=Region.objects.order_by("code"),
        required=False,
        empty_label=_("— Choisir —"),
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "job_title",
        "organisation",
        "organisation_kind",
        "organisation_region",
        "password1",
        "password2",
    ]

    def clean(self):
        data = super().clean()
        email, name = data.get("email"), (data.get("organisation") or "").strip()
        if email and name and not data.get("organisation_kind"):
            known = (
                OrganisationDomain.objects.owning(email).exists()
                or BuyerOrganisation.objects.filter(name__iexact=name).exists()
            )
            if not known:
                self.add_error(
                    "organisation_kind",
                    _("Cet organisme n'est pas encore dans le répertoire : précisez de quel type il est."),
                )
        return data

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            data = self.cleaned_data
            organisation = services.organisation_for_signup(
                email=data["email"],
                name=data["organisation"],
                kind=data.get("organisation_kind") or OrganisationKind.OTHER,
                region=data.get("organisation_region"),
            )
            services.buyer_register(user=user, organisation=organisation, job_title=data.get("job_title", ""))
        return user


class ShortlistForm(forms.ModelForm):
    class Meta:
        model = Shortlist
        fields = ["name", "purpose", "category", "region", "estimated_amount", "visibility"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("position", "code")
        self.fields["region"].queryset = Region.objects.order_by("code")
        self.fields["estimated_amount"].max_value = MAX_AMOUNT
        self.fields["estimated_amount"].widget.attrs["max"] = MAX_AMOUNT


class AddToShortlistForm(forms.Form):
    """The one action "add to a list", from a result card or the supplier page, without JavaScript."""

    supplier = forms.CharField(max_length=10, widget=forms.HiddenInput)
    shortlist = forms.ChoiceField(label=_("Liste"))
    new_name = forms.CharField(label=_("Nom de la nouvelle liste"), max_length=150, required=False)
    note = forms.CharField(
        label=_("Note (privée)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, shortlists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortlist"].choices = [
            *((str(shortlist.pk), shortlist.name) for shortlist in shortlists),
            (NEW_SHORTLIST, _("Nouvelle liste")),
        ]


class EntryForm(forms.ModelForm):
    class Meta:
        model = ShortlistEntry
        fields = ["decision", "decided_on", "note"]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        }

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError(_("La date de la décision ne peut pas être dans le futur."))
        return decided_on


class RecordForm(forms.Form):
    need = forms.CharField(
        label=_("Besoin"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que l'organisme doit acheter, et pour quand."),
    )
    estimated_amount = forms.IntegerField(
        label=_("Montant estimé ($)"),
        min_value=0,
        max_value=MAX_AMOUNT,
        help_text=_("En dollars, taxes exclues."),
    )
    nature = forms.ChoiceField(label=_("Nature du contrat"), choices=Nature.choices, widget=forms.RadioSelect)
    mode_considered = forms.ChoiceField(
        label=_("Mode de sollicitation envisagé"), choices=ProcurementMode.choices
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Pourquoi ce mode, et pourquoi ces fournisseurs ont été sollicités."),
    )
    selected = forms.MultipleChoiceField(label=_("Fournisseurs sollicités"), required=False)

    def __init__(self, *args, neqs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(neq, neq) for neq in neqs]


class AddendumForm(forms.Form):
    retained_neq = forms.ChoiceField(label=_("Fournisseur retenu"), required=False)
    amount = forms.IntegerField(
        label=_("Montant du contrat ($)"), min_value=0, max_value=MAX_AMOUNT, required=False
    )
    seao_number = forms.CharField(label=_("Numéro SEAO"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Précisions"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retained_neq"].choices = [
            ("", _("— Aucun —")),
            *((row["neq"], f"{row['name']} ({row['neq']})") for row in record.snapshot),
        ]

    def clean(self):
        data = super().clean()
        if not (
            data.get("retained_neq")
            or data.get("amount") is not None
            or (data.get("seao_number") or "").strip()
            or (data.get("note") or "").strip()
        ):
            raise forms.ValidationError(_("Un addenda doit contenir au moins un renseignement."))
        return data


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "frequency"]
        widgets = {"frequency": forms.RadioSelect}


class FrequencyForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["frequency"]


class VerificationForm(forms.Form):
    reference = forms.RegexField(
        label=_("Référence du dossier"),
        regex=r"^RM-[0-9]{4}-[0-9]{5,}$",
        max_length=20,
        help_text="RM-2026-00042",
    )
    checksum = forms.RegexField(
        label=_("Empreinte SHA-256 imprimée"),
        regex=r"^[0-9a-fA-F]{64}$",
        max_length=64,
        help_text=_("Les 64 caractères imprimés sur le dossier."),
    )

    def clean_checksum(self):
        return self.cleaned_data["checksum"].lower()
