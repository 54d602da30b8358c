"""The batch manifest: what each output folder holds, to skip what is up to date.

Contract:
- ``Manifest.open(output_dir)`` reads the compacted state ``manifest.json`` and then
  replays the journal ``.manifest.journal`` (one small JSON record per line, appended
  as rows complete, so a run killed with ``kill -9`` or stopped by Ctrl-C loses at most
  the line being written; a torn line is ignored). Both are streamed line by line into
  a ``DiskMap`` (``affiches.jobs.diskmap``): the entries are never all in memory, so a
  batch's memory does not grow with its number of rows. Files are opened without
  following links and must be regular files; unreadable files are treated as empty:
  the worst case is redoing work.
- An entry is keyed by the city's folder name and holds the CSV line, the city, the
  status (``fait``, ``échec``), a message, and per material the key of its inputs
  (hash of the template variables, the layout, its fonts and images, the program
  version) and its files with size, modification time and SHA-256.
- ``get(folder)`` returns a copy of an entry; ``record(entry)`` stores it and appends
  it to the journal at once, or at the next ``flush()`` with ``flush=False`` (opened
  without following a link: a journal that is a link is refused, ``OutputError``;
  closing it writes what is pending); ``forget_failures()`` drops the failed entries
  of earlier runs (re-checked now).
- ``save()`` compacts: writes ``manifest.json`` (sorted by folder, one entry per line
  inside one JSON object, so it is read back streamed; atomic, fsync) and the
  spreadsheet report ``manifest.csv`` (UTF-8 with BOM, ``;``, ordered by CSV line:
  opens as is in French Excel and LibreOffice; a cell starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so that no formula
  from a CSV cell runs when it is opened — OWASP's rule), then removes the journal.
  Both files are written streamed. ``close()`` (after an interruption) keeps the
  journal for the next run instead of compacting.
- A ``manifest.json`` written before this layout (indented) is still read, whole.
- ``is_current(entry, material, key, root)`` says whether that material's files exist
  unchanged (a regular file, not a link; same size and mtime, or same SHA-256) with the
  same inputs key.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from affiches.errors import os_errors
from affiches.jobs.diskmap import DiskMap
from affiches.jobs.files import open_append, write_file

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
JOURNAL = ".manifest.journal"
FORMAT = 1
HEADER = '{"format": 1, "villes": {'
FOOTER = "}}"
FAILED = "échec"
LEGACY_MAX_BYTES = 512 * 1024 * 1024  # an indented manifest of an older version, read whole
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: Path, sha256: str | None = None) -> dict[str, Any]:
    info = path.stat()
    return {
        "sha256": sha256 or sha256_file(path),
        "taille": info.st_size,
        "mtime_ns": info.st_mtime_ns,
    }


def file_unchanged(path: Path, record: dict[str, Any]) -> bool:
    try:
        info = path.lstat()  # a link planted since is a change, never followed
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if info.st_size != record.get("taille"):
        return False
    if info.st_mtime_ns == record.get("mtime_ns"):
        return True
    return sha256_file(path) == record.get("sha256")


def spreadsheet_safe(cell: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[BinaryIO | None]:
    """``path`` opened for reading if it is a regular file (never through a link), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield None
        return
    with os.fdopen(fd, "rb") as stream:
        yield stream if stat.S_ISREG(os.fstat(fd).st_mode) else None


def _is_entry(entry: Any) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("dossier"), str)


def _read_state(path: Path, into: DiskMap) -> None:
    """Stream ``manifest.json`` (one entry per line) into the map; older layouts whole."""
    with _open_regular(path) as stream:
        if stream is None:
            return
        first = stream.readline().decode("utf-8", "replace").strip()
        if first != HEADER:
            _read_legacy(first.encode() + stream.read(LEGACY_MAX_BYTES), into)
            return
        for raw in stream:
            line = raw.decode("utf-8", "replace").strip().removesuffix(",")
            if not line or line == FOOTER:
                continue
            try:
                (folder, entry), = json.loads("{" + line + "}").items()
            except ValueError:
                continue  # a damaged line: that folder's work is redone
            if _is_entry(entry) and entry["dossier"] == folder:
                _put(into, entry)


def _read_legacy(data: bytes, into: DiskMap) -> None:
    try:
        state = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return
    if isinstance(state, dict) and state.get("format") == FORMAT and isinstance(state.get("villes"), dict):
        for entry in state["villes"].values():
            if _is_entry(entry):
                _put(into, entry)


def _replay_journal(path: Path, into: DiskMap) -> None:
    with _open_regular(path) as stream:
        if stream is None:
            return
        for raw in stream:
            try:
                entry = json.loads(raw.decode("utf-8"))
            except ValueError:
                continue  # torn line of a killed run
            if _is_entry(entry):
                _put(into, entry)


def _rank(entry: dict[str, Any]) -> int:
    line = entry.get("ligne")
    return line if isinstance(line, int) and not isinstance(line, bool) else 0


def _put(into: DiskMap, entry: dict[str, Any], text: str | None = None) -> None:
    into.put(entry["dossier"], entry, rank=_rank(entry), tag="" if entry.get("materiels") else FAILED,
             text=text)


class Manifest:
    def __init__(self, root: Path, entries: DiskMap):
        self.root = root
        self.entries = entries
        self._journal: BinaryIO | None = None

    @classmethod
    def open(cls, root: Path) -> Manifest:
        entries = DiskMap()
        _read_state(root / MANIFEST_JSON, entries)
        _replay_journal(root / JOURNAL, entries)
        return cls(root, entries)

    def get(self, folder: str) -> dict[str, Any] | None:
        return self.entries.get(folder)

    def forget_failures(self) -> int:
        """Drop the entries without files (failures of an earlier run: re-checked now)."""
        return self.entries.delete_tagged(FAILED)

    def record(self, entry: dict[str, Any], flush: bool = True) -> None:
        """Store ``entry`` and append it to the journal (written at once, or at the next
        ``flush``)."""
        text = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        _put(self.entries, entry, text)  # the same text in the map and in the journal
        line = (text + "\n").encode("utf-8")
        with os_errors(self.root / JOURNAL):
            if self._journal is None:
                self.root.mkdir(parents=True, exist_ok=True)
                self._journal = open_append(self.root / JOURNAL)
            self._journal.write(line)
            if flush:
                self._journal.flush()

    def flush(self) -> None:
        """Write the journal lines recorded with ``flush=False``."""
        if self._journal is not None:
            with os_errors(self.root / JOURNAL):
                self._journal.flush()

    def close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def close(self) -> None:
        """Stop without compacting: the journal stays, the next run replays it."""
        self.close_journal()
        self.entries.close()

    def save(self) -> list[Path]:
        """Compact: write ``manifest.json`` and ``manifest.csv`` streamed, remove the journal."""
        self.close_journal()
        write_file(self.root, MANIFEST_JSON, self._write_state)
        write_file(self.root, MANIFEST_CSV, self._write_report)
        with os_errors(self.root / JOURNAL), contextlib.suppress(FileNotFoundError):
            (self.root / JOURNAL).unlink()
        self.entries.close()
        return [self.root / MANIFEST_JSON, self.root / MANIFEST_CSV]

    def _write_state(self, stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=True)
        text.write(HEADER + "\n")
        previous: str | None = None
        for folder, entry in self.entries.items_sorted_json():  # stored as it is written here
            if previous is not None:
                text.write(previous + ",\n")
            previous = json.dumps(folder, ensure_ascii=False) + ": " + entry
        if previous is not None:
            text.write(previous + "\n")
        text.write(FOOTER + "\n")
        text.detach()

    def _write_report(self, stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(["ligne", "ville", "dossier", "statut", "fichiers", "message"])
        for entry in self.entries.values_by_rank():
            files = sorted(
                name for material in entry.get("materiels", {}).values()
                for name in material.get("fichiers", {})
            )
            writer.writerow([spreadsheet_safe(cell) for cell in (
                entry.get("ligne", ""), entry.get("ville", ""), entry["dossier"],
                entry.get("statut", ""), " ".join(files), entry.get("message", ""),
            )])
        text.detach()

    def csv_report(self) -> str:
        """The spreadsheet report as text (what ``save`` writes to ``manifest.csv``)."""
        buffer = io.BytesIO()
        self._write_report(buffer)
        return buffer.getvalue().decode("utf-8-sig")


def is_current(entry: dict[str, Any] | None, material: str, key: str, root: Path) -> bool:
    if not entry:
        return False
    done = entry.get("materiels", {}).get(material)
    if not done or done.get("cle") != key or not done.get("fichiers"):
        return False
    return all(file_unchanged(root / name, record) for name, record in done["fichiers"].items())
