from allauth.account.adapter import DefaultAccountAdapter

from directory.site import sender


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails (confirmation, password reset) are signed with the site's name in the reader's language."""

    def get_from_email(self):
        return sender()
