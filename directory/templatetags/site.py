from django import template

from directory.site import SITE_NAME

register = template.Library()


@register.simple_tag
def site_name():
    """The site's name in the active language (``{% site_name %}``), in pages and in emails alike."""
    return str(SITE_NAME)
