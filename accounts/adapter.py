from allauth.account.adapter import DefaultAccountAdapter

from buyers.adapter import BuyerAdapterMixin
from directory.site import sender

from .client_ip import client_ip
from .spaces import space_url


class AccountAdapter(BuyerAdapterMixin, DefaultAccountAdapter):
    """allauth with the site's client address (trusted proxies), each kind of user sent to their own space, and
    its emails (confirmation, password reset) signed with the site's name in the reader's language.

    A ``next`` address in the request (an invitation, a page that asked to log in) still wins over the space.
    Buyers become active on confirming an address their organisation owns (``BuyerAdapterMixin``).
    """

    def get_from_email(self):
        return sender()

    def get_client_ip(self, request):
        return client_ip(request)

    def get_login_redirect_url(self, request):
        return space_url(request.user)

    def get_signup_redirect_url(self, request):
        if request.user.is_authenticated:
            return space_url(request.user)
        return super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        if self.request.user.is_authenticated:
            return space_url(self.request.user)
        return super().get_email_verification_redirect_url(email_address)
