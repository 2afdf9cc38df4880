"""`make run`'s demo enterprise member: a verified account that owns a published listing, printed on the console."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from enterprises.models import Membership, MembershipRole
from suppliers.models import Status
from tests.factories import SupplierFactory


@pytest.mark.django_db
def test_the_demo_member_owns_a_published_caterer_of_the_demo_buyers_region_and_can_log_in(client, capsys):
    SupplierFactory(
        name="Aaa brouillon", status=Status.DRAFT, regions=["08"], categories=["alimentation.traiteur"]
    )
    SupplierFactory(name="Bbb ailleurs", regions=["03"], categories=["alimentation.traiteur"])
    caterer = SupplierFactory(name="Traiteur d'Amos", regions=["08"], categories=["alimentation.traiteur"])

    call_command("create_demo_member")
    call_command("create_demo_member")  # make run runs it every time: nothing is duplicated

    [membership] = Membership.objects.filter(user__email="entreprise@demo.quebec")
    assert membership.supplier == caterer and membership.role == MembershipRole.OWNER
    out = capsys.readouterr().out
    assert "entreprise@demo.quebec" in out and "demo-entreprise-2026" in out and "Traiteur d'Amos" in out
    response = client.post(
        reverse("account_login"), {"login": "entreprise@demo.quebec", "password": "demo-entreprise-2026"}
    )
    assert response["Location"] == reverse("enterprises:dashboard")


def test_make_demo_creates_the_demo_member():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    demo_target = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert "manage.py create_demo_member" in demo_target


@pytest.mark.django_db
def test_the_demo_member_prefers_a_listing_with_a_public_email_which_needs_can_reach():
    SupplierFactory(name="Aaa sans courriel", regions=["08"], categories=["alimentation.traiteur"])
    reachable = SupplierFactory(
        name="Zzz joignable", email="info@zzz.qc.ca", regions=["08"], categories=["alimentation.traiteur"]
    )

    call_command("create_demo_member")

    assert Membership.objects.get(user__email="entreprise@demo.quebec").supplier == reachable
