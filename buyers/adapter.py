"""The buyers' part of the allauth account adapter: a confirmed address in a domain the buyer's organisation
owns makes the buyer active at once, and buyers land in their own space after log-in or confirmation.

``BuyerAdapterMixin`` is meant to be combined with other apps' mixins in one adapter class (settings
``ACCOUNT_ADAPTER``); each method falls back to the next class in the chain for users who are not buyers.
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import services
from .models import Buyer


def is_buyer(user) -> bool:
    return user.is_authenticated and Buyer.objects.filter(user=user).exists()


class BuyerAdapterMixin:
    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.buyer_email_confirmed(user=email_address.user, email=email_address.email)
        return confirmed

    def get_login_redirect_url(self, request):
        if is_buyer(request.user):
            return reverse("buyers:home")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        if is_buyer(email_address.user):
            return reverse("buyers:home")
        return super().get_email_verification_redirect_url(email_address)


class AccountAdapter(BuyerAdapterMixin, DefaultAccountAdapter):
    pass
