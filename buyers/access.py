"""Who reaches the buyers' workspace, applied to views.

The rule is ``buyers.models.can_use_workspace`` (staff or an active buyer): ``workspace_required`` applies it
(search exports). What belongs to a buyer and their organisation (lists, records, saved searches) needs an
active buyer: ``buyer_required`` passes the ``Buyer`` to the view. Anonymous visitors are sent to log in; anyone
else gets a 403 page saying why (pending, refused, staff, enterprise member) without revealing anything.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from .models import BuyerStatus, can_use_workspace


def current_buyer(user):
    """The user's Buyer row, or ``None`` (anonymous, staff without one, enterprise members)."""
    if not user.is_authenticated:
        return None
    return getattr(user, "buyer", None)


def forbidden(request, *, status=403):
    buyer = current_buyer(request.user)
    if buyer is None:
        reason = "staff" if request.user.is_staff else "not_buyer"
    else:
        reason = buyer.status if buyer.status != BuyerStatus.ACTIVE else "other"
    return render(request, "buyers/forbidden.html", {"reason": reason, "buyer": buyer}, status=status)


def workspace_required(view):
    """Staff and active buyers only (search exports)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_use_workspace(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapped


def buyer_required(view):
    """Active buyers only; the view receives ``buyer`` (with its organisation) as a keyword argument."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        buyer = current_buyer(request.user)
        if buyer is None or not buyer.is_active:
            return forbidden(request)
        return view(request, *args, buyer=buyer, **kwargs)

    return wrapped


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapped
