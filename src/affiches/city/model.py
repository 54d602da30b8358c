"""The resolved city: one value made once, from which every city variable comes.

Contract:
- ``Commune`` is one row of the bundled communes database.
- ``City(name, commune, notes, folder="")`` is what ``resolve_city`` returns: the name to
  print, the commune it is (``None`` for a name that is no commune), the notes to show,
  and, computed once at construction, the French forms (``forms``: ``ville``,
  ``ville_officiel``, ``a_ville``, ``de_ville`` and their upper-case ``_maj``), the
  ``slug``, the output ``folder`` (the slug unless a batch gives a distinct one), the
  ``departement``, the ``code_insee``, the town hall's address as its raw lines
  (``mairie_lignes``) and ``mairie_email``. ``city.variables()`` gives the template
  variables that depend on the city, and is the only place they are built.
- ``city_forms(name, commune)`` declines a name (see ``affiches.city.communes``, and
  ``affiches.city.names`` for the forms decided from the name itself: article words
  INSEE gives no article, « Île… », arrondissements « Marseille 13e »);
  ``mairie_address(commune)`` is the town hall's address on one line, its locality in
  the official spelling (``names.postal_address``);
  ``slugify(name)`` is a non-empty ASCII slug ``[a-z0-9-]`` of at most 80 characters.
- ``normalize_key(text)`` is the search key of a name (accents, case, punctuation and
  St/Ste abbreviations ignored).
Pure: no file or database access.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from affiches.city.names import (
    arrondissement,
    article_from_name,
    island_forms,
    postal_address,
    upper_name,
)

MAX_SLUG_LENGTH = 80
APOSTROPHE = "\u2019"
ADDRESS_SEPARATOR = " | "  # between the lines of a town hall's address in the data


def _is_arrondissement_code(code: str) -> bool:
    return code.isdigit() and (
        75101 <= int(code) <= 75120 or 13201 <= int(code) <= 13216 or 69381 <= int(code) <= 69389
    )


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
class City:
    """A city resolved once: what to print, how to decline it, where its files go."""

    name: str
    commune: Commune | None
    notes: tuple[str, ...] = ()
    folder: str = ""  # output folder name; the slug when empty
    forms: Mapping[str, str] = field(init=False, repr=False, compare=False)
    slug: str = field(init=False, compare=False)
    departement: str = field(init=False, compare=False)
    code_insee: str = field(init=False, compare=False)
    mairie_lignes: tuple[str, ...] = field(init=False, compare=False)
    mairie_email: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        commune = self.commune
        set_ = object.__setattr__
        set_(self, "forms", MappingProxyType(city_forms(self.name, commune)))
        set_(self, "slug", slugify(self.name))
        if not self.folder:
            set_(self, "folder", self.slug)
        set_(self, "departement", commune.departement if commune else "")
        set_(self, "code_insee", commune.code_insee if commune else "")
        address = commune.mairie_adresse if commune else ""
        set_(self, "mairie_lignes", tuple(line for line in address.split(ADDRESS_SEPARATOR) if line))
        set_(self, "mairie_email", commune.mairie_email if commune else "")

    @property
    def ville(self) -> str:
        return self.forms["ville"]

    @property
    def a_ville(self) -> str:
        return self.forms["a_ville"]

    @property
    def de_ville(self) -> str:
        return self.forms["de_ville"]

    def variables(self) -> dict[str, str]:
        """Every template variable that depends on the city (and only those)."""
        return {
            **self.forms,
            "departement": self.departement,
            "mairie_adresse": mairie_address(self.commune) if self.commune else "",
            "mairie_email": self.mairie_email,
        }

    @classmethod
    def of_commune(cls, commune: Commune) -> City:
        """The city of a database row, printed in its official spelling."""
        return cls(typographic(commune.nom), commune)


def typographic(name: str) -> str:
    """The name with the typographic apostrophe ’ (the data spells it ')."""
    return re.sub(r"['ʼ`]", APOSTROPHE, name)


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
        ville = typographic(commune.nom)
        tncc = article_from_name(ville, commune.tncc)
        rest = typographic(commune.nom_sans_article)
        if tncc != commune.tncc:
            _tncc, _article, rest = _guess_tncc(ville)
        officiel = commune.nom
    else:
        ville = typographic(name)
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
    (``names.postal_address``; an arrondissement's locality is its city's: « 69001 Lyon »)."""
    official = typographic(commune.nom)
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
