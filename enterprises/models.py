"""The enterprise side of the directory: who may edit which listing, and the changes staff review."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import Accreditation, Status, Supplier
from suppliers.validators import validate_neq


class MembershipRole(models.TextChoices):
    """Owners (responsables) manage colleagues: they invite, remove and name other owners. Editors edit."""

    OWNER = "owner", _("Responsable")
    EDITOR = "editor", _("Collaborateur ou collaboratrice")


class EditMode(models.TextChoices):
    """How a member may change a listing, from its status: the one answer views, services and templates use."""

    DIRECT = "direct", _("directement (brouillon)")
    REVISION = "revision", _("par une modification vérifiée par le personnel")
    NONE = "none", _("aucune modification possible")


def listing_edit_mode(supplier: Supplier) -> EditMode:
    """A draft is edited directly; a public (or suspended) listing through a revision that staff review; a listing
    waiting for review or archived not at all."""
    if supplier.status == Status.DRAFT:
        return EditMode.DIRECT
    if supplier.status in {Status.PUBLISHED, Status.SUSPENDED}:
        return EditMode.REVISION
    return EditMode.NONE


# An NEQ already used cannot start a new listing; what holds it is not said (staff check a claim instead).
NEQ_UNAVAILABLE = _(
    "Ce NEQ ne peut pas servir à créer une fiche. Si c'est celui de votre entreprise, demandez à gérer sa fiche : "
    "le personnel du ministère vérifiera."
)


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def owners(self):
        return self.filter(role=MembershipRole.OWNER)


class Membership(models.Model):
    """A user who may edit a listing on behalf of the enterprise (membre de l'entreprise)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur"),
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("fournisseur")
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.EDITOR
    )
    created_at = models.DateTimeField(_("membre depuis"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["supplier", "created_at"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["user", "supplier"], name="membership_unique_user_supplier"),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} — {self.supplier.name}"

    @property
    def is_owner(self):
        return self.role == MembershipRole.OWNER

    @property
    def can_manage_colleagues(self):
        return self.is_owner

    @property
    def edit_mode(self) -> EditMode:
        return listing_edit_mode(self.supplier)


class AccreditationClaim(models.Model):
    """Accreditations the enterprise says it holds; staff-verified ones go to ``Supplier.accreditations``."""

    supplier = models.OneToOneField(
        Supplier, on_delete=models.CASCADE, related_name="accreditation_claim", verbose_name=_("fournisseur")
    )
    accreditations = ArrayField(
        models.CharField(max_length=20, choices=Accreditation.choices),
        verbose_name=_("accréditations déclarées"),
        default=list,
        blank=True,
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("accréditations déclarées")
        verbose_name_plural = _("accréditations déclarées")
        constraints = [
            models.CheckConstraint(
                condition=Q(accreditations__contained_by=Accreditation.values),
                name="accreditation_claim_values_valid",
            )
        ]

    def __str__(self):
        return str(self.supplier)


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Approuvée")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


class DecisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DecisionStatus.PENDING)

    def decided(self):
        return self.exclude(status=DecisionStatus.PENDING)


class DecisionMixin:
    """A request staff decide on (a claim, a revision): one pending at a time, refused only with a reason, which is
    sent to whoever asked."""

    REFUSAL_REASON_REQUIRED = _("Indiquez le motif du refus : il sera transmis à l'entreprise.")

    @property
    def is_pending(self):
        return self.status == DecisionStatus.PENDING

    def decide(self, status, *, by, reason: str = "") -> None:
        if status == DecisionStatus.REFUSED and not (reason or "").strip():
            raise ValidationError({"reason": self.REFUSAL_REASON_REQUIRED}, code="reason")
        self.status = status
        self.decided_by = by
        self.decided_at = timezone.now()
        self.reason = (reason or "").strip()
        self.save(update_fields=["status", "decided_by", "decided_at", "reason"])


class ClaimRequest(DecisionMixin, models.Model):
    """A user asks to manage the listing of an NEQ (imported by staff, for instance).

    The request names the NEQ; ``supplier`` is the listing it can be granted on, if any: none when no listing
    that may be claimed (not archived) bears the NEQ, which the person is not told (staff are).
    """

    REFUSAL_REASON_REQUIRED = _("Indiquez le motif du refus : il sera transmis au demandeur.")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claim_requests",
        verbose_name=_("demandeur"),
    )
    neq = models.CharField(_("NEQ"), max_length=10, validators=[validate_neq])
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claim_requests",
        verbose_name=_("fournisseur"),
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("motif de la décision"), blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande de gestion d'une fiche")
        verbose_name_plural = _("demandes de gestion de fiches")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "neq"],
                condition=Q(status=DecisionStatus.PENDING),
                name="claim_one_pending_per_user_neq",
                violation_error_message=_("Vous avez déjà une demande en attente pour cette fiche."),
            ),
            models.CheckConstraint(condition=Q(status__in=DecisionStatus.values), name="claim_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=DecisionStatus.REFUSED) | ~Q(reason=""), name="claim_refusal_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.supplier.name if self.supplier else self.neq}"

    def listing_label_for_claimant(self) -> str:
        """How the claimant's pages and emails name the listing: by name only if it is public, else by NEQ."""
        if self.supplier is not None and self.supplier.is_public:
            return self.supplier.name
        return _("Fiche du NEQ %(neq)s") % {"neq": self.neq}


# An invitation link works for two weeks; the member can send a new one afterwards.
INVITATION_VALID_DAYS = 14


def new_invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_VALID_DAYS)


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A member invites a colleague, by email, to manage the listing with them."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("fournisseur")
    )
    email = models.EmailField(_("courriel de la personne invitée"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invitée par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.supplier.name}"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.accepted_at is None and not self.is_expired


class Revision(DecisionMixin, models.Model):
    """A listing's content as a member proposes it, waiting for staff.

    For a new listing (``is_new_listing``) approving publishes it; for a published one, the Supplier row is
    left untouched until staff approve, so the public page keeps the approved version. ``base`` is the listing as
    it was when the member made the change: what the member changed is where ``data`` differs from it, and only
    that is applied, so changes staff made since are kept (and shown to them as conflicts where both changed).
    """

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("fournisseur")
    )
    is_new_listing = models.BooleanField(_("nouvelle fiche"), default=False)
    # Same shape as services.listing_snapshot(): codes for regions and categories, offerings as a list.
    data = models.JSONField(_("contenu proposé"))
    base = models.JSONField(_("contenu de départ"), default=dict)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PENDING,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("soumise par"),
    )
    submitted_at = models.DateTimeField(_("soumise le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("motif de la décision"), blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("modification de fiche")
        verbose_name_plural = _("modifications de fiches")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(status=DecisionStatus.PENDING),
                name="revision_one_pending_per_supplier",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DecisionStatus.values), name="revision_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=DecisionStatus.REFUSED) | ~Q(reason=""),
                name="revision_refusal_has_reason",
            ),
        ]

    def __str__(self):
        kind = _("Nouvelle fiche") if self.is_new_listing else _("Modification")
        return f"{kind} — {self.supplier.name}"
