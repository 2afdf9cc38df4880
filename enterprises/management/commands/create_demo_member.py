import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from directory.site import absolute_url
from enterprises.models import Membership, MembershipRole
from suppliers.models import Supplier

DEMO_EMAIL = "entreprise@demo.quebec"
# A caterer of Abitibi-Témiscamingue, the demo buyer's region: the member sees what that buyer's searches find.
DEMO_REGION = "08"
DEMO_CATEGORY = "alimentation.traiteur"


def demo_listing() -> Supplier | None:
    """Preferably a listing with a public email: only those receive buyers' needs ("Mes occasions")."""
    published = Supplier.objects.published().order_by("name", "pk")
    for listings in (published.exclude(email=""), published):
        found = (
            listings.filter(regions_served=DEMO_REGION, categories=DEMO_CATEGORY).first()
            or listings.filter(regions_served=DEMO_REGION).first()
            or listings.first()
        )
        if found is not None:
            return found
    return None


class Command(BaseCommand):
    help = (
        "Crée (ou réinitialise) le compte de démonstration d'un membre d'entreprise, responsable d'une fiche publiée "
        "du catalogue de démonstration, et affiche ses accès."
    )

    def handle(self, *args, **options):
        from allauth.account.models import EmailAddress

        supplier = demo_listing()
        if supplier is None:
            raise CommandError(
                "Aucune fiche publiée : chargez d'abord le catalogue (manage.py load_demo_catalogue)."
            )
        password = os.environ.get("DEMO_MEMBER_PASSWORD", "demo-entreprise-2026")
        user, _ = get_user_model().objects.get_or_create(
            email=DEMO_EMAIL, defaults={"first_name": "Sophie", "last_name": "Lavoie"}
        )
        user.is_staff = False
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
        Membership.objects.filter(user=user).exclude(supplier=supplier).delete()
        Membership.objects.update_or_create(
            user=user, supplier=supplier, defaults={"role": MembershipRole.OWNER}
        )
        line = "=" * 64
        self.stdout.write(
            f"\n{line}\n Compte entreprise de démonstration (responsable de « {supplier.name} »)\n"
            f"   Espace entreprise : {absolute_url(reverse('enterprises:dashboard'))}\n"
            f"   Courriel          : {DEMO_EMAIL}\n"
            f"   Mot de passe      : {password}\n{line}\n"
        )
