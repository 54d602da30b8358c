"""Reading a list of cities from a CSV file as French spreadsheets export it.

Contract: ``read_city_table(path, encoding=None)`` returns a ``CityTable``: the
encoding and separator it used, how each header was understood, and its rows
(``CityTable.rows``: a sized, re-iterable sequence of ``CityRow``, one per non-blank
data line with its physical line number, made lazily from the file's bytes, decoded as
they are parsed, so that a 100,000-row file costs its bytes in memory, not a decoded
copy nor 100,000 objects).

- Input: a regular file of at most ``limits.MAX_CSV_BYTES`` (a FIFO, a device, a
  folder are refused at once, nothing blocks).
- Encoding, detected per file by a strict cascade (no guessing by statistics): a BOM
  means UTF-8, UTF-16 (Excel's "Texte Unicode": UTF-16LE, tab-separated) or UTF-32;
  otherwise UTF-8 if every byte decodes as UTF-8, else Windows-1252 (what Excel writes
  in France) if every byte decodes as Windows-1252 and no valid multi-byte UTF-8
  sequence appears. A file mixing both (valid UTF-8 sequences and stray Windows-1252
  bytes), bytes that no candidate decodes, or NUL bytes outside UTF-16/32 are a
  ``CsvError`` naming the line. ``encoding`` forces one (a character encoding Python
  knows: ``latin-1``, ``cp1252``, ``utf-8``, ``utf-16``…; ``rot13`` or an unknown
  name is a ``CsvError``); with a forced encoding, undecodable bytes are not fatal:
  the cell that holds them becomes ``CityRow.unreadable`` (a row error).
- Separator: ``;``, ``,`` or a tab, whichever the header line holds most of.
- Parsing is strict: a quote never closed (which would swallow the following rows),
  text after a closing quote, a cell over ``limits.MAX_CELL_CHARS`` characters, a line
  of more than ``limits.MAX_COLUMNS`` cells are a ``CsvError`` naming the line. The
  whole file is checked before the first row is returned.
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from affiches.errors import CsvError
from affiches.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_CSV_BYTES, read_regular_file

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
    rows: Sequence[CityRow]  # sized, re-iterable, made lazily


def normalise_header(header: str) -> str:
    """``" Département "`` -> ``"departement"``; ``"Nom_de-la"`` -> ``"nom de la"``."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def variable_name(header: str) -> str:
    return "x_" + normalise_header(header).replace(" ", "_")


_BOMS = (  # longest first: the UTF-32 LE BOM starts like the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A valid UTF-8 multi-byte sequence (well-formed lead and continuation bytes).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Character encodings --encodage accepts (Python's normalised codec names).
_TEXT_CODECS = re.compile(r"^(utf-(8|8-sig|16|16-le|16-be|32|32-le|32-be)|cp\d+|iso8859-\d+|latin-1"
                          r"|mac-[a-z]+|ascii|koi8-[a-z]+)$")


def _line_of(data: bytes, offset: int, codec: str) -> int:
    """Line number (from 1) of the byte at ``offset``."""
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return data[:offset].decode(codec, errors="replace").count("\n") + 1
    return data.count(b"\n", 0, offset) + 1


def detect_encoding(data: bytes, path: Path | str = "") -> str:
    """The codec the whole of ``data`` decodes with, or a ``CsvError``; see the contract."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    if b"\x00" in data:
        sample = data[:4096]
        if len(sample) >= 4 and sample[1::2].count(0) > 0.9 * (len(sample) // 2):
            return "utf-16-le"
        if len(sample) >= 4 and sample[0::2].count(0) > 0.9 * (len(sample) // 2):
            return "utf-16-be"
        raise CsvError(
            f"{path} : ligne {_line_of(data, data.index(0), 'ascii')} : octet nul, ce n’est pas "
            "un fichier texte ; exportez la feuille en CSV (UTF-8) depuis le tableur"
        )
    stray = _first_error(data, "utf-8")
    if stray is None:
        return "utf-8"
    sequence = _UTF8_SEQUENCE.search(data)
    if sequence is not None:
        raise CsvError(
            f"{path} : encodages mélangés, UTF-8 (ligne {_line_of(data, sequence.start(), 'utf-8')}) "
            f"et Windows-1252 (ligne {_line_of(data, stray, 'utf-8')}) ; réenregistrez le fichier "
            "en UTF-8 depuis le tableur, ou imposez un encodage avec --encodage"
        )
    return "cp1252"


def _check_encoding(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        codec = ""
    if not _TEXT_CODECS.match(codec):
        raise CsvError(
            f"--encodage : « {name[:40]} » n’est pas un encodage de texte connu ; "
            "essayez utf-8, cp1252 (Excel), utf-16 ou latin-1"
        )
    return codec


def detect_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _first_error(data: bytes, codec: str) -> int | None:
    """Offset of the first byte ``codec`` cannot decode, or None; checked by chunks, so no
    copy of the whole text is made (a 50 MB file is not decoded into 200 MB of str)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    view = memoryview(data)
    step = 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start:start + step], final=start + step >= len(data))
        if not data:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:  # rare: the exact offset, from a whole decode
            data.decode(codec)
        except UnicodeDecodeError as exc:
            return exc.start
    return None


def _choose_codec(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """(codec, error handler): strict when detected, cells marked unreadable when forced."""
    if encoding:
        codec = _check_encoding(encoding)
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        if codec.startswith(("utf-16", "utf-32")):  # no escaping there: a torn file is an error
            offset = _first_error(data, codec)
            if offset is not None:
                raise CsvError(
                    f"{path} : ligne {_line_of(data, offset, codec)} : octets illisibles en {codec} ; "
                    "vérifiez --encodage"
                )
        return codec, "surrogateescape"
    codec = detect_encoding(data, path)
    offset = _first_error(data, codec)
    if offset is not None:
        shown = "Windows-1252" if codec == "cp1252" else codec.upper()
        raise CsvError(
            f"{path} : ligne {_line_of(data, offset, codec)} : octet 0x{data[offset]:02X} "
            f"illisible en {shown} ; réenregistrez le fichier en UTF-8 depuis le tableur, "
            "ou imposez un encodage avec --encodage"
        )
    return codec, "strict"


def _text(data: bytes, codec: str, errors: str) -> io.TextIOWrapper:
    """The file's text, decoded as it is read (the bytes stay the only copy in memory)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=codec, errors=errors, newline="")


def _records(data: bytes, codec: str, errors: str, delimiter: str,
             path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record, strictly parsed; errors name the line."""
    reader = csv.reader(_text(data, codec, errors), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field larger" in reason:
                raise CsvError(
                    f"{path} : ligne {line} : cellule trop longue (plus de {MAX_CELL_CHARS // 1024} Kio) ; "
                    "raccourcissez-la, ou vérifiez qu’un guillemet n’est pas resté ouvert"
                ) from None
            if "end of data" in reason or "EOF" in reason:
                raise CsvError(
                    f"{path} : ligne {line} : guillemet ouvert jamais refermé (il avale les lignes "
                    "suivantes) ; refermez-le ou retirez-le"
                ) from None
            raise CsvError(
                f"{path} : ligne {line} : guillemet mal placé (texte après le guillemet fermant) ; "
                "entourez toute la cellule de guillemets ou retirez-les"
            ) from None
        if len(record) > MAX_COLUMNS:
            raise CsvError(
                f"{path} : ligne {line} : {len(record)} colonnes, {MAX_COLUMNS} au plus ; "
                "vérifiez le séparateur ou retirez des colonnes"
            )
        yield line, record
        line = reader.line_num + 1


@dataclass(frozen=True)
class _Rows(Sequence[CityRow]):
    """The data rows, parsed again at each iteration from the checked bytes."""

    data: bytes
    codec: str
    errors: str
    delimiter: str
    path: Path
    headers: tuple[str, ...]
    targets: tuple[str | None, ...]
    size: int

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[CityRow]:
        started = False
        for line, record in _records(self.data, self.codec, self.errors, self.delimiter, self.path):
            if not any(cell.strip() for cell in record):
                continue
            if not started:  # the header
                started = True
                continue
            yield _make_row(line, record, self.headers, self.targets)

    @overload
    def __getitem__(self, index: int) -> CityRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[CityRow]: ...
    def __getitem__(self, index: int | slice) -> CityRow | list[CityRow]:
        return list(self)[index]


def read_city_table(path: Path, encoding: str | None = None) -> CityTable:
    data = read_regular_file(path, MAX_CSV_BYTES, CsvError, "fichier CSV")
    codec, errors = _choose_codec(data, path, encoding)
    header_line = next((line for line in _text(data, codec, errors) if line.strip(" \t;,\r\n\ufeff")), None)
    if header_line is None:
        raise CsvError(
            f"{path} : fichier vide ; la première ligne doit nommer les colonnes (Ville;…)")
    delimiter = detect_delimiter(header_line)
    headers: list[str] | None = None
    targets: list[str | None] = []
    columns: dict[str, str] = {}
    count = 0
    for _line, record in _records(data, codec, errors, delimiter, path):  # checks the whole file first
        if not any(cell.strip() for cell in record):
            continue
        if headers is None:
            headers = record
            targets, columns = _map_headers(headers, path)
        else:
            count += 1
    assert headers is not None
    rows = _Rows(data, codec, errors, delimiter, path, tuple(headers), tuple(targets), count)
    return CityTable(path, codec, delimiter, columns, rows)


def _make_row(line: int, record: list[str], headers: Sequence[str],
              targets: Sequence[str | None]) -> CityRow:
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    unreadable = ""
    for index, cell in enumerate(record[:len(targets)]):
        target = targets[index]
        if target is None:
            continue
        if _SURROGATES.search(cell):
            if not unreadable:
                unreadable = headers[index].strip() or target
            cell = _SURROGATES.sub("\ufffd", cell)
        cell = " ".join(cell.split())
        if target.startswith("x_"):
            extra[target] = cell
        else:
            values[target] = cell
    return CityRow(line, values, extra, unreadable)


def _map_headers(headers: list[str], path: Path) -> tuple[list[str | None], dict[str, str]]:
    targets: list[str | None] = []
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = normalise_header(_SURROGATES.sub("", header))
        if not key:
            targets.append(None)
            continue
        target = ALIASES.get(key) or variable_name(key)
        if target in taken:
            targets.append(None)  # a second column with the same meaning: the first one wins
        else:
            columns[header.strip()] = target
            taken.add(target)
            targets.append(target)
    if "ville" not in taken:
        seen = ", ".join(h.strip()[:40] for h in headers[:12] if h.strip()) or "aucune"
        if len(headers) > 12:
            seen += ", …"
        raise CsvError(
            f"{path} : aucune colonne « Ville » (colonnes lues : {seen}) ; "
            "nommez la colonne des villes « Ville » ou « Commune »"
        )
    return targets, columns
