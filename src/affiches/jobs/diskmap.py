"""A mapping kept on disk, not in memory: what lets a batch's memory stay flat.

Contract: ``DiskMap()`` is a mutable mapping from ``str`` keys to JSON-serialisable
values, stored in a private temporary SQLite database (``sqlite3.connect("")``: an
on-disk file SQLite creates in the system's temporary folder, unlinks at once and
deletes on close; nothing is left behind even after ``kill -9``, nothing is written in
the output folder). Memory is bounded by SQLite's page cache (``CACHE_KIB``) whatever
the number of keys: a batch of 100,000 rows keeps its manifest entries, its
duplicate-detection tables and its list of finished folders here. Iteration is in key
order (``ORDER BY key``; ``items_sorted_json`` gives the values' JSON text as stored);
``put(key, value, rank, tag)`` also stores an integer rank and a tag:
``values_by_rank()`` streams values in rank order (the CSV line, for the spreadsheet
report), ``delete_tagged(tag)`` drops every entry of a tag (a run's failures). Values are
copied in and out (JSON: ``json.dumps(value, ensure_ascii=False, sort_keys=True)``, or
that text given to ``put``), never shared. Single-threaded, one process: a forked worker
must not use a map its parent created.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, MutableMapping
from typing import Any

CACHE_KIB = 512  # SQLite page cache per map: 4 maps in a batch, 2 MB in all


class DiskMap(MutableMapping[str, Any]):
    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=True)
        for pragma in (f"cache_size = -{CACHE_KIB}", "journal_mode = OFF", "synchronous = OFF",
                       "temp_store = FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE map (key TEXT PRIMARY KEY, rank INTEGER, tag TEXT, value TEXT) "
                         "WITHOUT ROWID")
        self._db.execute("CREATE INDEX map_rank ON map (rank, key)")
        self._db.execute("CREATE INDEX map_tag ON map (tag)")

    def __getitem__(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM map WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return json.loads(row[0])

    def __setitem__(self, key: str, value: Any) -> None:
        self.put(key, value)

    def put(self, key: str, value: Any, rank: int = 0, tag: str = "", text: str | None = None) -> None:
        """Store ``value`` under ``key``, with ``rank`` for ``values_by_rank`` and ``tag`` for
        ``delete_tagged``; ``text``, when given, is ``value`` already serialised as stored
        (``json.dumps(value, ensure_ascii=False, sort_keys=True)``)."""
        if text is None:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        self._db.execute("INSERT OR REPLACE INTO map (key, rank, tag, value) VALUES (?, ?, ?, ?)",
                         (key, rank, tag, text))

    def __delitem__(self, key: str) -> None:
        if self._db.execute("DELETE FROM map WHERE key = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return self._db.execute("SELECT 1 FROM map WHERE key = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM map").fetchone()[0])

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._db.execute("SELECT key FROM map ORDER BY key"):
            yield key

    def items_sorted(self) -> Iterator[tuple[str, Any]]:
        """(key, value) pairs in key order, streamed."""
        for key, value in self._db.execute("SELECT key, value FROM map ORDER BY key"):
            yield key, json.loads(value)

    def items_sorted_json(self) -> Iterator[tuple[str, str]]:
        """(key, value as JSON text: ``json.dumps(value, ensure_ascii=False, sort_keys=True)``)
        pairs in key order, streamed, without decoding."""
        yield from self._db.execute("SELECT key, value FROM map ORDER BY key")

    def values_by_rank(self) -> Iterator[Any]:
        """Values in (rank, key) order, streamed."""
        for (value,) in self._db.execute("SELECT value FROM map ORDER BY rank, key"):
            yield json.loads(value)

    def delete_tagged(self, tag: str) -> int:
        """Delete every entry stored with ``tag``; returns how many."""
        return int(self._db.execute("DELETE FROM map WHERE tag = ?", (tag,)).rowcount)

    def close(self) -> None:
        self._db.close()
