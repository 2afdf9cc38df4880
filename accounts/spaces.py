"""Where each kind of user lands after logging in or confirming their address: their own space.

One table keyed by kind of user: a new kind is a new ``UserKind`` member, a line in ``user_kind`` and a line in
``SPACES``.
"""

from django.db import models
from django.urls import reverse


class UserKind(models.TextChoices):
    STAFF = "staff"
    BUYER = "buyer"
    ENTERPRISE = "enterprise"


SPACES = {
    UserKind.STAFF: "admin:index",
    UserKind.BUYER: "buyers:home",
    # Anyone else signed up through « Inscrire mon entreprise »: the enterprise space, listings or not.
    UserKind.ENTERPRISE: "enterprises:dashboard",
}


def user_kind(user) -> UserKind:
    if user.is_staff:
        return UserKind.STAFF
    if hasattr(user, "buyer"):
        return UserKind.BUYER
    return UserKind.ENTERPRISE


def space_url(user) -> str:
    return reverse(SPACES[user_kind(user)])
