from django.contrib import admin

from .models import Buyer, BuyerOrganisation


@admin.register(BuyerOrganisation)
class BuyerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "job_title"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
