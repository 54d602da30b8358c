"""A collective's own words: ``--accroche`` and ``--message`` in the blocks that allow it.

Contract: a text block that declares ``modifiable = "accroche"`` (or ``"message"``)
takes the user's text instead of its own template when the variable of that name is
not empty; the user's text is itself a template (``{ville}``, ``{a_ville}``…) filled
like the layout's, then gets the same French typography and fitting. When it cannot
fit, ``own_words_error`` builds the ``FitError``: it names the option, the layout and
the block, and gives the largest length that fits (``longest_fitting``: the longest
prefix made of whole words that the block's fitting accepts; fitting is monotone in
the prefix, so a binary search over the number of words finds it).
"""

from __future__ import annotations

from collections.abc import Callable

from affiches.errors import FitError
from affiches.limits import MAX_OWN_WORDS_CHARS

OWN_WORDS = ("accroche", "message")
MAX_OWN_WORDS = MAX_OWN_WORDS_CHARS  # every limit is defined in affiches.limits


def longest_fitting(text: str, fits: Callable[[str], bool]) -> int:
    """Characters of the longest whole-word prefix of ``text`` that ``fits`` (0 if none)."""
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(" ".join(words[:middle])):
            low = middle
        else:
            high = middle - 1
    return len(" ".join(words[:low]))


def own_words_error(option: str, layout: str, block: str, text: str, fits: Callable[[str], bool]) -> FitError:
    longest = longest_fitting(text, fits)
    if longest == 0:
        advice = "même son premier mot ne tient pas ; raccourcissez-le"
    else:
        advice = f"{longest} caractères au plus tiennent ; raccourcissez-le"
    return FitError(
        f"--{option} : le texte ne tient pas dans le bloc « {block} » du gabarit {layout} "
        f"({len(text)} caractères) ; {advice}"
    )
