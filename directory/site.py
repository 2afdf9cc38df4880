"""The site's identity, in one place: its name in each language and the public address of its links.

Pages, emails (the sender's name, signatures) and the admin all take the name from here, so the site goes by
one name per language. Links in the site's own emails are built from ``settings.SITE_URL``: ``make run`` sets it
to the address it serves, production must set it (settings.py refuses to start without an https address).
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SITE_NAME = _("Répertoire des fournisseurs d'économie sociale")


def absolute_url(path: str) -> str:
    """The address of ``path`` (``/entreprises/…``) on the configured site."""
    return settings.SITE_URL.rstrip("/") + path


def sender() -> str:
    """The From header of the site's emails: the site's name in the active language, then its address."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    name = gettext(SITE_NAME).replace("\\", "\\\\").replace('"', '\\"')
    # A quoted display name: Django encodes its accents when it writes the header.
    return f'"{name}" <{address}>'
