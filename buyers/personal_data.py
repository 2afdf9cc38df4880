"""What the buyers' side keeps about a person (privacy/registry.py): their buyer profile, their lists with their
notes and decisions, their saved searches, and the market-research records they wrote.

When a person deletes their account, their profile, lists and saved searches go with it. The records they wrote
stay: they are their organisation's file, immutable by law of the database (``buyers/models/records.py``); only
the link to the account is emptied, the printed author's name being part of the sealed content.
"""

from django.utils.translation import gettext_lazy as _

from privacy.registry import register

from .models import Buyer, MarketResearchRecord, SavedSearch, ShortlistEntry


def export_buyer(user):
    return [
        {
            "organisation": buyer.organisation.name,
            "job_title": buyer.job_title,
            "status": buyer.get_status_display(),
            "status_reason": buyer.status_reason,
            "signed_up_at": buyer.created_at,
            "decided_at": buyer.decided_at,
        }
        for buyer in Buyer.objects.filter(user=user).select_related("organisation")
    ]


def export_shortlist_entries(user):
    entries = (
        ShortlistEntry.objects.filter(shortlist__owner__user=user)
        .select_related("shortlist", "supplier")
        .order_by("shortlist__created_at", "shortlist_id", "added_at", "pk")
    )
    return [
        {
            "list": entry.shortlist.name,
            "purpose": entry.shortlist.purpose,
            "visibility": entry.shortlist.get_visibility_display(),
            "supplier": entry.supplier.name,
            "neq": entry.supplier.neq,
            "note": entry.note,
            "decision": entry.get_decision_display(),
            "decided_on": entry.decided_on,
            "added_at": entry.added_at,
        }
        for entry in entries
    ]


def export_saved_searches(user):
    return [
        {
            "name": saved.name,
            "criteria": saved.querystring,
            "frequency": saved.get_frequency_display(),
            "created_at": saved.created_at,
            "last_digest_at": saved.last_digest_at,
        }
        for saved in SavedSearch.objects.filter(owner__user=user).order_by("created_at", "pk")
    ]


def export_records(user):
    return [
        {
            "reference": record.reference,
            "organisation": record.organisation_name,
            "created_at": record.created_at,
        }
        for record in MarketResearchRecord.objects.filter(author=user).order_by("created_at", "pk")
    ]


register("buyer", label=_("Profil d'acheteur"), export=export_buyer)
register("shortlists", label=_("Listes restreintes (notes et décisions)"), export=export_shortlist_entries)
register("saved_searches", label=_("Recherches enregistrées"), export=export_saved_searches)
register("market_research_records", label=_("Dossiers de recherche de marché rédigés"), export=export_records)
