from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buyers.models import Shortlist
from suppliers.models import Accreditation, Category, LegalForm, Region, Sector
from suppliers.validators import normalize_neq

from .business_days import add_business_days
from .files import ACCEPT, MAX_FILE_BYTES, check_document
from .models import (
    MAX_ATTACHMENTS,
    MAX_QUESTIONS,
    MIN_RESPONSE_BUSINESS_DAYS,
    QUESTION_MAX_LENGTH,
    DeclineReason,
    Need,
    NeedAttachment,
    NeedKind,
    OutcomeMode,
)

QUESTION_FIELDS = [f"question_{n}" for n in range(1, MAX_QUESTIONS + 1)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several documents at once; each one's type is read from its content (``needs.files``)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned, errors = [], []
        for uploaded in files:
            try:
                uploaded = super().clean(uploaded, initial)
                cleaned.append((uploaded, check_document(uploaded)))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned


class DocumentField(forms.FileField):
    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        return uploaded, check_document(uploaded)


def documents_help():
    return _("PDF, DOCX, XLSX, ODT ou ODS, %(size)s Mo au plus chacun.") % {"size": MAX_FILE_BYTES // 2**20}


class NeedForm(forms.ModelForm):
    """The need as the buyer writes it. Once published, only ``Need.EDITABLE_AFTER_PUBLICATION`` stays."""

    attachments = DocumentsField(label=_("Ajouter des pièces jointes"), required=False)
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Retirer des pièces jointes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Need
        fields = [
            "kind",
            "seao_url",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "categories",
            "all_quebec",
            "regions",
            "include_all_quebec_suppliers",
            "delivery_place",
            "accreditations",
            "legal_forms",
            "estimated_amount",
            "show_amount",
            "response_deadline",
            "start_date",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "categories": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "description_fr": forms.Textarea(attrs={"rows": 8}),
            "description_en": forms.Textarea(attrs={"rows": 8}),
            "response_deadline": DateInput,
            "start_date": DateInput,
        }
        labels = {"all_quebec": _("Le besoin couvre tout le Québec")}
        help_texts = {
            "seao_url": _("Pour un avis publié au SEAO seulement : l'adresse de l'avis."),
            "title_en": _("Facultatif ; montré aux personnes qui consultent le site en anglais."),
            "description_fr": _(
                "Décrivez ce que vous achetez, les quantités et les exigences. N'y mettez aucun renseignement "
                "personnel : vos coordonnées sont transmises aux fournisseurs intéressés."
            ),
            "description_en": _("Facultative."),
            "regions": _("Les régions où le bien est livré ou le service rendu."),
            "include_all_quebec_suppliers": _(
                "Les fournisseurs qui desservent tout le Québec reçoivent aussi le besoin."
            ),
            "accreditations": _(
                "Facultatif : seuls les fournisseurs qui détiennent l'une d'elles sont avisés."
            ),
            "legal_forms": _("Facultatif : seuls les fournisseurs de l'une de ces formes sont avisés."),
            "estimated_amount": _("Facultatif ; en dollars, taxes en sus."),
            "show_amount": _("Sinon, seul le personnel du ministère le voit."),
            "start_date": _("Facultative ; pas avant la date limite de réponse."),
        }

    def __init__(self, *args, published=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.published = published
        for number, name in enumerate(QUESTION_FIELDS, start=1):
            self.fields[name] = forms.CharField(
                label=_("Question %(number)s") % {"number": number},
                max_length=QUESTION_MAX_LENGTH,
                required=False,
            )
            if self.instance.pk and len(self.instance.questions) >= number:
                self.initial.setdefault(name, self.instance.questions[number - 1])
        self.fields["kind"].choices = NeedKind.choices
        self.fields["categories"].queryset = Category.objects.order_by("sector__position", "position", "code")
        self.fields["regions"].queryset = Region.objects.order_by("code")
        self.fields["regions"].required = False
        self.fields["accreditations"] = forms.MultipleChoiceField(
            label=_("Accréditations recherchées"),
            choices=Accreditation.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=self.Meta.help_texts["accreditations"],
        )
        self.fields["legal_forms"] = forms.MultipleChoiceField(
            label=_("Formes juridiques recherchées"),
            choices=LegalForm.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=self.Meta.help_texts["legal_forms"],
        )
        self.fields["seao_url"].assume_scheme = "https"
        self.fields["response_deadline"].help_text = _(
            "Au moins %(days)s jours ouvrables après aujourd'hui (fins de semaine et jours fériés exclus)."
        ) % {"days": MIN_RESPONSE_BUSINESS_DAYS}
        self.fields["attachments"].help_text = (
            documents_help() + " " + str(_("Trois pièces jointes au plus par besoin."))
        )
        self.fields["remove_attachments"].queryset = (
            self.instance.attachments.all() if self.instance.pk else NeedAttachment.objects.none()
        )
        if published:
            for name in list(self.fields):
                if name not in (*Need.EDITABLE_AFTER_PUBLICATION, "attachments", "remove_attachments"):
                    del self.fields[name]

    def category_groups(self):
        """The category checkboxes grouped by sector, for one fieldset per sector."""
        sectors = {sector.code: sector.name for sector in Sector.objects.all()}
        by_code = {str(widget.data["value"]): widget for widget in self["categories"].subwidgets}
        groups: dict[str, list] = {}
        for category in self.fields["categories"].queryset:
            groups.setdefault(sectors[category.sector_id], []).append(by_code[category.code])
        return list(groups.items())

    def clean_response_deadline(self):
        deadline = self.cleaned_data["response_deadline"]
        earliest = add_business_days(timezone.localdate(), MIN_RESPONSE_BUSINESS_DAYS)
        unchanged = self.instance.pk and deadline == self.instance.response_deadline and self.published
        if deadline < earliest and not unchanged:
            raise ValidationError(
                _("Laissez au moins %(days)s jours ouvrables aux fournisseurs : le %(date)s au plus tôt."),
                code="deadline_too_soon",
                params={"days": MIN_RESPONSE_BUSINESS_DAYS, "date": earliest.strftime("%Y-%m-%d")},
            )
        return deadline

    def clean(self):
        cleaned = super().clean()
        if not self.published:
            if cleaned.get("all_quebec"):
                cleaned["regions"] = Region.objects.none()
            elif "regions" in cleaned and not cleaned["regions"]:
                self.add_error(
                    "regions",
                    _("Cochez au moins une région, ou indiquez que le besoin couvre tout le Québec."),
                )
            if cleaned.get("kind") == NeedKind.SEAO_NOTICE and not cleaned.get("seao_url"):
                self.add_error("seao_url", _("Indiquez l'adresse de l'avis publié au SEAO."))
            cleaned["questions"] = [
                cleaned[name].strip() for name in QUESTION_FIELDS if cleaned.get(name, "").strip()
            ]
        deadline, start = cleaned.get("response_deadline"), cleaned.get("start_date")
        if deadline and start and start < deadline:
            self.add_error("start_date", _("Le début prévu ne peut pas précéder la date limite de réponse."))
        if cleaned.get("show_amount") and cleaned.get("estimated_amount") is None:
            self.add_error("estimated_amount", _("Indiquez le montant à montrer, ou décochez la case."))
        amount = cleaned.get("estimated_amount")
        if amount is not None and amount < 0:
            self.add_error("estimated_amount", _("Le montant ne peut pas être négatif."))
        kept = len(self.fields["remove_attachments"].queryset) - len(cleaned.get("remove_attachments") or [])
        if kept + len(cleaned.get("attachments") or []) > MAX_ATTACHMENTS:
            self.add_error("attachments", _("Un besoin compte au plus trois pièces jointes."))
        return cleaned

    def _post_clean(self):
        # The need is written by needs.services, not by ModelForm.save(); only field validation is wanted here.
        pass

    def need_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name not in QUESTION_FIELDS}
        if "categories" in data:
            data["categories"] = [category.code for category in data["categories"]]
            data["regions"] = [region.code for region in data["regions"]]
        return data


class InviteesForm(forms.Form):
    invitees = forms.MultipleChoiceField(
        label=_("Entreprises invitées"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suppliers = {str(supplier.pk): supplier for supplier in suppliers}
        self.fields["invitees"].choices = [(pk, supplier.name) for pk, supplier in self.suppliers.items()]


class InterestedForm(forms.Form):
    price = forms.DecimalField(
        label=_("Prix proposé ($, facultatif)"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    document = DocumentField(label=_("Document (facultatif)"), required=False)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.question_names = []
        for number, question in enumerate(questions, start=1):
            name = f"answer_{number}"
            self.fields[name] = forms.CharField(
                label=question, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.question_names.append(name)
        self.order_fields([*self.question_names, "price", "document"])
        self.fields["document"].help_text = documents_help()
        self.fields["document"].widget.attrs["accept"] = ACCEPT

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.question_names]


class NotInterestedForm(forms.Form):
    reason = forms.ChoiceField(label=_("Raison"), choices=DeclineReason.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour « Autre raison »."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == DeclineReason.OTHER and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Précisez la raison."))
        return cleaned


class ClarificationForm(forms.Form):
    question = forms.CharField(
        label=_("Votre question à l'acheteur"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "La question et sa réponse seront transmises à toutes les entreprises avisées, sans votre nom."
        ),
    )


class ClarificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Réponse"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Transmise avec la question à toutes les entreprises avisées."),
    )


class WithdrawForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux entreprises avisées (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(forms.Form):
    awarded = forms.TypedChoiceField(
        label=_("Un contrat a-t-il été attribué ?"),
        choices=[("yes", _("Oui")), ("no", _("Non"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    mode = forms.ChoiceField(
        label=_("Mode d'attribution"), choices=[("", "—"), *OutcomeMode.choices], required=False
    )
    retained = forms.ModelMultipleChoiceField(
        label=_("Entreprises retenues"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_supplier = forms.CharField(label=_("Autre fournisseur retenu"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Montant du contrat ($)"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    seao_number = forms.CharField(label=_("Numéro SEAO (s'il y a lieu)"), max_length=30, required=False)

    def __init__(self, *args, recipients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retained"].queryset = recipients
        self.fields["retained"].label_from_instance = lambda recipient: recipient.supplier.name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("awarded"):
            if not cleaned.get("mode"):
                self.add_error("mode", _("Indiquez le mode d'attribution."))
            if not cleaned.get("retained") and not cleaned.get("other_supplier", "").strip():
                self.add_error(
                    "retained", _("Cochez l'entreprise retenue, ou nommez l'autre fournisseur retenu.")
                )
        return cleaned


# --- Staff (admin) ---


class StaffDecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message à l'acheteur (obligatoire pour demander des modifications ou refuser)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


class AddRecipientForm(forms.Form):
    neq = forms.CharField(label=_("NEQ du fournisseur à ajouter"), max_length=14)

    def clean_neq(self):
        return normalize_neq(self.cleaned_data["neq"])


class NarrowForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("Catégories gardées"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Régions gardées"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    include_all_quebec_suppliers = forms.BooleanField(
        label=_("Inclure les fournisseurs qui desservent tout le Québec"), required=False
    )

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = need.categories.all()
        self.fields["regions"].queryset = Region.objects.all() if need.all_quebec else need.regions.all()
        self.initial.setdefault("categories", list(need.categories.all()))
        self.initial.setdefault("regions", [] if need.all_quebec else list(need.regions.all()))
        self.initial.setdefault("include_all_quebec_suppliers", need.include_all_quebec_suppliers)


class ShortlistAddForm(forms.Form):
    """Keep some of a need's recipients in one of the buyer's lists, or in a new one."""

    recipients = forms.TypedMultipleChoiceField(label=_("Entreprises"), coerce=int)
    shortlist = forms.ModelChoiceField(
        label=_("Liste restreinte"),
        queryset=Shortlist.objects.none(),
        required=False,
        empty_label=_("Nouvelle liste"),
    )
    new_name = forms.CharField(
        label=_("Nom de la nouvelle liste"),
        max_length=150,
        required=False,
        help_text=_("Par défaut, la référence et le titre du besoin."),
    )

    def __init__(self, *args, buyer, recipient_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortlist"].queryset = Shortlist.objects.owned_by(buyer).order_by("name")
        self.fields["recipients"].choices = [(pk, pk) for pk in recipient_ids]
