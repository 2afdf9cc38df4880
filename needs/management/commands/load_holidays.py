from django.core.management.base import BaseCommand

from needs.models import Holiday
from needs.reference import load_holidays


class Command(BaseCommand):
    help = "Create or update the holidays of fixtures/holidays.csv (days that are not business days)."

    def handle(self, *args, **options):
        count = load_holidays(Holiday)
        self.stdout.write(f"{count} holidays.")
