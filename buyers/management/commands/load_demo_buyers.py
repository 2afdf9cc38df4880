import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from buyers.models import Buyer, BuyerOrganisation, BuyerStatus, OrganisationDomain
from buyers.reference import DEMO_ORGANISATIONS_FILE, load_demo_organisations

DEMO_BUYER_EMAIL = "acheteuse@demo.quebec"
DEMO_BUYER_ORGANISATION = "Centre intégré de santé et de services sociaux de l'Abitibi-Témiscamingue"


class Command(BaseCommand):
    help = (
        f"Charge les organismes publics de démonstration (fixtures/{DEMO_ORGANISATIONS_FILE}) et crée (ou "
        "réinitialise) le compte acheteur de démonstration, dont il affiche les accès."
    )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_BUYER_PASSWORD", "demo-achat-2026")
        with transaction.atomic():
            counts = load_demo_organisations(BuyerOrganisation, OrganisationDomain)
            user, _created = get_user_model().objects.get_or_create(
                email=DEMO_BUYER_EMAIL, defaults={"first_name": "Julie", "last_name": "Gagnon"}
            )
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=DEMO_BUYER_EMAIL, defaults={"verified": True, "primary": True}
            )
            Buyer.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": BuyerOrganisation.objects.get(name=DEMO_BUYER_ORGANISATION),
                    "job_title": "Conseillère en approvisionnement",
                    "status": BuyerStatus.ACTIVE,
                },
            )
        line = "=" * 64
        self.stdout.write(
            f"Organismes publics de démonstration : {counts['organisations']} organismes, "
            f"{counts['domains']} domaines.\n"
            f"\n{line}\n Compte acheteur de démonstration ({DEMO_BUYER_ORGANISATION})\n"
            f"   Espace acheteur : http://127.0.0.1:8000/acheteurs/\n"
            f"   Courriel        : {DEMO_BUYER_EMAIL}\n"
            f"   Mot de passe    : {password}\n{line}\n"
        )
