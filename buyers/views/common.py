from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme

LIST_PAGE_SIZE = 25


def paginate(request, queryset, per_page=LIST_PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def safe_next(request, value: str, fallback: str) -> str:
    """``value`` when it is a URL of this site, else ``fallback``."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback


def filter_querystring(request) -> str:
    """The list page's query string without its page number (for pagination links)."""
    data = request.GET.copy()
    data.pop("page", None)
    return data.urlencode()
