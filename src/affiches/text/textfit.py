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

import math
import operator
import re
from dataclasses import dataclass

from affiches.text.fontfile import PROFILE_SLICE
from affiches.text.fonts import FontMetrics

SIZE_STEP = 0.25
MIN_INK_GAP = 0.12  # em between the ink of two adjacent lines, at least, in every block
TIGHT_LEADING = 1.05
HYPHENS = ("-", "\u2010")
GLUE_NONE, GLUE_WORDS_ONLY, GLUE_NAMES, GLUE_FULL = 0, 1, 2, 3
REPORTED_GAP = 0.25  # em: wider gaps between lines are not measured exactly

# A line never ends on these words (articles, prepositions, contractions, determiners):
# they belong to the next word ("du / Mans", "à / Châlons", "de La / Neuville").
GLUE_WORDS = frozenset(
    [
        "le", "la", "les", "l’", "l'", "un", "une", "des", "du", "de", "d’", "d'", "au", "aux",
        "à", "a", "en", "sur", "sous", "dans", "par", "pour", "avec", "chez", "sans", "vers",
        "entre", "lès", "lez", "ce", "cet", "cette", "ces", "son", "sa", "ses", "mon", "ma", "mes",
        "ton", "ta", "tes", "notre", "nos", "votre", "vos", "leur", "leurs", "ne", "se", "y", "et",
        "ou",
    ]
)
# Inside a hyphenated name, a line never ends on these ("ONET-LE- / CHÂTEAU").
HYPHEN_GLUE_WORDS = frozenset(
    [
        "le", "la", "les", "lès", "lez", "de", "des", "du", "d’", "en", "et", "sur", "sous", "aux",
        "au",
    ]
)
DAYS = frozenset(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])
MONTHS = frozenset(
    [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre",
    ]
)
_NUMBER = re.compile(r"\d+(?:er|re|e|ᵉ|ʳᵉ)?")
_ORDINAL = re.compile(r"\d+(?:er|re|e|ᵉ|ʳᵉ)")


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
    level: int = 3  # the breaking rules used (GLUE_FULL … GLUE_NONE)

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


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _word(text: str) -> str:
    """A piece as a bare lower-case word: trailing hyphen and punctuation dropped."""
    return text.rstrip("-\u2010,;:.!?»\u00a0\u202f").casefold()


def _glued_after(piece: Piece, following: Piece, level: int, whole_words: bool = False) -> bool:
    """Whether no line may end between ``piece`` and ``following`` (see module doc)."""
    if piece.after not in (" ", ""):
        return False
    word = _word(piece.text)
    if piece.after == " ":
        if word in GLUE_WORDS or (0 < _letters(piece.text) <= 2 and word == piece.text.casefold()):
            return True  # articles, prepositions, one- and two-letter words
        if _NUMBER.fullmatch(piece.text):
            return True  # "12 décembre", "16 mai 2026"
        next_word = _word(following.text)
        if _ORDINAL.fullmatch(next_word):
            return True  # "Marseille 13e", "Paris 1er"
        if level >= GLUE_NAMES and (
            _alnum(piece.text) <= 2
            or (following.after in ("$", "\n") and _alnum(following.text) <= 2)
        ):
            return True  # no line of one or two letters or digits
        # "samedi 12", "mai 2026", "14 h 30"
        return next_word[:1].isdigit() and (
            word in DAYS or word in MONTHS or word.endswith(("\u00a0h", " h")) or word == "h"
        )
    if level < GLUE_NAMES:
        return False
    if whole_words and level >= GLUE_FULL:
        return True  # running text keeps hyphenated names whole when it can
    # After a hyphen, inside a name: "ONET-LE- / CHÂTEAU", "CHÂLONS- / EN- / CHAMPAGNE",
    # "SAINT- / LÔ" (a line of one or two letters either side).
    return (
        word in HYPHEN_GLUE_WORDS
        or _letters(piece.text) <= 2
        or (_letters(following.text) <= 2 and following.after in ("$", "\n"))
    )


def keeps_words_whole(text: str, balance: bool) -> bool:
    """Whether hyphenated words stay whole at ``GLUE_FULL``: in running text, and in
    headlines of three words or more; a name alone (balanced, fewer words) may be cut
    at its hyphens, the best way to set it big."""
    return not balance or text.count(" ") >= 2


def glue_pieces(
    pieces: tuple[Piece, ...], level: int, whole_words: bool = False
) -> tuple[Piece, ...]:
    """Merge pieces a line must not separate, by French rules (``level``: 0, 1 or 2).

    Levels: ``GLUE_FULL`` every rule, and with ``whole_words`` (running text, not
    headlines) no break after a hyphen; ``GLUE_NAMES`` every rule, breaks after
    hyphens allowed; ``GLUE_WORDS_ONLY`` only the rules about spaces (articles,
    prepositions, short words, dates); ``GLUE_NONE`` none.
    """
    if level <= 0 or len(pieces) < 2:
        return pieces
    out: list[Piece] = [pieces[0]]
    for index in range(1, len(pieces)):
        previous, piece = out[-1], pieces[index]
        original = pieces[index - 1]
        if _glued_after(original, piece, level, whole_words) or (
            level >= GLUE_NAMES and _widow(pieces, index)
        ):
            joiner = " " if previous.after == " " else ""
            out[-1] = Piece(previous.text + joiner + piece.text, piece.after)
        else:
            out.append(piece)
    return tuple(out)


def _widow(pieces: tuple[Piece, ...], index: int) -> bool:
    """``pieces[index]`` is the last word of a paragraph of three words or more."""
    if pieces[index].after not in ("$", "\n") or pieces[index - 1].after != " ":
        return False
    words = 1
    for back in range(index - 1, -1, -1):
        if pieces[back].after in ("$", "\n"):
            break
        words += pieces[back].after == " "
    return words >= 3


def _line_widths(items: list[Piece], metrics: FontMetrics, limit: float) -> list[list[int]]:
    """widths[i][j - i - 1]: advance width of items[i:j] set on one line (kerning included),
    for j up to the first line wider than ``limit`` (kept, so callers see it overflow).

    Built incrementally: width(a + b) = width(a) + width(b) + kern at the seam, which is
    what measuring the joined string gives (kerning only pairs neighbours).
    """
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
    # Widths are extended piece by piece: width(a + b) = width(a) + width(b) + kern(a[-1], b[0]).
    out: list[list[list[Piece]]] = []
    for paragraph in _paragraphs(pieces):
        lines: list[list[Piece]] = []
        current: list[Piece] = []
        text = ""
        width = 0
        separator = ""
        for piece in paragraph:
            if not current:
                text, width, current = piece.text, metrics.width_units(piece.text), [piece]
                if width > max_units:
                    return None
            else:
                added = separator + piece.text
                trial_width = width + metrics.width_units(added)
                if text and added:
                    trial_width += metrics.kern(text[-1], added[0])
                if trial_width <= max_units:
                    text, width = text + added, trial_width
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

    def width(i: int, j: int) -> float:
        row = widths[i]
        return row[j - i - 1] if j - i - 1 < len(row) else too_wide

    # best[(i, k)]: (cost tuple, next break) for items[i:] in k lines
    best: dict[tuple[int, int], tuple[tuple[float, float, float], int]] = {}
    for k in range(1, count + 1):
        for i in range(n - 1, -1, -1):
            if k == 1:
                w = width(i, n)
                if w <= max_units:
                    cost = (0.0, w, w * w) if balance else (0.0, 0.0, 0.0)
                    best[(i, 1)] = (cost, n)
                continue
            found: tuple[tuple[float, float, float], int] | None = None
            for j in range(i + 1, n):
                w = width(i, j)
                if w > max_units:
                    break
                rest = best.get((j, k - 1))
                if rest is None:
                    continue
                # A break after a hyphen splits a word: taken only when it pays.
                hyphen = hyphen_cost if items[j - 1].after == "" else 0.0
                if balance:
                    cost = (rest[0][0] + (hyphen > 0), max(w, rest[0][1]), w * w + rest[0][2])
                else:
                    slack = max_units - w
                    penalty = 0.0
                    if k == 2:  # the last line follows: not shorter than a third of this one
                        last = width(j, n)
                        penalty = max(0.0, w / 3 - last) ** 2 * 4
                    cost = (rest[0][0] + slack * slack + penalty + hyphen, 0.0, 0.0)
                if found is None or cost < found[0]:
                    found = (cost, j)
            if found is not None:
                best[(i, k)] = found
    if (0, count) not in best:
        return None
    lines: list[list[Piece]] = []
    i, k = 0, count
    while k >= 1:
        j = best[(i, k)][1]
        lines.append(items[i:j])
        i, k = j, k - 1
    return lines


def balanced_lines(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float, count: int
) -> list[str] | None:
    """Break into ``count`` lines minimising the widest line (single paragraph)."""
    paragraphs = _paragraphs(pieces)
    if len(paragraphs) != 1:
        return None
    found = _best_breaks(paragraphs[0], metrics, max_units, count, balance=True)
    return None if found is None else [join_line(line) for line in found]


def choose_lines(
    pieces: tuple[Piece, ...], metrics: FontMetrics, max_units: float, max_lines: int, balance: bool
) -> list[str] | None:
    """The lines of the text at this width, or ``None`` (a piece too wide, too many lines).

    As many lines as greedy filling needs (the fewest), paragraph by paragraph; within
    that count the breaks of ``_best_breaks``.
    """
    greedy = _greedy_breaks(pieces, metrics, max_units)
    if greedy is None or sum(map(len, greedy)) > max_lines:
        return None
    lines: list[str] = []
    paragraphs = _paragraphs(pieces)
    for paragraph, filled in zip(paragraphs, greedy, strict=True):
        chosen = None
        if len(filled) > 1:
            chosen = _best_breaks(paragraph, metrics, max_units, len(filled), balance)
        lines.extend(join_line(line) for line in (chosen or filled))
    return lines


def line_offset(width_units: float, max_units: float, align: str) -> float:
    """x of a line's origin in its box, in font units, for an alignment."""
    if align in ("center", "centre"):
        return (max_units - width_units) / 2
    if align in ("right", "droite"):
        return max_units - width_units
    return 0.0


def ink_distance(
    metrics: FontMetrics,
    above: str,
    above_x: float,
    below: str,
    below_x: float,
    floor: float = -(1 << 30),
) -> float:
    """Smallest baseline-to-baseline distance (font units) at which the ink of ``below``
    touches the ink of ``above`` (lines starting at the given x): the largest, over
    the glyph slices that face each other, of the top of ``below`` minus the bottom of
    ``above``. Values under ``floor`` are not searched: the answer is at least ``floor``.
    """
    glyphs_above = metrics.ink_glyphs(above)
    glyphs_below = metrics.ink_glyphs(below)
    if not glyphs_above or not glyphs_below:
        return floor
    top_below = max(g[1] for g in glyphs_below)
    bottom_above = min(g[2] for g in glyphs_above)
    # Only glyphs that can reach past ``floor`` with the deepest / highest of the other line.
    lows = [g for g in glyphs_above if top_below - g[2] > floor]
    highs = [g for g in glyphs_below if g[1] - bottom_above > floor]
    need = floor
    placed_b = [
        (top_b, math.floor((x_b + below_x) / PROFILE_SLICE) + first_b, tops_b)
        for x_b, top_b, _bottom_b, first_b, tops_b, _bottoms_b in highs
    ]
    for x_a, _top_a, bottom_a, first_a, _tops_a, bottoms_a in lows:
        start_a = math.floor((x_a + above_x) / PROFILE_SLICE) + first_a
        end_a = start_a + len(bottoms_a)
        for top_b, start_b, tops_b in placed_b:
            if top_b - bottom_a <= need or start_b > end_a or start_b + len(tops_b) < start_a:
                continue  # cannot beat ``need``, or not facing each other
            # Each glyph's origin sits anywhere inside its first slice: facing slices
            # are matched one slice either way.
            for shift in (start_b - start_a - 1, start_b - start_a, start_b - start_a + 1):
                k0 = max(0, -shift)
                k1 = min(len(tops_b), end_a - start_a - shift)
                if k1 > k0:
                    value = max(map(operator.sub, tops_b[k0:k1], bottoms_a[k0 + shift : k1 + shift]))
                    if value > need:
                        need = value
    return need


def line_gaps(
    lines: tuple[str, ...] | list[str],
    metrics: FontMetrics,
    size: float,
    box_width: float,
    align: str,
    baselines: tuple[float, ...] | list[float],
) -> list[float]:
    """The vertical gap, in em, between the ink of each pair of adjacent lines as set
    (``REPORTED_GAP`` when it is wider than that)."""
    scale = size / metrics.units_per_em
    max_units = box_width / scale
    xs = [line_offset(metrics.width_units(line), max_units, align) for line in lines]
    gaps = []
    for index in range(len(lines) - 1):
        distance = (baselines[index + 1] - baselines[index]) / scale
        # Gaps wider than REPORTED_GAP em are not measured exactly (nothing to report).
        floor = distance - REPORTED_GAP * metrics.units_per_em
        touch = ink_distance(
            metrics, lines[index], xs[index], lines[index + 1], xs[index + 1], floor
        )
        gaps.append((distance - touch) / metrics.units_per_em)
    return gaps


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
) -> FittedText | None:
    """The text set at ``size`` if it fits the box, else ``None``."""
    if pieces is None:
        pieces = glue_pieces(split_pieces(text), level, keeps_words_whole(text, balance))
    scale = size / metrics.units_per_em
    max_units = box_width / scale
    lines = choose_lines(pieces, metrics, max_units, max_lines, balance)
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

    def fits(size: float) -> bool:
        """``layout_at(size) is not None``, decided cheaply when it can be: the line count
        is greedy filling's, and the height is at most the worst case of those lines."""
        scale = size / metrics.units_per_em
        greedy = _greedy_breaks(pieces, metrics, box_width / scale)
        if greedy is None:
            return False
        count = sum(map(len, greedy))
        if count > max_lines:
            return False
        gap = max(size * line_height, (top_all - bottom_all + metrics.units_per_em * MIN_INK_GAP) * scale)
        if (top_all - bottom_all) * scale + (count - 1) * gap <= box_height + 1e-9:
            return True
        return at(size) is not None

    def at(size: float) -> FittedText | None:
        return layout_at(
            text, metrics, size, box_width, box_height, max_lines, line_height, balance,
            pieces, align, level,
        )

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
