from django.urls import path

from . import api

app_name = "suppliers_api"
urlpatterns = [
    path("suppliers/", api.supplier_list, name="list"),
    path("suppliers/<str:neq>/", api.supplier_detail, name="detail"),
]
