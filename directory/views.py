from django.conf import settings
from django.shortcuts import render

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
    """Privacy policy (Loi 25): what is collected, why, for how long, and whom to ask."""
    return render(
        request, "directory/privacy.html", {"privacy_officer_email": settings.PRIVACY_OFFICER_EMAIL}
    )


def accessibility(request):
    """Accessibility statement (SGQRI 008 3.0): target, how it is checked, known limits, how to report a problem."""
    return render(
        request, "directory/accessibility.html", {"accessibility_email": settings.ACCESSIBILITY_CONTACT_EMAIL}
    )
