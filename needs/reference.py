"""Reference data of the needs shipped in fixtures/: the holidays that are not business days."""

import csv

from suppliers.reference import FIXTURES_DIR


def load_holidays(Holiday) -> int:
    """Create or update the holidays of fixtures/holidays.csv (idempotent); takes the model class so that a data
    migration can pass its historical model."""
    with open(FIXTURES_DIR / "holidays.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Holiday.objects.update_or_create(
                date=row["date"], defaults={"name_fr": row["name_fr"], "name_en": row["name_en"]}
            )
    return Holiday.objects.count()
