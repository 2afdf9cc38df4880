"""Bitmaps of suppliers by slot, and the facets built on them: one bitmap per option, or (slot, option) pairs."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .reference import Reference

# A facet with options numbered up to this keeps one bitmap per option; past it, (supplier, option) pairs.
DENSE_OPTIONS = 64

# --- Bitmaps: little-endian bit order in 64-bit words; bit s is the supplier in slot s. ---


def pack(flags: np.ndarray) -> np.ndarray:
    """A boolean array as a bitmap."""
    packed = np.packbits(flags, bitorder="little")
    padding = (-len(packed)) % 8
    if padding:
        packed = np.concatenate([packed, np.zeros(padding, np.uint8)])
    return packed.view("<u8")


def unpack(bitmap: np.ndarray, size: int) -> np.ndarray:
    return np.unpackbits(bitmap.view(np.uint8), bitorder="little", count=size).view(bool)


def popcount(bitmap: np.ndarray) -> int:
    return int(np.bitwise_count(bitmap).sum(dtype=np.int64))


def bitmap_of(slots: np.ndarray, size: int) -> np.ndarray:
    flags = np.zeros(size, bool)
    flags[slots] = True
    return pack(flags)


def bits_at(bitmap: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Whether each of these slots is set in the bitmap."""
    slots = slots.astype(np.int64)
    return ((bitmap[slots >> 6] >> (slots & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)


def _words(size: int) -> int:
    return (size + 63) // 64


# --- Facets ---


class DenseFacet:
    """One bitmap per option number (the rows of ``stack``)."""

    def __init__(self, stack: np.ndarray):
        self.stack = stack

    @classmethod
    def of_pairs(cls, slots, options, *, width: int, size: int) -> "DenseFacet":
        stack = np.zeros((width, _words(size)), np.uint64)
        for option in np.flatnonzero(np.bincount(options, minlength=width)):  # few options: a pass each
            stack[option] = bitmap_of(slots[options == option], size)
        return cls(stack)

    @property
    def width(self) -> int:
        return len(self.stack)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (slot, option) of the facet."""
        slots, options = [], []
        for option, row in enumerate(self.stack):
            hits = np.flatnonzero(unpack(row, len(row) * 64)).astype(np.int32)
            slots.append(hits)
            options.append(np.full(len(hits), option, np.int32))
        if not slots:
            return np.zeros(0, np.int32), np.zeros(0, np.int32)
        return np.concatenate(slots), np.concatenate(options)

    def any_of(self, options, size: int) -> np.ndarray:
        rows = [option for option in options if 0 <= option < len(self.stack)]
        if not rows:
            return np.zeros(_words(size), np.uint64)
        return np.bitwise_or.reduce(self.stack[rows], axis=0)

    def counts(self, within: np.ndarray) -> np.ndarray:
        if not len(self.stack):
            return np.zeros(0, np.int64)
        return np.bitwise_count(self.stack & within).sum(axis=1, dtype=np.int64)

    def replaced(self, changed: np.ndarray, slots, options, *, width: int, size: int) -> "DenseFacet":
        """A copy where the suppliers of the ``changed`` bitmap have these (slot, option) pairs instead."""
        stack = np.zeros((width, _words(size)), np.uint64)
        rows, columns = min(width, len(self.stack)), self.stack.shape[1]
        stack[:rows, :columns] = self.stack[:rows] & ~changed[:columns]
        if len(slots):
            slots = slots.astype(np.int64)
            np.bitwise_or.at(stack, (options, slots >> 6), np.uint64(1) << (slots & 63).astype(np.uint64))
        return DenseFacet(stack)

    @property
    def nbytes(self) -> int:
        return self.stack.nbytes


class SparseFacet:
    """(slot, option) pairs, unique, in slot order, with each slot's first pair (``starts``): filters and counts
    scan the pairs, or only the matched suppliers' pairs when they are few, so options cost no memory per
    supplier."""

    def __init__(self, slots: np.ndarray, options: np.ndarray, width: int, size: int):
        self.slots, self.options, self.width = slots, options, width
        self.starts = np.concatenate([[0], np.cumsum(np.bincount(slots, minlength=size))]).astype(np.int64)

    @classmethod
    def of_pairs(cls, slots, options, *, width: int, size: int) -> "SparseFacet":
        keys = slots.astype(np.int64) * max(width, 1) + options.astype(np.int64)
        keys.sort()  # in slot order, repeated pairs side by side
        if len(keys):
            keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
        return cls(
            (keys // max(width, 1)).astype(np.int32), (keys % max(width, 1)).astype(np.int32), width, size
        )

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return self.slots, self.options

    def any_of(self, options, size: int) -> np.ndarray:
        options = list(options)
        hits = self.options == options[0] if len(options) == 1 else np.isin(self.options, options)
        return bitmap_of(self.slots[hits], size)

    def counts(self, within: np.ndarray) -> np.ndarray:
        if not len(self.slots):
            return np.zeros(self.width, np.int64)
        size = len(self.starts) - 1
        matched = popcount(within)
        if matched * 8 < size:  # few suppliers: only their pairs
            chosen = np.flatnonzero(unpack(within, size))
            first, lengths = self.starts[chosen], self.starts[chosen + 1] - self.starts[chosen]
            offsets = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
            options = self.options[offsets]
        else:
            options = self.options[unpack(within, size)[self.slots]]
        return np.bincount(options, minlength=self.width).astype(np.int64)

    def replaced(self, changed: np.ndarray, slots, options, *, width: int, size: int) -> "SparseFacet":
        """A copy where the suppliers of the ``changed`` bitmap have these pairs instead (kept in slot order)."""
        keep = ~unpack(changed, len(changed) * 64)[self.slots] if len(self.slots) else np.zeros(0, bool)
        new = SparseFacet.of_pairs(slots, options, width=width, size=size)
        kept_slots = self.slots[keep]
        at = np.searchsorted(kept_slots, new.slots, side="right")
        return SparseFacet(
            np.insert(kept_slots, at, new.slots), np.insert(self.options[keep], at, new.options), width, size
        )

    @property
    def nbytes(self) -> int:
        return self.slots.nbytes + self.options.nbytes + self.starts.nbytes


def _facet_class(width: int):
    return DenseFacet if width <= DENSE_OPTIONS else SparseFacet


@dataclass(frozen=True)
class AreaFacet:
    """Service areas: a supplier serves an area when it serves the area itself or one containing it (``direct``,
    with only the outermost area a supplier serves kept), or its whole region (``region_full``, all of Québec
    included). The three are disjoint, so an area's count is a sum."""

    direct: object  # DenseFacet or SparseFacet of area numbers
    region_full: DenseFacet

    def any_of(self, areas, size: int, reference: "Reference") -> np.ndarray:
        covering = {number for area in areas for number in reference.area_path(area)}
        regions = {reference.area_region[area] for area in areas if area in reference.area_region}
        return self.direct.any_of(covering, size) | self.region_full.any_of(regions, size)

    def counts(self, within: np.ndarray, reference: "Reference") -> np.ndarray:
        direct = self.direct.counts(within)
        by_region = self.region_full.counts(within)
        counts = np.zeros(reference.area_width, np.int64)
        for number in reference.area_numbers_top_down:
            parent = reference.area_parent.get(number)
            inherited = (
                counts[parent]
                if parent is not None
                else (
                    by_region[reference.area_region[number]]
                    if reference.area_region[number] < len(by_region)
                    else 0
                )
            )
            counts[number] = inherited + (direct[number] if number < len(direct) else 0)
        return counts
