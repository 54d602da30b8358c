"""Where the lines of one text break, at one width: greedy filling and the best breaks.

Contract (pure; widths in font units, kerning included; used by ``affiches.text.textfit``):
- ``line_widths(items, metrics, limit)``: the width of every run of pieces set on one
  line, row by row, each row up to the first run wider than ``limit``.
- ``greedy_breaks(pieces, metrics, max_units)``: per paragraph, lines filled greedily
  (``None`` when one piece alone is too wide); ``greedy_paragraphs`` does the same for
  pieces already cut in paragraphs.
- ``best_breaks(items, metrics, max_units, count, balance)``: one paragraph in exactly
  ``count`` lines (``None`` if impossible). ``balance`` (headlines): the fewest breaks
  after a hyphen, then the narrowest widest line, then the most even; otherwise
  (running text) the least ragged right edge and a last line at least a third of the
  others. Ties keep the first break found, scanning from the left.
"""

from __future__ import annotations

from affiches.text.breaks import Piece, paragraphs
from affiches.text.fonts import FontMetrics


def line_widths(items: list[Piece], metrics: FontMetrics, limit: float) -> list[list[int]]:
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


def greedy_breaks(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float
) -> list[list[list[Piece]]] | None:
    """Per paragraph, its lines (lists of pieces) filled greedily; ``None`` if a piece is too wide."""
    return greedy_paragraphs(paragraphs(pieces), metrics, max_units)


def greedy_paragraphs(
    found_paragraphs: list[list[Piece]], metrics: FontMetrics, max_units: float
) -> list[list[list[Piece]]] | None:
    """``greedy_breaks`` of pieces already cut in paragraphs."""
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


def best_breaks(
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
    widths = line_widths(items, metrics, max_units)
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
