"""Who buys: public bodies (organisations), the email domains they own, and their procurement officers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import Region


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministère ou organisme gouvernemental")
    HEALTH = "health", _("Réseau de la santé et des services sociaux")
    EDUCATION = "education", _("Réseau de l'éducation")
    MUNICIPAL = "municipal", _("Municipalité ou MRC")
    STATE_CORPORATION = "state_corporation", _("Société d'État")
    OTHER = "other", _("Autre organisme public")


class Regime(models.TextChoices):
    """The procurement rules a public body follows (see ``ThresholdRule``)."""

    LCOP_GOVERNMENT = "lcop_government", _("Ministères et organismes (LCOP)")
    LCOP_NETWORKS = "lcop_networks", _("Réseaux de la santé et de l'éducation (LCOP)")
    MUNICIPAL = "municipal", _("Municipalités et MRC")


REGIME_OF_KIND = {
    OrganisationKind.MINISTRY: Regime.LCOP_GOVERNMENT,
    OrganisationKind.HEALTH: Regime.LCOP_NETWORKS,
    OrganisationKind.EDUCATION: Regime.LCOP_NETWORKS,
    OrganisationKind.MUNICIPAL: Regime.MUNICIPAL,
}


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

    @property
    def regime(self) -> str | None:
        """The procurement rules it follows; ``None`` for kinds whose rules vary (state corporations, others)."""
        return REGIME_OF_KIND.get(self.kind)

    @property
    def regime_label(self) -> str:
        return Regime(self.regime).label if self.regime else ""


def email_domain(email: str) -> str:
    """The domain of an email address, in lower case (``Marie@CISSS-AT.gouv.qc.ca`` → ``cisss-at.gouv.qc.ca``)."""
    return email.rpartition("@")[2].strip().lower()


class OrganisationDomainQuerySet(models.QuerySet):
    def owning(self, email: str):
        """The domain row an email address belongs to (none, or one: domains are unique)."""
        return self.filter(domain=email_domain(email))


class OrganisationDomain(models.Model):
    """An email domain an organisation owns: a verified address in it makes a buyer active at once."""

    organisation = models.ForeignKey(
        BuyerOrganisation, on_delete=models.CASCADE, related_name="domains", verbose_name=_("organisme")
    )
    domain = models.CharField(
        _("domaine de courriel"),
        max_length=253,
        unique=True,
        help_text=_("Sans « @ », en minuscules : cisss-at.gouv.qc.ca."),
    )

    objects = OrganisationDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("domaine de courriel")
        verbose_name_plural = _("domaines de courriel")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")) & Q(domain__regex=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"),
                name="organisation_domain_lower_case_name",
            )
        ]

    def __str__(self):
        return self.domain


class BuyerStatus(models.TextChoices):
    PENDING = "pending", _("En attente d'approbation")
    ACTIVE = "active", _("Actif")
    REFUSED = "refused", _("Refusé")


class BuyerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=BuyerStatus.ACTIVE)

    def pending(self):
        return self.filter(status=BuyerStatus.PENDING)

    def colleagues_of(self, buyer):
        """Buyers of the same organisation (the buyer included)."""
        return self.filter(organisation_id=buyer.organisation_id)


class Buyer(models.Model):
    """A procurement officer (acheteur) of a public body.

    Active at once when the verified email address is in a domain its organisation owns; otherwise pending until
    staff approve or refuse. Only active buyers (and staff) use the workspace (``can_use_workspace``).
    """

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
    status = models.CharField(
        _("statut"), max_length=20, choices=BuyerStatus.choices, default=BuyerStatus.PENDING, db_index=True
    )
    status_reason = models.TextField(_("motif de la décision"), max_length=1000, blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = BuyerQuerySet.as_manager()

    class Meta:
        verbose_name = _("acheteur")
        verbose_name_plural = _("acheteurs")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BuyerStatus.values), name="buyer_status_valid")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.status == BuyerStatus.ACTIVE

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email

    def owns_domain_of(self, email: str) -> bool:
        """Whether the address is in a domain this buyer's organisation owns."""
        return OrganisationDomain.objects.owning(email).filter(organisation_id=self.organisation_id).exists()

    def decide(self, status: str, *, by=None, reason: str = ""):
        """Approve (``active``) or refuse; saves only the decision's fields."""
        self.status = status
        self.status_reason = reason
        self.decided_at = timezone.now()
        self.decided_by = by
        self.save(update_fields=["status", "status_reason", "decided_at", "decided_by"])


def can_use_workspace(user) -> bool:
    """The one rule for the buyers' workspace (lists, exports, records, saved searches, needs): staff, or an
    active buyer. Public search stays open to everyone."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    buyer = getattr(user, "buyer", None)
    return buyer is not None and buyer.is_active
