"""French communes: validate, resolve and decline the city name printed on a poster.

Contract:

* ``validate_city_input(typed)`` returns the name trimmed, NFC-normalized, with runs of
  whitespace collapsed to one space, or raises ``CityNameError`` (one-line French
  message naming the problem and the fix) when it is blank, holds a control or
  invisible character, is longer than ``MAX_CITY_LENGTH`` characters or has no letter.
* ``resolve_city(typed, departement=None)`` validates, then looks the name up in the
  bundled communes database (INSEE Code officiel géographique, see
  ``assets/data/SOURCES.md``) ignoring case, accents, hyphen/space/apostrophe
  differences, ``St``/``Ste`` abbreviations and a detached article (``Mans (Le)``,
  ``Mans, Le``, or ``Mans`` alone when only ``Le Mans`` exists). A trailing
  ``(92)`` in the typed name selects the département like ``departement="92"``.
  Homonyms: the given département wins, otherwise the most populous commune, with a
  note. A département that has no commune of that name raises ``CityNameError``.
  A name that is not a commune is kept as typed, with a warning note.
  ``CityResolution.name`` is the name to print: the official spelling with the
  typographic apostrophe ’ (the data spells it ').
* Paris, Lyon and Marseille resolve to the commune (75056, 69123, 13055), never to one
  of their municipal arrondissements, whose rows carry distinct names
  (``Lyon 1er Arrondissement``). ``iter_communes`` skips arrondissements unless asked.
* ``city_forms(name, commune)`` returns the template variables ``ville``,
  ``ville_officiel``, ``a_ville``, ``de_ville``, ``ville_maj``, ``a_ville_maj``,
  ``de_ville_maj``. Contractions follow INSEE's TNCC: 0 « à X / de X », 1 « à X / d’X »,
  2 « au Mans / du Mans », 3 « à La Rochelle / de La Rochelle », 4 « aux Lilas / des
  Lilas », 5 « à L’Haÿ-les-Roses / de L’Haÿ-les-Roses », 6 « aux Marais / des Marais »
  (« Aux Marais »: à + aux contracts like à + les, INSEE's own « des » charnière),
  7 and 8 keep the Occitan/Catalan article: « à Los Masos / de Los Masos ». Without a
  commune the article is guessed from the first word (Le, La, Les, L’, Aux) and
  « d’ » is used before a vowel (a name starting with h gets « de »: h muet or
  aspiré cannot be told apart). Upper-case forms keep accents and ligatures.
  Exceptions decided from the name (``affiches.city.names``): a name beginning with
  an article word but given TNCC 0/1 takes that article's forms (« au
  Vernet-Chaméane »); « Île… » names take « à l’Île-d’Aix / de l’Île-d’Aix »;
  municipal arrondissements print « Marseille 13e » (« MARSEILLE 13e »), « dans le 13e
  arrondissement de Marseille », « du 13e arrondissement de Marseille ».
* ``mairie_address(commune)``: the town-hall address on one line, its locality in the
  official spelling (``names.postal_address``).
* ``slugify(name)`` returns a non-empty ASCII slug ``[a-z0-9-]`` of at most 80
  characters, safe as a folder name.
* The database is opened read-only (``mode=ro&immutable=1``), lazily, once per
  process; a lookup is one indexed query.

User-facing notes and errors use ordinary spaces (they are printed to a terminal);
the poster texts themselves get French typography from ``affiches.text.typography``.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from affiches.city.model import (
    City,
    Commune,
    city_forms,
    mairie_address,
    normalize_key,
    slugify,
    typographic,
)
from affiches.errors import CityNameError, CommunesDataError
from affiches.resources import assets_dir

__all__ = [
    "MAX_CITY_LENGTH",
    "City",
    "CityResolution",
    "Commune",
    "CommunesDataError",
    "city_forms",
    "data_path",
    "get_commune_by_code",
    "iter_communes",
    "mairie_address",
    "normalize_departement",
    "normalize_key",
    "resolve_city",
    "slugify",
    "validate_city_input",
]

MAX_CITY_LENGTH = 80

_COLUMNS = (
    "code_insee, nom, article, nom_sans_article, tncc, departement, population, "
    "mairie_adresse, mairie_email"
)




# --------------------------------------------------------------------------- keys

# ------------------------------------------------------------------- validation


# Punctuation a place name may contain (hyphens, apostrophes and their look-alikes,
# parentheses for "Châtillon (92)", dots for "St.", slashes and ampersands in local
# names); any other symbol or punctuation is refused rather than silently dropped.
_NAME_PUNCTUATION = frozenset("-‐_'’ʼ`´().,&")


def validate_city_input(typed: str) -> str:
    """Return ``typed`` trimmed, NFC-normalized and with single spaces, or raise."""
    text = unicodedata.normalize("NFC", typed)
    if not text.strip():
        raise CityNameError(
            "Le nom de ville est vide : indiquez une commune, par exemple « Saint-Étienne »."
        )
    for char in text:
        if char == " ":
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co"):
            kind = "de contrôle" if category == "Cc" else "invisible ou non imprimable"
            raise CityNameError(
                f"Le nom de ville contient un caractère {kind} (U+{ord(char):04X}) : "
                "retirez-le et tapez le nom sur une seule ligne."
            )
    text = " ".join(text.split())
    if len(text) > MAX_CITY_LENGTH:
        raise CityNameError(
            f"Le nom de ville est trop long ({len(text)} caractères, {MAX_CITY_LENGTH} au "
            "maximum) : raccourcissez-le."
        )
    if not any(c.isalpha() for c in text):
        raise CityNameError(
            f"Le nom de ville « {text} » ne contient aucune lettre : indiquez le nom "
            "d’une commune, par exemple « Saint-Étienne »."
        )
    for char in text:
        category = unicodedata.category(char)
        if char not in _NAME_PUNCTUATION and category[0] in "SP":
            raise CityNameError(
                f"Le nom de ville contient le caractère « {char} » (U+{ord(char):04X}), qui "
                "n’a pas sa place dans un nom de commune : retirez-le."
            )
    return text


_DEPARTEMENT = re.compile(r"(?:\d{1,3}|2[ab])", re.IGNORECASE)


def normalize_departement(code: str) -> str:
    """``"1"`` → ``"01"``, ``"2a"`` → ``"2A"``, ``"971"`` → ``"971"``; else raise."""
    value = code.strip().upper()
    if not _DEPARTEMENT.fullmatch(value):
        raise CityNameError(
            f"Le département « {code.strip()} » n’est pas un code valide : indiquez un code "
            "comme 01, 92, 2A ou 971."
        )
    return value.zfill(2)


# ------------------------------------------------------------------------- data


def data_path() -> Path:
    """Path of the bundled SQLite database (``assets/data/communes.sqlite``)."""
    return assets_dir() / "data" / "communes.sqlite"


@functools.lru_cache(maxsize=1)
def _connection() -> sqlite3.Connection:
    path = data_path()
    if not path.is_file():
        raise CommunesDataError(
            f"Base des communes introuvable ({path}) : lancez « python tools/build_communes.py » "
            "ou réinstallez le paquet."
        )
    try:
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        conn.execute("SELECT 1 FROM communes LIMIT 1")
    except sqlite3.Error as exc:
        raise CommunesDataError(
            f"Base des communes illisible ({path}) : {exc} ; réinstallez le paquet."
        ) from exc
    return conn


def _row_to_commune(row: tuple) -> Commune:
    return Commune(*row)


def get_commune_by_code(code: str) -> Commune | None:
    """The commune with this INSEE code (``"42218"``, ``"2A004"``), or None."""
    row = (
        _connection()
        .execute(f"SELECT {_COLUMNS} FROM communes WHERE code_insee = ?", (code.strip().upper(),))
        .fetchone()
    )
    return _row_to_commune(row) if row else None


def iter_communes(
    departement: str | None = None,
    population_min: int = 0,
    *,
    include_arrondissements: bool = False,
) -> Iterator[Commune]:
    """Communes ordered by INSEE code, optionally of one département / above a population.

    The 45 municipal arrondissements of Paris, Lyon and Marseille are skipped unless
    ``include_arrondissements`` is true (their city is already listed).
    """
    sql = f"SELECT {_COLUMNS} FROM communes WHERE population >= ?"
    params: list[object] = [population_min]
    if departement is not None:
        sql += " AND departement = ?"
        params.append(normalize_departement(departement))
    sql += " ORDER BY code_insee"
    for row in _connection().execute(sql, params):
        commune = _row_to_commune(row)
        if include_arrondissements or not commune.is_arrondissement:
            yield commune


def _lookup(keys: list[str]) -> list[tuple[int, Commune]]:
    """Communes whose key is one of ``keys``, as (rank of the key, commune)."""
    placeholders = ", ".join("?" * len(keys))
    columns = ", ".join(f"c.{name.strip()}" for name in _COLUMNS.split(","))
    rows = (
        _connection()
        .execute(
            f"SELECT r.cle, {columns} FROM recherche AS r JOIN communes AS c "
            f"ON c.code_insee = r.code_insee WHERE r.cle IN ({placeholders})",
            keys,
        )
        .fetchall()
    )
    rank = {k: i for i, k in reversed(list(enumerate(keys)))}
    return [(rank[row[0]], _row_to_commune(row[1:])) for row in rows]


# ------------------------------------------------------------------- resolution

_TRAILING_DEPARTEMENT = re.compile(r"^(?P<name>.*?\S)\s*\(\s*(?P<dep>\d{1,3}|2[abAB])\s*\)$")
_DETACHED_ARTICLE = re.compile(
    r"^(?P<name>.*?\S)\s*(?:,\s*(?P<a1>le|la|les|l['’ʼ`]|aux|las|los)"
    r"|\(\s*(?P<a2>le|la|les|l['’ʼ`]|aux|las|los)\s*\))$",
    re.IGNORECASE,
)
CityResolution = City  # the name before issue 8

_ARTICLE_KEYS = ("le", "la", "les", "l", "aux", "las", "los")


def _format_population(population: int) -> str:
    return f"{population:,}".replace(",", " ")


def _candidate_keys(name: str) -> list[str]:
    """Search keys for ``name``, best first."""
    keys = [normalize_key(name)]
    detached = _DETACHED_ARTICLE.match(name)
    if detached:
        article = detached.group("a1") or detached.group("a2")
        keys.insert(0, normalize_key(f"{article} {detached.group('name')}"))
    base = keys[-1]
    if base and base.split()[0] not in _ARTICLE_KEYS:
        keys.extend(f"{article} {base}" for article in _ARTICLE_KEYS)
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def resolve_city(typed: str, departement: str | None = None) -> City:
    """Resolve what the user typed to the official commune name (see module doc)."""
    text = validate_city_input(typed)
    name = text
    wanted = normalize_departement(departement) if departement is not None else None
    suffix = _TRAILING_DEPARTEMENT.match(text)
    if suffix:
        from_suffix = normalize_departement(suffix.group("dep"))
        if wanted is not None and wanted != from_suffix:
            raise CityNameError(
                f"Deux départements différents sont indiqués pour « {suffix.group('name')} » "
                f"({from_suffix} dans le nom, {wanted} en option) : gardez-en un seul."
            )
        wanted = from_suffix
        name = suffix.group("name")

    keys = _candidate_keys(name)
    matches = _lookup(keys) if keys else []
    if not matches:
        note = (
            f"« {typographic(name)} » n’est pas une commune de France : "
            "le nom est utilisé tel quel."
        )
        return City(name=typographic(name), commune=None, notes=(note,))

    best_rank = min(rank for rank, _ in matches)
    homonyms = sorted(
        (c for rank, c in matches if rank == best_rank),
        key=lambda c: (-c.population, c.code_insee),
    )
    departements = sorted({c.departement for c in homonyms}, key=_departement_sort_key)
    official = typographic(homonyms[0].nom)
    notes: list[str] = []
    if wanted is not None:
        chosen = [c for c in homonyms if c.departement == wanted]
        if not chosen:
            raise CityNameError(
                f"Aucune commune « {official} » dans le département {wanted} : "
                f"elle existe dans {_join_departements(departements)} ; corrigez le département."
            )
        commune = chosen[0]
    else:
        commune = homonyms[0]
        if len(homonyms) > 1:
            notes.append(
                f"Plusieurs communes s’appellent « {official} » : {official} "
                f"({commune.departement}, {_format_population(commune.population)} hab.) "
                f"retenue, la plus peuplée ; précisez --departement parmi "
                f"{_join_departements(departements)}."
            )
    printed = typographic(commune.nom)
    if not notes and typographic(name) != printed:
        notes.append(f"Orthographe officielle utilisée : « {printed} » ({commune.departement}).")
    return City(name=printed, commune=commune, notes=tuple(notes))


def _departement_sort_key(code: str) -> tuple[int, str]:
    digits = code.replace("2A", "20").replace("2B", "20")
    return (int(digits), code)


def _join_departements(codes: list[str]) -> str:
    return ", ".join(codes)


