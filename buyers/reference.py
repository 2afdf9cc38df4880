"""Data shipped in fixtures/ for the buyers' side: the threshold rules (seeded once, then edited by staff) and the
demo organisations that ``make run`` loads."""

import csv
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
THRESHOLD_RULES_FILE = "threshold_rules.csv"
DEMO_ORGANISATIONS_FILE = "demo_buyer_organisations.csv"


def read_csv(name: str) -> list[dict]:
    with open(FIXTURES_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _int_or_none(value: str):
    return int(value) if value.strip() else None


def load_threshold_rules(ThresholdRule) -> int:
    """Seed the threshold rules from fixtures/ when there are none (staff edits are never overwritten); returns
    how many were created. Takes the model so that a data migration can pass its historical model."""
    if ThresholdRule.objects.exists():
        return 0
    rules = [
        ThresholdRule(
            regime=row["regime"],
            nature=row["nature"],
            mode=row["mode"],
            amount_from=int(row["amount_from"]),
            amount_to=_int_or_none(row["amount_to"]),
            min_invitees=_int_or_none(row["min_invitees"]),
            valid_from=row["valid_from"],
            valid_to=row["valid_to"] or None,
            source_url=row["source_url"],
            note=row["note"],
        )
        for row in read_csv(THRESHOLD_RULES_FILE)
    ]
    ThresholdRule.objects.bulk_create(rules)
    return len(rules)


def load_demo_organisations(BuyerOrganisation, OrganisationDomain) -> dict:
    """Create or update the demo organisations and their email domains (idempotent)."""
    for row in read_csv(DEMO_ORGANISATIONS_FILE):
        organisation, _created = BuyerOrganisation.objects.update_or_create(
            name=row["name"], defaults={"kind": row["kind"], "region_id": row["region"] or None}
        )
        for domain in filter(None, (part.strip().lower() for part in row["domains"].split(";"))):
            OrganisationDomain.objects.update_or_create(
                domain=domain, defaults={"organisation": organisation}
            )
    return {
        "organisations": BuyerOrganisation.objects.count(),
        "domains": OrganisationDomain.objects.count(),
    }
