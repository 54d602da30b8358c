"""The fast decision of the fit report: does a text surely fit, without setting it?

Contract: ``Geometry`` is everything but the text that decides whether a text fits a
block (font file, box in points, sizes, lines, leading, balance, alignment).
``fast_pieces`` is ``textfit.split_pieces`` with a regular expression;
``greedy_line_count`` is ``len(textfit.greedy_lines(...))`` with incremental widths;
``surely_fits(text, metrics, geometry)`` is true only when ``textfit.fit_text`` fits the
text at ``taille_min`` whatever breaks it chooses (greedy line count within the lines,
worst-case height within the box). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from affiches.text.breaks import HYPHENS
from affiches.text.fonts import FontMetrics
from affiches.text.ink import MIN_INK_GAP

# A block geometry: everything but the text that decides whether a text fits.
Geometry = tuple[str, float, float, float, float, int, float, bool, str]



_PIECE = re.compile(r"([^ \n\-\u2010]*)([ \n\-\u2010]|$)")


def fast_pieces(text: str) -> list[tuple[str, str]]:
    """``textfit.split_pieces`` as (text, after) tuples, with a regular expression."""
    pieces: list[tuple[str, str]] = []
    for match in _PIECE.finditer(text):
        body, sep = match.groups()
        if sep in HYPHENS:
            pieces.append((body + sep, ""))
            continue
        after = sep or "$"
        if not body and after == " " and pieces and pieces[-1][1] == " ":
            continue
        pieces.append((body, after))
        if after == "$":
            break
    return pieces


def greedy_line_count(
    pieces: Sequence[tuple[str, str]], metrics: FontMetrics, max_units: float
) -> int | None:
    """``len(textfit.greedy_lines(...))``, computed with incremental line widths.

    The width of a line grows piece by piece: the advance of the separator and of the
    piece plus the kerning at the seam, which is exactly what measuring the joined
    string gives (kerning only ever pairs neighbouring characters).
    """
    space = metrics.width_units(" ")
    kern = metrics.kern
    width_of = metrics.width_units
    count = 0
    paragraph_start = True
    width = 0.0
    last = ""
    previous_after = ""
    empty = True
    for piece_text, piece_after in pieces:
        if paragraph_start:
            width, last, empty, previous_after = 0.0, "", True, ""
            paragraph_start = False
        # width of the current line with this piece appended
        trial, trial_last = width, last
        if not empty and previous_after == " ":
            trial += (kern(trial_last, " ") if trial_last else 0) + space
            trial_last = " "
        if piece_text:
            trial += (kern(trial_last, piece_text[0]) if trial_last else 0) + width_of(piece_text)
            trial_last = piece_text[-1]
        if trial <= max_units:
            width, last, empty = trial, trial_last, False
        else:
            if empty:
                return None
            count += 1
            width = float(width_of(piece_text))
            last = piece_text[-1] if piece_text else ""
            empty = False
            if width > max_units:
                return None
        previous_after = piece_after
        if piece_after == "\n":
            count += 1
            paragraph_start = True
    if not paragraph_start:
        count += 1
    return count


def surely_fits(text: str, metrics: FontMetrics, geometry: Geometry) -> bool:
    """True when ``text`` fits at ``taille_min`` whatever line breaks balancing picks."""
    _path, width, height, size, _size_max, max_lines, line_height, _balance, _align = geometry
    scale = size / metrics.units_per_em
    lines = greedy_line_count(fast_pieces(text), metrics, width / scale)
    if lines is None or lines > max_lines:
        return False
    top, bottom = metrics.ink_extent(text)
    gap = max(size * line_height, (top - bottom) * scale + size * MIN_INK_GAP)
    worst = top * scale + (lines - 1) * gap - bottom * scale
    return worst <= height + 1e-9
