from django.core.management.base import BaseCommand

from suppliers.models import Category, Region, Sector
from suppliers.reference import load_reference_data


class Command(BaseCommand):
    help = "Charge ou met à jour les 17 régions et la taxonomie des catégories depuis fixtures/."

    def handle(self, *args, **options):
        counts = load_reference_data(Region, Sector, Category)
        self.stdout.write(
            "Données de référence : {regions} régions, {sectors} secteurs, {categories} catégories.".format(
                **counts
            )
        )
