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
import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from affiches.city.names import (
    arrondissement,
    article_from_name,
    island_forms,
    postal_address,
    upper_name,
)
from affiches.errors import AffichesError, CityNameError
from affiches.resources import assets_dir

__all__ = [
    "MAX_CITY_LENGTH",
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
MAX_SLUG_LENGTH = 80
APOSTROPHE = "\u2019"

_COLUMNS = (
    "code_insee, nom, article, nom_sans_article, tncc, departement, population, "
    "mairie_adresse, mairie_email"
)


class CommunesDataError(AffichesError):
    """The bundled communes database is missing or unreadable."""


@dataclass(frozen=True)
class Commune:
    """One row of the INSEE Code officiel géographique (official spelling)."""

    code_insee: str
    nom: str
    article: str
    nom_sans_article: str
    tncc: int
    departement: str
    population: int
    mairie_adresse: str
    mairie_email: str

    @property
    def is_arrondissement(self) -> bool:
        """True for a municipal arrondissement of Paris, Lyon or Marseille."""
        return _is_arrondissement_code(self.code_insee)


@dataclass(frozen=True)
class CityResolution:
    """Outcome of ``resolve_city``: the name to print and what was understood."""

    name: str
    commune: Commune | None
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- keys

_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "ʼ": " ",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``: accents stripped, œ/æ expanded."""
    text = text.translate(_LIGATURES).casefold().translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    text = text.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text).split()


def normalize_key(text: str) -> str:
    """Search key: lower-case ASCII words separated by one space.

    Accents are stripped (NFKD), œ/æ become oe/ae, every run of characters other than
    letters and digits (hyphens, spaces, apostrophes ' ’ ʼ `, underscores, dots,
    parentheses…) is one separator, and the whole words ``st``/``ste`` become
    ``saint``/``sainte``. Letters without an ASCII decomposition are dropped.
    """
    return " ".join(_ABBREVIATIONS.get(w, w) for w in _ascii_words(text))


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


def _is_arrondissement_code(code: str) -> bool:
    return code.isdigit() and (
        75101 <= int(code) <= 75120 or 13201 <= int(code) <= 13216 or 69381 <= int(code) <= 69389
    )


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
_ARTICLE_KEYS = ("le", "la", "les", "l", "aux", "las", "los")


def _typographic(name: str) -> str:
    return re.sub(r"['ʼ`]", APOSTROPHE, name)


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


def resolve_city(typed: str, departement: str | None = None) -> CityResolution:
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
            f"« {_typographic(name)} » n’est pas une commune de France : "
            "le nom est utilisé tel quel."
        )
        return CityResolution(name=_typographic(name), commune=None, notes=(note,))

    best_rank = min(rank for rank, _ in matches)
    homonyms = sorted(
        (c for rank, c in matches if rank == best_rank),
        key=lambda c: (-c.population, c.code_insee),
    )
    departements = sorted({c.departement for c in homonyms}, key=_departement_sort_key)
    official = _typographic(homonyms[0].nom)
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
    printed = _typographic(commune.nom)
    if not notes and _typographic(name) != printed:
        notes.append(f"Orthographe officielle utilisée : « {printed} » ({commune.departement}).")
    return CityResolution(name=printed, commune=commune, notes=tuple(notes))


def _departement_sort_key(code: str) -> tuple[int, str]:
    digits = code.replace("2A", "20").replace("2B", "20")
    return (int(digits), code)


def _join_departements(codes: list[str]) -> str:
    return ", ".join(codes)


# ---------------------------------------------------------------------- forms

_VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")
# ("à" form, "de" form) replacing the article, by TNCC; others keep the article.
_CONTRACTIONS: dict[int, tuple[str, str]] = {
    2: ("au", "du"),
    4: ("aux", "des"),
    6: ("aux", "des"),
}
_GUESSED_ARTICLES = (("les ", 4), ("le ", 2), ("la ", 3), ("aux ", 6), ("l’", 5))


def _guess_tncc(name: str) -> tuple[int, str, str]:
    """(tncc, article, rest) guessed from the first word of a non-commune name."""
    lowered = name.lower()
    for prefix, tncc in _GUESSED_ARTICLES:
        if lowered.startswith(prefix) and len(name) > len(prefix):
            article = name[: len(prefix)].rstrip()
            return tncc, article, name[len(prefix) :]
    first = name[:1].lower()
    return (1 if first in _VOWELS else 0), "", name


def city_forms(name: str, commune: Commune | None) -> dict[str, str]:
    """Template variables for ``name`` (see module doc), apostrophes as ’.

    When ``commune`` is given and ``name`` is its name (same ``normalize_key``), the
    official spelling and the commune's TNCC are used; otherwise the forms are guessed
    from ``name`` itself.
    """
    if commune is not None and normalize_key(name) == normalize_key(commune.nom):
        ville = _typographic(commune.nom)
        tncc = article_from_name(ville, commune.tncc)
        rest = _typographic(commune.nom_sans_article)
        if tncc != commune.tncc:
            _tncc, _article, rest = _guess_tncc(ville)
        officiel = commune.nom
    else:
        ville = _typographic(name)
        tncc, _article, rest = _guess_tncc(ville)
        officiel = name
    if tncc in _CONTRACTIONS:
        a_form, de_form = _CONTRACTIONS[tncc]
        a_ville, de_ville = f"{a_form} {rest}", f"{de_form} {rest}"
    elif tncc == 1:
        a_ville, de_ville = f"à {ville}", f"d{APOSTROPHE}{ville}"
    else:
        a_ville, de_ville = f"à {ville}", f"de {ville}"
    island = island_forms(ville)
    if island:
        a_ville, de_ville = island
    district = arrondissement(ville)
    if district:
        city, ordinal = district
        ville = f"{city} {ordinal}"
        a_ville = f"dans le {ordinal} arrondissement de {city}"
        de_ville = f"du {ordinal} arrondissement de {city}"
    return {
        "ville": ville,
        "ville_officiel": officiel,
        "a_ville": a_ville,
        "de_ville": de_ville,
        "ville_maj": upper_name(ville),
        "a_ville_maj": upper_name(a_ville),
        "de_ville_maj": upper_name(de_ville),
    }


def mairie_address(commune: Commune) -> str:
    """The town hall's address on one line, its locality spelled as the commune's name
    (an arrondissement's locality is its city's: « 69001 Lyon » stays)."""
    official = _typographic(commune.nom)
    district = arrondissement(official)
    return postal_address(
        commune.mairie_adresse, district[0] if district else official, normalize_key
    )


# ----------------------------------------------------------------------- slug


def slugify(name: str) -> str:
    """ASCII folder name: ``Saint-Étienne`` → ``saint-etienne``, never empty, ≤ 80 chars."""
    # Not normalize_key: the slug keeps "st" as typed.
    slug = "-".join(_ascii_words(name))
    slug = slug[:MAX_SLUG_LENGTH].strip("-")
    if not slug:
        digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"ville-{digest}"
    return slug
