import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts.models import CURATORS_GROUP
from directory.site import absolute_url

DEMO_EMAIL = "curatrice@demo.quebec"


class Command(BaseCommand):
    help = "Crée (ou réinitialise) le compte de démonstration du personnel du ministère et affiche ses accès."

    def handle(self, *args, **options):
        from allauth.account.models import EmailAddress

        password = os.environ.get("DEMO_STAFF_PASSWORD", "demo-curation-2026")
        user, _ = get_user_model().objects.get_or_create(
            email=DEMO_EMAIL, defaults={"first_name": "Camille", "last_name": "Tremblay"}
        )
        user.is_staff = True
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=CURATORS_GROUP))
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
        line = "=" * 64
        self.stdout.write(
            f"\n{line}\n Compte de démonstration (groupe {CURATORS_GROUP})\n"
            f"   Administration : {absolute_url(reverse('admin:index'))}\n"
            f"   Courriel       : {DEMO_EMAIL}\n"
            f"   Mot de passe   : {password}\n{line}\n"
        )
