"""The ``.metrics`` cache file of a font (format 4): packed integer tables, checked in bulk.

Contract: ``encode(record, digest)`` turns a metrics record (``fontfile.compute_metrics_record``)
into bytes, deterministically (same record, same bytes); ``decode(data, digest)`` turns such bytes
back into an equal record, or returns None when the bytes are not a well-formed format-4 file
measured from the font whose SHA-256 (hex) is ``digest``. Anyone may write a file beside a font,
so ``decode`` trusts nothing: plain integers and one list of names, never unpickled or
unmarshalled, and

- the file starts with a magic string and the font's raw SHA-256, compared before anything
  else is read (a file for another font, or an edited font, is ignored at once);
- the rest is one zlib stream, inflated to at most ``limits.MAX_METRICS_BYTES`` and required to
  end exactly there (a bomb, a truncated or padded stream is ignored);
- the inflated body is a fixed header of counts, then little-endian signed 32-bit integer tables,
  then the glyph names (UTF-8, one per line). Its length must equal exactly what the counts say
  (wrong, negative or oversized counts are ignored); every glyph reference must index an
  existing name (kerning's when used, see ``PairTable``), names must be unique, character
  codes must be Unicode code points, units per em positive, profile lengths non-negative
  and summing to the profile table's size.

These checks run over whole arrays in C (``min``, ``max``, ``sum``), not element by element in
Python: loading the 4 bundled fonts costs a few milliseconds instead of ~70 with format 3 (JSON,
whose every value had to be type-checked).

Layout of the body (n = the header's counts):
header: units_per_em, ascent, descent, cap_height, n_names, names_bytes, n_cmap, n_advances,
n_kerning, n_inked, n_profile (11 integers), then
glyph references (each an index into the names): cmap glyphs [n_cmap], advance glyphs
[n_advances], kerning left [n_kerning], kerning right [n_kerning], inked glyphs [n_inked];
values: cmap codes [n_cmap], advances [n_advances], kerning [n_kerning], glyph tops, bottoms,
first profile slices, profile lengths [n_inked each]; profile tops, profile bottoms [n_profile
each]; then the names.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import ItemsView, Iterator, Mapping
from typing import Any

from affiches.limits import MAX_METRICS_BYTES

MAGIC = b"affiches-metrics-4\n"
_HEADER = 11
_UNICODE_MAX = 0x10FFFF
_ITEMSIZE = array("i").itemsize  # 4 on every platform Python supports; checked anyway


def _ints(values: Any) -> array:  # type: ignore[type-arg]
    out = array("i", values)
    if sys.byteorder != "little":
        out.byteswap()
    return out


def encode(record: dict[str, Any], digest: str) -> bytes:
    """The format-4 file of a metrics record measured from the font of SHA-256 ``digest``."""
    cmap = sorted(record["cmap"].items())
    advances = sorted(record["advances"].items())
    kerning = sorted(record["kerning"].items())
    inked = sorted(record["glyph_profiles"])
    if set(inked) != set(record["glyph_tops"]) or set(inked) != set(record["glyph_bottoms"]):
        raise ValueError("glyph tops, bottoms and profiles must cover the same glyphs")
    names = sorted({g for _c, g in cmap} | {g for g, _a in advances} | set(inked)
                   | {g for pair, _v in kerning for g in pair})
    if any("\n" in name for name in names):
        raise ValueError("a glyph name holds a line break")
    index = {name: i for i, name in enumerate(names)}
    profiles = [record["glyph_profiles"][g] for g in inked]
    names_bytes = "\n".join(names).encode("utf-8")
    header = [record["units_per_em"], record["ascent"], record["descent"], record["cap_height"],
              len(names), len(names_bytes), len(cmap), len(advances), len(kerning), len(inked),
              sum(len(tops) for _f, tops, _b in profiles)]
    tables = _ints(header)
    tables.extend(_ints(index[g] for _c, g in cmap))
    tables.extend(_ints(index[g] for g, _a in advances))
    tables.extend(_ints(index[left] for (left, _r), _v in kerning))
    tables.extend(_ints(index[right] for (_l, right), _v in kerning))
    tables.extend(_ints(index[g] for g in inked))
    tables.extend(_ints(c for c, _g in cmap))
    tables.extend(_ints(a for _g, a in advances))
    tables.extend(_ints(v for _p, v in kerning))
    tables.extend(_ints(record["glyph_tops"][g] for g in inked))
    tables.extend(_ints(record["glyph_bottoms"][g] for g in inked))
    tables.extend(_ints(first for first, _t, _b in profiles))
    tables.extend(_ints(len(tops) for _f, tops, _b in profiles))
    for first, tops, bottoms in profiles:
        if len(tops) != len(bottoms):
            raise ValueError(f"glyph profile of unequal lengths (first slice {first})")
    tables.extend(_ints(y for _f, tops, _b in profiles for y in tops))
    tables.extend(_ints(y for _f, _t, bottoms in profiles for y in bottoms))
    body = tables.tobytes() + names_bytes
    if len(body) > MAX_METRICS_BYTES:
        raise ValueError("metrics larger than limits.MAX_METRICS_BYTES")
    return MAGIC + bytes.fromhex(digest) + zlib.compress(body, 9)


def decode(data: bytes, digest: str) -> dict[str, Any] | None:
    """The record of a format-4 file for the font of SHA-256 ``digest``, or None (see module doc)."""
    start = len(MAGIC) + 32
    if _ITEMSIZE != 4 or data[:len(MAGIC)] != MAGIC or data[len(MAGIC):start].hex() != digest:
        return None  # another format, or measured from another font: nothing else is read
    try:
        inflater = zlib.decompressobj()
        body = inflater.decompress(data[start:], MAX_METRICS_BYTES)
    except zlib.error:
        return None
    if inflater.unconsumed_tail or inflater.unused_data or not inflater.eof or len(body) < 4 * _HEADER:
        return None  # larger than allowed once inflated, truncated, or followed by extra bytes
    head = _unpacked(body[: 4 * _HEADER])
    upem, ascent, descent, cap, n_names, names_len, n_cmap, n_adv, n_kern, n_ink, n_prof = head
    if upem <= 0 or min(head[4:]) < 0:
        return None
    refs = n_cmap + n_adv + 2 * n_kern + n_ink
    n_ints = refs + n_cmap + n_adv + n_kern + 4 * n_ink + 2 * n_prof
    if len(body) != 4 * (_HEADER + n_ints) + names_len:
        return None  # the counts do not describe this body
    table = _unpacked(body[4 * _HEADER : 4 * (_HEADER + n_ints)])
    try:
        names = body[4 * (_HEADER + n_ints):].decode("utf-8").split("\n") if n_names else []
    except UnicodeDecodeError:
        return None
    if len(names) != n_names or len(set(names)) != n_names:
        return None
    cuts = [0]
    for size in (n_cmap, n_adv, n_kern, n_kern, n_ink, n_cmap, n_adv, n_kern, n_ink, n_ink, n_ink, n_ink,
                 n_prof, n_prof):
        cuts.append(cuts[-1] + size)
    (cmap_refs, advance_refs, lefts, rights, inked_refs, codes, advances, kerns, tops, bottoms, firsts,
     lengths, profile_tops, profile_bottoms) = (table[a:b] for a, b in zip(cuts, cuts[1:], strict=False))
    for refs_part in (cmap_refs, advance_refs, inked_refs):  # kerning's: see PairTable
        if refs_part and (min(refs_part) < 0 or max(refs_part) >= n_names):
            return None
    if codes and (min(codes) < 0 or max(codes) > _UNICODE_MAX):
        return None
    if (lengths and min(lengths) < 0) or sum(lengths) != n_prof:
        return None
    glyph = names.__getitem__
    inked = list(map(glyph, inked_refs))
    return {
        "units_per_em": upem, "ascent": ascent, "descent": descent, "cap_height": cap,
        "cmap": dict(zip(codes.tolist(), map(glyph, cmap_refs), strict=True)),
        "advances": dict(zip(map(glyph, advance_refs), advances.tolist(), strict=True)),
        "kerning": PairTable(names, lefts, rights, kerns),
        "glyph_tops": dict(zip(inked, tops.tolist(), strict=True)),
        "glyph_bottoms": dict(zip(inked, bottoms.tolist(), strict=True)),
        "glyph_profiles": _profiles(inked, firsts.tolist(), lengths.tolist(), profile_tops.tolist(),
                                    profile_bottoms.tolist()),
    }


def _profiles(inked: list[str], firsts: list[int], lengths: list[int], tops: list[int],
              bottoms: list[int]) -> dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]]:
    profiles = {}
    at = 0
    for name, first, length in zip(inked, firsts, lengths, strict=True):
        end = at + length
        profiles[name] = (first, tuple(tops[at:end]), tuple(bottoms[at:end]))
        at = end
    return profiles


class PairTable(Mapping[tuple[str, str], int]):
    """Pair kerning read from a cache, looked up where it lies instead of unpacked into a dict.

    The pairs are sorted by (left, right) glyph index (``encode`` writes them so), so a
    pair is found by bisection in the packed tables, from the indices of the names asked
    for, and a pair is returned only when both its stored indices equal those: a stored
    index is never used to index the names on lookup, so the kerning references need no
    check when the file is read (listing the pairs skips any that name no glyph). A read-only mapping equal to the
    dict ``compute_metrics_record`` gives. (A hand-edited file whose digest matches may
    hold unsorted pairs: lookups then miss some pairs, as wrong numbers would mislead;
    nothing worse, see docs/securite.md.)
    """

    __slots__ = ("_names", "_index", "_lefts", "_rights", "_values")

    def __init__(self, names: list[str], lefts: array, rights: array,  # type: ignore[type-arg]
                 values: array) -> None:  # type: ignore[type-arg]
        self._names = names
        self._index = {name: i for i, name in enumerate(names)}
        self._lefts, self._rights, self._values = lefts, rights, values

    def __getitem__(self, pair: tuple[str, str]) -> int:
        left, right = pair
        i, j = self._index.get(left), self._index.get(right)
        if i is not None and j is not None:
            lo = bisect_left(self._lefts, i)
            hi = bisect_right(self._lefts, i, lo)
            k = bisect_left(self._rights, j, lo, hi)
            if k < hi and self._rights[k] == j and self._lefts[k] == i:  # both checked: see above
                return int(self._values[k])
        raise KeyError(pair)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (pair for pair, _value in self.items())

    def items(self) -> ItemsView[tuple[str, str], int]:
        return _PairItems(self)


class _PairItems(ItemsView[tuple[str, str], int]):
    """The pairs with their values read side by side (no lookup per pair)."""

    _mapping: PairTable

    def __iter__(self) -> Iterator[tuple[tuple[str, str], int]]:
        table = self._mapping
        names, n = table._names, len(table._names)
        for i, j, value in zip(table._lefts, table._rights, table._values, strict=True):
            if 0 <= i < n and 0 <= j < n:  # a pair naming no glyph is never found: not listed
                yield (names[i], names[j]), value


def _unpacked(data: bytes) -> array:  # type: ignore[type-arg]
    out = array("i")
    out.frombytes(data)
    if sys.byteorder != "little":
        out.byteswap()
    return out
