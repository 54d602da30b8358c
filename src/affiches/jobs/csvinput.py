"""Reading a list of cities from a CSV file as French spreadsheets export it.

Contract: ``read_city_table(path, encoding=None)`` returns a ``CityTable``: the
encoding and separator it used, how each header was understood, and one ``CityRow``
per non-blank data line, with its physical line number in the file.

- Encoding: a UTF-8 BOM means UTF-8; otherwise UTF-8 if the bytes decode as UTF-8,
  else Windows-1252 (what Excel writes in France). ``encoding`` forces one (any name
  Python knows, e.g. ``latin-1``, ``cp1252``, ``utf-8``); an unknown name is a
  ``CsvError``. Bytes that cannot be decoded are not fatal: the cell that holds them
  becomes ``CityRow.unreadable`` (a row error), the other rows are read.
- Separator: ``;``, ``,`` or a tab, whichever the header line holds most of.
- Headers are matched loosely (case, accents, spaces, hyphens, underscores ignored):
  ``Ville``, ``ville``, ``VILLE ``, ``commune``, ``nom``… name the city (required);
  ``departement``/``dép``/``code département``, ``collectif``, ``contact``/``courriel``,
  ``url``/``lien``, ``date``, ``heure``, ``lieu``, and for letters ``expediteur``,
  ``adresse``, ``maire``, ``adresse mairie``, ``courriel mairie`` are known optional columns. Any other
  named column is kept as a template variable ``x_<name>`` (lower-case ASCII, ``_``
  between words), so layouts may use ``{x_telephone}``. Columns with an empty header
  (trailing separators) are ignored.
- Blank lines (every cell empty or spaces) are skipped.
- A file without a city column, an empty file or an unreadable file is a ``CsvError``
  (a one-line French message naming the file and the fix).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from affiches.errors import CsvError, os_reason

MAX_FILE_BYTES = 50 * 1024 * 1024

# Known columns: normalised header -> field name.
ALIASES: dict[str, str] = {}
for _field, _names in {
    "ville": ("ville", "commune", "nom", "nom commune", "nom de la commune", "localite", "city",
              "ville commune"),
    "departement": ("departement", "dep", "dept", "code departement", "num departement",
                    "numero departement", "no departement"),
    "collectif": ("collectif", "groupe", "collectif local", "signature"),
    "contact": ("contact", "courriel", "email", "e mail", "mail", "adresse mail"),
    "url": ("url", "lien", "site", "site web", "adresse web"),
    "date": ("date", "date evenement", "date rassemblement"),
    "heure": ("heure", "horaire", "heure rassemblement"),
    "lieu": ("lieu", "lieu rassemblement", "lieu evenement", "adresse rassemblement"),
    "accroche": ("accroche", "titre", "slogan"),
    "message": ("message", "texte", "phrase"),
    "credit": ("credit", "credit photo", "photo credit"),
    # The sender of a letter (lot --quoi lettre,cada).
    "expediteur": ("expediteur", "signataire", "nom expediteur"),
    "adresse": ("adresse", "adresse postale", "adresse expediteur"),
    "maire": ("maire", "nom du maire", "nom maire"),
    "adresse_mairie": ("adresse mairie", "adresse de la mairie"),
    "courriel_mairie": ("courriel mairie", "email mairie", "mail mairie", "courriel de la mairie"),
}.items():
    for _name in _names:
        ALIASES[_name] = _field

_SURROGATES = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class CityRow:
    line: int  # physical line number in the file (1 = header)
    values: dict[str, str]  # known fields present in the file (ville, collectif…)
    extra: dict[str, str] = field(default_factory=dict)  # x_… template variables
    unreadable: str = ""  # header of a cell whose bytes could not be decoded

    @property
    def city(self) -> str:
        return self.values.get("ville", "")


@dataclass(frozen=True)
class CityTable:
    path: Path
    encoding: str
    delimiter: str
    columns: dict[str, str]  # header as written -> field name or x_ variable
    rows: list[CityRow]


def normalise_header(header: str) -> str:
    """``" Département "`` -> ``"departement"``; ``"Nom_de-la"`` -> ``"nom de la"``."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def variable_name(header: str) -> str:
    return "x_" + normalise_header(header).replace(" ", "_")


def detect_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise CsvError(
            f"--encodage : « {name} » inconnu ; essayez utf-8, cp1252 (Excel) ou latin-1"
        ) from None


def detect_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def read_city_table(path: Path, encoding: str | None = None) -> CityTable:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CsvError(
                f"{path} : fichier trop gros ({size // 1_000_000} Mo) ; découpez-le"
            )
        data = path.read_bytes()
    except OSError as exc:
        reason = f"{path} : lecture impossible ({os_reason(exc)}) ; vérifiez le chemin"
        raise CsvError(reason, path=str(path), detail=f"lecture impossible ({os_reason(exc)})") from None
    if encoding:
        codec = _check_encoding(encoding)
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
    else:
        codec = detect_encoding(data)
    text = data.decode(codec, errors="surrogateescape")
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip(" \t;,")), None)
    if header_index is None:
        raise CsvError(
            f"{path} : fichier vide ; la première ligne doit nommer les colonnes (Ville;…)")
    delimiter = detect_delimiter(lines[header_index])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[CityRow] = []
    headers: list[str] | None = None
    targets: list[str | None] = []
    columns: dict[str, str] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if headers is None:
            headers = record
            targets, columns = _map_headers(headers, path)
            continue
        values: dict[str, str] = {}
        extra: dict[str, str] = {}
        unreadable = ""
        for index, cell in enumerate(record):
            target = targets[index] if index < len(targets) else None
            if target is None:
                continue
            if _SURROGATES.search(cell) and not unreadable:
                unreadable = headers[index].strip() or target
                cell = _SURROGATES.sub("\ufffd", cell)
            cell = " ".join(cell.split())
            if target.startswith("x_"):
                extra[target] = cell
            else:
                values[target] = cell
        rows.append(CityRow(line, values, extra, unreadable))
    return CityTable(path, codec, delimiter, columns, rows)


def _map_headers(headers: list[str], path: Path) -> tuple[list[str | None], dict[str, str]]:
    targets: list[str | None] = []
    columns: dict[str, str] = {}
    for header in headers:
        key = normalise_header(_SURROGATES.sub("", header))
        if not key:
            targets.append(None)
            continue
        target = ALIASES.get(key) or variable_name(key)
        if target in columns.values():
            targets.append(None)  # a second column with the same meaning: the first one wins
        else:
            columns[header.strip()] = target
            targets.append(target)
    if "ville" not in columns.values():
        seen = ", ".join(h.strip() for h in headers if h.strip()) or "aucune"
        raise CsvError(
            f"{path} : aucune colonne « Ville » (colonnes lues : {seen}) ; "
            "nommez la colonne des villes « Ville » ou « Commune »"
        )
    return targets, columns
