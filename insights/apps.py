from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Tableau de bord du ministère")

    def ready(self):
        # The search page and the API announce each search (suppliers.hooks); this app records it, anonymised.
        from suppliers.hooks import search_completed

        from .services import search_event_record

        search_completed.connect(search_event_record, dispatch_uid="insights.search_event_record")
