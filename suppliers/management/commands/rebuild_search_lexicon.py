from django.core.management.base import BaseCommand

from suppliers.search import rebuild_search_lexicon


class Command(BaseCommand):
    help = (
        "Reconstruit le lexique de correction des fautes de frappe à partir des fiches publiées. La base de données "
        "le tient à jour à chaque écriture : cette commande ne sert qu'à le réparer."
    )

    def handle(self, *args, **options):
        words = rebuild_search_lexicon()
        self.stdout.write(self.style.SUCCESS(f"Lexique de recherche : {words} mots."))
