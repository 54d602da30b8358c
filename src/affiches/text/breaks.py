"""The pieces of a text and the French rules that keep some of them on one line.

Contract:
- ``split_pieces(text)`` cuts a text where a line may break: at ordinary spaces
  (U+0020, dropped at a break), after hyphens (U+002D, U+2010, kept at the end of the
  line) and at explicit newlines; no-break spaces (U+00A0, U+202F) never break. Each
  ``Piece`` knows what follows it; ``join_line`` sets pieces back on one line.
- ``glue_pieces(pieces, level, whole_words)`` merges the pieces a line must not
  separate, by French rules, strictest level first (``GLUE_FULL`` … ``GLUE_NONE``):
  never end a line on an article, a preposition, a contraction, a determiner or a
  one- or two-letter word (« du / Mans », « de La / Neuville »); keep « 12 décembre »,
  « samedi 12 », « mai 2026 », « 14 h 30 », « Marseille 13e » together; no line of one
  or two letters or digits; inside a hyphenated name, never end on an article part
  (« ONET-LE- / CHÂTEAU ») or a one- or two-letter part (« SAINT- / LÔ »); the last word
  of a paragraph of three words or more never alone; with ``whole_words`` (running
  text, headlines of three words or more: ``keeps_words_whole``) no break after a
  hyphen at all. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

HYPHENS = ("-", "\u2010")
GLUE_NONE, GLUE_WORDS_ONLY, GLUE_NAMES, GLUE_FULL = 0, 1, 2, 3

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
_CUT = re.compile("[ \n" + "".join(map(re.escape, HYPHENS)) + "]")  # where split_pieces cuts


@dataclass(frozen=True)
class Piece:
    """A run of text that cannot be broken, with what follows it."""

    text: str
    after: str  # " " (breakable space), "" (break after hyphen), "\n" (forced), "$" (end)


def split_pieces(text: str) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    start = 0
    for match in _CUT.finditer(text):
        cut = match.start()
        ch = text[cut]
        if ch == " " or ch == "\n":
            pieces.append(Piece(text[start:cut], ch))
        else:  # a hyphen stays at the end of its piece
            pieces.append(Piece(text[start:cut + 1], ""))
        start = cut + 1
    pieces.append(Piece(text[start:], "$"))
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


def paragraphs(pieces: tuple[Piece, ...]) -> list[list[Piece]]:
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


@lru_cache(maxsize=8192)  # the same words meet in every city's texts (pure, bounded)
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


