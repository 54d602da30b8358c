"""The batch manifest: what each output folder holds, to skip what is up to date.

Contract:
- ``Manifest.open(output_dir)`` reads ``manifest.json`` and then replays the journal
  ``.manifest.journal`` (one JSON entry per line, appended as rows complete, so a run
  killed with ``kill -9`` loses at most the line being written; a torn last line is
  ignored). Unreadable files are treated as empty: the worst case is redoing work.
- An entry is keyed by the city's folder name and holds the CSV line, the city, the
  status (``fait``, ``ignoré``, ``échec``), a message, and per material the key of its
  inputs (hash of the template variables, the layout, its fonts and images, the
  program version) and its files with size, modification time and SHA-256.
- ``record(entry)`` updates an entry and appends it to the journal at once (opened
  without following a link: a journal that is a link is refused, ``OutputError``).
- ``save()`` writes ``manifest.json`` (sorted, atomic, fsync) and the spreadsheet
  report ``manifest.csv`` (UTF-8 with BOM, ``;``: opens as is in French Excel and
  LibreOffice), then removes the journal.
- ``is_current(entry, material, key, root)`` says whether that material's files exist
  unchanged (a regular file, not a link; same size and mtime, or same SHA-256) with the same inputs key.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from pathlib import Path
from stat import S_ISREG
from typing import Any, BinaryIO

from affiches.errors import os_errors
from affiches.jobs.files import open_append, read_nofollow, write_file

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"
JOURNAL = ".manifest.journal"
FORMAT = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: Path, sha256: str | None = None) -> dict[str, Any]:
    stat = path.stat()
    return {
        "sha256": sha256 or sha256_file(path),
        "taille": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def file_unchanged(path: Path, record: dict[str, Any]) -> bool:
    try:
        stat = path.lstat()  # a link planted since is a change, never followed
    except OSError:
        return False
    if not S_ISREG(stat.st_mode):
        return False
    if stat.st_size != record.get("taille"):
        return False
    if stat.st_mtime_ns == record.get("mtime_ns"):
        return True
    return sha256_file(path) == record.get("sha256")


class Manifest:
    def __init__(self, root: Path, entries: dict[str, dict[str, Any]]):
        self.root = root
        self.entries = entries
        self._journal: BinaryIO | None = None

    @classmethod
    def open(cls, root: Path) -> Manifest:
        entries: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(read_nofollow(root / MANIFEST_JSON).decode("utf-8"))
            if isinstance(data, dict) and data.get("format") == FORMAT:
                entries = {k: v for k, v in data.get("villes", {}).items() if isinstance(v, dict)}
        except (OSError, ValueError):
            pass
        try:
            with io.TextIOWrapper(io.BytesIO(read_nofollow(root / JOURNAL)), encoding="utf-8") as stream:
                for line in stream:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # torn line of a killed run
                    if isinstance(entry, dict) and isinstance(entry.get("dossier"), str):
                        entries[entry["dossier"]] = entry
        except (OSError, ValueError):
            pass
        return cls(root, entries)

    def get(self, folder: str) -> dict[str, Any] | None:
        return self.entries.get(folder)

    def record(self, entry: dict[str, Any]) -> None:
        self.entries[entry["dossier"]] = entry
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        with os_errors(self.root / JOURNAL):
            if self._journal is None:
                self.root.mkdir(parents=True, exist_ok=True)
                self._journal = open_append(self.root / JOURNAL)
            self._journal.write(line)
            self._journal.flush()

    def close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def save(self) -> list[Path]:
        self.close_journal()
        data = {"format": FORMAT, "villes": dict(sorted(self.entries.items()))}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        json_path = self.root / MANIFEST_JSON
        csv_path = self.root / MANIFEST_CSV
        write_file(self.root, MANIFEST_JSON, text.encode("utf-8"))
        write_file(self.root, MANIFEST_CSV, self.csv_report().encode("utf-8-sig"))
        with os_errors(self.root / JOURNAL), contextlib.suppress(FileNotFoundError):
            (self.root / JOURNAL).unlink()
        return [json_path, csv_path]

    def csv_report(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(["ligne", "ville", "dossier", "statut", "fichiers", "message"])
        def order(entry: dict[str, Any]) -> tuple[int, str]:
            return (int(entry.get("ligne") or 0), entry["dossier"])

        for entry in sorted(self.entries.values(), key=order):
            files = sorted(
                name for material in entry.get("materiels", {}).values()
                for name in material.get("fichiers", {})
            )
            writer.writerow([
                entry.get("ligne", ""), entry.get("ville", ""), entry["dossier"],
                entry.get("statut", ""), " ".join(files), entry.get("message", ""),
            ])
        return out.getvalue()


def is_current(entry: dict[str, Any] | None, material: str, key: str, root: Path) -> bool:
    if not entry:
        return False
    done = entry.get("materiels", {}).get(material)
    if not done or done.get("cle") != key or not done.get("fichiers"):
        return False
    return all(file_unchanged(root / name, record) for name, record in done["fichiers"].items())
