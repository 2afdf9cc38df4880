from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.account, name="account"),
    path("donnees.json", views.account_data, {"format": "json"}, name="account_data_json"),
    path("donnees.csv", views.account_data, {"format": "csv"}, name="account_data_csv"),
    path("supprimer/", views.account_delete, name="account_delete"),
]
