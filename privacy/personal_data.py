"""django-axes' log-in records are personal data too (address typed, IP address, browser)."""

from django.utils.translation import gettext_lazy as _

from .registry import register
from .services import login_records_of


def export_login_records(user):
    records = []
    for _model, queryset in login_records_of(user):
        for record in queryset.order_by("attempt_time"):
            records.append(
                {
                    "kind": record._meta.model_name,
                    "at": record.attempt_time,
                    "ip_address": record.ip_address,
                    "browser": record.user_agent,
                    "address_typed": record.username,
                }
            )
    return records


def erase_login_records(user):
    for _model, queryset in login_records_of(user):
        queryset.delete()


register(
    "login_records", label=_("Traces de connexion"), export=export_login_records, erase=erase_login_records
)
