"""A wide taxonomy for the benchmark: about 1,000 categories and 1,100 service areas, as a purchasing taxonomy
mapped to UNSPSC and the MRCs and municipalities of Québec would give.

The 57 categories of ``fixtures/categories.csv`` each get 17 finer ones (``<code>.<nn>``, named after their parent
with a qualifier); each region gets MRCs in proportion to its weight in the demo generator (104 in all), each MRC
about ten municipalities below it. Suppliers get finer categories of the categories they have and, some of them,
service areas finer than the regions they serve (``extra_categories``, ``extra_areas``). Deterministic.
"""

import itertools
import random

from suppliers.demo_data import REGION_WEIGHTS

FINER_PER_CATEGORY = 17
MRC_COUNT = 104
MUNICIPALITIES_PER_MRC = 10
QUALIFIERS = [
    ("institutionnel", "institutional"),
    ("régional", "regional"),
    ("sur mesure", "custom"),
    ("d'urgence", "emergency"),
    ("saisonnier", "seasonal"),
    ("écoresponsable", "eco-friendly"),
    ("à grande échelle", "large scale"),
    ("de proximité", "local"),
    ("pour écoles", "for schools"),
    ("pour hôpitaux", "for hospitals"),
    ("pour municipalités", "for municipalities"),
    ("adapté", "adapted"),
    ("clé en main", "turnkey"),
    ("en continu", "ongoing"),
    ("ponctuel", "one-off"),
    ("spécialisé", "specialised"),
    ("de base", "basic"),
]
_SAINTS = ["Saint-Alban", "Sainte-Anne", "Saint-Benoît", "Sainte-Claire", "Saint-Damase", "Sainte-Edwidge",
           "Saint-Fabien", "Sainte-Flavie", "Saint-Gédéon", "Sainte-Hélène", "Saint-Isidore", "Sainte-Julie",
           "Saint-Lambert", "Sainte-Luce", "Saint-Narcisse", "Sainte-Odile", "Saint-Pacôme", "Sainte-Rita",
           "Saint-Siméon", "Sainte-Ursule"]  # fmt: skip
_PLACES = ["du-Lac", "des-Monts", "de-la-Rivière", "du-Nord", "des-Érables", "de-Bellechasse", "des-Pins",
           "du-Cap", "de-la-Baie", "des-Collines", "de-l'Anse", "des-Prés"]  # fmt: skip


def create_wide_taxonomy() -> dict:
    """Create the finer categories and the service areas (idempotent); returns how many of each exist."""
    from suppliers.models import Category, ServiceArea, ServiceAreaKind

    coarse = list(Category.objects.exclude(code__regex=r"\.[0-9]{2}$").order_by("code"))
    finer = [
        Category(
            code=f"{category.code}.{index:02d}",
            sector_id=category.sector_id,
            name_fr=f"{category.name_fr} {fr}",
            name_en=f"{category.name_en} ({en})",
            unspsc_segment=category.unspsc_segment,
            position=category.position * 100 + index + 1,
        )
        for category in coarse
        for index, (fr, en) in enumerate(QUALIFIERS[:FINER_PER_CATEGORY])
    ]
    Category.objects.bulk_create(finer, ignore_conflicts=True)
    total = sum(REGION_WEIGHTS.values())
    mrcs, municipalities = [], []
    names = itertools.cycle([f"{saint}-{place}" for place in _PLACES for saint in _SAINTS])
    for region, weight in sorted(REGION_WEIGHTS.items()):
        for number in range(max(1, round(MRC_COUNT * weight / total))):
            mrc = ServiceArea(
                code=f"mrc-{region}-{number:02d}",
                name=f"MRC de {next(names)}",
                kind=ServiceAreaKind.MRC,
                region_id=region,
            )
            mrcs.append(mrc)
            municipalities += [
                ServiceArea(
                    code=f"mun-{region}-{number:02d}-{index:02d}",
                    name=f"{next(names)} ({region}-{number:02d})",
                    kind=ServiceAreaKind.MUNICIPALITY,
                    region_id=region,
                    parent_id=mrc.code,
                )
                for index in range(MUNICIPALITIES_PER_MRC)
            ]
    ServiceArea.objects.bulk_create(mrcs, ignore_conflicts=True)
    ServiceArea.objects.bulk_create(municipalities, ignore_conflicts=True)
    return {"categories": Category.objects.count(), "service_areas": ServiceArea.objects.count()}


class WideTaxonomy:
    """Finer categories and service areas for generated suppliers (deterministic per seed)."""

    def __init__(self, *, seed: int):
        from suppliers.models import ServiceArea

        self.rng = random.Random(seed + 1)
        self.areas = list(ServiceArea.objects.order_by("code").values_list("code", flat=True))

    def extra_categories(self, codes: list[str]) -> list[str]:
        extra = []
        for code in codes:
            roll = self.rng.random()
            for _ in range(2 if roll < 0.2 else 1 if roll < 0.7 else 0):
                extra.append(f"{code}.{self.rng.randrange(FINER_PER_CATEGORY):02d}")
        return sorted(set(extra) - set(codes))

    def extra_areas(self) -> list[str]:
        if not self.areas or self.rng.random() >= 0.35:
            return []
        return sorted({self.rng.choice(self.areas) for _ in range(1 + self.rng.randrange(3))})
