from django.urls import path

from . import views

app_name = "suppliers"
urlpatterns = [
    path("recherche/", views.supplier_search, name="search"),
    path("fournisseurs/<str:neq>/", views.supplier_detail, name="detail"),
]
