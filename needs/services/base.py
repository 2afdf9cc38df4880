"""Helpers every service uses: locking the need, checking the author, telling the author of a decision."""

from django.core.exceptions import PermissionDenied

from .. import notifications
from ..models import Need, NotificationKind


def locked(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


def check_author(need: Need, user) -> None:
    if need.author is None or need.author.user_id != user.pk or not need.author.is_active:
        raise PermissionDenied


def tell_author_decision(need: Need) -> None:
    notifications.enqueue(need=need, kind=NotificationKind.DECISION, key=str(need.status_changes.count()))
