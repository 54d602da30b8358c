"""Line numbers of the keys of layout files, and which file each merged key came from.

Contract: tomllib gives no line numbers, so ``index_lines(text)`` scans a TOML text
for the line of each top-level key, table header, table key and ``[[blocs]]`` key
(1-based; multi-line strings skipped). ``line_index(path)`` caches it per file and
modification time (an unreadable file gives an empty index). ``Origins`` records,
after inheritance, which file (and which ``[[blocs]]`` of it) each merged key comes
from; ``Origins.locate(key path)`` answers file and line for a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_$-]+)\s*(?:\.|=)""")


@dataclass
class LineIndex:
    """Lines of the keys of one TOML file (1-based), found by scanning its text."""

    top: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)  # "[couleurs]" header lines
    table_keys: dict[str, dict[str, int]] = field(default_factory=dict)
    blocks: list[tuple[int, dict[str, int]]] = field(default_factory=list)  # [[blocs]]

    def block_line(self, number: int, key: str | None = None) -> int | None:
        if not 0 <= number < len(self.blocks):
            return None
        header, keys = self.blocks[number]
        return keys.get(key, header) if key else header


def index_lines(text: str) -> LineIndex:
    index = LineIndex()
    section: tuple[str, str] = ("", "")  # (kind, name): ("", "") top, ("table", n), ("blocs", "")
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            name = header.group(2).strip().strip('"')
            if header.group(1) == "[[" and name == "blocs":
                index.blocks.append((number, {}))
                section = ("blocs", "")
            else:
                index.tables[name] = number
                index.table_keys.setdefault(name, {})
                section = ("table", name)
            continue
        match = _KEY.match(line)
        if not match:
            continue
        key = match.group(1).strip("\"'")
        rest = line[match.end() :]
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2 == 1:
                in_multiline = quote
        if section[0] == "":
            index.top.setdefault(key, number)
        elif section[0] == "blocs":
            index.blocks[-1][1].setdefault(key, number)
        else:
            index.table_keys[section[1]].setdefault(key, number)
    return index


_LINE_CACHE: dict[Path, tuple[float, LineIndex]] = {}


def line_index(path: Path) -> LineIndex:
    try:
        mtime = path.stat().st_mtime_ns
        cached = _LINE_CACHE.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        index = index_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return LineIndex()
    _LINE_CACHE[path] = (mtime, index)
    return index


@dataclass
class Origins:
    """Which file (and which ``[[blocs]]`` of it) each merged key comes from."""

    main: Path
    top: dict[str, Path] = field(default_factory=dict)
    colors: dict[str, Path] = field(default_factory=dict)
    # per merged block: (header origin, {key: origin}); an origin is (file, block number)
    blocks: list[tuple[tuple[Path, int], dict[str, tuple[Path, int]]]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # main file first, then its parents

    def locate(self, keypath: tuple[Any, ...]) -> tuple[Path, int]:
        """File and line of a key: ("largeur",), ("couleurs", "jaune"), ("blocs", i, "police")."""
        if keypath and keypath[0] == "blocs" and len(keypath) >= 2 and isinstance(keypath[1], int):
            i = keypath[1]
            if i < len(self.blocks):
                header, keys = self.blocks[i]
                key = keypath[2] if len(keypath) > 2 else None
                file, number = keys.get(key, header) if key else header
                line = line_index(file).block_line(number, key if key in keys else None)
                return file, line or 1
            return self.main, 1
        if keypath and keypath[0] == "couleurs":
            if len(keypath) > 1 and keypath[1] in self.colors:
                file = self.colors[keypath[1]]
                index = line_index(file)
                line = index.table_keys.get("couleurs", {}).get(keypath[1]) or index.tables.get(
                    "couleurs"
                )
                if line is None and keypath[1] in index.top:  # dotted form couleurs.x = …
                    line = index.top[keypath[1]]
                return file, line or 1
            file = self.top.get("couleurs", self.main)
            return file, line_index(file).tables.get("couleurs") or line_index(file).top.get(
                "couleurs"
            ) or 1
        key = keypath[0] if keypath else ""
        file = self.top.get(key, self.main)
        return file, line_index(file).top.get(key, 1)
