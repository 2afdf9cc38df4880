"""Rate limits on what a person can make the site do (send an email, file a request, create a listing, call the
API), counted per account and per client address in the shared cache so that they hold across worker processes.

Rates are settings (``RATE_LIMITS``), written as allauth writes its own: ``"10/h/user,20/h/ip"``. Each attempt
counts, refused ones included, in fixed windows of the rate's period.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .client_ip import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "user": the account; "ip": the client address

    @classmethod
    def parse(cls, text: str) -> "Rate":
        amount, period, per = text.strip().split("/")
        if per not in {"user", "ip"}:
            raise ValueError(f"Unknown rate-limit key {per!r} in {text!r}: use user or ip.")
        return cls(int(amount), PERIODS[period], per)


def rates(action: str) -> list[Rate]:
    return [Rate.parse(part) for part in settings.RATE_LIMITS.get(action, "").split(",") if part.strip()]


def _who(request, per: str) -> str | None:
    if per == "user":
        return str(request.user.pk) if request.user.is_authenticated else None
    return client_ip(request) or None


def _increment(key: str, timeout: int) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)  # another process created it in between


def rate_limited(request, action: str) -> bool:
    """Count this attempt at ``action``; True when it goes over one of the action's rates (then refuse it)."""
    now = time.time()
    exceeded = False
    for rate in rates(action):
        who = _who(request, rate.per)
        if who is None:
            continue
        window = int(now // rate.seconds)
        # Hashed: the cache keeps no address or account number in clear.
        digest = hashlib.sha256(f"{action}:{rate}:{who}".encode()).hexdigest()[:32]
        count = _increment(
            f"rl:{action}:{digest}:{window}", timeout=rate.seconds - int(now % rate.seconds) + 1
        )
        exceeded = exceeded or count > rate.amount
    return exceeded


def rate_limited_message() -> str:
    return _("Vous avez fait cette action trop souvent en peu de temps. Réessayez un peu plus tard.")


class ApiRateLimitMiddleware:
    """The open API (URL namespace ``suppliers_api``) answers 429 past the ``api`` rate of a client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "suppliers_api" or not rate_limited(request, "api"):
            return None
        response = JsonResponse(
            {"error": rate_limited_message()}, status=429, json_dumps_params={"ensure_ascii": False}
        )
        response["Retry-After"] = str(min(rate.seconds for rate in rates("api")))
        response["Access-Control-Allow-Origin"] = "*"
        return response
