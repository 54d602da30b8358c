"""Line breaking and size fitting of one text in one box. Pure functions.

Contract:
- Lines break only where ``affiches.text.breaks`` allows: ordinary spaces, after
  hyphens, explicit newlines, and only where the French rules of its glue levels
  allow, the strictest level that fits at ``size_min`` winning.
- ``fit_text`` returns the largest size in [size_min, size_max] (in steps of
  ``SIZE_STEP``) at which the text fits the box: every line's advance width (kerning
  included) within the box width, at most ``max_lines`` lines, and the ink of the
  lines (from the first line's highest glyph to the last line's lowest) within the
  box height. It returns ``None`` when even ``size_min`` does not fit: the caller
  reports it, nothing is ever clipped or truncated.
- Lines are ``line_height`` × size apart, opened where the ink of two lines
  (``affiches.text.ink``) would come closer than ``MIN_INK_GAP`` em: only there with
  tight (headline) leading, below ``TIGHT_LEADING``; evenly for the whole block
  otherwise.
- As many lines as greedy filling needs; within that count, with ``balance`` the
  fewest breaks inside words then the narrowest widest line (headlines, names),
  otherwise the most even right edge (paragraphs).
"""

from __future__ import annotations

from dataclasses import dataclass

from affiches.text.breaks import (
    GLUE_FULL,
    GLUE_NAMES,
    GLUE_NONE,
    GLUE_WORDS_ONLY,
    Piece,
    glue_pieces,
    join_line,
    keeps_words_whole,
    paragraphs,
    split_pieces,
)
from affiches.text.fonts import FontMetrics
from affiches.text.ink import MIN_INK_GAP, ink_distance, line_offset
from affiches.text.linebreaks import best_breaks as _best_breaks
from affiches.text.linebreaks import greedy_breaks as _greedy_breaks
from affiches.text.linebreaks import greedy_paragraphs as _greedy_paragraphs

SIZE_STEP = 0.25
TIGHT_LEADING = 1.05
@dataclass(frozen=True)
class FittedText:
    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]  # points, at ``size``
    baselines: tuple[float, ...]  # each line's baseline below the first one's, points
    top: float  # ink top of the first line above its baseline, points (positive)
    bottom: float  # ink bottom of the last line below its baseline, points (positive)
    level: int = 3  # the breaking rules used (GLUE_FULL … GLUE_NONE)

    @property
    def height(self) -> float:
        return self.top + self.baselines[-1] + self.bottom


def greedy_lines(pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float) -> list[str] | None:
    """Fill lines greedily; ``None`` when a single piece is wider than the line."""
    breaks = _greedy_breaks(pieces, metrics, max_units)
    if breaks is None:
        return None
    return [join_line(line) for paragraph in breaks for line in paragraph]


def balanced_lines(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float, count: int
) -> list[str] | None:
    """Break into ``count`` lines minimising the widest line (single paragraph)."""
    found_paragraphs = paragraphs(pieces)
    if len(found_paragraphs) != 1:
        return None
    found = _best_breaks(found_paragraphs[0], metrics, max_units, count, balance=True)
    return None if found is None else [join_line(line) for line in found]


def choose_lines(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float, max_lines: int, balance: bool,
    *, found_paragraphs: list[list[Piece]] | None = None,
    greedy: list[list[list[Piece]]] | None = None,
) -> list[str] | None:
    """The lines of the text at this width, or ``None`` (a piece too wide, too many lines).

    As many lines as greedy filling needs (the fewest), paragraph by paragraph; within
    that count the breaks of ``_best_breaks``. ``found_paragraphs`` (``paragraphs(pieces)``)
    and ``greedy`` (its greedy filling at this width) may come already computed.
    """
    if found_paragraphs is None:
        found_paragraphs = paragraphs(pieces)
    if greedy is None:
        greedy = _greedy_paragraphs(found_paragraphs, metrics, max_units)
    if greedy is None or sum(map(len, greedy)) > max_lines:
        return None
    lines: list[str] = []
    for paragraph, filled in zip(found_paragraphs, greedy, strict=True):
        chosen = None
        if len(filled) > 1:
            chosen = _best_breaks(paragraph, metrics, max_units, len(filled), balance)
        lines.extend(join_line(line) for line in (chosen or filled))
    return lines


def layout_at(
    text: str,
    metrics: FontMetrics,
    size: float,
    box_width: float,
    box_height: float,
    max_lines: int,
    line_height: float,
    balance: bool,
    pieces: tuple[Piece, ...] | None = None,
    align: str = "left",
    level: int = GLUE_FULL,
    *,
    found_paragraphs: list[list[Piece]] | None = None,
    greedy: list[list[list[Piece]]] | None = None,
) -> FittedText | None:
    """The text set at ``size`` if it fits the box, else ``None`` (``found_paragraphs`` and
    ``greedy``: see ``choose_lines``)."""
    if pieces is None:
        pieces = glue_pieces(split_pieces(text), level, keeps_words_whole(text, balance))
    scale = size / metrics.units_per_em
    max_units = box_width / scale
    lines = choose_lines(pieces, metrics, max_units, max_lines, balance,
                         found_paragraphs=found_paragraphs, greedy=greedy)
    if lines is None:
        return None
    extents = [metrics.ink_extent(line) for line in lines]
    # Baseline to baseline: the layout's line height, opened where the ink of two lines
    # (accents, descenders) would come closer than MIN_INK_GAP em: only there with tight
    # (headline) leading, evenly for the whole block with running-text leading.
    leading = size * line_height
    min_gap = metrics.units_per_em * MIN_INK_GAP
    needs = []
    xs: list[float] | None = None
    for index, ((_, bottom_above), (top_below, _)) in enumerate(zip(extents, extents[1:], strict=False)):
        need = leading
        if (top_below - bottom_above + min_gap) * scale > leading:
            if xs is None:
                xs = [line_offset(metrics.width_units(line), max_units, align) for line in lines]
            floor = leading / scale - min_gap
            touch = ink_distance(
                metrics, lines[index], xs[index], lines[index + 1], xs[index + 1], floor
            )
            need = max(leading, (touch + min_gap) * scale)
        needs.append(need)
    if needs and line_height >= TIGHT_LEADING:
        needs = [max(needs)] * len(needs)
    baselines = [0.0]
    for need in needs:
        baselines.append(baselines[-1] + need)
    fitted = FittedText(
        size=size,
        lines=tuple(lines),
        widths=tuple(metrics.width_units(line) * scale for line in lines),
        baselines=tuple(baselines),
        top=extents[0][0] * scale,
        bottom=-extents[-1][1] * scale,
        level=level,
    )
    if fitted.height > box_height + 1e-9:
        return None
    return fitted


def fit_text(
    text: str,
    metrics: FontMetrics,
    box_width: float,
    box_height: float,
    size_min: float,
    size_max: float,
    max_lines: int,
    line_height: float = 1.2,
    balance: bool = False,
    align: str = "left",
) -> FittedText | None:
    """Largest size in [size_min, size_max] at which ``text`` fits, or ``None``.

    The French breaking rules are tried strictest first (``GLUE_FULL``, ``GLUE_NAMES``,
    ``GLUE_WORDS_ONLY``, then none): a looser level is used only when the stricter one
    does not fit even at ``size_min``.
    """
    raw = split_pieces(text)
    whole = keeps_words_whole(text, balance)
    for level in (GLUE_FULL, GLUE_NAMES, GLUE_WORDS_ONLY, GLUE_NONE):
        pieces = glue_pieces(raw, level, whole)
        if level != GLUE_FULL and pieces == glue_pieces(raw, level + 1, whole):
            continue  # same pieces as the stricter level: same answer
        found = _fit_pieces(
            text, pieces, metrics, box_width, box_height, size_min, size_max, max_lines,
            line_height, balance, align, level,
        )
        if found is not None:
            return found
    return None


def _fit_pieces(
    text: str,
    pieces: tuple[Piece, ...],
    metrics: FontMetrics,
    box_width: float,
    box_height: float,
    size_min: float,
    size_max: float,
    max_lines: int,
    line_height: float,
    balance: bool,
    align: str,
    level: int,
) -> FittedText | None:
    top_all, bottom_all = metrics.ink_extent(text)
    found_paragraphs = paragraphs(pieces)
    layouts: dict[float, FittedText | None] = {}  # layout_at per size, computed once

    def fits(size: float) -> bool:
        """``layout_at(size) is not None``, decided cheaply when it can be: the line count
        is greedy filling's, and the height is at most the worst case of those lines."""
        scale = size / metrics.units_per_em
        greedy = _greedy_paragraphs(found_paragraphs, metrics, box_width / scale)
        if greedy is None:
            return False
        count = sum(map(len, greedy))
        if count > max_lines:
            return False
        gap = max(size * line_height, (top_all - bottom_all + metrics.units_per_em * MIN_INK_GAP) * scale)
        if (top_all - bottom_all) * scale + (count - 1) * gap <= box_height + 1e-9:
            return True
        return at(size, greedy) is not None

    def at(size: float, greedy: list[list[list[Piece]]] | None = None) -> FittedText | None:
        if size not in layouts:
            layouts[size] = layout_at(
                text, metrics, size, box_width, box_height, max_lines, line_height, balance,
                pieces, align, level, found_paragraphs=found_paragraphs, greedy=greedy,
            )
        return layouts[size]

    steps = int(round((size_max - size_min) / SIZE_STEP))
    if fits(size_max):
        return at(size_max)
    if not fits(size_min):
        return None
    # Invariant: size at step ``lo`` fits, at step ``hi`` does not.
    lo, hi = 0, steps
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(size_min + mid * SIZE_STEP):
            lo = mid
        else:
            hi = mid
    return at(size_min + lo * SIZE_STEP)
