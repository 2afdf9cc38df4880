"""What the public pages (search results, supplier page) need to offer buyers their actions, read once per
request and only for logged-in users: anonymous visitors cost no query."""

from django import template

from ..access import current_buyer
from ..models import Shortlist, can_use_workspace

register = template.Library()


def _cached(request, name, compute):
    cache = request.__dict__.setdefault("_buyer_workspace", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


@register.simple_tag(takes_context=True)
def workspace_user(context) -> bool:
    """Whether the visitor may use the workspace (staff or an active buyer)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return _cached(request, "workspace", lambda: can_use_workspace(request.user))


@register.simple_tag(takes_context=True)
def active_buyer(context):
    """The visitor's Buyer row when they are an active buyer, else ``None``."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    buyer = buyer_profile(context)
    return buyer if buyer is not None and buyer.is_active else None


@register.simple_tag(takes_context=True)
def own_shortlists(context) -> list:
    """The active buyer's own lists (those they may add to), newest first."""
    buyer = active_buyer(context)
    if buyer is None:
        return []
    request = context["request"]
    return _cached(request, "shortlists", lambda: list(Shortlist.objects.owned_by(buyer).only("pk", "name")))


@register.simple_tag(takes_context=True)
def buyer_profile(context):
    """The visitor's Buyer row whatever its status (pending buyers get their space too), else ``None``."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return _cached(request, "buyer", lambda: current_buyer(request.user))


@register.simple_tag
def export_limit() -> int:
    from ..exports import EXPORT_MAX_ROWS

    return EXPORT_MAX_ROWS
