"""The fast line breaking (text.linebreaks: line_widths, best_breaks, greedy_breaks) against the
straightforward versions it replaced (kept here as references): the same breaks, always.
Speed work must not move a single line break."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from affiches.text.breaks import GLUE_FULL, GLUE_NAMES, GLUE_NONE, Piece, glue_pieces, paragraphs, split_pieces
from affiches.text.fonts import FontMetrics, find_font
from affiches.text.linebreaks import best_breaks as _best_breaks
from affiches.text.linebreaks import greedy_breaks as _greedy_breaks
from affiches.text.linebreaks import line_widths as _line_widths

FONTS = [FontMetrics.load(find_font(name))
         for name in ("Manrope-Regular", "Manrope-ExtraBold", "RobotoCondensed-Bold")]
words = st.text(st.sampled_from(list("aeimnoprstuvAVWTÉéàôœ’',.;:!?«»07") + ["-", "\u00a0"]),
                min_size=0, max_size=9)
texts = st.lists(words, min_size=1, max_size=30).map(lambda ws: " ".join(ws)) | \
    st.lists(words, min_size=1, max_size=12).map(lambda ws: "\n".join(ws).replace("a", "a-"))


def reference_line_widths(items: list[Piece], metrics: FontMetrics, limit: float) -> list[list[int]]:
    space = metrics.width_units(" ")
    rows: list[list[int]] = []
    for i in range(len(items)):
        row: list[int] = []
        width = metrics.width_units(items[i].text)
        last = items[i].text[-1:]
        row.append(width)
        for j in range(i + 1, len(items)):
            added = items[j].text
            if items[j - 1].after == " ":
                width += (metrics.kern(last, " ") if last else 0) + space
                last = " "
            if added:
                width += (metrics.kern(last, added[0]) if last else 0) + metrics.width_units(added)
                last = added[-1]
            row.append(width)
            if width > limit:
                break
        rows.append(row)
    return rows


def reference_greedy(pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float
                     ) -> list[list[list[Piece]]] | None:
    out: list[list[list[Piece]]] = []
    for paragraph in paragraphs(pieces):
        lines: list[list[Piece]] = []
        current: list[Piece] = []
        text, width, separator = "", 0, ""
        for piece in paragraph:
            if not current:
                text, width, current = piece.text, metrics.width_units(piece.text), [piece]
                if width > max_units:
                    return None
            else:
                added = separator + piece.text
                trial = width + metrics.width_units(added)
                if text and added:
                    trial += metrics.kern(text[-1], added[0])
                if trial <= max_units:
                    text, width = text + added, trial
                    current.append(piece)
                else:
                    lines.append(current)
                    text, width, current = piece.text, metrics.width_units(piece.text), [piece]
                    if width > max_units:
                        return None
            separator = " " if piece.after == " " else ""
        lines.append(current)
        out.append(lines)
    return out


def reference_best(items: list[Piece], metrics: FontMetrics, max_units: float, count: int,
                   balance: bool) -> list[list[Piece]] | None:
    n = len(items)
    if count <= 1 or n <= 1:
        return [items] if count == 1 or n == 1 else None
    widths = reference_line_widths(items, metrics, max_units)
    hyphen_cost = (max_units / 2) ** 2
    too_wide = max_units + 1

    def width(i: int, j: int) -> float:
        row = widths[i]
        return row[j - i - 1] if j - i - 1 < len(row) else too_wide

    best: dict[tuple[int, int], tuple[tuple[float, float, float], int]] = {}
    for k in range(1, count + 1):
        for i in range(n - 1, -1, -1):
            if k == 1:
                w = width(i, n)
                if w <= max_units:
                    best[(i, 1)] = ((0.0, w, w * w) if balance else (0.0, 0.0, 0.0), n)
                continue
            found = None
            for j in range(i + 1, n):
                w = width(i, j)
                if w > max_units:
                    break
                rest = best.get((j, k - 1))
                if rest is None:
                    continue
                hyphen = hyphen_cost if items[j - 1].after == "" else 0.0
                if balance:
                    cost = (rest[0][0] + (hyphen > 0), max(w, rest[0][1]), w * w + rest[0][2])
                else:
                    slack = max_units - w
                    penalty = max(0.0, w / 3 - width(j, n)) ** 2 * 4 if k == 2 else 0.0
                    cost = (rest[0][0] + slack * slack + penalty + hyphen, 0.0, 0.0)
                if found is None or cost < found[0]:
                    found = (cost, j)
            if found is not None:
                best[(i, k)] = found
    if (0, count) not in best:
        return None
    lines, i, k = [], 0, count
    while k >= 1:
        j = best[(i, k)][1]
        lines.append(items[i:j])
        i, k = j, k - 1
    return lines


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(range(len(FONTS))), st.integers(800, 30_000),
       st.sampled_from([GLUE_FULL, GLUE_NAMES, GLUE_NONE]), st.booleans(), st.integers(1, 6))
def test_same_breaks_as_the_reference(text: str, font: int, max_units: int, level: int,
                                      balance: bool, count: int) -> None:
    metrics = FONTS[font]
    pieces = glue_pieces(split_pieces(text), level, not balance)
    assert _greedy_breaks(pieces, metrics, max_units) == reference_greedy(pieces, metrics, max_units)
    for paragraph in paragraphs(pieces):
        assert _line_widths(paragraph, metrics, max_units) == \
            reference_line_widths(paragraph, metrics, max_units)
        assert _best_breaks(paragraph, metrics, max_units, count, balance) == \
            reference_best(paragraph, metrics, max_units, count, balance)


def reference_split(text: str) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    current: list[str] = []
    for ch in text:
        if ch == " ":
            pieces.append(Piece("".join(current), " "))
            current = []
        elif ch == "\n":
            pieces.append(Piece("".join(current), "\n"))
            current = []
        elif ch in ("-", "\u2010"):
            current.append(ch)
            pieces.append(Piece("".join(current), ""))
            current = []
        else:
            current.append(ch)
    pieces.append(Piece("".join(current), "$"))
    cleaned: list[Piece] = []
    for piece in pieces:
        if not piece.text and cleaned and cleaned[-1].after == " " and piece.after == " ":
            continue
        cleaned.append(piece)
    return tuple(cleaned)


@given(st.text(st.sampled_from(list(" \n-\u2010\u00a0\u202f\t\r,ab.") + ["\u2011", "\u2012"]), max_size=40) | st.text())
def test_split_pieces_as_the_reference(text: str) -> None:
    assert split_pieces(text) == reference_split(text)
