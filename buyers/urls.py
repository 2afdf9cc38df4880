from django.urls import path, re_path

from .views import accounts, alerts, exports, records, shortlists

app_name = "buyers"
FORMATS = r"(?P<fmt>csv|xlsx)"
urlpatterns = [
    # Search exports sit beside the search page and take its query string.
    re_path(rf"^recherche/export\.{FORMATS}$", exports.search_export, name="search_export"),
    path("acheteurs/inscription/", accounts.signup, name="signup"),
    path("acheteurs/", accounts.home, name="home"),
    path("acheteurs/listes/", shortlists.shortlist_list, name="shortlist_list"),
    path("acheteurs/listes/nouvelle/", shortlists.shortlist_create, name="shortlist_create"),
    path("acheteurs/listes/ajouter/", shortlists.shortlist_add, name="shortlist_add"),
    path("acheteurs/listes/<int:pk>/", shortlists.shortlist_detail, name="shortlist_detail"),
    path("acheteurs/listes/<int:pk>/modifier/", shortlists.shortlist_edit, name="shortlist_edit"),
    path("acheteurs/listes/<int:pk>/supprimer/", shortlists.shortlist_delete, name="shortlist_delete"),
    re_path(
        rf"^acheteurs/listes/(?P<pk>[0-9]+)/export\.{FORMATS}$",
        shortlists.shortlist_export,
        name="shortlist_export",
    ),
    path("acheteurs/listes/<int:pk>/entrees/<int:entry_pk>/", shortlists.entry_update, name="entry_update"),
    path(
        "acheteurs/listes/<int:pk>/entrees/<int:entry_pk>/retirer/",
        shortlists.entry_remove,
        name="entry_remove",
    ),
    path("acheteurs/dossiers/", records.record_list, name="record_list"),
    path("acheteurs/dossiers/nouveau/", records.record_create, name="record_create"),
    path("acheteurs/dossiers/<str:reference>/", records.record_detail, name="record_detail"),
    path("acheteurs/dossiers/<str:reference>/addenda/", records.record_addendum, name="record_addendum"),
    path("acheteurs/dossiers/<str:reference>/export.csv", records.record_export, name="record_export"),
    path("dossiers/verification/", records.record_verify, name="record_verify"),
    path("acheteurs/recherches/", alerts.saved_search_list, name="saved_search_list"),
    path("acheteurs/recherches/nouvelle/", alerts.saved_search_create, name="saved_search_create"),
    path("acheteurs/recherches/<int:pk>/", alerts.saved_search_update, name="saved_search_update"),
    path("acheteurs/recherches/<int:pk>/supprimer/", alerts.saved_search_delete, name="saved_search_delete"),
    path("alertes/desabonnement/<str:token>/", alerts.unsubscribe, name="unsubscribe"),
    path("acheteurs/personnel/acheteurs/", accounts.staff_buyers, name="staff_buyers"),
    path("acheteurs/personnel/organismes/", accounts.staff_organisations, name="staff_organisations"),
]
