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
  (``NAME.metrics``: zlib-compressed JSON written by ``tools/build_fonts.py`` with
  ``write_metrics_cache``; plain data, never unpickled or unmarshalled: anyone may
  write such a file beside a font). It records the SHA-256 of the font file it was
  measured from; it is used only when that digest equals the digest of the font read
  now, and when every field has the expected type and the data stays under
  ``limits.MAX_METRICS_BYTES`` once decompressed; otherwise (a user's font, an edited
  font, a damaged or hostile cache) it is ignored and the metrics are computed with
  fontTools, exactly as the cache was. Either way the answers are identical.
- A font file is read as a regular file of at most ``limits.MAX_FONT_BYTES``; a
  truncated or corrupt font is a one-line ``LayoutError`` (``police illisible``).
- ``font_digest(path)`` is the SHA-256 of a font file (cached per process): the
  font's "version" as batch manifests record it.
- Text widths, ink extents, kerned chunks and positions are memoised per font
  (bounded: each table is emptied when full, see ``_WIDTH_CACHE_MAX``), so
  repeated measures of the same strings (a batch's constant texts) cost a lookup.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from affiches.errors import GlyphError, LayoutError, printable
from affiches.limits import MAX_FONT_BYTES, MAX_METRICS_BYTES, read_regular_file
from affiches.resources import assets_dir

FONT_SUFFIXES = (".ttf", ".otf")

# Characters that compose never sends to a font as glyphs.
_LAYOUT_CHARS = frozenset("\n")

METRICS_SUFFIX = ".metrics"
METRICS_FORMAT = 2  # 1 was marshal data: no longer read
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
    _char_widths: dict[str, int] = field(default_factory=dict, repr=False)
    _text_widths: dict[str, int] = field(default_factory=dict, repr=False)
    _pair_kerns: dict[str, int] = field(default_factory=dict, repr=False)  # "AV" -> kerning
    _ink_extents: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _chunks: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict, repr=False)
    _positions: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

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
    """SHA-256 (hex) of a font file's bytes (``LayoutError`` when it cannot be read)."""
    return hashlib.sha256(read_regular_file(Path(path), MAX_FONT_BYTES, LayoutError, "fichier de police"))\
        .hexdigest()


def metrics_cache_path(font_path: Path | str) -> Path:
    return Path(font_path).with_suffix(METRICS_SUFFIX)


@lru_cache(maxsize=256)
def _load_by_name(path: str) -> FontMetrics:
    return _load_metrics(str(Path(path).resolve()))  # resolve() stats every folder: once


@lru_cache(maxsize=64)
def _load_metrics(path: str) -> FontMetrics:
    digest = font_digest(path)
    record = _read_cache(metrics_cache_path(path), digest)
    if record is None:
        record = compute_metrics_record(path)
    return _from_record(path, record)


def _read_cache(cache: Path, digest: str) -> dict[str, Any] | None:
    """The cache's record if it is well-formed and measured from this very font, else None."""
    try:
        compressed = read_regular_file(cache, MAX_METRICS_BYTES, LayoutError)
        inflater = zlib.decompressobj()
        data = inflater.decompress(compressed, MAX_METRICS_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            return None  # larger than allowed once decompressed, or truncated
        record = json.loads(data.decode("utf-8"))
    except (LayoutError, zlib.error, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("format") != METRICS_FORMAT:
        return None
    if record.get("sha256") != digest:  # checked before any other field is looked at
        return None
    return _decoded(record)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and _is_int(v) for k, v in value.items())


def _decoded(record: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON record back to FontMetrics' types, or None when any field is malformed."""
    try:
        scalars = [record[key] for key in ("units_per_em", "ascent", "descent", "cap_height")]
        cmap_in, kerning_in = record["cmap"], record["kerning"]
        advances, tops, bottoms = record["advances"], record["glyph_tops"], record["glyph_bottoms"]
    except KeyError:
        return None
    if not all(map(_is_int, scalars)) or scalars[0] <= 0:
        return None
    if not (_int_map(advances) and _int_map(tops) and _int_map(bottoms)):
        return None
    if not isinstance(cmap_in, dict) or not all(
            isinstance(k, str) and k.isdigit() and len(k) < 8 and isinstance(v, str) for k, v in cmap_in.items()):
        return None
    if not isinstance(kerning_in, list) or not all(
            isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
            and isinstance(item[1], str) and _is_int(item[2]) for item in kerning_in):
        return None
    return {
        "units_per_em": scalars[0], "ascent": scalars[1], "descent": scalars[2], "cap_height": scalars[3],
        "cmap": {int(code): glyph for code, glyph in cmap_in.items()},
        "advances": advances,
        "kerning": {(left, right): value for left, right, value in kerning_in},
        "glyph_tops": tops,
        "glyph_bottoms": bottoms,
    }


def _from_record(path: str, record: dict[str, Any]) -> FontMetrics:
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
    )


def metrics_cache_bytes(font_path: Path | str) -> bytes:
    """The ``.metrics`` file of a font: JSON, sorted, zlib-compressed. Deterministic."""
    path = str(Path(font_path).resolve())
    record = compute_metrics_record(path)
    data = {
        "format": METRICS_FORMAT,
        "sha256": font_digest(path),
        "units_per_em": record["units_per_em"],
        "ascent": record["ascent"],
        "descent": record["descent"],
        "cap_height": record["cap_height"],
        "cmap": {str(code): glyph for code, glyph in sorted(record["cmap"].items())},
        "advances": dict(sorted(record["advances"].items())),
        "kerning": sorted([left, right, value] for (left, right), value in record["kerning"].items()),
        "glyph_tops": dict(sorted(record["glyph_tops"].items())),
        "glyph_bottoms": dict(sorted(record["glyph_bottoms"].items())),
    }
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return zlib.compress(text.encode("ascii"), 9)


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
    for glyph_name in sorted(set(cmap.values())):
        glyph = glyf[glyph_name]
        if glyph.numberOfContours == 0:
            continue
        if glyph.isComposite():
            glyph.recalcBounds(glyf)
        tops[glyph_name] = glyph.yMax
        bottoms[glyph_name] = glyph.yMin
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
    }


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
