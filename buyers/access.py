"""Who reaches the buyers' workspace: the rule is ``buyers.models.can_use_workspace``; this applies it to views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import can_use_workspace


def workspace_required(view):
    """Anonymous visitors are sent to log in; a logged-in user who is neither staff nor an active buyer gets 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_use_workspace(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
