"""Suggestions while a city name is being typed (the web page's « Votre ville » field).

Contract: ``suggest(typed, limit=8)`` returns at most ``limit`` ``Suggestion``s for what
has been typed so far, best first. Matching ignores case, accents, hyphens, spaces,
apostrophes and ``St``/``Ste`` like ``resolve_city`` (same ``normalize_key``):

1. communes whose name, or name without its article, starts with the typed text,
   the most populous first;
2. then, to forgive typos, communes (same first letter) whose name's beginning is close to the typed
   text (rapidfuzz's normalized Indel similarity, at least ``MIN_SCORE``), ranked by
   that similarity plus ``POPULATION_WEIGHT`` points per factor of 10 in population.

Each suggestion carries the official spelling (typographic apostrophe), the
département and the population; ``value`` is what to put back in the field: the name
alone, or ``Nom (dép.)`` when several communes share it, which ``resolve_city``
understands. Fewer than ``MIN_CHARS`` meaningful characters, or a name ``resolve_city``
would refuse, give no suggestion (never an error). The index is built once per process
from the bundled database (about 35,000 names), lazily. Pure otherwise; thread-safe.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass

from affiches.city.communes import Commune, iter_communes, normalize_key, validate_city_input
from affiches.errors import AffichesError

MIN_CHARS = 2
MIN_SCORE = 75.0
POPULATION_WEIGHT = 4.0  # score points per factor of 10 in population
APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class Suggestion:
    name: str  # official spelling, typographic apostrophe
    departement: str
    population: int
    code_insee: str
    value: str  # what the field should hold: "Name" or "Name (dép.)" for homonyms


@dataclass(frozen=True)
class _Index:
    keys: tuple[str, ...]  # sorted search keys (name, and name without article)
    owners: tuple[int, ...]  # for each key, the commune's position in ``communes``
    communes: tuple[Commune, ...]
    homonym_keys: frozenset[str]  # normalized names shared by several communes


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    communes = tuple(iter_communes())
    pairs: set[tuple[str, int]] = set()
    counts: dict[str, int] = {}
    for position, commune in enumerate(communes):
        full = normalize_key(commune.nom)
        counts[full] = counts.get(full, 0) + 1
        pairs.add((full, position))
        bare = normalize_key(commune.nom_sans_article)
        if bare:
            pairs.add((bare, position))
    ordered = sorted(pairs)
    return _Index(
        keys=tuple(k for k, _ in ordered),
        owners=tuple(p for _, p in ordered),
        communes=communes,
        homonym_keys=frozenset(k for k, n in counts.items() if n > 1),
    )


def _suggestion(index: _Index, commune: Commune) -> Suggestion:
    name = commune.nom.replace("'", APOSTROPHE)
    homonym = normalize_key(commune.nom) in index.homonym_keys
    value = f"{name} ({commune.departement})" if homonym else name
    return Suggestion(name, commune.departement, commune.population, commune.code_insee, value)


def _prefix_matches(index: _Index, key: str) -> list[int]:
    start = bisect.bisect_left(index.keys, key)
    end = bisect.bisect_left(index.keys, key + "\x7f")
    return list(dict.fromkeys(index.owners[start:end]))


def _close_matches(index: _Index, key: str, wanted: int) -> list[int]:
    """Communes whose name's beginning is close to ``key``: the beginning is taken one
    letter shorter, as long and one letter longer than ``key`` (a letter typed twice or
    forgotten), and a large town wins a near tie over a hamlet. Only names with the same
    first letter are tried (a typo there is rare; it keeps each keystroke cheap)."""
    from rapidfuzz import fuzz, process

    start = bisect.bisect_left(index.keys, key[0])
    end = bisect.bisect_left(index.keys, chr(ord(key[0]) + 1))
    keys = index.keys[start:end]
    best: dict[int, float] = {}
    for length in (len(key) - 1, len(key), len(key) + 1):
        heads = [k[:length] for k in keys]
        found = process.extract(key, heads, scorer=fuzz.ratio, score_cutoff=MIN_SCORE, limit=wanted * 8)
        for _, score, position in found:
            owner = index.owners[start + position]
            best[owner] = max(best.get(owner, 0.0), score)

    def rank(owner: int) -> tuple[float, str]:
        commune = index.communes[owner]
        return (-(best[owner] + POPULATION_WEIGHT * math.log10(commune.population + 1)), commune.code_insee)

    return sorted(best, key=rank)


def suggest(typed: str, limit: int = 8) -> list[Suggestion]:
    """Communes matching what was typed so far (see module docstring)."""
    try:
        text = validate_city_input(typed)
    except AffichesError:
        return []
    key = normalize_key(text)
    if len(key.replace(" ", "")) < MIN_CHARS or limit <= 0:
        return []
    index = _index()
    prefix = sorted(_prefix_matches(index, key), key=lambda o: -index.communes[o].population)
    chosen = prefix[:limit]
    if len(chosen) < limit and len(key) >= 3:
        for owner in _close_matches(index, key, limit):
            if owner not in chosen:
                chosen.append(owner)
            if len(chosen) == limit:
                break
    return [_suggestion(index, index.communes[o]) for o in chosen]
