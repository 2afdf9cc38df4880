from django.core.management.base import BaseCommand, CommandError

from suppliers.services import demo_catalogue_load


class Command(BaseCommand):
    help = (
        "Charge le catalogue de démonstration (fournisseurs publiés fictifs, générés de façon déterministe)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=320)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count, seed, **options):
        report = demo_catalogue_load(count=count, seed=seed)
        if not report.ok:
            for error in report.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write("Catalogue de démonstration : " + report.summary())
