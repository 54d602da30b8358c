"""Font lookup and metrics, measured with fontTools.

Contract:
- ``find_font(name, search_dirs)`` turns a layout's font reference (``"Manrope-Bold"``,
  ``"Manrope-Bold.ttf"`` or a path relative to a layout's folder) into a TrueType file,
  looking in the given folders first and in the bundled ``assets/fonts/`` last.
- ``FontMetrics.load(path)`` reads a font once per process (cached) and answers, in font
  units or scaled to a size: advance widths, pair kerning (from GPOS PairPos lookups,
  class and glyph pairs, first subtable that covers a pair wins, as shapers do),
  vertical extents, and which characters it lacks. It never draws anything.
- Only TrueType outlines (``glyf``) are accepted, because the PDF writer embeds fonts
  with reportlab, which cannot embed CFF; a CFF font is a clear ``LayoutError``.
- Load time: the bundled fonts ship a precomputed metrics file beside them
  (``NAME.metrics``: zlib-compressed marshal data written by ``tools/build_fonts.py``
  with ``write_metrics_cache``), keyed by the SHA-256 of the font file. It is used
  only when that digest matches the font read now; otherwise (a user's font, an
  edited font) the metrics are computed with fontTools, exactly as the cache was.
  Either way the answers are identical.
- ``font_digest(path)`` is the SHA-256 of a font file (cached per process): the
  font's "version" as batch manifests record it.
- Ink: per glyph, the highest and lowest point (``glyph_tops``/``glyph_bottoms``) and
  an ink profile (``glyph_profiles``): for each vertical slice ``PROFILE_SLICE`` font
  units wide, the highest and lowest point of the glyph's outline in that slice,
  measured on the outline's control polygon (which encloses TrueType's quadratic
  curves, so the profile never understates the ink). ``ink_glyphs(text)`` places
  them along a set line: what ``textfit`` compares to keep lines apart.
- Text widths, ink extents, kerned chunks and positions are memoised per font
  (bounded: each table is emptied when full, see ``_WIDTH_CACHE_MAX``), so
  repeated measures of the same strings (a batch's constant texts) cost a lookup.
"""

from __future__ import annotations

import hashlib
import marshal
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from affiches.errors import GlyphError, LayoutError, os_reason
from affiches.resources import assets_dir

FONT_SUFFIXES = (".ttf", ".otf")

# Characters that compose never sends to a font as glyphs.
_LAYOUT_CHARS = frozenset("\n")

METRICS_SUFFIX = ".metrics"
METRICS_FORMAT = 2
_FAR = 1 << 30  # no ink in a slice: top -_FAR, bottom +_FAR
PROFILE_SLICE = 32  # font units per slice of a glyph's ink profile (1/64 em at 2048 upm)
# Memo tables per font are emptied when full: bounded memory in long batches.
_WIDTH_CACHE_MAX = 4_096  # measured strings (substrings tried by line breaking)
_LINE_CACHE_MAX = 1_024  # set lines (ink extents, kerned chunks, positions)


def bundled_fonts_dir() -> Path:
    return assets_dir() / "fonts"


def find_font(reference: str, search_dirs: Sequence[Path] = ()) -> Path:
    """Return the font file a layout names, or raise LayoutError naming what was tried.

    Answers are remembered for the process (compose asks for every text block).
    """
    return _find_font(reference, tuple(Path(folder) for folder in search_dirs))


@lru_cache(maxsize=256)
def _find_font(reference: str, search_dirs: tuple[Path, ...]) -> Path:
    candidates: list[Path] = []
    ref = Path(reference)
    names = [reference] if ref.suffix.lower() in FONT_SUFFIXES else [reference + ".ttf"]
    for folder in [*search_dirs, bundled_fonts_dir()]:
        for name in names:
            candidates.append(folder / name)
            candidates.append(folder / "fonts" / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    available = ", ".join(sorted(p.stem for p in bundled_fonts_dir().glob("*.ttf")))
    raise LayoutError(
        f"police introuvable : « {reference} » ; polices fournies : {available} "
        "(ou placez le fichier .ttf à côté du gabarit)"
    )


@dataclass
class FontMetrics:
    """Metrics of one TrueType font, in font units unless a size is given."""

    path: Path
    name: str
    units_per_em: int
    ascent: int  # highest point of any glyph (head.yMax): accents on capitals included
    descent: int  # lowest point of any glyph (head.yMin), negative
    cap_height: int
    cmap: dict[int, str]
    advances: dict[str, int]
    kerning: dict[tuple[str, str], int] = field(repr=False)
    glyph_tops: dict[str, int] = field(repr=False, default_factory=dict)  # glyph -> yMax
    glyph_bottoms: dict[str, int] = field(repr=False, default_factory=dict)  # glyph -> yMin
    # glyph -> (first slice index, highest y per slice, lowest y per slice); see module doc
    glyph_profiles: dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]] = field(
        repr=False, default_factory=dict
    )
    _char_widths: dict[str, int] = field(default_factory=dict, repr=False)
    _text_widths: dict[str, int] = field(default_factory=dict, repr=False)
    _pair_kerns: dict[str, int] = field(default_factory=dict, repr=False)  # "AV" -> kerning
    _ink_extents: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _chunks: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict, repr=False)
    _positions: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _ink_glyphs: dict[
        str, tuple[tuple[int, int, int, int, tuple[int, ...], tuple[int, ...]], ...]
    ] = field(default_factory=dict, repr=False)

    @staticmethod
    def load(path: Path | str) -> FontMetrics:
        return _load_by_name(str(path))

    def missing_chars(self, text: str) -> list[str]:
        """Characters of ``text`` that this font has no glyph for (in order, unique)."""
        cmap = self.cmap
        return [ch for ch in dict.fromkeys(text)
                if ch not in _LAYOUT_CHARS and ord(ch) not in cmap]

    def check_coverage(self, text: str, where: str) -> None:
        missing = self.missing_chars(text)
        if missing:
            ch = missing[0]
            raise GlyphError(
                f"{where} : le caractère « {ch} » (U+{ord(ch):04X}) n’existe pas dans la police "
                f"{self.name} ; retirez-le du texte ou choisissez une autre police"
            )

    def char_width(self, ch: str) -> int:
        width = self._char_widths.get(ch)
        if width is None:
            glyph = self.cmap.get(ord(ch))
            width = self.advances.get(glyph, 0) if glyph else 0
            self._char_widths[ch] = width
        return width

    def kern(self, left: str, right: str) -> int:
        pair = left + right
        value = self._pair_kerns.get(pair)
        if value is None:
            value = self._pair_kerns[pair] = self._kern_lookup(left, right)
        return value

    def _kern_lookup(self, left: str, right: str) -> int:
        if not self.kerning:
            return 0
        gl = self.cmap.get(ord(left))
        gr = self.cmap.get(ord(right))
        if gl is None or gr is None:
            return 0
        return self.kerning.get((gl, gr), 0)

    def chunks(self, text: str) -> list[tuple[int, str]]:
        """Split ``text`` where kerning moves a glyph: [(x offset in font units, chunk)].

        Writers draw each chunk at its offset, so the page shows exactly the kerning
        that was measured, whatever the backend's own text engine does.
        """
        cached = self._chunks.get(text)
        if cached is None:
            if len(self._chunks) >= _LINE_CACHE_MAX:
                self._chunks.clear()
            cached = self._chunks[text] = tuple(self._split_chunks(text))
        return list(cached)

    def _split_chunks(self, text: str) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        start_x = 0
        x = 0
        current: list[str] = []
        previous = ""
        for ch in text:
            if previous:
                adjust = self.kern(previous, ch)
                if adjust:
                    out.append((start_x, "".join(current)))
                    current = []
                    x += adjust
                    start_x = x
            current.append(ch)
            x += self.char_width(ch)
            previous = ch
        if current:
            out.append((start_x, "".join(current)))
        return out

    def ink_extent(self, text: str) -> tuple[int, int]:
        """(highest yMax, lowest yMin) of the glyphs of ``text``, font units; (0, 0) if blank."""
        cached = self._ink_extents.get(text)
        if cached is None:
            if len(self._ink_extents) >= _LINE_CACHE_MAX:
                self._ink_extents.clear()
            cached = self._ink_extents[text] = self._ink(text)
        return cached

    def _ink(self, text: str) -> tuple[int, int]:
        top = 0
        bottom = 0
        for ch in text:
            glyph = self.cmap.get(ord(ch))
            if glyph is None:
                continue
            top = max(top, self.glyph_tops.get(glyph, 0))
            bottom = min(bottom, self.glyph_bottoms.get(glyph, 0))
        return top, bottom

    def ink_glyphs(self, text: str) -> tuple[tuple[int, int, int, int, tuple[int, ...], tuple[int, ...]], ...]:
        """The inked glyphs of a set line: (x, yMax, yMin, first slice, tops, bottoms).

        ``x`` is the glyph's origin in font units from the line's origin (kerning
        applied); the slices are the glyph's ink profile (see module doc). Memoised.
        """
        cached = self._ink_glyphs.get(text)
        if cached is None:
            if len(self._ink_glyphs) >= _LINE_CACHE_MAX:
                self._ink_glyphs.clear()
            out = []
            for ch, x in zip(text, self.positions(text), strict=True):
                glyph = self.cmap.get(ord(ch))
                if glyph is None:
                    continue
                profile = self.glyph_profiles.get(glyph)
                if profile and profile[1]:
                    out.append(
                        (x, self.glyph_tops[glyph], self.glyph_bottoms[glyph], *profile)
                    )
            cached = self._ink_glyphs[text] = tuple(out)
        return cached

    def positions(self, text: str) -> list[int]:
        """x offset of each character of ``text`` in font units, kerning applied."""
        cached = self._positions.get(text)
        if cached is None:
            if len(self._positions) >= _LINE_CACHE_MAX:
                self._positions.clear()
            cached = self._positions[text] = tuple(self._offsets(text))
        return list(cached)

    def _offsets(self, text: str) -> list[int]:
        out: list[int] = []
        x = 0
        previous = ""
        for ch in text:
            if previous and self.kerning:
                x += self.kern(previous, ch)
            out.append(x)
            x += self.char_width(ch)
            previous = ch
        return out

    def width_units(self, text: str) -> int:
        """Advance width of ``text`` with kerning, in font units."""
        cached = self._text_widths.get(text)
        if cached is not None:
            return cached
        total = self._measure(text)
        if len(self._text_widths) >= _WIDTH_CACHE_MAX:
            self._text_widths.clear()
        self._text_widths[text] = total
        return total

    def _measure(self, text: str) -> int:
        # Sums in C over per-character and per-pair tables filled on first sight.
        widths = self._char_widths
        try:
            total = sum(map(widths.__getitem__, text))
        except KeyError:
            for ch in set(text):
                self.char_width(ch)
            total = sum(map(widths.__getitem__, text))
        if self.kerning and len(text) > 1:
            pairs = self._pair_kerns
            try:
                total += sum(map(pairs.__getitem__, map(str.__add__, text, text[1:])))
            except KeyError:
                for pair in set(map(str.__add__, text, text[1:])):
                    self.kern(pair[0], pair[1])
                total += sum(map(pairs.__getitem__, map(str.__add__, text, text[1:])))
        return total

    def width(self, text: str, size: float) -> float:
        return self.width_units(text) * size / self.units_per_em


@lru_cache(maxsize=64)
def font_digest(path: Path | str) -> str:
    """SHA-256 (hex) of a font file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def metrics_cache_path(font_path: Path | str) -> Path:
    return Path(font_path).with_suffix(METRICS_SUFFIX)


@lru_cache(maxsize=256)
def _load_by_name(path: str) -> FontMetrics:
    return _load_metrics(str(Path(path).resolve()))  # resolve() stats every folder: once


@lru_cache(maxsize=64)
def _load_metrics(path: str) -> FontMetrics:
    try:
        digest = font_digest(path)
    except OSError as exc:
        raise LayoutError(f"police illisible : {path} ({os_reason(exc)})") from None
    record = _read_cache(metrics_cache_path(path), digest)
    if record is None:
        record = compute_metrics_record(path)
    return _from_record(path, record)


def _read_cache(cache: Path, digest: str) -> dict | None:  # type: ignore[type-arg]
    try:
        data = cache.read_bytes()
    except OSError:
        return None
    try:
        record = marshal.loads(zlib.decompress(data))
    except (EOFError, ValueError, TypeError, zlib.error):
        return None
    if (
        not isinstance(record, dict)
        or record.get("format") != METRICS_FORMAT
        or record.get("sha256") != digest
    ):
        return None
    return record


def _from_record(path: str, record: dict) -> FontMetrics:  # type: ignore[type-arg]
    return FontMetrics(
        path=Path(path),
        name=Path(path).stem,
        units_per_em=record["units_per_em"],
        ascent=record["ascent"],
        descent=record["descent"],
        cap_height=record["cap_height"],
        cmap=record["cmap"],
        advances=record["advances"],
        kerning=record["kerning"],
        glyph_tops=record["glyph_tops"],
        glyph_bottoms=record["glyph_bottoms"],
        glyph_profiles=record["glyph_profiles"],
    )


def write_metrics_cache(font_path: Path | str) -> Path:
    """Write ``NAME.metrics`` beside a font (build time); returns its path. Deterministic."""
    path = str(Path(font_path).resolve())
    record = compute_metrics_record(path)
    # Sorted keys: the same font always gives the same bytes.
    ordered = {
        key: (dict(sorted(value.items())) if isinstance(value, dict) else value)
        for key, value in sorted(record.items())
    }
    target = metrics_cache_path(path)
    target.write_bytes(zlib.compress(marshal.dumps(ordered, 4), 9))
    return target


def compute_metrics_record(path: str) -> dict:  # type: ignore[type-arg]
    """Every metric FontMetrics needs, measured with fontTools, as plain data."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, lazy=True)
    except (OSError, TTLibError) as exc:
        raise LayoutError(f"police illisible : {path} ({exc})") from None
    if "glyf" not in font:
        raise LayoutError(
            f"police {Path(path).name} : contours CFF (.otf) non pris en charge ; "
            "convertissez-la en TrueType (fontTools otf2ttf)"
        )
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
        "format": METRICS_FORMAT,
        "sha256": font_digest(path),
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
