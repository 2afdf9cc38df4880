from django.core.management.base import BaseCommand

from suppliers.search import refresh_search_lexicon


class Command(BaseCommand):
    help = "Reconstruit le lexique des mots des fournisseurs publiés (correction des fautes de frappe en recherche)."

    def handle(self, *args, **options):
        words = refresh_search_lexicon()
        self.stdout.write(self.style.SUCCESS(f"Lexique de recherche : {words} mots."))
