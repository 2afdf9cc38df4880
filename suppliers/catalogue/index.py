"""The search index of one database snapshot: published suppliers by slot, their orders, their facets; and how a
batch of changed suppliers makes the next index (a copy sharing what did not change)."""

from dataclasses import dataclass, field

import numpy as np

from .bitmaps import (
    AreaFacet,
    DenseFacet,
    _facet_class,
    _words,
    bitmap_of,
    bits_at,
    pack,
    popcount,
    unpack,
)
from .reference import ACCREDITATION_SHIFT, ACCREDITATIONS, ALL_QUEBEC_FLAG, FACETS, LEGAL_FORMS, Reference


class _IdLookup:
    """Supplier id -> slot: a dense array for ids up to a few times the number of suppliers (text matches come
    back as ids, sometimes hundreds of thousands of them), a sorted array for the rare larger ids (any 64-bit id
    is accepted)."""

    def __init__(self, ids: np.ndarray, slots: np.ndarray, dense_limit: int):
        dense = (ids >= 0) & (ids < dense_limit)
        self.dense = np.full(int(ids[dense].max()) + 1 if dense.any() else 0, -1, np.int32)
        self.dense[ids[dense]] = slots[dense]
        order = np.argsort(ids[~dense], kind="stable")
        self.sparse_ids = ids[~dense][order]
        self.sparse_slots = slots[~dense][order].astype(np.int32)

    def slots_of(self, ids: np.ndarray) -> np.ndarray:
        """Slots of these ids, -1 for ids not in the index."""
        ids = np.asarray(ids, dtype=np.int64)
        slots = np.full(len(ids), -1, np.int32)
        inside = (ids >= 0) & (ids < len(self.dense))
        slots[inside] = self.dense[ids[inside]]
        outside = ~inside
        if outside.any() and len(self.sparse_ids):
            positions = np.searchsorted(self.sparse_ids, ids[outside])
            positions = np.minimum(positions, len(self.sparse_ids) - 1)
            found = self.sparse_ids[positions] == ids[outside]
            slots[np.flatnonzero(outside)[found]] = self.sparse_slots[positions[found]]
        return slots

    def changed(self, removed: np.ndarray, ids: np.ndarray, slots: np.ndarray, count: int) -> "_IdLookup":
        """A copy without the ``removed`` ids and with these (id, slot) pairs (``count``: suppliers after)."""
        limit = _dense_limit(count)
        dense = (ids >= 0) & (ids < limit)
        result = object.__new__(_IdLookup)
        size = max(len(self.dense), int(ids[dense].max()) + 1 if dense.any() else 0)
        result.dense = np.full(size, -1, np.int32)
        result.dense[: len(self.dense)] = self.dense
        gone = removed[(removed >= 0) & (removed < len(self.dense))]
        result.dense[gone] = -1
        result.dense[ids[dense]] = slots[dense]
        keep = ~np.isin(self.sparse_ids, removed)
        sparse_ids = np.concatenate([self.sparse_ids[keep], ids[~dense]])
        sparse_slots = np.concatenate([self.sparse_slots[keep], slots[~dense].astype(np.int32)])
        order = np.argsort(sparse_ids, kind="stable")
        result.sparse_ids, result.sparse_slots = sparse_ids[order], sparse_slots[order]
        return result

    @property
    def nbytes(self):
        return self.dense.nbytes + self.sparse_ids.nbytes + self.sparse_slots.nbytes


def _dense_limit(count: int) -> int:
    return 4 * count + (1 << 20)


@dataclass(frozen=True)
class CatalogueIndex:
    """Published suppliers by slot (``ids``, -1 for a free slot), their orders and per facet the options they have.

    ``region_full``: regions a supplier serves as a whole (all of Québec: every region); ``categories`` and
    ``areas``: (slot, option number) pairs as loaded; ``facets``: what filters and counts read, derived from these
    with the reference data (a service area counts in its region, a category in its sector).
    """

    ids: np.ndarray
    lookup: _IdLookup
    live: np.ndarray
    by_name: np.ndarray
    name_rank: np.ndarray
    updated: np.ndarray
    by_updated: np.ndarray
    updated_rank: np.ndarray
    flags: np.ndarray
    region_full: DenseFacet
    areas: (
        tuple  # (slots, numbers) of the service areas served, as loaded (facets["area"] keeps the outermost)
    )
    facets: dict = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.by_name)

    @property
    def capacity(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        arrays = [
            self.ids,
            self.live,
            self.by_name,
            self.name_rank,
            self.updated,
            self.by_updated,
            self.updated_rank,
            self.flags,
            *self.areas,
        ]
        total = sum(array.nbytes for array in arrays) + self.lookup.nbytes + self.region_full.nbytes
        return (
            total
            + sum(facet.nbytes for name, facet in self.facets.items() if name != "area")
            + (self.facets["area"].direct.nbytes if "area" in self.facets else 0)
        )

    # --- Building ---

    @classmethod
    def build(
        cls, records, region_pairs, category_pairs, area_pairs, reference: Reference
    ) -> "CatalogueIndex":
        """The index of these published suppliers (``records`` in name order) and pairs (any supplier)."""
        size = len(records)
        ids = records["id"].astype(np.int64)
        slots = np.arange(size, dtype=np.int32)
        lookup = _IdLookup(ids, slots, _dense_limit(size))
        updated = records["updated"].astype(np.int64)
        by_updated = np.lexsort((-ids, -updated)).astype(np.int32)
        region_slots, regions = cls._slots_of_pairs(lookup, region_pairs)
        flags = records["flags"].astype(np.int16)
        region_slots, regions = _with_all_quebec(region_slots, regions, flags, slots, reference)
        areas = cls._slots_of_pairs(lookup, area_pairs)
        region_full = DenseFacet.of_pairs(region_slots, regions, width=reference.widths["region"], size=size)
        index = cls(
            ids=ids,
            lookup=lookup,
            live=pack(np.ones(size, bool)),
            by_name=slots,
            name_rank=slots.copy(),
            updated=updated,
            by_updated=by_updated,
            updated_rank=_ranks(by_updated, size),
            flags=flags,
            region_full=region_full,
            areas=areas,
            facets={},
        )
        return index.with_reference(reference, cls._slots_of_pairs(lookup, category_pairs))

    @staticmethod
    def _slots_of_pairs(lookup: _IdLookup, pairs) -> tuple[np.ndarray, np.ndarray]:
        slots = lookup.slots_of(pairs["id"].astype(np.int64))
        kept = slots >= 0
        return slots[kept], pairs["option"][kept].astype(np.int32)

    def with_reference(self, reference: Reference, categories=None) -> "CatalogueIndex":
        """This index with every facet derived again (after the reference data changed), from its categories
        (``categories``: as loaded) and the service areas as loaded."""
        everyone = np.flatnonzero(self.ids >= 0).astype(np.int32)
        categories = categories if categories is not None else self.facets["category"].pairs()
        derived = _derive(self, reference, everyone, categories, self.areas)
        derived["area"] = derived.pop("area_direct")
        facets = {}
        for name, (slots, options) in derived.items():
            width = reference.widths[name]
            facets[name] = _facet_class(width).of_pairs(slots, options, width=width, size=self.capacity)
        facets["area"] = _area_facet(facets["area"], self.region_full)
        return _replace(self, facets=facets)

    # --- Changes ---

    def changed(self, ids, placed, region_pairs, category_pairs, area_pairs, reference) -> "CatalogueIndex":
        """A copy with these suppliers (``ids``: every changed one) replaced by their current data (``placed``:
        the published ones, in name order, each with the published unchanged supplier it follows)."""
        old_slots = self.lookup.slots_of(np.asarray(ids, dtype=np.int64))
        old_slots = old_slots[old_slots >= 0].astype(np.int64)
        new_ids = placed["id"].astype(np.int64)
        # Slots: a supplier still published keeps its own, the others' are freed, a new one takes a free one.
        ids_array = self.ids.copy()
        ids_array[old_slots] = -1
        new_slots = self.lookup.slots_of(new_ids).astype(np.int64)
        new = new_slots < 0
        free = np.setdiff1d(np.flatnonzero(ids_array < 0), new_slots[~new])
        if new.sum() > len(free):
            grown = max(int(new.sum()) - len(free), len(ids_array) // 4, 64)
            free = np.concatenate([free, np.arange(len(ids_array), len(ids_array) + grown)])
            ids_array = np.concatenate([ids_array, np.full(grown, -1, np.int64)])
        new_slots[new] = free[: int(new.sum())]
        ids_array[new_slots] = new_ids
        capacity = len(ids_array)
        size = self.size - len(old_slots) + len(new_slots)
        lookup = self.lookup.changed(np.asarray(ids, dtype=np.int64), new_ids, new_slots, size)
        live = _grown(self.live, _words(capacity), 0)
        live &= ~_grown(bitmap_of(old_slots, capacity), _words(capacity), 0)
        live |= bitmap_of(new_slots, capacity)
        touched = np.concatenate([old_slots, new_slots])
        changed_bitmap = bitmap_of(touched, capacity)

        updated = _grown(self.updated, capacity, 0)
        updated[new_slots] = placed["updated"].astype(np.int64)
        flags = _grown(self.flags, capacity, 0)
        flags[old_slots] = 0
        flags[new_slots] = placed["flags"].astype(np.int16)

        by_name = _placed_in_name_order(self, touched, new_slots, placed["after"].astype(np.int64), capacity)
        by_updated = _placed_in_updated_order(self, touched, new_slots, updated, ids_array, capacity)

        region_slots, regions = self._slots_of_pairs(lookup, region_pairs)
        region_slots, regions = _with_all_quebec(region_slots, regions, flags, new_slots, reference)
        new_categories = self._slots_of_pairs(lookup, category_pairs)
        new_areas = self._slots_of_pairs(lookup, area_pairs)
        region_full = self.region_full.replaced(
            changed_bitmap, region_slots, regions, width=reference.widths["region"], size=capacity
        )
        index = CatalogueIndex(
            ids=ids_array,
            lookup=lookup,
            live=live,
            by_name=by_name,
            name_rank=_ranks(by_name, capacity),
            updated=updated,
            by_updated=by_updated,
            updated_rank=_ranks(by_updated, capacity),
            flags=flags,
            region_full=region_full,
            areas=_replaced_pairs(self.areas, changed_bitmap, new_areas),
            facets={},
        )
        derived = _derive(index, reference, new_slots.astype(np.int32), new_categories, new_areas)

        def rebuilt():  # the options outgrew the layout: every facet derived again
            categories = _replaced_pairs(self.facets["category"].pairs(), changed_bitmap, new_categories)
            return index.with_reference(reference, categories)

        facets = {}
        for name, (slots, options) in derived.items():
            if name == "area_direct":
                continue
            width = reference.widths[name]
            old = self.facets[name]
            if isinstance(old, _facet_class(width)):
                facets[name] = old.replaced(changed_bitmap, slots, options, width=width, size=capacity)
            else:
                return rebuilt()
        slots, options = derived["area_direct"]
        width = reference.widths["area"]
        old_direct = self.facets["area"].direct
        if not isinstance(old_direct, _facet_class(width)):
            return rebuilt()
        facets["area"] = _area_facet(
            old_direct.replaced(changed_bitmap, slots, options, width=width, size=capacity), region_full
        )
        return _replace(index, facets=facets)

    # --- Sets ---

    def any_of(self, facet: str, options, reference: Reference) -> np.ndarray:
        """Suppliers having at least one of these options."""
        if facet == "area":
            return self.facets["area"].any_of(options, self.capacity, reference)
        return self.facets[facet].any_of(options, self.capacity)

    def of_ids(self, ids: np.ndarray) -> np.ndarray:
        """The bitmap of these supplier ids (ids not in the index are ignored)."""
        slots = self.lookup.slots_of(ids)
        return bitmap_of(slots[slots >= 0], self.capacity)

    def facet_counts(self, selected: dict[str, list[int]], reference: Reference, within=None):
        """Counts per option number of every facet, each with the OTHER facets' selections applied (disjunctive
        faceting), and the bitmap of the suppliers matching every selection.

        ``selected`` maps a facet to its selected option numbers (OR within a facet, AND between facets);
        ``within`` restricts everything (the text matches).
        """
        base = self.live if within is None else within & self.live
        chosen = {facet: self.any_of(facet, options, reference) for facet, options in selected.items()}
        counts = {}
        for facet in FACETS:
            others = base
            for name, bitmap in chosen.items():
                if name != facet:
                    others = others & bitmap
            if facet == "area":
                counts[facet] = self.facets["area"].counts(others, reference)
            else:
                counts[facet] = self.facets[facet].counts(others)
        matched = base
        for bitmap in chosen.values():
            matched = matched & bitmap
        return counts, matched

    # --- Orders ---

    def ordered(self, bitmap: np.ndarray, order: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Slots of the set bits in name order or "updated" order (most recent first), from ``start`` to
        ``stop``."""
        permutation, rank = (
            (self.by_name, self.name_rank) if order == "name" else (self.by_updated, self.updated_rank)
        )
        count = popcount(bitmap)
        stop = count if stop is None else min(stop, count)
        if start >= stop:
            return np.zeros(0, np.int32)
        if count * 32 < self.size:  # few: sort them
            slots = np.flatnonzero(unpack(bitmap, self.capacity)).astype(np.int32)
            return slots[np.argsort(rank[slots], kind="stable")][start:stop]
        flags = unpack(bitmap, self.capacity)
        found, chunk = [], max(1 << 16, stop - start)
        taken = 0
        for offset in range(0, len(permutation), chunk):
            part = permutation[offset : offset + chunk]
            part = part[flags[part]]
            found.append(part)
            taken += len(part)
            if taken >= stop:
                break
        return np.concatenate(found)[start:stop]

    def ids_at(self, slots: np.ndarray) -> list[int]:
        return [int(value) for value in self.ids[slots]]


def _replace(index: CatalogueIndex, **changes) -> CatalogueIndex:
    values = {name: getattr(index, name) for name in index.__dataclass_fields__}
    values.update(changes)
    return CatalogueIndex(**values)


def _grown(array: np.ndarray, size: int, fill) -> np.ndarray:
    if len(array) >= size:
        return array.copy()
    return np.concatenate([array, np.full(size - len(array), fill, array.dtype)])


def _ranks(permutation: np.ndarray, capacity: int) -> np.ndarray:
    rank = np.full(capacity, -1, np.int32)
    rank[permutation] = np.arange(len(permutation), dtype=np.int32)
    return rank


def _replaced_pairs(pairs, changed: np.ndarray, new) -> tuple[np.ndarray, np.ndarray]:
    slots, options = pairs
    keep = ~unpack(changed, len(changed) * 64)[slots] if len(slots) else np.zeros(0, bool)
    return (
        np.concatenate([slots[keep], new[0].astype(slots.dtype)]),
        np.concatenate([options[keep], new[1].astype(options.dtype)]),
    )


def _with_all_quebec(region_slots, regions, flags, slots, reference: Reference):
    """Region pairs plus every region for the suppliers (among ``slots``) serving all of Québec."""
    everywhere = slots[(flags[slots] & ALL_QUEBEC_FLAG) != 0]
    numbers = np.array([int(code) for code in reference.region_codes], np.int64)
    return (
        np.concatenate([region_slots, np.repeat(everywhere, len(numbers))]).astype(np.int64),
        np.concatenate([regions, np.tile(numbers, len(everywhere))]).astype(np.int64),
    )


def _area_facet(direct, region_full: DenseFacet) -> AreaFacet:
    return AreaFacet(direct=direct, region_full=region_full)


def _derive(index: CatalogueIndex, reference: Reference, slots: np.ndarray, categories, areas) -> dict:
    """The facet pairs of the suppliers in ``slots``, from the loaded data and the reference data."""
    among = np.zeros(index.capacity, bool)
    among[slots] = True
    flags = index.flags[slots]
    derived = {
        "legal_form": _flag_pairs(slots, flags, 0, len(LEGAL_FORMS)),
        "accreditation": _flag_pairs(slots, flags, ACCREDITATION_SHIFT, len(ACCREDITATIONS)),
    }
    cat_slots, cat_numbers = categories
    inside = among[cat_slots] if len(cat_slots) else np.zeros(0, bool)
    cat_slots, cat_numbers = cat_slots[inside].astype(np.int64), cat_numbers[inside].astype(np.int64)
    derived["category"] = (cat_slots, cat_numbers)
    sectors = _mapped(reference.category_sector, cat_numbers)
    derived["sector"] = (cat_slots[sectors >= 0], sectors[sectors >= 0])  # repeats: see SparseFacet.of_pairs

    area_slots, area_numbers = areas
    inside = among[area_slots] if len(area_slots) else np.zeros(0, bool)
    area_slots, area_numbers = area_slots[inside].astype(np.int64), area_numbers[inside]
    region_of = _mapped(reference.area_region_array, area_numbers)
    known = region_of >= 0
    area_slots, area_numbers, region_of = area_slots[known], area_numbers[known], region_of[known]
    # The region facet: the regions served as a whole, and those of the service areas served.
    full_slots, full_regions = [], []
    full_stack = index.region_full.stack
    for number, row in enumerate(full_stack):
        hits = slots[bits_at(row, slots)] if len(slots) else slots
        full_slots.append(hits.astype(np.int64))
        full_regions.append(np.full(len(hits), number, np.int64))
    derived["region"] = (
        np.concatenate([*full_slots, area_slots]),
        np.concatenate([*full_regions, region_of]),
    )
    # Service areas served directly, without those covered by their whole region or by a wider area served.
    covered = np.zeros(len(area_slots), bool)
    for region in range(len(full_stack)):
        same = region_of == region
        if same.any():
            covered[same] = bits_at(full_stack[region], area_slots[same])
    width = max(reference.area_width, 1)
    served = np.sort(area_slots * width + area_numbers)
    parents = reference.area_parent_array
    wider = area_numbers.copy()
    for _depth in range(len(parents)):
        wider = _mapped(parents, wider)
        if not (wider >= 0).any():
            break
        has = wider >= 0
        covered[has] |= _contains(served, area_slots[has] * width + wider[has])
    derived["area_direct"] = (area_slots[~covered], area_numbers[~covered])
    return derived


def _contains(ordered: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each key is in the sorted array (a binary search each: no hash table of millions of keys)."""
    if not len(ordered):
        return np.zeros(len(keys), bool)
    positions = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
    return ordered[positions] == keys


def _mapped(mapping: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``mapping[key]`` for each key, -1 for keys outside it."""
    keys = np.asarray(keys, dtype=np.int64)
    inside = (keys >= 0) & (keys < len(mapping))
    values = np.full(len(keys), -1, np.int64)
    values[inside] = mapping[keys[inside]]
    return values


def _flag_pairs(slots, flags, shift, width):
    pair_slots, options = [], []
    for option in range(width):
        hits = slots[(flags >> (shift + option)) & 1 == 1]
        pair_slots.append(hits)
        options.append(np.full(len(hits), option, np.int64))
    return np.concatenate(pair_slots).astype(np.int64), np.concatenate(options)


def _placed_in_name_order(index, touched, new_slots, after_ids, capacity) -> np.ndarray:
    """Name order without the changed suppliers, then each published one placed after the unchanged supplier that
    precedes it (found in the database); those placed after the same one keep the database's order."""
    keep = np.ones(capacity, bool)
    keep[touched] = False
    remaining = index.by_name[keep[index.by_name]]
    rank = _ranks(remaining, capacity)
    after_slots = index.lookup.slots_of(after_ids)
    if ((after_ids >= 0) & (after_slots < 0)).any():
        raise _Inconsistent("a supplier that did not change is not in the index")
    positions = np.where(after_ids >= 0, rank[np.maximum(after_slots, 0)] + 1, 0)
    return np.insert(remaining, positions, new_slots.astype(np.int32))


def _placed_in_updated_order(index, touched, new_slots, updated, ids, capacity) -> np.ndarray:
    """Most recently updated first (then by id, descending), the changed suppliers placed by binary search."""
    keep = np.ones(capacity, bool)
    keep[touched] = False
    remaining = index.by_updated[keep[index.by_updated]]
    order = np.lexsort((-ids[new_slots], -updated[new_slots]))
    new_slots = new_slots[order]
    keys = -updated[remaining]
    positions = np.searchsorted(keys, -updated[new_slots], side="left")
    ends = np.searchsorted(keys, -updated[new_slots], side="right")
    for position, end in ((i, e) for i, e in enumerate(ends) if e > positions[i]):
        # Same update time: by id, descending.
        tied = ids[remaining[positions[position] : end]]
        positions[position] += int((tied > ids[new_slots[position]]).sum())
    return np.insert(remaining, positions, new_slots.astype(np.int32))


class _Inconsistent(Exception):
    """The changes do not fit the index: it is reloaded."""
