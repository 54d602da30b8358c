"""Reading a font file's metrics: measured with fontTools, or from a checked cache.

Contract: ``metrics_record(path)`` returns every metric ``FontMetrics`` needs as plain
data (units per em, vertical extents, cap height, cmap, advances, GPOS pair kerning
flattened, each glyph's top and bottom, and its ink profile: for each vertical slice
``PROFILE_SLICE`` font units wide, the highest and lowest point of its outline there,
measured on the outline's control polygon, which encloses TrueType's quadratic
curves, so a profile never understates the ink).

- Bundled fonts ship a precomputed record beside them (``NAME.metrics``, format 4 of
  ``affiches.text.metricscache``: packed integer tables and a list of names, written at
  build time by ``write_metrics_cache``, ``tools/build_fonts.py``; plain data, never
  unpickled or unmarshalled: anyone may write such a file beside a font). It records the
  SHA-256 of the font file it was measured from; it is used only when that digest equals
  the digest of the font read now (compared before anything else is read), when its
  lengths, counts and references all check out and when it stays under
  ``limits.MAX_METRICS_BYTES`` once decompressed. Otherwise (a user's font, an edited font, a damaged or hostile cache)
  it is ignored and the record is computed with fontTools, exactly as the cache was.
  Either way the answers are identical.
- A font file is read as a regular file of at most ``limits.MAX_FONT_BYTES``; a
  truncated, corrupt or empty font is a one-line ``LayoutError`` (``police
  illisible``). Only TrueType outlines (``glyf``) are accepted, because the PDF writer
  embeds fonts with reportlab, which cannot embed CFF: a CFF font is a ``LayoutError``.
- ``font_digest(path)`` is the SHA-256 of a font file (cached per process): the
  font's "version" as batch manifests record it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from affiches.errors import LayoutError, printable
from affiches.limits import MAX_FONT_BYTES, MAX_METRICS_BYTES, read_regular_file
from affiches.text import metricscache

METRICS_SUFFIX = ".metrics"
METRICS_FORMAT = 4  # 1 and 2 were marshal data, 3 JSON: never read
_FAR = 1 << 30  # no ink in a slice: top -_FAR, bottom +_FAR
PROFILE_SLICE = 32  # font units per slice of a glyph's ink profile (1/64 em at 2048 upm)


@lru_cache(maxsize=64)
def font_digest(path: Path | str) -> str:
    """SHA-256 (hex) of a font file's bytes (``LayoutError`` when it cannot be read)."""
    return hashlib.sha256(read_regular_file(Path(path), MAX_FONT_BYTES, LayoutError, "fichier de police"))\
        .hexdigest()


def metrics_cache_path(font_path: Path | str) -> Path:
    return Path(font_path).with_suffix(METRICS_SUFFIX)


def metrics_record(path: str) -> dict[str, Any]:
    """The metrics of the font at ``path`` (resolved), from its cache when valid."""
    digest = font_digest(path)
    record = _read_cache(metrics_cache_path(path), digest)
    if record is None:
        record = compute_metrics_record(path)
    return record


def _read_cache(cache: Path, digest: str) -> dict[str, Any] | None:
    """The cache's record if it is well-formed and measured from this very font, else None."""
    try:
        data = read_regular_file(cache, MAX_METRICS_BYTES, LayoutError)
    except LayoutError:
        return None
    return metricscache.decode(data, digest)


def metrics_cache_bytes(font_path: Path | str) -> bytes:
    """The ``.metrics`` file of a font (``metricscache`` format 4). Deterministic."""
    path = str(Path(font_path).resolve())
    return metricscache.encode(compute_metrics_record(path), font_digest(path))


def write_metrics_cache(font_path: Path | str) -> Path:
    """Write ``NAME.metrics`` beside a font (build time); returns its path."""
    target = metrics_cache_path(Path(font_path).resolve())
    target.write_bytes(metrics_cache_bytes(font_path))
    return target


def compute_metrics_record(path: str) -> dict[str, Any]:
    """Every metric FontMetrics needs, measured with fontTools, as plain data.

    A font fontTools cannot read (truncated, corrupt, not a font) is a ``LayoutError``.
    """
    from fontTools.ttLib import TTFont

    data = read_regular_file(Path(path), MAX_FONT_BYTES, LayoutError, "fichier de police")
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        if "glyf" in font:
            return _measure_font(font)
        is_cff = "CFF " in font or "CFF2" in font
        reason = "aucun contour"
    except Exception as exc:  # noqa: BLE001 - fontTools raises anything on a damaged file
        reason = printable(str(exc).splitlines()[0][:80]) if str(exc).strip() else type(exc).__name__
        is_cff = False
    if is_cff:
        raise LayoutError(
            f"police {Path(path).name} : contours CFF (.otf) non pris en charge ; "
            "convertissez-la en TrueType (fontTools otf2ttf)"
        )
    raise LayoutError(
        f"police illisible : {Path(path).name} ({reason}) ; fichier abîmé ou tronqué, "
        "remplacez-le par la police d’origine"
    )


def _measure_font(font: Any) -> dict[str, Any]:
    head = font["head"]
    os2 = font.get("OS/2", None)
    cap_height = getattr(os2, "sCapHeight", 0) or int(head.yMax * 0.7)
    hmtx = font["hmtx"].metrics
    advances = {glyph: adv for glyph, (adv, _lsb) in hmtx.items()}
    cmap = dict(font.getBestCmap() or {})
    kerning = _gpos_pair_kerning(font) if "GPOS" in font else {}
    glyf = font["glyf"]
    tops: dict[str, int] = {}
    bottoms: dict[str, int] = {}
    profiles: dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}
    for glyph_name in sorted(set(cmap.values())):
        glyph = glyf[glyph_name]
        if glyph.numberOfContours == 0:
            continue
        if glyph.isComposite():
            glyph.recalcBounds(glyf)
        tops[glyph_name] = glyph.yMax
        bottoms[glyph_name] = glyph.yMin
        coordinates, ends, _flags = glyph.getCoordinates(glyf)
        profiles[glyph_name] = _ink_profile(
            [(round(x), round(y)) for x, y in coordinates], list(ends)
        )
    return {
        "units_per_em": head.unitsPerEm,
        "ascent": head.yMax,
        "descent": head.yMin,
        "cap_height": cap_height,
        "cmap": cmap,
        "advances": advances,
        "kerning": kerning,
        "glyph_tops": tops,
        "glyph_bottoms": bottoms,
        "glyph_profiles": profiles,
    }


def _ink_profile(
    points: list[tuple[int, int]], ends: list[int]
) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """(first slice, highest y, lowest y per slice) of a glyph's control polygon."""
    segments: list[tuple[tuple[int, int], tuple[int, int]]] = []
    start = 0
    for end in ends:
        contour = points[start : end + 1]
        start = end + 1
        segments.extend(zip(contour, contour[1:] + contour[:1], strict=True))
    if not segments:
        return (0, (), ())
    xs = [x for x, _y in points]
    first = min(xs) // PROFILE_SLICE
    last = max(xs) // PROFILE_SLICE
    tops = [-_FAR] * (last - first + 1)
    bottoms = [_FAR] * (last - first + 1)
    for (x0, y0), (x1, y1) in segments:
        if x1 < x0:
            x0, y0, x1, y1 = x1, y1, x0, y0
        for k in range(x0 // PROFILE_SLICE, x1 // PROFILE_SLICE + 1):
            left = max(x0, k * PROFILE_SLICE)
            right = min(x1, (k + 1) * PROFILE_SLICE)
            ys = (
                (y0, y1)
                if x1 == x0
                else tuple(y0 + (y1 - y0) * (x - x0) / (x1 - x0) for x in (left, right))
            )
            index = k - first
            tops[index] = max(tops[index], round(max(ys)))
            bottoms[index] = min(bottoms[index], round(min(ys)))
    return (first, tuple(tops), tuple(bottoms))


def _gpos_pair_kerning(font) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """Flatten the horizontal pair adjustments of the font's ``kern`` feature."""
    gpos = font["GPOS"].table
    if not gpos.FeatureList or not gpos.LookupList:
        return {}
    lookup_indices: set[int] = set()
    for record in gpos.FeatureList.FeatureRecord:
        if record.FeatureTag == "kern":
            lookup_indices.update(record.Feature.LookupListIndex)
    pairs: dict[tuple[str, str], int] = {}
    for index in sorted(lookup_indices):
        lookup = gpos.LookupList.Lookup[index]
        in_lookup: dict[tuple[str, str], int] = {}
        for subtable in lookup.SubTable:
            if lookup.LookupType == 9:
                if subtable.ExtensionLookupType != 2:
                    continue
                subtable = subtable.ExtSubTable
            elif lookup.LookupType != 2:
                continue
            for pair, value in _pair_values(subtable):
                in_lookup.setdefault(pair, value)
        for pair, value in in_lookup.items():  # lookups apply one after the other: they add up
            pairs[pair] = pairs.get(pair, 0) + value
    return {pair: value for pair, value in pairs.items() if value}


def _pair_values(subtable) -> Iterable[tuple[tuple[str, str], int]]:  # type: ignore[no-untyped-def]
    coverage = subtable.Coverage.glyphs
    if subtable.Format == 1:
        for left, pair_set in zip(coverage, subtable.PairSet, strict=False):
            for record in pair_set.PairValueRecord:
                value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                yield (left, record.SecondGlyph), value
    elif subtable.Format == 2:
        class1 = subtable.ClassDef1.classDefs if subtable.ClassDef1 else {}
        class2 = subtable.ClassDef2.classDefs if subtable.ClassDef2 else {}
        by_class2: dict[int, list[str]] = {}
        for glyph, cls in class2.items():
            by_class2.setdefault(cls, []).append(glyph)
        for left in coverage:
            row = subtable.Class1Record[class1.get(left, 0)]
            for cls2, record in enumerate(row.Class2Record):
                if cls2 == 0:
                    continue  # class 0 is "everything else": no kerning worth flattening
                value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                if value:
                    for right in by_class2.get(cls2, ()):
                        yield (left, right), value
