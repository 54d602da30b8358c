"""French postal addresses set the way the post reads them (NF Z 10-011). Pure functions.

Contract:

* ``parse_address(text, where)`` reads an address typed by a user or taken from the
  communes data: lines separated by `` | ``, new lines or, failing those, commas (a
  lone house number before a comma joins the next part: ``6, rue X``). The last line
  must be a 5-digit postcode and a town, optionally followed by ``CEDEX`` and its
  number. Raises ``AddressError`` (one-line French message naming ``where`` and the
  fix) for control characters, more than ``MAX_ADDRESS_CHARS`` characters, more than
  ``MAX_INPUT_LINES`` lines, or a last line that is not ``postcode town``.
* ``postal_block(recipient, address)`` returns the lines to print in a window
  envelope: the recipient lines (1 to 3, kept as written, each at most 38 characters)
  then the delivery lines and the postcode line, written in capitals without accents
  or punctuation (La Poste's form: ``12 RUE NEUVE``, ``42000 SAINT ETIENNE``). At most
  ``MAX_LINES`` lines of at most ``MAX_LINE_CHARS`` characters. A delivery line that is
  too long is first abbreviated (type of street, then titles: ``AV``, ``BD``, ``PL``,
  ``GAL``, ``ST``…), then wrapped at a space onto the next line; a word is never cut.
  The town is abbreviated (``ST``, ``STE``) only when its line is too long; if it is
  still too long (3 communes in France) it is kept whole and ``PostalBlock.overlong``
  says so. Raises ``AddressError`` when the whole cannot fit in 6 lines.
* ``postal_form(text)``: capitals, no accents, ligatures spelled out, any character
  other than a letter or a digit turned into a space, spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from affiches.errors import AddressError

MAX_LINES = 6
MAX_LINE_CHARS = 38
MAX_RECIPIENT_LINES = 3
MAX_INPUT_LINES = 6
MAX_ADDRESS_CHARS = 300


@dataclass(frozen=True)
class PostalAddress:
    delivery: tuple[str, ...]  # lines above the postcode line, as written (street, lieu-dit, BP…)
    postcode: str  # 5 digits
    town: str  # as written
    cedex: str = ""  # "" or "CEDEX" or "CEDEX 12"


@dataclass(frozen=True)
class PostalBlock:
    lines: tuple[str, ...]
    overlong: bool = False  # the postcode line is longer than 38 characters (kept whole)


# --------------------------------------------------------------------------- reading

_POSTAL_LINE = re.compile(r"^([0-9]{5})\s+(.*?)(?:\s+(cedex)(?:\s+([0-9]{1,3}))?)?$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:\||\r\n|\n|\r)\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def check_text(text: str, where: str, limit: int) -> str:
    """``text`` NFC-normalised and trimmed, or ``AddressError`` for control characters or length."""
    text = unicodedata.normalize("NFC", text).strip()
    if _CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", " ")):
        raise AddressError(f"{where} : caractère de contrôle ou invisible interdit ; retirez-le")
    if len(text) > limit:
        raise AddressError(f"{where} : texte trop long ({len(text)} caractères, {limit} au plus) ; raccourcissez-le")
    return text


def split_lines(text: str, where: str) -> list[str]:
    """The lines of an address typed on one line (``|`` or commas) or on several."""
    text = check_text(text, where, MAX_ADDRESS_CHARS)
    if _SEPARATORS.search(text):
        parts = _SEPARATORS.split(text)
    else:
        parts = []
        for part in text.split(","):
            part = part.strip()
            if parts and re.fullmatch(r"\d+\s*(?:bis|ter|quater|[a-d])?", parts[-1], re.IGNORECASE):
                parts[-1] = f"{parts[-1]} {part}"
            else:
                parts.append(part)
    lines = [" ".join(part.split()).strip(" ,;") for part in parts]
    lines = [line for line in lines if line]
    if len(lines) > MAX_INPUT_LINES:
        raise AddressError(
            f"{where} : {len(lines)} lignes, {MAX_INPUT_LINES} au plus ; gardez la rue, "
            f"les compléments utiles et la ligne « code postal ville »"
        )
    return lines


def repair_cp1252(text: str) -> str:
    """Characters of Windows-1252 stored as C1 controls (``\\x9c`` for œ, ``\\x92`` for ’),
    as a few rows of the town-hall directory have them, turned back into what they were."""
    def fix(match: re.Match[str]) -> str:
        try:
            return bytes([ord(match.group(0))]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return re.sub(r"[\x80-\x9f]", fix, text)


def parse_address(text: str, where: str = "adresse") -> PostalAddress:
    lines = split_lines(text, where)
    if not lines:
        raise AddressError(f"{where} : adresse vide ; écrivez par exemple « 12 rue Neuve, 42000 Saint-Étienne »")
    match = _POSTAL_LINE.match(lines[-1])
    if not match or not match.group(2).strip():
        raise AddressError(
            f"{where} : « {lines[-1]} » n’est pas une ligne « code postal ville » ; terminez l’adresse "
            f"par exemple par « 42000 Saint-Étienne »"
        )
    cedex = ""
    if match.group(3):
        cedex = "CEDEX" + (f" {int(match.group(4))}" if match.group(4) else "")
    # A delivery line without any letter (a stray coordinate in the data) is not an address.
    delivery = tuple(line for line in lines[:-1] if any(c.isalpha() for c in line))
    return PostalAddress(delivery, match.group(1), match.group(2).strip(), cedex)


# --------------------------------------------------------------------------- writing

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def postal_form(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = re.sub(r"[^A-Z0-9]+", " ", text)
    return text.strip()


# La Poste's abbreviations (types of street, then titles and common words), used
# only when a line is longer than 38 characters.
STREET_TYPES = {
    "ALLEE": "ALL", "AVENUE": "AV", "BOULEVARD": "BD", "CARREFOUR": "CAR", "CHEMIN": "CHE",
    "CHAUSSEE": "CHS", "COURS": "CRS", "DOMAINE": "DOM", "ESPLANADE": "ESP", "FAUBOURG": "FG",
    "HAMEAU": "HAM", "IMPASSE": "IMP", "LOTISSEMENT": "LOT", "MONTEE": "MTE", "PASSAGE": "PAS",
    "PLACE": "PL", "PROMENADE": "PROM", "QUARTIER": "QUA", "RESIDENCE": "RES", "ROND POINT": "RPT",
    "ROUTE": "RTE", "RUELLE": "RLE", "SENTIER": "SEN", "SQUARE": "SQ", "TRAVERSE": "TRA",
    "VILLA": "VLA", "ZONE INDUSTRIELLE": "ZI", "LIEU DIT": "LD", "PARVIS": "PRV",
}
TITLES = {
    "SAINT": "ST", "SAINTE": "STE", "GENERAL": "GAL", "MARECHAL": "MAL", "PRESIDENT": "PDT",
    "DOCTEUR": "DR", "PROFESSEUR": "PR", "COMMANDANT": "CDT", "CAPITAINE": "CNE",
    "LIEUTENANT": "LT", "COLONEL": "COL", "NOTRE DAME": "ND",
}
_NUMBER = re.compile(r"^(\d+[A-Z]?(?: (?:BIS|TER|QUATER|[A-D]))?) ")


def _replace_words(text: str, table: dict[str, str], first_only: bool) -> str:
    for long, short in table.items():
        pattern = re.compile(rf"(?<![A-Z0-9]){long}(?![A-Z0-9])")
        text = pattern.sub(short, text, count=1 if first_only else 0)
    return text


def abbreviate_street(line: str) -> str:
    """The street type right after the number, then titles, abbreviated (postal form in and out)."""
    number_match = _NUMBER.match(line)
    number = number_match.group(0) if number_match else ""
    rest = line[len(number):]
    for long, short in STREET_TYPES.items():
        if rest == long or rest.startswith(long + " "):
            rest = short + rest[len(long):]
            break
    return number + _replace_words(rest, TITLES, first_only=False)


def _greedy(line: str, width: int) -> list[str] | None:
    lines: list[str] = []
    for word in line.split(" "):
        if len(word) > width:
            return None
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def wrap_words(line: str, width: int = MAX_LINE_CHARS) -> list[str] | None:
    """Wrap at spaces into as few lines as possible, as even as possible (no lone last
    word); ``None`` when one word is longer than ``width``."""
    lines = _greedy(line, width)
    if lines is None:
        return None
    for narrower in range(max(len(word) for word in line.split(" ")), width):
        even = _greedy(line, narrower)
        if even is not None and len(even) == len(lines):
            return even
    return lines


def delivery_lines(line: str) -> list[str]:
    """One delivery line in postal form: as is, abbreviated, or abbreviated and wrapped."""
    text = postal_form(line)
    if len(text) <= MAX_LINE_CHARS:
        return [text] if text else []
    short = abbreviate_street(text)
    if len(short) <= MAX_LINE_CHARS:
        return [short]
    wrapped = wrap_words(short)
    if wrapped is None:
        raise AddressError(f"adresse : le mot le plus long de « {line} » dépasse {MAX_LINE_CHARS} caractères")
    return wrapped


def town_line(address: PostalAddress) -> tuple[str, bool]:
    """``"42000 SAINT ETIENNE"`` (abbreviated if needed) and whether it is still too long."""
    tail = f" {address.cedex}" if address.cedex else ""
    town = postal_form(address.town)
    line = f"{address.postcode} {town}{tail}"
    if len(line) > MAX_LINE_CHARS:
        line = f"{address.postcode} {_replace_words(town, {'SAINT': 'ST', 'SAINTE': 'STE'}, False)}{tail}"
    return line, len(line) > MAX_LINE_CHARS


def postal_block(recipient: Sequence[str], address: PostalAddress) -> PostalBlock:
    recipient = [" ".join(line.split()) for line in recipient if line.strip()]
    if len(recipient) > MAX_RECIPIENT_LINES:
        raise AddressError(f"destinataire : {len(recipient)} lignes, {MAX_RECIPIENT_LINES} au plus")
    for line in recipient:
        if len(line) > MAX_LINE_CHARS:
            raise AddressError(
                f"destinataire : « {line} » dépasse {MAX_LINE_CHARS} caractères ; raccourcissez-le"
            )
    lines = list(recipient)
    for line in address.delivery:
        lines.extend(delivery_lines(line))
    last, overlong = town_line(address)
    lines.append(last)
    if len(lines) > MAX_LINES:
        raise AddressError(
            f"adresse : {len(lines)} lignes une fois mise aux normes postales, {MAX_LINES} au plus ; "
            f"retirez un complément d’adresse"
        )
    return PostalBlock(tuple(lines), overlong)
