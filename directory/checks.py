"""Production readiness: what `manage.py check --deploy` and the WSGI start (wsgi.py) refuse.

A missing static manifest makes every HTML page answer 500 with DEBUG off, so the web process refuses to start
without it; the privacy officer and the contacts must be real ones before the policy is published.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MANIFEST_NAME = "staticfiles.json"


def static_manifest_errors() -> list[Error]:
    if settings.DEBUG:
        return []
    manifest = settings.STATIC_ROOT / MANIFEST_NAME
    if manifest.exists():
        return []
    return [
        Error(
            f"The static files manifest {manifest} is missing: every page would answer 500.",
            hint="Run `manage.py collectstatic --no-input` before starting the site (`make production` does).",
            id="directory.E001",
        )
    ]


@register(Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs, **kwargs):
    return static_manifest_errors()


@register(Tags.security, deploy=True)
def check_published_contacts(app_configs, **kwargs):
    errors = []
    if not settings.PRIVACY_OFFICER_NAME.strip():
        errors.append(
            Error(
                "PRIVACY_OFFICER_NAME is empty: the privacy policy must name the person in charge (Loi 25).",
                id="directory.E002",
            )
        )
    for name in ["PRIVACY_OFFICER_EMAIL", "ACCESSIBILITY_CONTACT_EMAIL", "DEFAULT_FROM_EMAIL"]:
        if getattr(settings, name).strip().endswith("@localhost"):
            errors.append(Error(f"{name} is still the local placeholder.", id="directory.E003"))
    return errors


@register(Tags.security, deploy=True)
def check_site_url_is_served(app_configs, **kwargs):
    """Links in emails lead to SITE_URL: Django must answer for its host."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    host = urlsplit(settings.SITE_URL).hostname or ""
    if settings.DEBUG or validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        Error(
            f"SITE_URL's host {host!r} is not in DJANGO_ALLOWED_HOSTS: the links in emails would be refused.",
            id="directory.E004",
        )
    ]


def assert_ready_to_serve() -> None:
    """Called by wsgi.py: a production web process without its static files stops at once, saying why."""
    errors = static_manifest_errors()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
