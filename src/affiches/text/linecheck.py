"""Quality checks of a fitted text: what a proofreader and a designer would reject.

Contract: ``line_defects(fitted, metrics, box_width, align)`` re-reads a ``FittedText``
as it will be printed and returns a ``LineDefects`` counting, independently of how
``textfit`` chose the lines:

- ``collisions``: adjacent lines whose ink (glyph outline profiles, accents and
  descenders included) overlaps;
- ``tight``: adjacent lines whose ink is closer than ``textfit.MIN_INK_GAP`` em
  (collisions included);
- ``bad_endings``: lines (not the last of a paragraph) ending on an article, a
  preposition, a contraction, a one- or two-letter word (``LE / MANS``, ``du / Mans``),
  a hyphenated article (``ONET-LE- / CHÂTEAU``) or a date or time cut in two
  (``12 / décembre``, ``14 h / 30``);
- ``short_lines``: lines of one or two letters or digits in a text of several lines
  (``SAINT- / LÔ``, ``EN-``);
- ``widows``: a last line made of one unhyphenated word, cut at a space, in a text
  of three words or more (``… ce que vous pouvez / faire``; « LES AVENIÈRES /
  VEYRINS-THUELLIN » is a name cut between its parts, not a widow).

It also gives the smallest gap measured, in em. Pure; nothing is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from affiches.text.breaks import DAYS, HYPHEN_GLUE_WORDS, HYPHENS, MONTHS
from affiches.text.breaks import GLUE_WORDS as _GLUE_WORDS
from affiches.text.fonts import FontMetrics
from affiches.text.ink import MIN_INK_GAP, line_gaps
from affiches.text.textfit import FittedText

_TRAILING = ",;:.!?»\u00a0\u202f"


@dataclass(frozen=True)
class LineDefects:
    collisions: int = 0
    tight: int = 0
    bad_endings: int = 0
    short_lines: int = 0
    widows: int = 0
    smallest_gap: float | None = None  # em; None for a single line

    @property
    def total(self) -> int:
        return self.collisions + self.tight + self.bad_endings + self.short_lines + self.widows


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def bad_ending(line: str, next_line: str) -> bool:
    """Whether a line break between ``line`` and ``next_line`` breaks a French rule."""
    if not line or not next_line:
        return False
    if line[-1] in HYPHENS:
        word = line.rsplit(" ", 1)[-1][:-1].rsplit("-", 1)[-1].casefold()
        return word in HYPHEN_GLUE_WORDS
    word = line.rsplit(" ", 1)[-1]
    bare = word.rstrip(_TRAILING).casefold()
    if word.casefold() == bare and (bare in _GLUE_WORDS or (bare.isalpha() and len(bare) <= 2)):
        return True
    if word == bare and bare.isdigit():
        return True  # "12 / décembre"
    following = next_line.split(" ", 1)[0]
    if following[:1].isdigit() and word == bare:
        return bare in DAYS or bare in MONTHS or bare.endswith("\u00a0h")
    return False


def line_defects(fitted: FittedText, metrics: FontMetrics, box_width: float, align: str) -> LineDefects:
    lines = fitted.lines
    if len(lines) < 2:
        return LineDefects()
    gaps = line_gaps(lines, metrics, fitted.size, box_width, align, fitted.baselines)
    collisions = sum(gap <= 0 for gap in gaps)
    tight = sum(gap < MIN_INK_GAP - 1e-9 for gap in gaps)
    endings = sum(bad_ending(a, b) for a, b in zip(lines, lines[1:], strict=False))
    short = sum(0 < sum(ch.isalnum() for ch in line) <= 2 for line in lines)
    space_breaks = sum(line[-1:] not in HYPHENS for line in lines[:-1])
    words = sum(line.count(" ") for line in lines) + space_breaks + 1
    last = lines[-1]
    widows = int(
        " " not in last
        and not any(h in last for h in HYPHENS)
        and lines[-2][-1:] not in HYPHENS
        and words >= 3
    )
    return LineDefects(collisions, tight, endings, short, widows, min(gaps))
