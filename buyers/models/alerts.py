"""Saved searches and their email digests (alertes): the suppliers newly published, or newly matching, since
the last digest — never the same supplier twice for the same saved search."""

import secrets

import numpy as np
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import Supplier

from .accounts import Buyer

SAVED_SEARCHES_PER_BUYER = 20


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Chaque semaine")
    MONTHLY = "monthly", _("Chaque mois")
    NEVER = "never", _("Jamais (pas de courriel)")


def new_unsubscribe_token() -> str:
    return secrets.token_urlsafe(32)


class SavedSearchQuerySet(models.QuerySet):
    def owned_by(self, buyer: Buyer):
        return self.filter(owner=buyer)

    def with_digest(self, frequency: str):
        """Saved searches whose owner gets this digest: an active buyer with an active account."""
        return self.filter(frequency=frequency, owner__status="active", owner__user__is_active=True)


class SavedSearch(models.Model):
    owner = models.ForeignKey(
        Buyer, on_delete=models.CASCADE, related_name="saved_searches", verbose_name=_("propriétaire")
    )
    name = models.CharField(_("nom"), max_length=100)
    # The search page's query string (without page number), validated again by the search form each time.
    querystring = models.CharField(_("critères"), max_length=2000, blank=True)
    frequency = models.CharField(
        _("alerte par courriel"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    language = models.CharField(_("langue des courriels"), max_length=5, default="fr")
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=new_unsubscribe_token, editable=False
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)
    # Ids of the suppliers matching at the last digest (or at saving), as sorted int32: what "new" is measured
    # against.
    baseline = models.BinaryField(default=b"", editable=False)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="saved_search_frequency_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="saved_search_name_required"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("suppliers:search") + (f"?{self.querystring}" if self.querystring else "")

    def baseline_ids(self) -> np.ndarray:
        return np.frombuffer(bytes(self.baseline), dtype="<i4")

    @staticmethod
    def pack_ids(ids) -> bytes:
        return np.unique(np.asarray(list(ids), dtype="<i4")).tobytes()


class Digest(models.Model):
    """One email prepared for a saved search; ``sent_at`` is set once the email has gone."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="digests", verbose_name=_("recherche enregistrée")
    )
    created_at = models.DateTimeField(_("préparé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alerte envoyée")
        verbose_name_plural = _("alertes envoyées")

    def __str__(self):
        return f"{self.saved_search_id} — {self.created_at:%Y-%m-%d}"


class DigestEntry(models.Model):
    """A supplier told about for a saved search: the unique constraint makes "never twice" a database rule."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="+")
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="entries")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "supplier"], name="digest_supplier_once_per_search"
            )
        ]

    def __str__(self):
        return f"{self.saved_search_id} — {self.supplier_id}"
