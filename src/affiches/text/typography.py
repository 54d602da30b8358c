"""French typography for the texts printed on posters.

Contract: ``french_typography(text)`` returns ``text`` with French typographic
conventions applied; it is idempotent (``f(f(x)) == f(x)``) and changes nothing inside
URLs (``https://…``, ``www.…``), e-mail addresses, ``#hashtags`` and ``@mentions``.

Rules, in order:

1. Straight apostrophes ``'`` become ``’`` (U+2019).
2. Straight double quotes ``"…"`` are paired left to right and become ``« … »``; an
   unpaired last quote is left alone.
3. Inside guillemets the space is always U+202F (narrow no-break space): any space
   after ``«`` / before ``»`` is replaced by it, or it is added.
4. ``;``, ``!`` and ``?`` get U+202F before them, ``:`` gets U+00A0 (no-break space):
   an ordinary or other space there is replaced, a missing one added. Nothing is added
   at the start of a line, between two such signs (``?!``), or in a time ``13:00``.
5. Thousands written with spaces (``37 355``) get U+202F between digit groups; a number
   followed by a space and a unit or counted word (``13 h``, ``5 km``, ``20 %``,
   ``37 355 hab.``, ``12 caméras``…) gets U+00A0 before the unit. Numbers written
   without spaces (years, ``13h30``) are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["NBSP", "NNBSP", "french_typography"]

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACES = " \u00a0\u202f\u2009\u2007\t"

# Protected spans are swapped for one private-use character each while rules run.
_URL_END = r"[^\s«»\"<>.,;:!?)'’]"  # a URL does not end with punctuation
_PROTECTED = re.compile(
    rf"(?:https?|ftp)://(?:[^\s«»\"<>]*{_URL_END})?"
    rf"|www\.[^\s«»\"<>]*{_URL_END}"
    rf"|[\w-]+(?:\.[\w-]+)+/[^\s«»\"<>]*{_URL_END}"  # bare domain/path (printed short URLs)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[#@]\w+"
)
_PLACEHOLDER_BASE = 0xF0000  # Supplementary Private Use Area-A

_UNITS = (
    "h|min|s|ms|km|m|cm|mm|kg|g|t|ha|km²|m²|€|k€|M€|%|‰|°C|Mo|Go|"
    "hab\\.|habitants?|ans?|mois|jours?|heures?|minutes?|secondes?|semaines?|"
    "personnes?|caméras?|euros?|fois"
)
_THOUSANDS = re.compile(rf"(?<![\d,.])(\d{{1,3}})((?:[{_SPACES}]\d{{3}})+)(?![\d])")
_UNIT = re.compile(rf"(\d)[ \u00a0\u2009\u2007\t]+({_UNITS})(?![\w²])")
_PUNCT = re.compile(rf"([{_SPACES}]*)([;:!?]+)")
_PUNCT_SIGN = re.compile(r"[;:!?]")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(rf"[{_SPACES}]")
_AFTER_OPEN = re.compile(rf"«[{_SPACES}]*")
_BEFORE_CLOSE = re.compile(rf"[{_SPACES}]*»")


def _protect(text: str) -> tuple[str, list[str]]:
    spans: list[str] = []

    def swap(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return chr(_PLACEHOLDER_BASE + len(spans) - 1)

    return _PROTECTED.sub(swap, text), spans


def _restore(text: str, spans: list[str]) -> str:
    for index, value in enumerate(spans):
        text = text.replace(chr(_PLACEHOLDER_BASE + index), value)
    return text


def _quotes(text: str) -> str:
    parts = text.split('"')
    if len(parts) < 3:
        return text
    out = [parts[0]]
    pairs = (len(parts) - 1) // 2
    for i in range(pairs):
        out.append("«" + parts[2 * i + 1] + "»" + parts[2 * i + 2])
    if (len(parts) - 1) % 2:
        out.append('"' + parts[-1])
    return "".join(out)


def _punct_space(match: re.Match[str]) -> str:
    spaces, signs = match.group(1), match.group(2)
    start = match.start()
    before = match.string[start - 1] if start > 0 else "\n"
    if before in "\n\r":
        return match.group(0)
    if signs == ":" and not spaces and before.isdigit():
        after = match.string[match.end() : match.end() + 1]
        if after.isdigit():
            return match.group(0)  # a time such as 13:00
    return (NBSP if signs[0] == ":" else NNBSP) + signs


@lru_cache(maxsize=4096)  # fixed texts recur in every city of a batch (pure function)
def french_typography(text: str) -> str:
    """Apply the rules of the module docstring to ``text``."""
    work, spans = _protect(text)
    # Each rule runs only when its characters occur (the same result, fewer passes).
    work = work.replace("'", "’").replace("ʼ", "’")
    work = _quotes(work)
    if "«" in work:
        work = _AFTER_OPEN.sub("«" + NNBSP, work)
    if "»" in work:
        work = _BEFORE_CLOSE.sub(NNBSP + "»", work)
    if _PUNCT_SIGN.search(work):
        work = _PUNCT.sub(_punct_space, work)
    if _DIGIT.search(work):
        work = _THOUSANDS.sub(lambda m: m.group(1) + _SPACE.sub(NNBSP, m.group(2)), work)
        work = _UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), work)
    return _restore(work, spans)
