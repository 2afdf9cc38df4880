from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("tableau-de-bord/", views.overview, name="overview"),
    path("tableau-de-bord/couverture/", views.coverage, name="coverage"),
    path("tableau-de-bord/couverture/secteurs/<slug:sector>/", views.sector, name="sector"),
    path("tableau-de-bord/couverture/fournisseurs/", views.cell, name="cell"),
    path("tableau-de-bord/couverture/fournisseurs.csv", views.cell_export, name="cell_export"),
    path("tableau-de-bord/fraicheur/", views.freshness, name="freshness"),
    path("tableau-de-bord/demande/", views.demand, name="demand"),
    path("tableau-de-bord/besoins/", views.funnel, name="funnel"),
    path("tableau-de-bord/adoption/", views.adoption, name="adoption"),
    # Each table of a page as CSV, with the page's filters in the query string.
    path(
        "tableau-de-bord/couverture/<slug:table>.csv",
        views.export,
        {"page": "coverage"},
        name="export_coverage",
    ),
    path(
        "tableau-de-bord/couverture/secteurs/<slug:sector>/<slug:table>.csv",
        views.export,
        {"page": "sector"},
        name="export_sector",
    ),
    path(
        "tableau-de-bord/fraicheur/<slug:table>.csv",
        views.export,
        {"page": "freshness"},
        name="export_freshness",
    ),
    path("tableau-de-bord/demande/<slug:table>.csv", views.export, {"page": "demand"}, name="export_demand"),
    path("tableau-de-bord/besoins/<slug:table>.csv", views.export, {"page": "funnel"}, name="export_funnel"),
    path(
        "tableau-de-bord/adoption/<slug:table>.csv",
        views.export,
        {"page": "adoption"},
        name="export_adoption",
    ),
    path("fiches-a-jour/<str:token>/", views.confirm, name="confirm"),
    path("fiches-a-jour/fiche/<int:pk>/confirmer/", views.confirm_as_member, name="confirm_as_member"),
]
