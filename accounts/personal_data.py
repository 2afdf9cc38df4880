"""The account itself and its email addresses (privacy/registry.py). Both go with the account row."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from privacy.registry import register


def export_account(user):
    return [
        {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
    ]


def export_email_addresses(user):
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("email")
    ]


register("account", label=_("Compte"), export=export_account)
register("email_addresses", label=_("Adresses courriel"), export=export_email_addresses)
