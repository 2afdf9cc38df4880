from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static

from suppliers.search import catalogue_counts, current_catalogue


def home(request):
    """Search box, and browsing by region served and by sector with published-supplier counts (3 queries)."""
    catalogue = current_catalogue()
    reference = catalogue.reference
    counts = catalogue_counts(catalogue)
    return render(
        request,
        "home.html",
        {
            "regions": [(region, counts["region"][region.code]) for region in reference.regions],
            "sectors": [(sector, counts["sector"][sector.code]) for sector in reference.sectors],
        },
    )


def privacy(request):
    """Privacy policy (Loi 25): who is in charge, what is kept, why, for how long and who sees it.

    The keeping periods come from privacy/retention.py, which the periodic purges enforce.
    """
    from privacy import retention

    context = {
        "privacy_officer_name": settings.PRIVACY_OFFICER_NAME,
        "privacy_officer_title": settings.PRIVACY_OFFICER_TITLE,
        "privacy_officer_email": settings.PRIVACY_OFFICER_EMAIL,
        "login_records_days": retention.LOGIN_RECORDS.days,
        "expired_invitations_days": retention.EXPIRED_INVITATIONS.days,
        "refused_claim_messages_days": retention.REFUSED_CLAIM_MESSAGES.days,
        "closed_needs_days": retention.CLOSED_NEEDS.days,
        "task_jobs_hours": settings.TASK_JOBS_RETENTION_HOURS,
        "search_events_months": retention.SEARCH_EVENTS_MONTHS,
    }
    return render(request, "directory/privacy.html", context)


def accessibility(request):
    """Accessibility statement (SGQRI 008 3.0): target, how it is checked, known limits, how to report a problem."""
    return render(
        request, "directory/accessibility.html", {"accessibility_email": settings.ACCESSIBILITY_CONTACT_EMAIL}
    )


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the pages link to."""
    return redirect(static("favicon.ico"), permanent=True)
