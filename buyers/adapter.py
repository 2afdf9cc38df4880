"""The buyers' part of the allauth account adapter (``accounts.adapter.AccountAdapter`` combines it): a confirmed
address in a domain the buyer's organisation owns makes the buyer active at once. Where buyers land after log-in
or confirmation is ``accounts.spaces``' rule, like every other kind of user's."""

from . import services


class BuyerAdapterMixin:
    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.buyer_email_confirmed(user=email_address.user, email=email_address.email)
        return confirmed
