"""Threshold rules are data (seeded from fixtures/threshold_rules.csv, edited by staff, indicative), and the demo
organisations are data files that `make run` loads with one demo buyer."""

import csv
import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from buyers.models import Buyer, BuyerOrganisation, OrganisationDomain, Regime, ThresholdRule
from buyers.reference import DEMO_ORGANISATIONS_FILE, FIXTURES_DIR, THRESHOLD_RULES_FILE
from suppliers.models import Region

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 26)


def rule(regime, nature, amount, on=TODAY):
    return ThresholdRule.objects.indicative(regime=regime, nature=nature, amount=amount, on=on)


def test_every_seeded_row_comes_from_the_fixture_file():
    with open(FIXTURES_DIR / THRESHOLD_RULES_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert ThresholdRule.objects.count() == len(rows)
    assert all(row.source_url.startswith("https://") for row in ThresholdRule.objects.all())


@pytest.mark.parametrize(
    ("regime", "nature", "amount", "mode", "min_invitees"),
    [
        (Regime.LCOP_GOVERNMENT, "supply", 24_999, "mutual_agreement", None),
        (Regime.LCOP_GOVERNMENT, "supply", 25_000, "public_tender", None),
        (Regime.LCOP_GOVERNMENT, "services", 99_999, "mutual_agreement", None),
        (Regime.LCOP_NETWORKS, "supply", 60_000, "mutual_agreement", None),
        (Regime.LCOP_NETWORKS, "services", 100_000, "public_tender", None),
        (Regime.MUNICIPAL, "services", 24_999, "mutual_agreement", None),
        (Regime.MUNICIPAL, "services", 60_000, "invited_tender", 2),
        (Regime.MUNICIPAL, "construction", 121_200, "public_tender", None),
    ],
)
def test_the_seeded_thresholds_of_domain_md(regime, nature, amount, mode, min_invitees):
    found = rule(regime, nature, amount)
    assert (found.mode, found.min_invitees) == (mode, min_invitees)


def test_a_rule_applies_only_while_in_force():
    assert rule(Regime.MUNICIPAL, "services", 60_000, on=datetime.date(2022, 9, 30)) is None
    # Re-indexed thresholds: staff end the rows in force and add the new ones.
    ThresholdRule.objects.filter(regime=Regime.MUNICIPAL, nature="services", amount_from__gt=0).update(
        valid_to=datetime.date(2026, 12, 31)
    )
    for mode, low, high in [("invited_tender", 25_000, 133_799), ("public_tender", 133_800, None)]:
        ThresholdRule.objects.create(
            regime=Regime.MUNICIPAL,
            nature="services",
            mode=mode,
            amount_from=low,
            amount_to=high,
            valid_from=datetime.date(2027, 1, 1),
            source_url="https://www.legisquebec.gouv.qc.ca/fr/document/lc/C-19",
        )
    assert rule(Regime.MUNICIPAL, "services", 130_000, on=datetime.date(2026, 12, 31)).mode == "public_tender"
    assert rule(Regime.MUNICIPAL, "services", 130_000, on=datetime.date(2027, 1, 2)).mode == "invited_tender"


def test_no_rule_for_a_kind_of_organisation_without_a_regime():
    organisation = BuyerOrganisation.objects.create(name="Loto-Québec", kind="state_corporation")
    assert organisation.regime is None
    assert rule(organisation.regime, "services", 60_000) is None


def test_staff_edit_threshold_rules_in_the_admin(client, curator):
    client.force_login(curator)
    target = ThresholdRule.objects.get(regime=Regime.MUNICIPAL, nature="supply", mode="public_tender")
    response = client.post(
        reverse("admin:buyers_thresholdrule_change", args=[target.pk]),
        {
            "regime": "municipal",
            "nature": "supply",
            "mode": "public_tender",
            "amount_from": "133800",
            "amount_to": "",
            "min_invitees": "",
            "valid_from": "2026-01-01",
            "valid_to": "",
            "source_url": target.source_url,
            "note": "Réindexé",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.amount_from == 133_800


def test_the_demo_command_loads_organisations_of_every_kind_in_every_region_and_prints_the_demo_login(capsys):
    call_command("load_demo_buyers")
    out = capsys.readouterr().out
    with open(FIXTURES_DIR / DEMO_ORGANISATIONS_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert BuyerOrganisation.objects.count() == len(rows)
    assert set(BuyerOrganisation.objects.values_list("region_id", flat=True)) == set(
        Region.objects.values_list("code", flat=True)
    )
    assert {"ministry", "health", "education", "municipal"} <= set(
        BuyerOrganisation.objects.values_list("kind", flat=True)
    )
    names = list(BuyerOrganisation.objects.values_list("name", flat=True))
    for word in [
        "Ministère",
        "Centre intégré de santé",
        "Centre intégré universitaire",
        "Centre de services scolaire",
        "Cégep",
        "Ville de",
        "MRC",
    ]:
        assert any(word in name for name in names), word
    assert OrganisationDomain.objects.count() >= len(rows)
    buyer = Buyer.objects.get(user__email="acheteuse@demo.quebec")
    assert buyer.is_active
    assert "acheteuse@demo.quebec" in out and "demo-achat-2026" in out
    # Run twice (make run does): nothing is duplicated.
    call_command("load_demo_buyers")
    assert BuyerOrganisation.objects.count() == len(rows)
    assert Buyer.objects.count() == 1


def test_make_demo_loads_the_demo_buyers():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    demo_target = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert "manage.py load_demo_buyers" in demo_target
