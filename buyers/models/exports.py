"""A log of exports for the activity figures: what kind of organisation exported what, how many rows, when.
Deliberately without the user or the organisation: counting needs neither."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import OrganisationKind

STAFF_KIND = "staff"


class ExportKind(models.TextChoices):
    SEARCH = "search", _("Résultats de recherche")
    SHORTLIST = "shortlist", _("Liste restreinte")
    RECORD = "record", _("Dossier de recherche de marché")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportLog(models.Model):
    organisation_kind = models.CharField(
        _("type d'organisme"),
        max_length=30,
        choices=[*OrganisationKind.choices, (STAFF_KIND, _("Personnel du ministère"))],
    )
    kind = models.CharField(_("export de"), max_length=20, choices=ExportKind.choices)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    rows = models.PositiveIntegerField(_("lignes"))
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ExportKind.values), name="export_log_kind_valid"),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="export_log_format_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.format} ({self.rows})"
