"""French forms of commune names that INSEE's data does not give directly.

Contract (pure functions, no database access):

* ``arrondissement(name)``: for a municipal arrondissement row (``"Marseille 13e
  Arrondissement"``, ``"Paris 1er Arrondissement"``), the city and the ordinal
  (``("Marseille", "13e")``); ``None`` for any other name. Such a name is printed
  ``"Marseille 13e"`` (``"MARSEILLE 13e"`` in capitals: the ordinal's letters stay
  small, as the abbreviation is written), and in running text « dans le 13e
  arrondissement de Marseille » / « du 13e arrondissement de Marseille ».
* ``article_from_name(name, tncc)``: INSEE gives a few names that begin with an
  article word no article (TNCC 0 or 1: « Le Vernet-Chaméane »); their contractions
  are decided from the name itself (« au Vernet-Chaméane », « du Vernet-Chaméane »).
  Returns the TNCC to use.
* ``island_forms(name)``: names that begin with « Île » (« Île-d’Aix », « Île-Tudy »)
  take the elided article in running text, the official name kept whole: « à
  l’Île-d’Aix », « de l’Île-d’Aix ». ``None`` for other names.
* ``upper_name(text)``: capitals with accents kept, but ordinals stay « 13e », « 1er ».
* ``postal_address(address, official, key)``: the town-hall address from the annuaire
  (parts separated by `` | ``) as one line; its last part's locality, when it names
  the same commune as ``official`` (same ``key``, the search key that sets accents,
  case, hyphens and the post's ``St``/``Ste`` aside, or a shortened form), is printed with the
  official spelling, so the address never contradicts the name printed above it.
  ``CEDEX`` and other localities (a commune déléguée) are kept as the post gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["arrondissement", "article_from_name", "island_forms", "postal_address", "upper_name"]

APOSTROPHE = "\u2019"
_ARRONDISSEMENT = re.compile(r"^(?P<city>Paris|Lyon|Marseille) (?P<n>\d+)(?P<ord>er|e) Arrondissement$")
_ARTICLE_WORDS = (("les ", 4), ("le ", 2), ("la ", 3), ("aux ", 6), ("l’", 5), ("l'", 5))
_ORDINAL = re.compile(r"\b(\d+)(ER|E|ÈRE|RE)\b")
_CEDEX = re.compile(r"\s+(cedex(?:\s+\d+)?)$", re.IGNORECASE)
_LOCALITY = re.compile(r"^(?P<code>\d{5})\s+(?P<name>.+)$")


def arrondissement(name: str) -> tuple[str, str] | None:
    match = _ARRONDISSEMENT.match(name)
    if not match:
        return None
    return match.group("city"), match.group("n") + match.group("ord")


def article_from_name(name: str, tncc: int) -> int:
    """The TNCC to use for ``name`` (see module doc)."""
    if tncc not in (0, 1):
        return tncc
    lowered = name.lower()
    for prefix, guessed in _ARTICLE_WORDS:
        if lowered.startswith(prefix) and len(name) > len(prefix):
            return guessed
    return tncc


def island_forms(name: str) -> tuple[str, str] | None:
    """(« à » form, « de » form) of a name beginning with « Île », else None."""
    if not re.match(r"^Île(?:[- ]|$)", name):
        return None
    return f"à l{APOSTROPHE}{name}", f"de l{APOSTROPHE}{name}"


def upper_name(text: str) -> str:
    return _ORDINAL.sub(lambda m: m.group(1) + m.group(2).lower(), text.upper())


def _same_commune(locality: str, official: str, key: Callable[[str], str]) -> bool:
    found, wanted = key(locality).split(), key(official).split()
    if not found or not wanted:
        return False
    if found == wanted:
        return True
    # A shortened form the post uses ("St-Rémy-Bouzemont-Genest-Isson"): its words
    # are words of the official name, in order, starting with the same one.
    if found[0] != wanted[0] or len(found) >= len(wanted):
        return False
    position = 0
    for word in found:
        try:
            position = wanted.index(word, position) + 1
        except ValueError:
            return False
    return True


def postal_address(address: str, official: str, key: Callable[[str], str]) -> str:
    """One line of address with the locality spelled as ``official`` (see module doc)."""
    parts = [part.strip() for part in address.split("|") if part.strip()]
    if not parts:
        return ""
    match = _LOCALITY.match(parts[-1])
    if match:
        locality = match.group("name")
        cedex = _CEDEX.search(locality)
        suffix = ""
        if cedex:
            suffix = " " + cedex.group(1).upper()
            locality = locality[: cedex.start()]
        if _same_commune(locality, official, key):
            parts[-1] = f"{match.group('code')} {official}{suffix}"
        elif cedex:
            parts[-1] = f"{match.group('code')} {locality}{suffix}"
    return ", ".join(parts).replace("'", APOSTROPHE)
