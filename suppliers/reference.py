"""Reference data shipped in fixtures/: the 17 regions and the category taxonomy."""

import csv
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def read_csv(name: str) -> list[dict]:
    with open(FIXTURES_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(Region, Sector, Category) -> dict:
    """Create or update regions, sectors and categories from fixtures/ (idempotent).

    Takes the model classes so that a data migration can pass its historical models.
    """
    for row in read_csv("regions.csv"):
        Region.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    sectors_seen = {}
    for position, row in enumerate(read_csv("categories.csv")):
        if row["sector_code"] not in sectors_seen:
            sectors_seen[row["sector_code"]] = len(sectors_seen)
            Sector.objects.update_or_create(
                code=row["sector_code"],
                defaults={
                    "name_fr": row["sector_fr"],
                    "name_en": row["sector_en"],
                    "position": sectors_seen[row["sector_code"]],
                },
            )
        Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "sector_id": row["sector_code"],
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "unspsc_segment": row["unspsc_segment"] or "",
                "position": position,
            },
        )
    return {
        "regions": Region.objects.count(),
        "sectors": Sector.objects.count(),
        "categories": Category.objects.count(),
    }
