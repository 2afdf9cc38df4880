"""The need itself: its kinds and statuses, the one method that changes its status, its status history, its
reference numbers, its attachments, and the rule that matches it to suppliers."""

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buyers.models import Buyer, BuyerOrganisation
from suppliers.models import Accreditation, Category, HttpsURLField, LegalForm, Region, Supplier

from ..storage import private_storage

MAX_QUESTIONS = 5
QUESTION_MAX_LENGTH = 300
MAX_ATTACHMENTS = 3
# A buyer asks for at least this many business days to answer (holidays are data: ``Holiday``).
MIN_RESPONSE_BUSINESS_DAYS = 5
# Recipients who have not opened the need are reminded once, this many business days after publication.
AUTOMATIC_REMINDER_BUSINESS_DAYS = 2
MAX_BUYER_REMINDERS = 2
BUYER_REMINDER_INTERVAL = timedelta(hours=24)
# A need sent back for changes is refused when the buyer has not resubmitted it within this delay.
CHANGES_REQUESTED_EXPIRY = timedelta(days=10)
# The author is asked for the outcome this long after the deadline.
OUTCOME_REQUEST_DELAY = timedelta(days=7)
# Above this many recipients staff narrow the targeting before publishing.
MAX_RECIPIENTS = 100
# For an invitation, municipal rules ask for at least this many invitees in a band of amounts (DOMAIN.md).
MIN_INVITEES = 2


class Holiday(models.Model):
    """A day government offices are closed: not a business day when counting a response deadline."""

    date = models.DateField(_("date"), primary_key=True)
    name_fr = models.CharField(_("nom (français)"), max_length=100)
    name_en = models.CharField(_("nom (anglais)"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("jour férié")
        verbose_name_plural = _("jours fériés")

    def __str__(self):
        name = self.name_en if get_language() == "en" else self.name_fr
        return f"{self.date.isoformat()} — {name}"


class NeedKind(models.TextChoices):
    MARKET_SOUNDING = "market_sounding", _("Appel d'intérêt")
    PRICE_REQUEST = "price_request", _("Demande de prix")
    INVITATION = "invitation", _("Invitation de l'acheteur")
    SEAO_NOTICE = "seao_notice", _("Avis publié au SEAO")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis, en attente de validation")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    PUBLISHED = "published", _("Publié")
    CLOSED = "closed", _("Fermé")
    OUTCOME_RECORDED = "outcome_recorded", _("Résultat consigné")
    REJECTED = "rejected", _("Refusé")
    WITHDRAWN = "withdrawn", _("Retiré")


class OutcomeMode(models.TextChoices):
    MUTUAL_AGREEMENT = "mutual_agreement", _("Gré à gré")
    INVITATION = "invitation", _("Appel d'offres sur invitation")
    PUBLIC_TENDER = "public_tender", _("Appel d'offres public")
    REGIONAL_TENDER = "regional_tender", _("Appel d'offres public régionalisé")
    GROUP_PURCHASE = "group_purchase", _("Achat regroupé")
    OTHER = "other", _("Autre")


class InvalidNeedStatusChange(ValidationError):
    pass


def amount_band(amount) -> str:
    """The band an estimated amount falls in (statistics keep the band, not the amount)."""
    if amount is None:
        return ""
    for upper, band in AMOUNT_BANDS:
        if upper is None or amount < upper:
            return band
    return ""


# Upper bounds (exclusive) at the contract thresholds buyers meet most (DOMAIN.md).
AMOUNT_BANDS = [(25_000, "0-24999"), (100_000, "25000-99999"), (None, "100000+")]


def new_seed() -> int:
    return secrets.randbelow(2**31)


def deadline_instant(day):
    """The moment a response deadline passes: the end of that day in Québec."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class NeedQuerySet(models.QuerySet):
    def of_organisation(self, organisation_id):
        return self.filter(organisation_id=organisation_id)

    def waiting_for_validation(self):
        """Staff's queue: submitted needs, oldest submission first."""
        return self.filter(status=NeedStatus.SUBMITTED).order_by("submitted_at", "pk")

    def past_deadline(self, now=None):
        now = now or timezone.now()
        return self.filter(response_deadline__lt=timezone.localdate(now))

    def visible_to_suppliers(self):
        return self.filter(status__in=Need.SUPPLIER_VISIBLE_STATUSES)

    def with_page_details(self):
        """What the buyer's need page shows beside its recipients, in the need's own query: category and region
        names, recipient counts per tab, the times of the buyer's reminders."""
        from .recipients import Answer, BuyerReminder, Recipient

        categories = (
            Category.objects.filter(needs=OuterRef("pk"))
            .order_by("position", "code")
            .values(json=JSONObject(code="code", fr="name_fr", en="name_en"))
        )
        regions = (
            Region.objects.filter(needs=OuterRef("pk"))
            .order_by("code")
            .values(json=JSONObject(code="code", name="name"))
        )
        counts = (
            Recipient.objects.filter(need=OuterRef("pk"), excluded=False)
            .values("need")
            .annotate(
                json=JSONObject(
                    all=Count("pk"),
                    viewed=Count("pk", filter=Q(viewed_at__isnull=False)),
                    interested=Count("pk", filter=Q(answer=Answer.INTERESTED)),
                    not_interested=Count("pk", filter=Q(answer=Answer.NOT_INTERESTED)),
                )
            )
            .values("json")
        )
        reminders = BuyerReminder.objects.filter(need=OuterRef("pk")).order_by("-sent_at").values("sent_at")
        return self.annotate(
            category_list=ArraySubquery(categories),
            region_list=ArraySubquery(regions),
            recipient_counts=Subquery(counts),
            reminder_times=ArraySubquery(reminders),
        )

    def with_recipient_counts(self):
        active = Q(recipients__excluded=False)
        return self.annotate(
            recipient_count=Count("recipients", filter=active),
            interested_count=Count("recipients", filter=active & Q(recipients__answer="interested")),
        )


class Need(models.Model):
    """What a buyer wants to buy, described once, validated by staff, sent to the suppliers that match."""

    reference = models.CharField(_("référence"), max_length=16, unique=True, editable=False)
    organisation = models.ForeignKey(
        BuyerOrganisation, on_delete=models.PROTECT, related_name="needs", verbose_name=_("organisme")
    )
    # Emptied when the author's account is deleted (needs/personal_data.py): the need's facts stay for statistics.
    author = models.ForeignKey(
        Buyer, on_delete=models.SET_NULL, null=True, related_name="needs", verbose_name=_("auteur")
    )
    kind = models.CharField(_("type de démarche"), max_length=20, choices=NeedKind.choices)
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (français)"), max_length=5000)
    description_en = models.TextField(_("description (anglais)"), max_length=5000, blank=True)
    categories = models.ManyToManyField(
        Category, related_name="needs", verbose_name=_("catégories de biens et services")
    )
    all_quebec = models.BooleanField(_("pour tout le Québec"), default=False)
    regions = models.ManyToManyField(Region, related_name="needs", blank=True, verbose_name=_("régions"))
    delivery_place = models.CharField(_("lieu de livraison ou de prestation"), max_length=200)
    include_all_quebec_suppliers = models.BooleanField(
        _("inclure les fournisseurs qui desservent tout le Québec"), default=True
    )
    accreditations = ArrayField(
        models.CharField(max_length=20, choices=Accreditation.choices),
        verbose_name=_("accréditations recherchées"),
        default=list,
        blank=True,
    )
    legal_forms = ArrayField(
        models.CharField(max_length=20, choices=LegalForm.choices),
        verbose_name=_("formes juridiques recherchées"),
        default=list,
        blank=True,
    )
    estimated_amount = models.DecimalField(
        _("montant estimé ($)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    show_amount = models.BooleanField(_("montrer le montant estimé aux fournisseurs"), default=False)
    response_deadline = models.DateField(_("date limite de réponse"))
    start_date = models.DateField(_("date de début prévue"), null=True, blank=True)
    seao_url = HttpsURLField(_("adresse de l'avis au SEAO"), max_length=500, blank=True)
    questions = ArrayField(
        models.CharField(max_length=QUESTION_MAX_LENGTH),
        verbose_name=_("questions aux fournisseurs"),
        default=list,
        blank=True,
        size=MAX_QUESTIONS,
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(_("statut changé le"), default=timezone.now)
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)
    # Recipients are listed in a random order fixed per need (rotation, never popularity).
    seed = models.PositiveIntegerField(default=new_seed, editable=False)
    # Incremented by each edit after publication (each one notifies every recipient again).
    edition = models.PositiveSmallIntegerField(_("version"), default=0, editable=False)
    outcome_awarded = models.BooleanField(_("contrat attribué"), null=True, blank=True)
    outcome_mode = models.CharField(
        _("mode d'attribution"), max_length=20, choices=OutcomeMode.choices, blank=True
    )
    outcome_supplier_name = models.CharField(_("autre fournisseur retenu"), max_length=200, blank=True)
    outcome_amount = models.DecimalField(
        _("montant du contrat ($)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    outcome_seao_number = models.CharField(_("numéro SEAO"), max_length=30, blank=True)
    automatic_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    digest_sent_until = models.DateTimeField(null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(_("données personnelles purgées le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = NeedQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[categories, regions],
        excluded_fields=[
            "automatic_reminder_at",
            "outcome_requested_at",
            "digest_sent_until",
            "updated_at",
            "seed",
        ],
    )

    SUPPLIER_VISIBLE_STATUSES = ("published", "closed", "outcome_recorded", "withdrawn")
    # Fields the author may still change once the need is published (each change notifies the recipients).
    EDITABLE_AFTER_PUBLICATION = (
        "title_fr",
        "title_en",
        "description_fr",
        "description_en",
        "delivery_place",
        "estimated_amount",
        "show_amount",
        "response_deadline",
        "start_date",
        "seao_url",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=r"^B-[0-9]{4}-[0-9]{4,}$"), name="need_reference_format"
            ),
            models.CheckConstraint(condition=Q(kind__in=NeedKind.values), name="need_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status_valid"),
            models.CheckConstraint(condition=~Q(title_fr=""), name="need_title_fr_required"),
            models.CheckConstraint(condition=~Q(description_fr=""), name="need_description_fr_required"),
            models.CheckConstraint(
                condition=Q(accreditations__contained_by=Accreditation.values),
                name="need_accreditations_valid",
            ),
            models.CheckConstraint(
                condition=Q(legal_forms__contained_by=LegalForm.values), name="need_legal_forms_valid"
            ),
            models.CheckConstraint(
                condition=Q(questions__len__lte=MAX_QUESTIONS), name="need_at_most_5_questions"
            ),
            models.CheckConstraint(
                condition=Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0),
                name="need_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(show_amount=False) | Q(estimated_amount__isnull=False),
                name="need_shown_amount_exists",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__gte=F("response_deadline")),
                name="need_start_not_before_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(kind=NeedKind.SEAO_NOTICE) | ~Q(seao_url=""), name="need_seao_notice_has_url"
            ),
            models.CheckConstraint(
                condition=Q(outcome_mode="") | Q(outcome_mode__in=OutcomeMode.values),
                name="need_outcome_mode_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="need_status_submitted")]

    def __str__(self):
        return f"{self.reference} — {self.title_fr}"

    def get_absolute_url(self):
        return reverse("needs:detail", kwargs={"reference": self.reference})

    @property
    def title(self):
        return self.title_en if get_language() == "en" and self.title_en else self.title_fr

    @property
    def title_language(self):
        return "en" if get_language() == "en" and self.title_en else "fr"

    @property
    def description(self):
        return self.description_en if get_language() == "en" and self.description_en else self.description_fr

    @property
    def description_language(self):
        return "en" if get_language() == "en" and self.description_en else "fr"

    @property
    def deadline_at(self):
        return deadline_instant(self.response_deadline)

    @property
    def counts(self) -> dict:
        """Recipients per tab (from ``with_page_details``)."""
        return {"all": 0, "viewed": 0, "interested": 0, "not_interested": 0, **(self.recipient_counts or {})}

    @property
    def category_names(self) -> list[str]:
        english = get_language() == "en"
        return [(item["en"] if english and item["en"] else item["fr"]) for item in self.category_list]

    @property
    def region_names(self) -> list[str]:
        return [item["name"] for item in self.region_list]

    @property
    def criteria_labels(self) -> list[str]:
        """The accreditations and legal forms asked for, in words."""
        return [Accreditation(code).label for code in self.accreditations] + [
            LegalForm(code).label for code in self.legal_forms
        ]

    @property
    def amount_band(self) -> str:
        return amount_band(self.estimated_amount)

    @property
    def is_invitation(self) -> bool:
        return self.kind == NeedKind.INVITATION

    @property
    def is_open_for_answers(self) -> bool:
        return self.status == NeedStatus.PUBLISHED and timezone.now() < self.deadline_at

    @property
    def is_editable_before_publication(self) -> bool:
        return self.status in (NeedStatus.DRAFT, NeedStatus.CHANGES_REQUESTED)

    @property
    def matching_is_open(self) -> bool:
        """Recipients may be (re)computed, added or removed until publication, never after."""
        return self.status in (NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.CHANGES_REQUESTED)

    # --- Statuses: every change goes through change_status, which checks the current status. ---
    TRANSITIONS = {
        NeedStatus.DRAFT: {NeedStatus.SUBMITTED, NeedStatus.WITHDRAWN},
        NeedStatus.SUBMITTED: {
            NeedStatus.PUBLISHED,
            NeedStatus.CHANGES_REQUESTED,
            NeedStatus.REJECTED,
            NeedStatus.WITHDRAWN,
        },
        NeedStatus.CHANGES_REQUESTED: {NeedStatus.SUBMITTED, NeedStatus.REJECTED, NeedStatus.WITHDRAWN},
        NeedStatus.PUBLISHED: {NeedStatus.CLOSED, NeedStatus.WITHDRAWN},
        NeedStatus.CLOSED: {NeedStatus.OUTCOME_RECORDED},
        NeedStatus.OUTCOME_RECORDED: set(),
        NeedStatus.REJECTED: set(),
        NeedStatus.WITHDRAWN: set(),
    }
    MESSAGE_REQUIRED = {NeedStatus.CHANGES_REQUESTED, NeedStatus.REJECTED}

    def can_change_status(self, new_status, *, now=None) -> bool:
        try:
            self._check_status_change(new_status, now=now or timezone.now())
        except InvalidNeedStatusChange:
            return False
        return True

    def _check_status_change(self, new_status, *, now):
        if new_status not in self.TRANSITIONS[NeedStatus(self.status)]:
            raise InvalidNeedStatusChange(
                _("Impossible de passer du statut « %(old)s » au statut « %(new)s »."),
                code="invalid_status_change",
                params={"old": self.get_status_display(), "new": NeedStatus(new_status).label},
            )
        before_deadline = now < self.deadline_at
        if new_status == NeedStatus.CLOSED and before_deadline:
            raise InvalidNeedStatusChange(
                _("Un besoin se ferme à sa date limite, pas avant."), code="not_yet_closed"
            )
        if new_status == NeedStatus.PUBLISHED and not before_deadline:
            raise InvalidNeedStatusChange(
                _("La date limite de réponse est passée : demandez une nouvelle date à l'acheteur."),
                code="deadline_passed",
            )
        if new_status == NeedStatus.WITHDRAWN and self.status == NeedStatus.PUBLISHED and not before_deadline:
            raise InvalidNeedStatusChange(
                _("La date limite est passée : le besoin ne peut plus être retiré."), code="deadline_passed"
            )

    def change_status(self, new_status, *, by=None, message: str = "", now=None):
        """Move to ``new_status`` if the current status allows it; save only what changes; keep the history."""
        now = now or timezone.now()
        new_status = NeedStatus(new_status)
        self._check_status_change(new_status, now=now)
        message = (message or "").strip()
        if new_status in self.MESSAGE_REQUIRED and not message:
            raise ValidationError(_("Indiquez un message pour l'acheteur."), code="message_required")
        previous = self.status
        self.status = new_status
        self.status_changed_at = now
        fields = ["status", "status_changed_at", "updated_at"]
        if new_status == NeedStatus.SUBMITTED:
            self.submitted_at = now
            fields.append("submitted_at")
        elif new_status == NeedStatus.PUBLISHED:
            self.published_at = now
            fields.append("published_at")
        elif new_status in (NeedStatus.CLOSED, NeedStatus.WITHDRAWN, NeedStatus.REJECTED):
            self.closed_at = now
            fields.append("closed_at")
        self._change_reason = message or new_status.label
        if by is not None:
            self._history_user = by
        self.save(update_fields=fields)
        NeedStatusChange.objects.create(
            need=self,
            from_status=previous,
            to_status=new_status,
            changed_at=now,
            changed_by=by,
            message=message,
        )

    # --- Matching ---
    def matching_suppliers(self):
        """Published suppliers with a public email, offering one of the need's categories, serving one of its
        regions or a service area in one (any region when the need covers all of Québec; suppliers serving all
        of Québec when included), holding one of the accreditations and one of the legal forms asked for."""
        suppliers = Supplier.objects.published().exclude(email="")
        suppliers = suppliers.offering(*self.categories.values_list("code", flat=True))
        if not self.all_quebec:
            codes = list(self.regions.values_list("code", flat=True))
            # Two sets (suppliers listing one of the regions; suppliers with a service area in one) that the
            # database hashes once from the links' covering indexes (suppliers migration 0015), not two lookups
            # per supplier offering the categories (``EXISTS … OR EXISTS …``): thousands of them in a broad need.
            listed = Supplier.regions_served.through.objects.filter(region_id__in=codes).values("supplier_id")
            # A service area (MRC, municipality) in one of the regions serves part of it, as the search's
            # region filter says (``SupplierQuerySet.serving``).
            in_area = Supplier.areas_served.through.objects.filter(servicearea__region_id__in=codes).values(
                "supplier_id"
            )
            area = Q(pk__in=listed) | Q(pk__in=in_area)
            if self.include_all_quebec_suppliers:
                area |= Q(serves_all_quebec=True)
            suppliers = suppliers.filter(area)
        if self.accreditations:
            suppliers = suppliers.with_accreditations(*self.accreditations)
        if self.legal_forms:
            suppliers = suppliers.filter(legal_form__in=self.legal_forms)
        return suppliers

    def buyer_reminders_left(self, *, now=None, sent=None) -> tuple[bool, str]:
        """Whether the author may remind recipients now, and if not why (at most two, 24 hours apart, before
        the deadline). ``sent``: the times of the reminders already sent, newest first, if known."""
        now = now or timezone.now()
        if self.status != NeedStatus.PUBLISHED or now >= self.deadline_at:
            return False, str(_("Les relances ne sont possibles que pendant la période de réponse."))
        if sent is None:
            sent = list(self.buyer_reminders.order_by("-sent_at").values_list("sent_at", flat=True))
        if len(sent) >= MAX_BUYER_REMINDERS:
            return False, str(_("Vous avez déjà envoyé les deux relances permises."))
        if sent and now < sent[0] + BUYER_REMINDER_INTERVAL:
            return False, str(_("Attendez 24 heures après la relance précédente."))
        return True, ""


class NeedStatusChange(models.Model):
    """One status change of a need: from, to, when, by whom (empty for automatic changes), with its message."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("besoin")
    )
    from_status = models.CharField(_("statut précédent"), max_length=20, choices=NeedStatus.choices)
    to_status = models.CharField(_("nouveau statut"), max_length=20, choices=NeedStatus.choices)
    changed_at = models.DateTimeField(_("le"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        indexes = [models.Index(fields=["need", "changed_at"], name="need_status_change_need_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=NeedStatus.values) & Q(to_status__in=NeedStatus.values),
                name="need_status_change_valid",
            )
        ]

    def __str__(self):
        return f"{self.need_id}: {self.from_status} → {self.to_status}"


class NeedReferenceCounter(models.Model):
    """The last number given to a need in a year: references are B-<year>-<number>, numbered per year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (year, last) VALUES (%s, 1) "
                f"ON CONFLICT (year) DO UPDATE SET last = {cls._meta.db_table}.last + 1 RETURNING last",
                [year],
            )
            number = cursor.fetchone()[0]
        return f"B-{year}-{number:04d}"


def attachment_upload_to(instance, filename):
    # The stored name says nothing about the file: its original name is kept in a column.
    return f"needs/{secrets.token_hex(16)}"


class NeedAttachment(models.Model):
    """A document joined to a need (PDF, DOCX, XLSX, ODT, ODS), served only to those who may see the need."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("besoin")
    )
    file = models.FileField(
        _("fichier"), storage=private_storage, upload_to=attachment_upload_to, max_length=200
    )
    name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self):
        return self.name
