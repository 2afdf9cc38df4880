import sys

from django.core.management.base import BaseCommand

from directory.spreadsheets import iter_csv_lines
from suppliers.importing import COLUMNS
from suppliers.resources import iter_export_rows


class Command(BaseCommand):
    help = "Exporte les fournisseurs en CSV (mêmes colonnes que l'import) sur la sortie standard ou dans un fichier."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Fichier de sortie (sinon la sortie standard)")
        parser.add_argument("--status", action="append", help="Ne garder que ce statut (répétable)")

    def handle(self, *args, output, status, **options):
        from suppliers.models import Supplier

        queryset = Supplier.objects.all()
        if status:
            queryset = queryset.filter(status__in=status)
        rows = ([row[column] for column in COLUMNS] for row in iter_export_rows(queryset))
        handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            # The project's one CSV writer: every cell neutralised against formula injection.
            handle.writelines(iter_csv_lines(COLUMNS, rows))
        finally:
            if output:
                handle.close()
