from django.contrib import admin

from .models import Confirmation, ConfirmationRequest


@admin.register(ConfirmationRequest)
class ConfirmationRequestAdmin(admin.ModelAdmin):
    """The yearly confirmation requests, for staff to see who was asked and reminded (read only)."""

    list_display = ["supplier", "due_on", "asked_at", "reminded_at"]
    list_select_related = ["supplier"]
    search_fields = ["supplier__name", "supplier__neq"]
    date_hierarchy = "due_on"
    fields = ["supplier", "due_on", "asked_at", "reminded_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ["supplier", "confirmed_at", "confirmed_by"]
    list_select_related = ["supplier", "confirmed_by"]
    search_fields = ["supplier__name", "supplier__neq"]
    fields = ["supplier", "confirmed_at", "confirmed_by", "request"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
