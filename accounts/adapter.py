from allauth.account.adapter import DefaultAccountAdapter

from .client_ip import client_ip
from .spaces import space_url


class AccountAdapter(DefaultAccountAdapter):
    """allauth with the site's client address (trusted proxies) and each kind of user sent to their own space.

    A ``next`` address in the request (an invitation, a page that asked to log in) still wins over the space.
    """

    def get_client_ip(self, request):
        return client_ip(request)

    def get_login_redirect_url(self, request):
        return space_url(request.user)

    def get_signup_redirect_url(self, request):
        if request.user.is_authenticated:
            return space_url(request.user)
        return super().get_signup_redirect_url(request)
