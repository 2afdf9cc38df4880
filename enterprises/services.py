"""Work on the enterprise side that spans several models and tells people by email.

A listing's content moves around as a plain dict (see ``listing_snapshot``): scalar fields by name, the
head-office region and the regions served by code, categories by code, offerings as a list of dicts, the
claimed accreditations, and the logo's storage name. The form produces it, a Revision stores it, and
``revision_approve`` applies it.
"""

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from suppliers.models import (
    Accreditation,
    Category,
    CoopType,
    EmployeesBand,
    LegalForm,
    Offering,
    OfferingKind,
    Region,
    Status,
    Supplier,
)

from .models import (
    AccreditationClaim,
    ClaimRequest,
    DecisionStatus,
    Invitation,
    Membership,
    MembershipRole,
    Revision,
)

CURATORS_GROUP = "Curators"
SCALAR_FIELDS = [
    "name",
    "neq",
    "legal_form",
    "coop_type",
    "description_fr",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "postal_code",
    "employees_band",
    "serves_all_quebec",
]
OFFERING_FIELDS = ["kind", "title", "description", "category"]
# Where a proposed logo waits for review; approval copies it to the listing.
PENDING_LOGO_DIR = "logos/revisions"


# --- The listing as data ---


def listing_snapshot(supplier: Supplier) -> dict:
    """The listing's current content in the shape forms produce and revisions store."""
    data = {field: getattr(supplier, field) for field in SCALAR_FIELDS}
    data["head_office_region"] = supplier.head_office_region_id
    data["regions_served"] = sorted(region.code for region in supplier.regions_served.all())
    data["categories"] = sorted(category.code for category in supplier.categories.all())
    data["offerings"] = [
        {"kind": o.kind, "title": o.title, "description": o.description, "category": o.category_id}
        for o in supplier.offerings.order_by("position", "id")
    ]
    claim = AccreditationClaim.objects.filter(supplier=supplier).first()
    data["claimed_accreditations"] = (
        sorted(claim.accreditations) if claim else sorted(supplier.accreditations)
    )
    data["logo"] = supplier.logo.name or ""
    return data


def _apply_listing_data(supplier: Supplier, data: dict, *, logo_content: bytes | None = None) -> None:
    """Write the listing data to the supplier, its offerings, categories and claimed accreditations.

    The caller sets ``_history_user`` / ``_change_reason`` and any other field on ``supplier`` beforehand.
    """
    for field in SCALAR_FIELDS:
        setattr(supplier, field, data[field])
    supplier.head_office_region_id = data["head_office_region"]
    if logo_content is not None:
        supplier.logo.save(f"{supplier.neq}.png", ContentFile(logo_content), save=False)
    supplier.save()
    supplier.regions_served.set([] if data["serves_all_quebec"] else data["regions_served"])
    supplier.categories.set(data["categories"])
    current = [
        {"kind": o.kind, "title": o.title, "description": o.description, "category": o.category_id}
        for o in supplier.offerings.order_by("position", "id")
    ]
    if current != data["offerings"]:
        supplier.offerings.all().delete()
        for position, offering in enumerate(data["offerings"]):
            Offering.objects.create(
                supplier=supplier,
                position=position,
                kind=offering["kind"],
                title=offering["title"],
                description=offering["description"],
                category_id=offering["category"],
            )
    AccreditationClaim.objects.update_or_create(
        supplier=supplier, defaults={"accreditations": sorted(data["claimed_accreditations"])}
    )


# --- Email ---


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def _send(template: str, *, to: list[str], context: dict) -> None:
    if not to:
        return
    context = {"site_url": settings.SITE_URL, **context}
    # The administration writes to enterprises in French, whatever language the staff member browses in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"enterprises/email/{template}_subject.txt", context)
        body = render_to_string(f"enterprises/email/{template}_message.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    send_mail(subject, body, None, sorted(set(to)))


def review_recipients() -> list[str]:
    """Staff told when something awaits review: the configured addresses, else active curators."""
    if settings.REVIEW_NOTIFICATION_EMAILS:
        return list(settings.REVIEW_NOTIFICATION_EMAILS)
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=CURATORS_GROUP)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def member_emails(supplier: Supplier) -> list[str]:
    return list(
        Membership.objects.filter(supplier=supplier, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _notify_staff(template: str, **context) -> None:
    transaction.on_commit(lambda: _send(template, to=review_recipients(), context=context))


def _notify(template: str, *, to: list[str], **context) -> None:
    transaction.on_commit(lambda: _send(template, to=to, context=context))


def email_is_verified(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


# --- Listings ---


class ListingNotEditable(ValidationError):
    pass


def _store_pending_logo(supplier: Supplier, content: bytes) -> str:
    name = f"{PENDING_LOGO_DIR}/{supplier.neq}-{secrets.token_hex(8)}.png"
    return default_storage.save(name, ContentFile(content))


def listing_create(*, user, data: dict, logo: bytes | None = None) -> Supplier:
    """A member creates a new listing as a draft; they become its first member (responsable)."""
    with transaction.atomic():
        supplier = Supplier(status=Status.DRAFT)
        supplier._history_user = user
        supplier._change_reason = _("Fiche créée par l'entreprise")
        _apply_listing_data(supplier, data, logo_content=logo)
        Membership.objects.create(user=user, supplier=supplier, role=MembershipRole.OWNER)
    return supplier


def listing_update_draft(*, supplier: Supplier, user, data: dict, logo: bytes | None = None) -> Supplier:
    """A draft is not public, so its member edits it directly."""
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if supplier.status != Status.DRAFT:
            raise ListingNotEditable(_("Seul un brouillon peut être modifié directement."), code="not_draft")
        supplier._history_user = user
        supplier._change_reason = _("Brouillon modifié par l'entreprise")
        _apply_listing_data(supplier, data, logo_content=logo)
    return supplier


def listing_submit(*, supplier: Supplier, user) -> Revision:
    """Send a draft for review: staff see it in the review queue and publish it by approving."""
    if not email_is_verified(user):
        raise PermissionDenied(_("Confirmez votre adresse courriel avant de soumettre une fiche."))
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if supplier.status != Status.DRAFT:
            raise ListingNotEditable(_("Cette fiche n'est pas un brouillon : elle ne peut pas être soumise."))
        if not supplier.offerings.exists():
            raise ValidationError(
                _("Décrivez au moins une offre avant de soumettre la fiche."), code="no_offering"
            )
        revision = Revision.objects.create(
            supplier=supplier, is_new_listing=True, data=listing_snapshot(supplier), submitted_by=user
        )
        supplier.submit_for_review(by=user)
        _notify_staff("review_waiting", revision=revision, supplier=supplier, url=_admin_url(revision))
    return revision


def revision_submit(*, supplier: Supplier, user, data: dict, logo: bytes | None = None) -> Revision:
    """A change to a public listing waits as the listing's one pending revision; the row is untouched."""
    if not email_is_verified(user):
        raise PermissionDenied(_("Confirmez votre adresse courriel avant de soumettre une modification."))
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if supplier.status not in {Status.PUBLISHED, Status.SUSPENDED}:
            raise ListingNotEditable(
                _("Cette fiche ne peut pas être modifiée pour l'instant."), code="not_public"
            )
        pending = supplier.revisions.pending().filter(is_new_listing=False).first()
        data = dict(data)
        if logo is not None:
            data["logo"] = _store_pending_logo(supplier, logo)
        else:
            data["logo"] = pending.data.get("logo", "") if pending else (supplier.logo.name or "")
        current = listing_snapshot(supplier)
        if pending is None and data == current:
            raise ValidationError(
                _("Aucune modification : la fiche publiée est déjà à jour."), code="no_change"
            )
        if pending is not None:
            pending.data = data
            pending.submitted_by = user
            pending.submitted_at = timezone.now()
            pending.save(update_fields=["data", "submitted_by", "submitted_at"])
            return pending
        revision = Revision.objects.create(supplier=supplier, data=data, submitted_by=user)
        _notify_staff("review_waiting", revision=revision, supplier=supplier, url=_admin_url(revision))
    return revision


def _admin_url(obj) -> str:
    return _absolute(reverse(f"admin:enterprises_{obj._meta.model_name}_change", args=[obj.pk]))


def _decide(obj, *, status, by, reason):
    obj.status = status
    obj.decided_by = by
    obj.decided_at = timezone.now()
    obj.reason = reason
    obj.save(update_fields=["status", "decided_by", "decided_at", "reason"])


def _locked_pending(model, pk):
    obj = model.objects.select_for_update().get(pk=pk)
    if obj.status != DecisionStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="already_decided")
    return obj


def revision_approve(*, revision: Revision, by, verified_accreditations, reason: str = "") -> Revision:
    """Apply the proposed content in one transaction, recorded in the history under the staff member's name.

    ``verified_accreditations`` are those staff have checked; they become the listing's public accreditations.
    Approving a new listing publishes it.
    """
    unknown = set(verified_accreditations) - set(Accreditation.values)
    if unknown:
        raise ValidationError(_("Accréditation inconnue."), code="unknown_accreditation")
    with transaction.atomic():
        revision = _locked_pending(Revision, revision.pk)
        supplier = Supplier.objects.select_for_update().get(pk=revision.supplier_id)
        data = revision.data
        logo_content = None
        if data.get("logo") and data["logo"] != supplier.logo.name:
            with default_storage.open(data["logo"], "rb") as pending_logo:
                logo_content = pending_logo.read()
        supplier.accreditations = sorted(set(verified_accreditations))
        supplier.last_verified_at = timezone.now()
        supplier.last_verified_by = by
        supplier._history_user = by
        supplier._change_reason = reason or (
            _("Nouvelle fiche approuvée") if revision.is_new_listing else _("Modification approuvée")
        )
        _apply_listing_data(supplier, data, logo_content=logo_content)
        if revision.is_new_listing and supplier.status == Status.PENDING:
            supplier.publish(by=by, reason=reason)
        _decide(revision, status=DecisionStatus.APPROVED, by=by, reason=reason)
        _notify(
            "revision_approved",
            to=member_emails(supplier),
            revision=revision,
            supplier=supplier,
            url=_absolute(reverse("enterprises:dashboard")),
            public_url=_absolute(supplier.get_absolute_url()),
        )
    return revision


def revision_refuse(*, revision: Revision, by, reason: str) -> Revision:
    """Refuse with a reason: the public listing is untouched; a refused new listing goes back to draft."""
    if not (reason or "").strip():
        raise ValidationError(
            _("Indiquez le motif du refus : il sera transmis à l'entreprise."), code="reason"
        )
    with transaction.atomic():
        revision = _locked_pending(Revision, revision.pk)
        supplier = Supplier.objects.select_for_update().get(pk=revision.supplier_id)
        if revision.is_new_listing and supplier.status == Status.PENDING:
            supplier.change_status(Status.DRAFT, by=by, reason=reason)
        _decide(revision, status=DecisionStatus.REFUSED, by=by, reason=reason)
        pending_logo = revision.data.get("logo", "")
        if pending_logo.startswith(PENDING_LOGO_DIR + "/"):
            transaction.on_commit(lambda: default_storage.delete(pending_logo))
        _notify(
            "revision_refused",
            to=member_emails(supplier),
            revision=revision,
            supplier=supplier,
            url=_absolute(reverse("enterprises:dashboard")),
        )
    return revision


# --- Claims ---


def claim_request(*, user, supplier: Supplier, message: str = "") -> ClaimRequest:
    """Ask staff for the right to manage a listing that exists already."""
    if not email_is_verified(user):
        raise PermissionDenied(_("Confirmez votre adresse courriel avant de réclamer une fiche."))
    if Membership.objects.filter(user=user, supplier=supplier).exists():
        raise ValidationError(_("Vous êtes déjà membre de cette fiche."), code="already_member")
    try:
        with transaction.atomic():
            claim = ClaimRequest.objects.create(user=user, supplier=supplier, message=message)
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Vous avez déjà une demande en attente pour cette fiche : "
                "le personnel du ministère la traitera."
            ),
            code="claim_pending",
        ) from error
    _notify_staff("claim_waiting", claim=claim, supplier=supplier, url=_admin_url(claim))
    return claim


def claim_approve(*, claim: ClaimRequest, by, reason: str = "") -> ClaimRequest:
    with transaction.atomic():
        claim = _locked_pending(ClaimRequest, claim.pk)
        has_members = Membership.objects.filter(supplier_id=claim.supplier_id).exists()
        Membership.objects.get_or_create(
            user_id=claim.user_id,
            supplier_id=claim.supplier_id,
            defaults={"role": MembershipRole.EDITOR if has_members else MembershipRole.OWNER},
        )
        _decide(claim, status=DecisionStatus.APPROVED, by=by, reason=reason)
        _notify(
            "claim_approved",
            to=[claim.user.email],
            claim=claim,
            supplier=claim.supplier,
            url=_absolute(reverse("enterprises:dashboard")),
        )
    return claim


def claim_refuse(*, claim: ClaimRequest, by, reason: str) -> ClaimRequest:
    if not (reason or "").strip():
        raise ValidationError(_("Indiquez le motif du refus : il sera transmis au demandeur."), code="reason")
    with transaction.atomic():
        claim = _locked_pending(ClaimRequest, claim.pk)
        _decide(claim, status=DecisionStatus.REFUSED, by=by, reason=reason)
        _notify(
            "claim_refused",
            to=[claim.user.email],
            claim=claim,
            supplier=claim.supplier,
            url=_absolute(reverse("enterprises:dashboard")),
        )
    return claim


# --- Invitations ---


def invitation_create(*, supplier: Supplier, by, email: str) -> Invitation:
    if not email_is_verified(by):
        raise PermissionDenied(_("Confirmez votre adresse courriel avant d'inviter quelqu'un."))
    email = email.strip().lower()
    if Membership.objects.filter(supplier=supplier, user__email__iexact=email).exists():
        raise ValidationError(_("Cette personne est déjà membre de la fiche."), code="already_member")
    invitation = Invitation.objects.create(supplier=supplier, email=email, invited_by=by)
    _notify(
        "invitation",
        to=[email],
        invitation=invitation,
        supplier=supplier,
        inviter=by,
        url=_absolute(reverse("enterprises:invitation_accept", args=[invitation.token])),
    )
    return invitation


def invitation_is_for(invitation: Invitation, user) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Only the invited address, once verified, can accept: a forwarded link does not give access."""
    if not invitation_is_for(invitation, user):
        raise PermissionDenied(
            _("Cette invitation a été envoyée à une autre adresse courriel que celle de votre compte.")
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise ValidationError(
                _("Cette invitation a expiré ou a déjà été utilisée."), code="invitation_used"
            )
        membership, _created = Membership.objects.get_or_create(
            user=user, supplier_id=invitation.supplier_id, defaults={"role": MembershipRole.EDITOR}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Comparing current and proposed content (the staff review page) ---


def _choice_label(choices, value):
    return choices(value).label if value else ""


def revision_comparison(*, revision: Revision) -> list[dict]:
    """Rows of (label, current, proposed, changed) for staff; lists render as lists, logos as images."""
    current = listing_snapshot(revision.supplier)
    proposed = revision.data
    regions = dict(Region.objects.values_list("code", "name"))
    categories = {c.code: c.name for c in Category.objects.all()}
    field = Supplier._meta.get_field

    def yes_no(value):
        return _("Oui") if value else _("Non")

    def offerings(items):
        return [
            f"{_choice_label(OfferingKind, o['kind'])} — {o['title']} "
            f"({categories.get(o['category'], o['category'])})"
            + (f" : {o['description']}" if o["description"] else "")
            for o in items
        ]

    displays = {
        "legal_form": lambda v: _choice_label(LegalForm, v),
        "coop_type": lambda v: _choice_label(CoopType, v),
        "employees_band": lambda v: _choice_label(EmployeesBand, v),
        "serves_all_quebec": yes_no,
        "head_office_region": lambda v: regions.get(v, v),
        "regions_served": lambda v: [regions.get(code, code) for code in v],
        "categories": lambda v: [categories.get(code, code) for code in v],
        "offerings": offerings,
        "claimed_accreditations": lambda v: [_choice_label(Accreditation, code) for code in v],
    }
    labels = {
        "claimed_accreditations": _("Accréditations déclarées"),
        "offerings": _("Offres"),
        "logo": _("Logo"),
    }
    order = [
        *SCALAR_FIELDS[:-1],
        "head_office_region",
        "serves_all_quebec",
        "regions_served",
        "categories",
        "offerings",
        "claimed_accreditations",
        "logo",
    ]
    rows = []
    for name in order:
        old, new = current.get(name), proposed.get(name)
        label = labels.get(name) or field(name).verbose_name
        if name == "logo":
            rows.append(
                {
                    "label": label,
                    "kind": "image",
                    "current": default_storage.url(old) if old else "",
                    "proposed": default_storage.url(new) if new else "",
                    "changed": (old or "") != (new or ""),
                }
            )
            continue
        display = displays.get(name, lambda v: v if v not in (None, "") else "")
        old_display, new_display = display(old), display(new)
        rows.append(
            {
                "label": label,
                "kind": "list" if isinstance(new_display, list) else "text",
                "current": old_display,
                "proposed": new_display,
                "changed": old != new,
            }
        )
    return rows
