"""Regions, service areas, sectors and categories as the search index sees them."""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.utils.translation import get_language

from ..models import Accreditation, Category, LegalForm, Region, Sector, ServiceArea

FACETS = ("region", "area", "sector", "category", "legal_form", "accreditation")
LEGAL_FORMS = list(LegalForm.values)
ACCREDITATIONS = list(Accreditation.values)
# Flags of a supplier record: legal form (bits 0-3), accreditations (bits 4-11), all of Québec (bit 14).
ACCREDITATION_SHIFT = 4
ALL_QUEBEC_FLAG = 1 << 14


@dataclass
class Reference:
    """Regions, service areas, sectors and categories: the filter options, their numbers in the index, and the
    labels of codes. Loaded once per change of any of them and shared by the requests of a process, so never
    modified."""

    regions: list
    areas: list
    sectors: list
    categories: list
    _by_language: dict = field(default_factory=dict, repr=False)  # labels per language, filled on first use

    @classmethod
    def load(cls) -> "Reference":
        return cls(
            regions=list(Region.objects.order_by("code")),
            areas=list(ServiceArea.objects.order_by("region_id", "name", "code")),
            sectors=list(Sector.objects.order_by("position", "code")),
            categories=list(
                Category.objects.select_related("sector").order_by(
                    "sector__position", "sector__code", "position", "code"
                )
            ),
        )

    @cached_property
    def options(self) -> dict[str, dict[str, int]]:
        """Per facet, its options (codes or values, in display order) and their numbers in the index."""
        return {
            "region": {region.code: int(region.code) for region in self.regions},
            "area": {area.code: area.number for area in self.areas_in_tree_order},
            "sector": {sector.code: sector.number for sector in self.sectors},
            "category": {category.code: category.number for category in self.categories},
            "legal_form": {value: index for index, value in enumerate(LEGAL_FORMS)},
            "accreditation": {value: index for index, value in enumerate(ACCREDITATIONS)},
        }

    @cached_property
    def option_arrays(self) -> dict[str, tuple[list[str], np.ndarray]]:
        """Per facet, its option codes in display order and their numbers as an array (counts by code at once)."""
        return {
            facet: (list(options), np.fromiter(options.values(), dtype=np.int64, count=len(options)))
            for facet, options in self.options.items()
        }

    @cached_property
    def widths(self) -> dict[str, int]:
        widths = {facet: max(options.values(), default=-1) + 1 for facet, options in self.options.items()}
        if max(widths.values()) >= 2**31:  # the index keeps option numbers in 32 bits
            raise ValueError("Option numbers past 2**31: renumber the options (their sequence restarted).")
        return widths

    @cached_property
    def category_sector(self) -> np.ndarray:
        """Sector number by category number (-1 for numbers no category has)."""
        mapping = np.full(self.widths["category"], -1, np.int64)
        sectors = {sector.code: sector.number for sector in self.sectors}
        for category in self.categories:
            mapping[category.number] = sectors[category.sector_id]
        return mapping

    @cached_property
    def areas_by_code(self) -> dict:
        return {area.code: area for area in self.areas}

    @cached_property
    def area_region(self) -> dict[int, int]:
        return {area.number: int(area.region_id) for area in self.areas}

    @cached_property
    def area_parent(self) -> dict[int, int]:
        parents = {}
        for area in self.areas:
            parent = self.areas_by_code.get(area.parent_id)
            if parent is not None:
                parents[area.number] = parent.number
        return parents

    @cached_property
    def area_width(self) -> int:
        return self.widths["area"]

    @cached_property
    def area_region_array(self) -> np.ndarray:
        """Region number by area number (-1 for numbers no area has)."""
        mapping = np.full(self.area_width, -1, np.int64)
        for number, region in self.area_region.items():
            mapping[number] = region
        return mapping

    @cached_property
    def area_parent_array(self) -> np.ndarray:
        mapping = np.full(self.area_width, -1, np.int64)
        for number, parent in self.area_parent.items():
            mapping[number] = parent
        return mapping

    def area_path(self, number: int) -> list[int]:
        """The area and the areas containing it, innermost first."""
        path = []
        while number is not None and number not in path:
            path.append(number)
            number = self.area_parent.get(number)
        return path

    @cached_property
    def areas_in_tree_order(self) -> list:
        """Each region's areas, an area followed by those it contains (depth-first, by name)."""
        children = {}
        for area in self.areas:
            key = area.parent_id if area.parent_id in self.areas_by_code else None
            children.setdefault((area.region_id, key), []).append(area)
        ordered = []

        def visit(region, parent, depth):
            for area in children.get((region, parent), []):
                area.depth = depth
                ordered.append(area)
                visit(region, area.code, depth + 1)

        for region in self.regions:
            visit(region.code, None, 0)
        return ordered

    @cached_property
    def area_numbers_top_down(self) -> list[int]:
        return [area.number for area in self.areas_in_tree_order]

    def wide_options(self, facet: str) -> list[tuple[str, str, str, int]]:
        """The options of a facet with many, as (code, label, parent's label, depth), in the taxonomy's order:
        categories under their sector, service areas under their region (an area under the one containing it).
        Built once per language."""
        key = (facet, get_language())
        if key not in self._by_language:
            if facet == "category":
                options = [(c.code, c.name, c.sector.name, 0) for c in self.categories]
            else:
                regions = self.regions_by_code
                options = [
                    (a.code, a.name, regions[a.region_id].name, a.depth) for a in self.areas_in_tree_order
                ]
            self._by_language[key] = options
        return self._by_language[key]

    def labels(self, facet: str) -> dict[str, str]:
        """Code → label of a facet's options, in display order, in the active language (built once per language)."""
        key = (f"labels-{facet}", get_language())
        if key not in self._by_language:
            if facet == "region":
                labels = {region.code: region.name for region in self.regions}
            elif facet == "sector":
                labels = {sector.code: sector.name for sector in self.sectors}
            else:
                labels = {code: label for code, label, _parent, _depth in self.wide_options(facet)}
            self._by_language[key] = labels
        return self._by_language[key]

    @cached_property
    def region_codes(self) -> list[str]:
        return [region.code for region in self.regions]

    @cached_property
    def regions_by_code(self) -> dict:
        return {region.code: region for region in self.regions}

    @cached_property
    def categories_by_code(self) -> dict:
        return {category.code: category for category in self.categories}
