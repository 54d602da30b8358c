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


def _line_widths(items: list[Piece], metrics: FontMetrics, limit: float) -> list[list[int]]:
    """widths[i][j - i - 1]: advance width of items[i:j] set on one line (kerning included),
    for j up to the first line wider than ``limit`` (kept, so callers see it overflow).

    Built incrementally: width(a + b) = width(a) + width(b) + kern at the seam, which is
    what measuring the joined string gives (kerning only pairs neighbours). When no piece
    is empty, what item j adds (its width, the space before it, the kerning at the seam)
    is the same whatever line it ends, so it is computed once per item.
    """
    space = metrics.width_units(" ")
    kern = metrics.kern
    texts = [item.text for item in items]
    sizes = [metrics.width_units(text) for text in texts]
    n = len(items)
    rows: list[list[int]] = []
    if all(texts):
        adds = [0]
        for j in range(1, n):
            before, added = texts[j - 1][-1], texts[j]
            if items[j - 1].after == " ":
                adds.append(kern(before, " ") + space + kern(" ", added[0]) + sizes[j])
            else:
                adds.append(kern(before, added[0]) + sizes[j])
        for i in range(n):
            width = sizes[i]
            row = [width]
            for j in range(i + 1, n):
                width += adds[j]
                row.append(width)
                if width > limit:
                    break
            rows.append(row)
        return rows
    for i in range(n):
        width = sizes[i]
        last = texts[i][-1:]
        row = [width]
        for j in range(i + 1, n):
            added = texts[j]
            if items[j - 1].after == " ":
                width += (kern(last, " ") if last else 0) + space
                last = " "
            if added:
                width += (kern(last, added[0]) if last else 0) + sizes[j]
                last = added[-1]
            row.append(width)
            if width > limit:
                break
        rows.append(row)
    return rows


def greedy_lines(pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float) -> list[str] | None:
    """Fill lines greedily; ``None`` when a single piece is wider than the line."""
    breaks = _greedy_breaks(pieces, metrics, max_units)
    if breaks is None:
        return None
    return [join_line(line) for paragraph in breaks for line in paragraph]


def _greedy_breaks(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float
) -> list[list[list[Piece]]] | None:
    """Per paragraph, its lines (lists of pieces) filled greedily; ``None`` if a piece is too wide."""
    return _greedy_paragraphs(paragraphs(pieces), metrics, max_units)


def _greedy_paragraphs(
    found_paragraphs: list[list[Piece]], metrics: FontMetrics, max_units: float
) -> list[list[list[Piece]]] | None:
    """``_greedy_breaks`` of pieces already cut in paragraphs."""
    # Widths are extended piece by piece: width(a + b) = width(a) + width(b) + kern(a[-1], b[0]).
    out: list[list[list[Piece]]] = []
    width_units, kern, pairs = metrics.width_units, metrics.kern, metrics.pair_kerns
    for paragraph in found_paragraphs:
        lines: list[list[Piece]] = []
        current: list[Piece] = []
        last = ""  # the last character of the line so far ("" while it is empty)
        width = 0
        separator = ""
        for piece in paragraph:
            if not current:
                last, width, current = piece.text[-1:], width_units(piece.text), [piece]
                if width > max_units:
                    return None
            else:
                added = separator + piece.text
                trial_width = width + width_units(added)
                if last and added:
                    adjust = pairs.get(last + added[0])
                    trial_width += kern(last, added[0]) if adjust is None else adjust
                if trial_width <= max_units:
                    width = trial_width
                    last = added[-1] if added else last
                    current.append(piece)
                else:
                    lines.append(current)
                    last, width, current = piece.text[-1:], width_units(piece.text), [piece]
                    if width > max_units:
                        return None
            separator = " " if piece.after == " " else ""
        lines.append(current)
        out.append(lines)
    return out


def _best_breaks(
    items: list[Piece], metrics: FontMetrics, max_units: float, count: int, balance: bool
) -> list[list[Piece]] | None:
    """``items`` (one paragraph) in exactly ``count`` lines, the best breaks.

    ``balance`` (headlines): the fewest breaks after a hyphen (words kept whole), then
    the widest line as narrow as possible, then the most even.
    Otherwise (running text): the least ragged right edge, the sum of the squared
    slack of every line but the last, and a last line at least a third of the others.
    """
    n = len(items)
    if count <= 1 or n <= 1:
        return [items] if count == 1 or n == 1 else None
    widths = _line_widths(items, metrics, max_units)
    hyphen_cost = (max_units / 2) ** 2
    too_wide = max_units + 1
    # A break after a hyphen splits a word: taken only when it pays.
    hyphens = [hyphen_cost if item.after == "" else 0.0 for item in items]
    # tail[i]: width of items[i:] on one line (too wide once its row stopped)
    tail = [row[n - i - 1] if n - i - 1 < len(row) else too_wide for i, row in enumerate(widths)]
    # nexts[k][i]: where the line starting at item i breaks, with k lines for items[i:]
    nexts: list[list[int]] = [[], [n] * n]
    if balance:
        # costs: (breaks inside words, widest line, sum of squared widths), compared in order
        costs: list[tuple[float, float, float] | None] = [
            (0.0, w, w * w) if w <= max_units else None for w in tail]
        for _k in range(2, count + 1):
            found_costs: list[tuple[float, float, float] | None] = [None] * n
            found_next = [0] * n
            for i in range(n - 1, -1, -1):
                row = widths[i]
                found: tuple[float, float, float] | None = None
                where = 0
                for j in range(i + 1, n):
                    w = row[j - i - 1] if j - i - 1 < len(row) else too_wide
                    if w > max_units:
                        break
                    rest = costs[j]
                    if rest is None:
                        continue
                    cost = (rest[0] + (hyphens[j - 1] > 0), max(w, rest[1]), w * w + rest[2])
                    if found is None or cost < found:
                        found, where = cost, j
                found_costs[i], found_next[i] = found, where
            costs = found_costs
            nexts.append(found_next)
        reachable = costs[0] is not None
    else:
        # cost: the sum of squared slacks (hyphen and short-last-line penalties added)
        flat: list[float | None] = [0.0 if w <= max_units else None for w in tail]
        for k in range(2, count + 1):
            found_flat: list[float | None] = [None] * n
            found_next = [0] * n
            for i in range(n - 1, -1, -1):
                row = widths[i]
                best: float | None = None
                where = 0
                for j in range(i + 1, n):
                    w = row[j - i - 1] if j - i - 1 < len(row) else too_wide
                    if w > max_units:
                        break
                    rest_cost = flat[j]
                    if rest_cost is None:
                        continue
                    slack = max_units - w
                    penalty = 0.0
                    if k == 2:  # the last line follows: not shorter than a third of this one
                        penalty = max(0.0, w / 3 - tail[j]) ** 2 * 4
                    total = rest_cost + slack * slack + penalty + hyphens[j - 1]
                    if best is None or total < best:
                        best, where = total, j
                found_flat[i], found_next[i] = best, where
            flat = found_flat
            nexts.append(found_next)
        reachable = flat[0] is not None
    if not reachable:
        return None
    lines: list[list[Piece]] = []
    i, k = 0, count
    while k >= 1:
        j = nexts[k][i]
        lines.append(items[i:j])
        i, k = j, k - 1
    return lines


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
