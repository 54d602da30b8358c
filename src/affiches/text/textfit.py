"""Line breaking and size fitting of one text in one box. Pure functions.

Contract:
- Lines break only at ordinary spaces (U+0020, dropped at the break), after hyphens
  (U+002D, U+2010, kept at the end of the line) and at explicit newlines. No-break
  spaces (U+00A0, U+202F) never break.
- ``fit_text`` returns the largest size in [size_min, size_max] (in steps of
  ``SIZE_STEP``) at which the text fits the box: every line's advance width (kerning
  included) within the box width, at most ``max_lines`` lines, and the ink of the
  lines (from the first line's highest glyph to the last line's lowest) within the
  box height. It returns ``None`` when even ``size_min`` does not fit: the caller
  reports it, nothing is ever clipped or truncated.
- Lines are ``line_height`` × size apart; below ``TIGHT_LEADING`` the gap is opened
  where the ink of two lines would come closer than ``MIN_INK_GAP`` em.
- With ``balance``, the same number of lines is kept but breaks are chosen to make
  the lines as even as possible (headlines); otherwise lines are filled greedily.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from affiches.text.fonts import FontMetrics

SIZE_STEP = 0.25
MIN_INK_GAP = 0.06  # em between the ink of two lines, at least, with tight leading
TIGHT_LEADING = 1.05
HYPHENS = ("-", "\u2010")


@dataclass(frozen=True)
class Piece:
    """A run of text that cannot be broken, with what follows it."""

    text: str
    after: str  # " " (breakable space), "" (break after hyphen), "\n" (forced), "$" (end)


@dataclass(frozen=True)
class FittedText:
    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]  # points, at ``size``
    baselines: tuple[float, ...]  # each line's baseline below the first one's, points
    top: float  # ink top of the first line above its baseline, points (positive)
    bottom: float  # ink bottom of the last line below its baseline, points (positive)

    @property
    def height(self) -> float:
        return self.top + self.baselines[-1] + self.bottom


def split_pieces(text: str) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    current: list[str] = []
    for ch in text:
        if ch == " ":
            pieces.append(Piece("".join(current), " "))
            current = []
        elif ch == "\n":
            pieces.append(Piece("".join(current), "\n"))
            current = []
        elif ch in HYPHENS:
            current.append(ch)
            pieces.append(Piece("".join(current), ""))
            current = []
        else:
            current.append(ch)
    pieces.append(Piece("".join(current), "$"))
    # Empty pieces come from doubled spaces: merge them into the previous separator.
    cleaned: list[Piece] = []
    for piece in pieces:
        if not piece.text and cleaned and cleaned[-1].after == " " and piece.after == " ":
            continue
        cleaned.append(piece)
    return tuple(cleaned)


def join_line(pieces: tuple[Piece, ...] | list[Piece]) -> str:
    out = []
    for i, piece in enumerate(pieces):
        out.append(piece.text)
        if i < len(pieces) - 1 and piece.after == " ":
            out.append(" ")
    return "".join(out)


def _paragraphs(pieces: tuple[Piece, ...]) -> list[list[Piece]]:
    paragraphs: list[list[Piece]] = [[]]
    for piece in pieces:
        paragraphs[-1].append(piece)
        if piece.after == "\n":
            paragraphs.append([])
    return paragraphs


def greedy_lines(pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float) -> list[str] | None:
    """Fill lines greedily; ``None`` when a single piece is wider than the line."""
    # Widths are extended piece by piece: width(a + b) = width(a) + width(b) + kern(a[-1], b[0]).
    lines: list[str] = []
    for paragraph in _paragraphs(pieces):
        text = ""
        width = 0
        separator = ""
        started = False
        for piece in paragraph:
            if not started:
                text, width, started = piece.text, metrics.width_units(piece.text), True
                if width > max_units:
                    return None
            else:
                added = separator + piece.text
                trial_width = width + metrics.width_units(added)
                if text and added:
                    trial_width += metrics.kern(text[-1], added[0])
                if trial_width <= max_units:
                    text, width = text + added, trial_width
                else:
                    lines.append(text)
                    text, width = piece.text, metrics.width_units(piece.text)
                    if width > max_units:
                        return None
            separator = " " if piece.after == " " else ""
        lines.append(text)
    return lines


@lru_cache(maxsize=256)  # fit_text tries several sizes with the same pieces
def _line_widths(items: tuple[Piece, ...], metrics: FontMetrics) -> Callable[[int, int], int]:
    """``width(i, j)`` = ``metrics.width_units(join_line(items[i:j]))`` in O(1).

    Widths are sums of advances and pair kernings (``FontMetrics.width_units``), so the
    width of any slice of the joined paragraph is a difference of prefix sums, less the
    kerning pair the slice cuts at its start."""
    text = join_line(items)
    starts, ends = [], []
    position = 0
    for index, piece in enumerate(items):
        starts.append(position)
        position += len(piece.text)
        ends.append(position)
        if index < len(items) - 1 and piece.after == " ":
            position += 1
    prefix = [0]
    total = 0
    previous = ""
    for ch in text:
        total += metrics.char_width(ch) + (metrics.kern(previous, ch) if previous else 0)
        prefix.append(total)
        previous = ch
    cut = [metrics.kern(text[a - 1], text[a]) if 0 < a < len(text) else 0 for a in starts]

    def width(i: int, j: int) -> int:
        if j <= i or ends[j - 1] <= starts[i]:  # nothing, or only empty pieces
            return 0
        return prefix[ends[j - 1]] - prefix[starts[i]] - cut[i]

    return width


def balanced_lines(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float, count: int
) -> list[str] | None:
    """Break into at most ``count`` lines minimising the widest line (single paragraph)."""
    paragraphs = _paragraphs(pieces)
    if len(paragraphs) != 1:
        return None
    items = paragraphs[0]
    n = len(items)
    width = _line_widths(tuple(items), metrics)

    @cache
    def best(i: int, lines_left: int) -> tuple[float, float, tuple[int, ...]] | None:
        # (widest line, sum of squares, break indices) for items[i:] in lines_left lines
        if lines_left == 1:
            w = width(i, n)
            return (w, w * w, ()) if w <= max_units else None
        result = None
        for j in range(i + 1, n):
            w = width(i, j)
            if w > max_units:
                break
            rest = best(j, lines_left - 1)
            if rest is None:
                continue
            candidate = (max(w, rest[0]), w * w + rest[1], (j, *rest[2]))
            if result is None or candidate[:2] < result[:2]:
                result = candidate
        return result

    found = best(0, count)
    if found is None:
        return None
    bounds = [0, *found[2], n]
    return [join_line(items[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


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
) -> FittedText | None:
    """The text set at ``size`` if it fits the box, else ``None``."""
    if pieces is None:
        pieces = split_pieces(text)
    scale = size / metrics.units_per_em
    max_units = box_width / scale
    lines = greedy_lines(pieces, metrics, max_units)
    if lines is None or len(lines) > max_lines:
        return None
    if balance and len(lines) > 1:
        lines = balanced_lines(pieces, metrics, max_units, len(lines)) or lines
    extents = [metrics.ink_extent(line) for line in lines]
    # Baseline to baseline: the layout's line height. With tight (headline) leading it
    # is opened up where an accent on a capital would touch the line above; normal
    # leading is left even, as fonts are designed for it.
    baselines = [0.0]
    for (_, bottom_above), (top_below, _) in zip(extents, extents[1:], strict=False):
        gap = size * line_height
        if line_height < TIGHT_LEADING:
            gap = max(gap, (top_below - bottom_above) * scale + size * MIN_INK_GAP)
        baselines.append(baselines[-1] + gap)
    fitted = FittedText(
        size=size,
        lines=tuple(lines),
        widths=tuple(metrics.width_units(line) * scale for line in lines),
        baselines=tuple(baselines),
        top=extents[0][0] * scale,
        bottom=-extents[-1][1] * scale,
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
) -> FittedText | None:
    """Largest size in [size_min, size_max] at which ``text`` fits, or ``None``."""
    pieces = split_pieces(text)

    def at(size: float) -> FittedText | None:
        return layout_at(text, metrics, size, box_width, box_height, max_lines, line_height, balance, pieces)

    steps = int(round((size_max - size_min) / SIZE_STEP))
    best = at(size_max)
    if best is not None:
        return best
    low = at(size_min)
    if low is None:
        return None
    # Invariant: size at step ``lo`` fits, at step ``hi`` does not.
    lo, hi = 0, steps
    best = low
    while hi - lo > 1:
        mid = (lo + hi) // 2
        fitted = at(size_min + mid * SIZE_STEP)
        if fitted is not None:
            lo, best = mid, fitted
        else:
            hi = mid
    return best
