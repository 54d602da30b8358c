"""Font lookup and metrics.

Contract:
- ``find_font(name, search_dirs)`` turns a layout's font reference (``"NAME"``,
  ``"NAME.ttf"`` or a path relative to a layout's folder) into a TrueType file,
  looking in the given folders first and in the bundled ``assets/fonts/`` last. A
  reference is a relative name without ``..``; the file's real path (links resolved)
  must lie inside the folder it is found in: a layout reads no font outside its own
  folder, the configured font folders (``$AFFICHES_POLICES``) and the bundled ones.
  Layouts call it when they are loaded (``affiches.gabarits.parsers``); compose
  receives the resolved ``FontMetrics`` and never looks for a file.
- ``FontMetrics.load(path)`` reads a font once per process (cached; the data comes
  from ``affiches.text.fontfile``: a checked cache or fontTools) and answers, in font
  units or scaled to a size: advance widths, pair kerning (from GPOS PairPos lookups,
  class and glyph pairs, first subtable that covers a pair wins, as shapers do),
  vertical extents, and which characters it lacks. It never draws anything.
- Ink: per glyph, the highest and lowest point (``glyph_tops``/``glyph_bottoms``) and
  an ink profile (``glyph_profiles``, measured by ``affiches.text.fontfile``): for each
  vertical slice ``PROFILE_SLICE`` font units wide, the highest and lowest point of
  the glyph's outline there. ``ink_glyphs(text)`` places them along a set line: what
  ``textfit`` compares to keep lines apart.
- ``forget_fonts()`` drops those caches (a font file edited while watching a layout).
- Text widths, ink extents, kerned chunks and positions are memoised per font
  (bounded: each table is emptied when full, see ``_WIDTH_CACHE_MAX``), so
  repeated measures of the same strings (a batch's constant texts) cost a lookup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from affiches.errors import GlyphError, LayoutError
from affiches.limits import file_inside, is_plain_relative
from affiches.resources import assets_dir
from affiches.text.fontfile import font_digest, metrics_record

FONT_SUFFIXES = (".ttf", ".otf")

# Characters that compose never sends to a font as glyphs.
_LAYOUT_CHARS = frozenset("\n")

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
    if not is_plain_relative(reference):
        raise LayoutError(
            f"police « {reference[:80]} » refusée : nommez une police fournie ou un fichier du dossier "
            "du gabarit ou des dossiers de polices, sans « .. » ni chemin absolu"
        )
    name = reference if Path(reference).suffix.lower() in FONT_SUFFIXES else reference + ".ttf"
    for folder in [*search_dirs, bundled_fonts_dir()]:
        for relative in (name, f"fonts/{name}"):
            found = file_inside(folder, relative)  # never a link out of the folder
            if found is not None:
                return found
    available = ", ".join(sorted(p.stem for p in bundled_fonts_dir().glob("*.ttf")))
    raise LayoutError(
        f"police introuvable : « {reference} » ; polices fournies : {available} "
        "(ou placez le fichier .ttf à côté du gabarit)"
    )


@dataclass(eq=False)
class FontMetrics:
    """Metrics of one TrueType font, in font units unless a size is given.

    Compared and hashed by identity: one object per font file and process (see
    ``load``), so it can key caches (``compose`` memoises fitted texts per font).
    """

    path: Path
    name: str
    units_per_em: int
    cmap: dict[int, str]
    advances: dict[str, int]
    kerning: Mapping[tuple[str, str], int] = field(repr=False)  # a dict, or a cache's PairTable
    glyph_tops: dict[str, int] = field(repr=False, default_factory=dict)  # glyph -> yMax
    glyph_bottoms: dict[str, int] = field(repr=False, default_factory=dict)  # glyph -> yMin
    # glyph -> (first slice index, highest y per slice, lowest y per slice); see module doc
    glyph_profiles: dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]] = field(
        repr=False, default_factory=dict
    )
    _char_widths: dict[str, int] = field(default_factory=dict, repr=False)
    _text_widths: dict[str, int] = field(default_factory=dict, repr=False)
    _pair_kerns: dict[str, int] = field(default_factory=dict, repr=False)  # "AV" -> kerning
    _char_tops: dict[str, int] = field(default_factory=dict, repr=False)  # max(0, yMax) per character
    _char_bottoms: dict[str, int] = field(default_factory=dict, repr=False)  # min(0, yMin)
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
            detail = (f"le caractère « {ch} » (U+{ord(ch):04X}) n’existe pas dans la police "
                      f"{self.name} ; retirez-le du texte ou choisissez une autre police")
            raise GlyphError(f"{where} : {detail}", detail=detail, value=ch)

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

    @property
    def pair_kerns(self) -> dict[str, int]:
        """The kerning of the pairs met so far ("AV" -> units): a hot loop may read it
        first (``.get(left + right)``) and call ``kern`` only when the pair is missing."""
        return self._pair_kerns

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
        pairs, kern, char_width = self._pair_kerns, self.kern, self.char_width
        for ch in text:
            if previous:
                adjust = pairs.get(previous + ch)
                if adjust is None:
                    adjust = kern(previous, ch)
                if adjust:
                    out.append((start_x, "".join(current)))
                    current = []
                    x += adjust
                    start_x = x
            current.append(ch)
            x += char_width(ch)
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
        chars = set(text)  # each character once: long texts repeat few of them
        tops, bottoms = self._char_tops, self._char_bottoms
        try:
            top = max(map(tops.__getitem__, chars), default=0)
            bottom = min(map(bottoms.__getitem__, chars), default=0)
        except KeyError:
            for ch in chars:
                glyph = self.cmap.get(ord(ch))
                # A character without a glyph adds no ink: 0 leaves both extremes as they are.
                tops[ch] = max(0, self.glyph_tops.get(glyph, 0)) if glyph is not None else 0
                bottoms[ch] = min(0, self.glyph_bottoms.get(glyph, 0)) if glyph is not None else 0
            top = max(map(tops.__getitem__, chars), default=0)
            bottom = min(map(bottoms.__getitem__, chars), default=0)
        return max(0, top), min(0, bottom)

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
        pairs, kern, char_width = self._pair_kerns, self.kern, self.char_width
        kerned = bool(self.kerning)
        for ch in text:
            if previous and kerned:
                adjust = pairs.get(previous + ch)
                x += kern(previous, ch) if adjust is None else adjust
            out.append(x)
            x += char_width(ch)
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


def forget_fonts() -> None:
    """Drop the per-process font lookups and metrics, so edited font files are read again
    (the designer's watch mode; layouts loaded afterwards get the new metrics)."""
    for cached in (_find_font, _load_by_name, _load_metrics, font_digest):
        cached.cache_clear()


@lru_cache(maxsize=256)
def _load_by_name(path: str) -> FontMetrics:
    return _load_metrics(str(Path(path).resolve()))  # resolve() stats every folder: once


@lru_cache(maxsize=64)
def _load_metrics(path: str) -> FontMetrics:
    return _from_record(path, metrics_record(path))


def _from_record(path: str, record: dict) -> FontMetrics:  # type: ignore[type-arg]
    return FontMetrics(
        path=Path(path),
        name=Path(path).stem,
        units_per_em=record["units_per_em"],
        cmap=record["cmap"],
        advances=record["advances"],
        kerning=record["kerning"],
        glyph_tops=record["glyph_tops"],
        glyph_bottoms=record["glyph_bottoms"],
        glyph_profiles=record["glyph_profiles"],
    )
