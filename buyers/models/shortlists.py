"""Shortlists (listes restreintes): the suppliers a buyer keeps for a need, each with a private note and a dated
decision. A list is private to its owner or shared, read-only, with the owner's organisation."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import Category, Region, Status, Supplier

from .accounts import Buyer

NOTE_MAX_LENGTH = 1000
# The decisions' history, kept by a trigger on entries (see ShortlistEntry.Meta.triggers).
DECISION_LOG_TABLE = "buyers_shortlist_decision"


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Privée (vous seul)")
    ORGANISATION = "organisation", _("Partagée en lecture avec votre organisme")


class Decision(models.TextChoices):
    CONSIDERED = "considered", _("Considéré")
    PRICE_REQUESTED = "price_requested", _("Prix demandé")
    INVITED = "invited", _("Invité")
    RETAINED = "retained", _("Retenu")
    NOT_RETAINED = "not_retained", _("Non retenu")
    EXCLUDED = "excluded", _("Exclu")


# Decisions that count towards rotation (a municipality's bylaw must rotate invited and retained suppliers).
ROTATION_DECISIONS = (Decision.INVITED, Decision.RETAINED)
# Decisions that mean the supplier was asked: selected by default in a record made from the list.
ASKED_DECISIONS = (Decision.PRICE_REQUESTED, Decision.INVITED, Decision.RETAINED, Decision.NOT_RETAINED)


class ShortlistQuerySet(models.QuerySet):
    def owned_by(self, buyer: Buyer):
        return self.filter(owner=buyer)

    def visible_to(self, buyer: Buyer):
        """The buyer's own lists and those colleagues of the same organisation share."""
        return self.filter(
            Q(owner=buyer)
            | Q(owner__organisation_id=buyer.organisation_id, visibility=Visibility.ORGANISATION)
        )

    def with_entry_count(self):
        return self.annotate(entry_count=models.Count("entries"))


class Shortlist(models.Model):
    owner = models.ForeignKey(
        Buyer, on_delete=models.CASCADE, related_name="shortlists", verbose_name=_("propriétaire")
    )
    name = models.CharField(_("nom"), max_length=150)
    purpose = models.TextField(_("objet du besoin"), max_length=1000, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catégorie"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("région")
    )
    estimated_amount = models.PositiveBigIntegerField(
        _("montant estimé ($)"), null=True, blank=True, help_text=_("En dollars, taxes exclues.")
    )
    visibility = models.CharField(
        _("visibilité"), max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("liste restreinte")
        verbose_name_plural = _("listes restreintes")
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="shortlist_visibility_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="shortlist_name_required"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buyers:shortlist_detail", kwargs={"pk": self.pk})

    def is_editable_by(self, buyer) -> bool:
        return buyer is not None and self.owner_id == buyer.pk

    @property
    def is_shared(self) -> bool:
        return self.visibility == Visibility.ORGANISATION


class ShortlistEntryQuerySet(models.QuerySet):
    def for_page(self):
        """Entries with their supplier (regions and categories are attached by ``buyers.rows.with_codes``)."""
        return self.select_related("supplier__head_office_region")


class ShortlistEntry(models.Model):
    """A supplier kept in a list. Its note and decision are private to the buyer's organisation: never shown to
    suppliers nor in the public API. A supplier suspended or archived later stays, flagged."""

    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="entries", verbose_name=_("liste")
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="+", verbose_name=_("fournisseur")
    )
    note = models.TextField(_("note privée"), max_length=NOTE_MAX_LENGTH, blank=True)
    decision = models.CharField(
        _("décision"), max_length=20, choices=Decision.choices, default=Decision.CONSIDERED
    )
    decided_on = models.DateField(_("date de la décision"), default=timezone.localdate)
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )

    objects = ShortlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("fournisseur de la liste")
        verbose_name_plural = _("fournisseurs de la liste")
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "supplier"], name="shortlist_entry_unique_supplier"),
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="shortlist_entry_decision_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH), name="shortlist_entry_note_length"
            ),
        ]
        triggers = [
            # Every decision, with its date, is logged by the database itself: rotation counts read the log, and
            # no write path can forget it.
            pgtrigger.Trigger(
                name="shortlist_entry_decision_logged",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.After,
                func=f"""
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO {DECISION_LOG_TABLE} (entry_id, decision, decided_on, recorded_at)
                        VALUES (NEW.id, NEW.decision, NEW.decided_on, now());
                    ELSIF OLD.decision IS DISTINCT FROM NEW.decision
                          OR OLD.decided_on IS DISTINCT FROM NEW.decided_on THEN
                        INSERT INTO {DECISION_LOG_TABLE} (entry_id, decision, decided_on, recorded_at)
                        VALUES (NEW.id, NEW.decision, NEW.decided_on, now());
                    END IF;
                    RETURN NULL;
                """,
            )
        ]

    def __str__(self):
        return f"{self.shortlist} — {self.supplier.name}"

    @property
    def supplier_is_public(self) -> bool:
        return self.supplier.status == Status.PUBLISHED


class ShortlistDecision(models.Model):
    """One decision taken on an entry, on its date: the history rotation counts read. Written by the trigger on
    ``ShortlistEntry``, never by application code."""

    entry = models.ForeignKey(
        ShortlistEntry,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("fournisseur de la liste"),
    )
    decision = models.CharField(_("décision"), max_length=20, choices=Decision.choices)
    decided_on = models.DateField(_("date de la décision"))
    recorded_at = models.DateTimeField(_("enregistrée le"))

    class Meta:
        db_table = DECISION_LOG_TABLE
        ordering = ["recorded_at", "id"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        indexes = [models.Index(fields=["entry", "decision", "decided_on"], name="shortlist_decision_lookup")]

    def __str__(self):
        return f"{self.entry_id} — {self.decision} ({self.decided_on})"
