"""`make run`'s demo activity (``load_demo_activity``): needs in every status, answers of both kinds, one reaching
the demo member's listing, search events with their roll-ups, 12 months of coverage snapshots; twice changes nothing."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from buyers.models import Buyer, MarketResearchRecord
from enterprises.models import Membership
from insights.models import CoverageSnapshot, SearchDemandDay, SearchDemandMonth, SearchEvent
from needs.models import Answer, Need, NeedStatus, NeedStatusChange, Notification, Recipient
from suppliers.services import demo_catalogue_load


def counts() -> dict:
    models = [
        Need,
        Recipient,
        Notification,
        NeedStatusChange,
        Buyer,
        MarketResearchRecord,
        SearchEvent,
        SearchDemandMonth,
        SearchDemandDay,
        CoverageSnapshot,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_the_demo_activity_fills_every_side_and_loads_once(client, capsys):
    assert demo_catalogue_load(count=80).ok
    for command in ("create_demo_staff", "load_demo_buyers", "create_demo_member"):
        call_command(command)
    capsys.readouterr()

    call_command("load_demo_activity")
    out = capsys.readouterr().out
    assert "besoins de 3 acheteurs" in out and "courriel(s) en file d'attente" in out

    assert set(Need.objects.values_list("status", flat=True)) == set(NeedStatus.values)
    assert {True, False} <= set(
        Need.objects.filter(status=NeedStatus.OUTCOME_RECORDED).values_list("outcome_awarded", flat=True)
    )
    # Spread over about a year: the funnel has months.
    months = {need.submitted_at.strftime("%Y-%m") for need in Need.objects.exclude(submitted_at=None)}
    assert len(months) >= 8
    published = Need.objects.exclude(published_at=None)
    answered = [
        need
        for need in published
        if need.recipients.filter(answer=Answer.INTERESTED).exclude(answers=[]).exists()
        and need.recipients.filter(answer=Answer.NOT_INTERESTED).exclude(decline_reason="").exists()
    ]
    assert answered
    for need in published:
        assert 1 <= need.recipients.active().count() <= 5
        assert need.published_at >= need.submitted_at >= need.created_at
    member = Membership.objects.get(user__email="entreprise@demo.quebec")
    assert Recipient.objects.filter(
        supplier=member.supplier, excluded=False, need__status=NeedStatus.PUBLISHED
    ).exists()

    assert SearchEvent.objects.count() >= 1000
    assert SearchEvent.objects.filter(results=0).exists()
    assert SearchDemandMonth.objects.values("month").distinct().count() >= 12
    assert CoverageSnapshot.objects.values("taken_on").distinct().count() == 12

    before = counts()
    call_command("load_demo_activity")
    assert "déjà présents" in capsys.readouterr().out
    assert counts() == before

    # The member sees the need in "Mes occasions".
    client.force_login(member.user)
    response = client.get(reverse("needs:opportunities"))
    assert "Service de traiteur pour la journée régionale des gestionnaires" in response.content.decode()


def test_make_demo_loads_the_demo_activity_last():
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    demo_target = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert demo_target.rstrip().endswith("manage.py load_demo_activity")
