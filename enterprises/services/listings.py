"""Listings: a member creates a draft and edits it directly, submits it, and changes a public listing through a
revision that staff approve or refuse (``listing_edit_mode`` says which). Every edit carries a token of what the
person saw; a listing changed since then is an ``EditConflict`` shown to them, never a silent overwrite. A revision
applies only what its author changed (``merge_changes``), so staff's later corrections stay.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suppliers.logos import (
    delete_logo_file_on_commit,
    is_pending_logo,
    store_pending_logo,
    stored_logo,
)
from suppliers.models import Accreditation, Status, Supplier

from ..listing_data import (
    FIELD_GROUPS,
    EditConflict,
    FieldDisplay,
    apply_listing_data,
    changed_groups,
    edit_token,
    listing_snapshot,
    merge_changes,
    read_edit_token,
)
from ..models import (
    NEQ_UNAVAILABLE,
    DecisionStatus,
    EditMode,
    Membership,
    MembershipRole,
    Revision,
    listing_edit_mode,
)
from ..notifications import absolute, admin_url, dashboard_url, member_emails, notify, notify_staff
from .base import ListingNotEditable, locked, locked_pending, require_verified_email


def _require_edit_mode(supplier: Supplier, mode: EditMode) -> None:
    if listing_edit_mode(supplier) != mode:
        raise ListingNotEditable(
            _("Cette fiche ne peut pas être modifiée ainsi pour l'instant."), code="edit_mode"
        )


# --- What a member edits ---


def _pending_change(supplier: Supplier) -> Revision | None:
    return supplier.revisions.pending().filter(is_new_listing=False).first()


def _proposed(published: dict, pending: Revision | None) -> dict:
    """The public listing with the member's pending change on it: what the edit form shows."""
    if pending is None:
        return published
    return merge_changes(published, pending.base or published, pending.data)


def listing_edit_start(supplier: Supplier) -> tuple[dict, str]:
    """The content an edit form starts from, and the token to send back with it."""
    published = listing_snapshot(supplier)
    start = published
    if listing_edit_mode(supplier) == EditMode.REVISION:
        start = _proposed(published, _pending_change(supplier))
    return start, edit_token(supplier=supplier, base=published, start=start)


def _check_unchanged_since(
    supplier: Supplier, token: str, *, published: dict, now: dict, typed: dict
) -> None:
    """Raise ``EditConflict`` if what the person edits changed since their form opened (another member, staff, an
    import): they see what changed, keep what they typed, and may send it again."""
    seen = read_edit_token(token, supplier=supplier)
    if seen is not None and seen["start"] == now:
        return
    before = seen["start"] if seen is not None else now
    theirs = changed_groups(before, now) if seen is not None else []
    mine = changed_groups(before, typed)
    changes = FieldDisplay().rows(theirs, now)
    both = {name for group in theirs if group in mine for name in group}
    for row in changes:
        row["both"] = row["name"] in both
    raise EditConflict(
        changes=changes,
        merged=merge_changes(now, before, typed),
        token=edit_token(supplier=supplier, base=published, start=now),
    )


def _neq_taken(error: IntegrityError) -> bool:
    return "neq" in (getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or "")


def listing_create(*, user, data: dict, logo=None) -> Supplier:
    """A member creates a new listing as a draft; they become its first owner (responsable).

    Two people creating the same NEQ at once: the database's unique NEQ refuses the second, as the form would.
    """
    try:
        with transaction.atomic():
            supplier = Supplier(status=Status.DRAFT)
            supplier._history_user = user
            supplier._change_reason = _("Fiche créée par l'entreprise")
            apply_listing_data(supplier, data, logo=logo)
            Membership.objects.create(user=user, supplier=supplier, role=MembershipRole.OWNER)
    except IntegrityError as error:
        if not _neq_taken(error):
            raise
        raise ValidationError({"neq": ValidationError(NEQ_UNAVAILABLE, code="neq_unavailable")}) from error
    return supplier


def listing_update_draft(*, supplier: Supplier, user, data: dict, token: str, logo=None) -> Supplier:
    """A draft is not public, so its member edits it directly."""
    with transaction.atomic():
        supplier = locked(supplier)
        _require_edit_mode(supplier, EditMode.DIRECT)
        current = listing_snapshot(supplier)
        _check_unchanged_since(
            supplier, token, published=current, now=current, typed={**data, "logo": current["logo"]}
        )
        supplier._history_user = user
        supplier._change_reason = _("Brouillon modifié par l'entreprise")
        apply_listing_data(supplier, data, logo=logo)
    return supplier


def listing_submit(*, supplier: Supplier, user) -> Revision:
    """Send a draft for review: staff see it in the review queue and publish it by approving."""
    require_verified_email(user, _("Confirmez votre adresse courriel avant de soumettre une fiche."))
    with transaction.atomic():
        supplier = locked(supplier)
        if listing_edit_mode(supplier) != EditMode.DIRECT:
            raise ListingNotEditable(_("Cette fiche n'est pas un brouillon : elle ne peut pas être soumise."))
        if not supplier.offerings.exists():
            raise ValidationError(
                _("Décrivez au moins une offre avant de soumettre la fiche."), code="no_offering"
            )
        snapshot = listing_snapshot(supplier)
        revision = Revision.objects.create(
            supplier=supplier, is_new_listing=True, data=snapshot, base=snapshot, submitted_by=user
        )
        supplier.submit_for_review(by=user)
        notify_staff("review_waiting", revision=revision, supplier=supplier, url=admin_url(revision))
    return revision


def _rebased(published: dict, pending: Revision | None) -> dict:
    """The base of a new version of a pending change: what it already proposed keeps the base it was proposed
    against (so a staff change since is still a conflict); the rest is the listing as it is now."""
    if pending is None:
        return published
    old_base = pending.base or published
    base = dict(published)
    for group in changed_groups(old_base, pending.data):
        base.update({field: old_base[field] for field in group})
    return base


def revision_submit(*, supplier: Supplier, user, data: dict, token: str, logo=None) -> Revision:
    """A change to a public listing waits as the listing's one pending revision; the row is untouched."""
    require_verified_email(user, _("Confirmez votre adresse courriel avant de soumettre une modification."))
    with transaction.atomic():
        supplier = locked(supplier)
        _require_edit_mode(supplier, EditMode.REVISION)
        published = listing_snapshot(supplier)
        pending = _pending_change(supplier)
        now = _proposed(published, pending)
        _check_unchanged_since(
            supplier, token, published=published, now=now, typed={**data, "logo": now["logo"]}
        )
        proposed = {
            **data,
            "logo": store_pending_logo(owner=supplier.neq, logo=logo) if logo else now["logo"],
        }
        base = _rebased(published, pending)
        if not changed_groups(base, proposed):
            raise ValidationError(
                _("Aucune modification : la fiche publiée est déjà à jour."), code="no_change"
            )
        if pending is None:
            revision = Revision.objects.create(supplier=supplier, data=proposed, base=base, submitted_by=user)
            notify_staff("review_waiting", revision=revision, supplier=supplier, url=admin_url(revision))
            return revision
        replaced_logo = pending.data.get("logo", "")
        pending.data, pending.base = proposed, base
        pending.submitted_by, pending.submitted_at = user, timezone.now()
        pending.save(update_fields=["data", "base", "submitted_by", "submitted_at"])
        if is_pending_logo(replaced_logo) and replaced_logo != proposed["logo"]:
            delete_logo_file_on_commit(replaced_logo)
    return pending


def _drop_pending_logo(revision: Revision) -> None:
    if is_pending_logo(revision.data.get("logo", "")):
        delete_logo_file_on_commit(revision.data["logo"])


def revision_approve(*, revision: Revision, by, verified_accreditations, reason: str = "") -> Revision:
    """Apply what the member changed, in one transaction, recorded in the history under the staff member's name.

    Fields staff changed since the revision was made and the member did not are kept. ``verified_accreditations``
    are those staff have checked; they become the listing's public accreditations. Approving a new listing
    publishes it.
    """
    if set(verified_accreditations) - set(Accreditation.values):
        raise ValidationError(_("Accréditation inconnue."), code="unknown_accreditation")
    with transaction.atomic():
        revision = locked_pending(Revision, revision.pk)
        supplier = Supplier.objects.select_for_update().get(pk=revision.supplier_id)
        current = listing_snapshot(supplier)
        merged = merge_changes(current, revision.base or current, revision.data)
        logo = stored_logo(merged["logo"]) if merged["logo"] and merged["logo"] != current["logo"] else None
        supplier.accreditations = sorted(set(verified_accreditations))
        supplier.last_verified_at = timezone.now()
        supplier.last_verified_by = by
        supplier._history_user = by
        supplier._change_reason = reason or (
            _("Nouvelle fiche approuvée") if revision.is_new_listing else _("Modification approuvée")
        )
        apply_listing_data(supplier, merged, logo=logo)
        _drop_pending_logo(revision)
        if revision.is_new_listing and supplier.status == Status.PENDING:
            supplier.publish(by=by, reason=reason)
        revision.decide(DecisionStatus.APPROVED, by=by, reason=reason)
        notify(
            "revision_approved",
            to=member_emails(supplier),
            revision=revision,
            supplier=supplier,
            url=dashboard_url(),
            public_url=absolute(supplier.get_absolute_url()),
        )
    return revision


def revision_refuse(*, revision: Revision, by, reason: str) -> Revision:
    """Refuse with a reason: the public listing is untouched; a refused new listing goes back to draft."""
    with transaction.atomic():
        revision = locked_pending(Revision, revision.pk)
        supplier = Supplier.objects.select_for_update().get(pk=revision.supplier_id)
        revision.decide(DecisionStatus.REFUSED, by=by, reason=reason)
        if revision.is_new_listing and supplier.status == Status.PENDING:
            supplier.change_status(Status.DRAFT, by=by, reason=reason)
        _drop_pending_logo(revision)
        notify(
            "revision_refused",
            to=member_emails(supplier),
            revision=revision,
            supplier=supplier,
            url=dashboard_url(),
        )
    return revision


def revision_withdraw(*, revision: Revision, user) -> Revision:
    """A member takes back what they sent: a new listing becomes a draft again, a change to a public listing is
    dropped (the public version never changed)."""
    with transaction.atomic():
        revision = locked_pending(Revision, revision.pk)
        supplier = Supplier.objects.select_for_update().get(pk=revision.supplier_id)
        if not Membership.objects.filter(user=user, supplier=supplier).exists():
            raise PermissionDenied
        revision.decide(DecisionStatus.WITHDRAWN, by=user)
        if revision.is_new_listing and supplier.status == Status.PENDING:
            supplier.change_status(Status.DRAFT, by=user)
        _drop_pending_logo(revision)
    return revision


def review_rows(revision: Revision) -> list[dict]:
    """The staff review page, field by field: the public value, the value approving gives, whether the member
    changed it, and whether staff changed it too since the revision was made (a conflict, with the value then)."""
    current = listing_snapshot(revision.supplier)
    base = revision.base or current
    merged = merge_changes(current, base, revision.data)
    member_changed = {name for group in changed_groups(base, revision.data) for name in group}
    display = FieldDisplay()
    rows = []
    for group in FIELD_GROUPS:
        for name in group:
            changed = name in member_changed
            rows.append(
                {
                    "label": display.label(name),
                    "kind": display.kind(name, display.value(name, merged.get(name))),
                    "current": display.value(name, current.get(name)),
                    "proposed": display.value(name, merged.get(name)),
                    "changed": changed and current.get(name) != merged.get(name),
                    "conflict": changed and current.get(name) != base.get(name),
                    "base": display.value(name, base.get(name)),
                }
            )
    return rows
