from django.core.management.base import BaseCommand, CommandError

from suppliers.importing import FileFormatError, iter_file
from suppliers.services import supplier_import


class Command(BaseCommand):
    help = (
        "Importe des fournisseurs depuis un fichier CSV (UTF-8) ou XLSX, tout ou rien : "
        "une seule ligne invalide et rien n'est importé. Les lignes sont associées par NEQ."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier .csv ou .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Valider et compter sans rien enregistrer")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, file, dry_run, batch_size, **options):
        try:
            report = supplier_import(
                open_rows=lambda: iter_file(file), dry_run=dry_run, batch_size=batch_size
            )
        except FileNotFoundError as error:
            raise CommandError(f"Fichier introuvable : {file}") from error
        except FileFormatError as error:
            raise CommandError(str(error)) from error
        if not report.ok:
            # At most MAX_REPORTED_ERRORS lines; the summary counts the rest.
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
