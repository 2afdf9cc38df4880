from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suppliers.models import Region


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministère ou organisme gouvernemental")
    HEALTH = "health", _("Réseau de la santé et des services sociaux")
    EDUCATION = "education", _("Réseau de l'éducation")
    MUNICIPAL = "municipal", _("Municipalité ou MRC")
    STATE_CORPORATION = "state_corporation", _("Société d'État")
    OTHER = "other", _("Autre organisme public")


class BuyerOrganisation(models.Model):
    """A public body that buys (organisme public)."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type d'organisme"), max_length=30, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("région")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisme public")
        verbose_name_plural = _("organismes publics")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="buyer_org_kind_valid")
        ]

    def __str__(self):
        return self.name


class Buyer(models.Model):
    """A procurement officer (acheteur) of a public body; staff attach accounts to organisations."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="buyer",
        verbose_name=_("utilisateur"),
    )
    organisation = models.ForeignKey(
        BuyerOrganisation, on_delete=models.PROTECT, related_name="buyers", verbose_name=_("organisme")
    )
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("acheteur")
        verbose_name_plural = _("acheteurs")

    def __str__(self):
        return f"{self.user} — {self.organisation}"
