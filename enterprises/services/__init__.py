"""Work on the enterprise side that spans several models and tells people by email, by seam: listings and their
revisions, claims, colleagues. Callers use ``enterprises.services.<thing>_<verb>``."""

from django.core.exceptions import PermissionDenied, ValidationError

from ..listing_data import EditConflict, listing_snapshot
from ..models import NEQ_UNAVAILABLE
from .base import ListingNotEditable, email_is_verified
from .claims import claim_approve, claim_refuse, claim_request, claimable_listing
from .colleagues import (
    invitation_accept,
    invitation_create,
    invitation_is_for,
    invitation_url,
    membership_leave,
    membership_remove,
    membership_set_role,
)
from .listings import (
    listing_create,
    listing_edit_start,
    listing_submit,
    listing_update_draft,
    review_rows,
    revision_approve,
    revision_refuse,
    revision_submit,
    revision_withdraw,
)

__all__ = [
    "NEQ_UNAVAILABLE",
    "EditConflict",
    "ListingNotEditable",
    "PermissionDenied",
    "ValidationError",
    "claim_approve",
    "claim_refuse",
    "claim_request",
    "claimable_listing",
    "email_is_verified",
    "invitation_accept",
    "invitation_create",
    "invitation_is_for",
    "invitation_url",
    "listing_create",
    "listing_edit_start",
    "listing_snapshot",
    "listing_submit",
    "listing_update_draft",
    "membership_leave",
    "membership_remove",
    "membership_set_role",
    "review_rows",
    "revision_approve",
    "revision_refuse",
    "revision_submit",
    "revision_withdraw",
]
