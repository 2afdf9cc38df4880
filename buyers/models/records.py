"""Market-research records (dossiers de recherche de marché) and the threshold rules they quote.

A record is what a buyer shows an auditor later: the need, the mode considered, the search done and its results
as they were, whom the buyer asked, and why. It is immutable: the database refuses any UPDATE or DELETE of a
record or addendum row (triggers declared below); later facts go in dated, append-only addenda. A SHA-256
checksum of each one's canonical content is stored and printed; ``verify()`` recomputes it.
"""

import hashlib
import json
from datetime import UTC

import pgtrigger
from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import HttpsURLField

from .accounts import BuyerOrganisation, Regime

REFERENCE_PREFIX = "RM"
RECORD_COUNTER_TABLE = "buyers_record_counter"
# The only UPDATE a record or addendum row accepts: its author's account being deleted (author set to NULL), all
# else unchanged. The printed author's name is part of the content and stays.
ONLY_AUTHOR_CLEARED = (
    "NOT (NEW.author_id IS NULL AND OLD.author_id IS NOT NULL "
    "AND (to_jsonb(OLD) - 'author_id') = (to_jsonb(NEW) - 'author_id'))"
)


class Nature(models.TextChoices):
    SUPPLY = "supply", _("Approvisionnement (biens)")
    SERVICES = "services", _("Services")
    CONSTRUCTION = "construction", _("Travaux de construction")


class ProcurementMode(models.TextChoices):
    MUTUAL_AGREEMENT = "mutual_agreement", _("Gré à gré")
    INVITED_TENDER = "invited_tender", _("Appel d'offres sur invitation")
    PUBLIC_TENDER = "public_tender", _("Appel d'offres public")
    REGIONALISED_TENDER = "regionalised_tender", _("Appel d'offres public régionalisé")
    GROUP_PURCHASE = "group_purchase", _("Achat regroupé (Centre d'acquisitions gouvernementales)")


class RecordSource(models.TextChoices):
    SEARCH = "search", _("Recherche dans le répertoire")
    SHORTLIST = "shortlist", _("Liste restreinte")
    NEED = "need", _("Besoin publié")


# --- Threshold rules ---


class ThresholdRuleQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)

    def indicative(self, *, regime, nature, amount, on):
        """The rule in force on that day for this regime, nature and amount (``None`` when none applies)."""
        if regime is None or amount is None:
            return None
        return (
            self.in_force(on)
            .filter(Q(amount_to__isnull=True) | Q(amount_to__gte=amount), regime=regime, nature=nature)
            .filter(amount_from__lte=amount)
            .order_by("-amount_from", "-valid_from")
            .first()
        )


class ThresholdRule(models.Model):
    """A procurement threshold as data (seeded from fixtures/threshold_rules.csv, edited by staff): always shown
    as indicative, with its source; it never blocks anyone."""

    regime = models.CharField(_("régime"), max_length=30, choices=Regime.choices)
    nature = models.CharField(_("nature du contrat"), max_length=20, choices=Nature.choices)
    mode = models.CharField(_("mode de sollicitation"), max_length=30, choices=ProcurementMode.choices)
    amount_from = models.PositiveBigIntegerField(_("à partir de ($)"), default=0)
    amount_to = models.PositiveBigIntegerField(
        _("jusqu'à ($)"), null=True, blank=True, help_text=_("Inclus; vide : sans limite.")
    )
    min_invitees = models.PositiveSmallIntegerField(
        _("nombre minimal de fournisseurs invités"), null=True, blank=True
    )
    valid_from = models.DateField(_("en vigueur depuis le"))
    valid_to = models.DateField(_("en vigueur jusqu'au"), null=True, blank=True)
    source_url = HttpsURLField(_("source"), max_length=500)
    note = models.TextField(_("précisions"), max_length=1000, blank=True)

    objects = ThresholdRuleQuerySet.as_manager()

    class Meta:
        ordering = ["regime", "nature", "amount_from", "valid_from"]
        verbose_name = _("seuil d'appel d'offres")
        verbose_name_plural = _("seuils d'appel d'offres")
        constraints = [
            models.CheckConstraint(condition=Q(regime__in=Regime.values), name="threshold_regime_valid"),
            models.CheckConstraint(condition=Q(nature__in=Nature.values), name="threshold_nature_valid"),
            models.CheckConstraint(condition=Q(mode__in=ProcurementMode.values), name="threshold_mode_valid"),
            models.CheckConstraint(
                condition=Q(amount_to__isnull=True) | Q(amount_to__gte=models.F("amount_from")),
                name="threshold_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="threshold_dates_ordered",
            ),
        ]

    def __str__(self):
        upper = f"{self.amount_to:,}" if self.amount_to is not None else "…"
        return f"{self.get_regime_display()} — {self.get_nature_display()} — {self.amount_from:,} à {upper} $"

    def as_snapshot(self) -> dict:
        """What a record keeps of the rule (the rule itself may be edited later)."""
        return {
            "regime": self.regime,
            "nature": self.nature,
            "mode": self.mode,
            "amount_from": self.amount_from,
            "amount_to": self.amount_to,
            "min_invitees": self.min_invitees,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source_url": self.source_url,
            "note": self.note,
        }


# --- Records ---


def canonical_checksum(content: dict) -> str:
    """SHA-256 of the content as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def next_reference(year: int) -> str:
    """``RM-2026-00042``: the year's next number, from a counter row locked until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RECORD_COUNTER_TABLE} (year, last) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last = {RECORD_COUNTER_TABLE}.last + 1 RETURNING last",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{REFERENCE_PREFIX}-{year}-{number:05d}"


class RecordCounter(models.Model):
    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = RECORD_COUNTER_TABLE
        verbose_name = _("compteur de dossiers")

    def __str__(self):
        return f"{self.year}: {self.last}"


class MarketResearchRecordQuerySet(models.QuerySet):
    def of_organisation(self, organisation_id):
        return self.filter(organisation_id=organisation_id)


def _immutable(prefix: str) -> list:
    return [
        pgtrigger.Protect(name=f"{prefix}_never_deleted", operation=pgtrigger.Delete),
        pgtrigger.Protect(
            name=f"{prefix}_never_changed",
            operation=pgtrigger.Update,
            condition=pgtrigger.Condition(ONLY_AUTHOR_CLEARED),
        ),
    ]


class SealedRow(models.Model):
    """What records and addenda share: an author (whose name is part of the content), a date, and the checksum
    of the canonical content (``canonical_content()``), recomputed by ``is_intact``."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    author_name = models.CharField(_("auteur"), max_length=300)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64)

    class Meta:
        abstract = True

    def canonical_content(self) -> dict:
        raise NotImplementedError

    def compute_checksum(self) -> str:
        return canonical_checksum(self.canonical_content())

    @property
    def is_intact(self) -> bool:
        return self.compute_checksum() == self.checksum


class MarketResearchRecord(SealedRow):
    """A dated, unalterable record of a market search (dossier de recherche de marché)."""

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        BuyerOrganisation, on_delete=models.PROTECT, related_name="records", verbose_name=_("organisme")
    )
    organisation_name = models.CharField(_("nom de l'organisme"), max_length=200)
    need = models.TextField(_("besoin"), max_length=2000)
    estimated_amount = models.PositiveBigIntegerField(_("montant estimé ($)"))
    nature = models.CharField(_("nature du contrat"), max_length=20, choices=Nature.choices)
    mode_considered = models.CharField(_("mode envisagé"), max_length=30, choices=ProcurementMode.choices)
    # The rule in force that day for the organisation's regime, nature and amount (empty when none applies).
    indicative = models.JSONField(_("mode indicatif"), null=True, blank=True)
    source = models.CharField(_("origine"), max_length=20, choices=RecordSource.choices)
    criteria = models.JSONField(_("critères"))
    results_count = models.PositiveIntegerField(_("nombre de résultats"))
    # The results, in order, as they were: codes (labels are shown in the reader's language).
    snapshot = models.JSONField(_("résultats"))
    extra_columns = models.JSONField(_("colonnes supplémentaires"), default=list, blank=True)
    justification = models.TextField(_("justification"), max_length=4000)

    objects = MarketResearchRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dossier de recherche de marché")
        verbose_name_plural = _("dossiers de recherche de marché")
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=r"^RM-[0-9]{4}-[0-9]{5,}$"), name="record_reference_format"
            ),
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"), name="record_checksum_format"
            ),
            models.CheckConstraint(condition=Q(nature__in=Nature.values), name="record_nature_valid"),
            models.CheckConstraint(
                condition=Q(mode_considered__in=ProcurementMode.values), name="record_mode_valid"
            ),
            models.CheckConstraint(condition=Q(source__in=RecordSource.values), name="record_source_valid"),
        ]
        triggers = _immutable("market_research_record")

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("buyers:record_detail", kwargs={"reference": self.reference})

    def canonical_content(self) -> dict:
        return {
            "reference": self.reference,
            "organisation": self.organisation_name,
            "author": self.author_name,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "need": self.need,
            "estimated_amount": self.estimated_amount,
            "nature": self.nature,
            "mode_considered": self.mode_considered,
            "indicative": self.indicative,
            "source": self.source,
            "criteria": self.criteria,
            "results_count": self.results_count,
            "snapshot": self.snapshot,
            "extra_columns": self.extra_columns,
            "justification": self.justification,
        }

    @property
    def selected(self) -> list[dict]:
        return [row for row in self.snapshot if row.get("selected")]


class RecordAddendum(SealedRow):
    """A later fact added to a record (who was retained, the amount, the SEAO number): dated, append-only,
    chained to the record by its checksum."""

    record = models.ForeignKey(
        MarketResearchRecord, on_delete=models.PROTECT, related_name="addenda", verbose_name=_("dossier")
    )
    retained_neq = models.CharField(_("NEQ du fournisseur retenu"), max_length=10, blank=True)
    retained_name = models.CharField(_("fournisseur retenu"), max_length=200, blank=True)
    amount = models.PositiveBigIntegerField(_("montant du contrat ($)"), null=True, blank=True)
    seao_number = models.CharField(_("numéro SEAO"), max_length=40, blank=True)
    note = models.TextField(_("précisions"), max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("addenda")
        verbose_name_plural = _("addendas")
        constraints = [
            models.CheckConstraint(
                condition=Q(checksum__regex=r"^[0-9a-f]{64}$"), name="record_addendum_checksum_format"
            ),
            models.CheckConstraint(
                condition=~Q(retained_neq="") | Q(amount__isnull=False) | ~Q(seao_number="") | ~Q(note=""),
                name="record_addendum_not_empty",
            ),
        ]
        triggers = _immutable("record_addendum")

    def __str__(self):
        return f"{self.record_id} — {self.created_at:%Y-%m-%d}"

    def canonical_content(self) -> dict:
        return {
            "record": self.record.reference,
            "record_checksum": self.record.checksum,
            "author": self.author_name,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "retained_neq": self.retained_neq,
            "retained_name": self.retained_name,
            "amount": self.amount,
            "seao_number": self.seao_number,
            "note": self.note,
        }
