"""Reading layout files and inheritance (``herite``).

Contract: ``merge(path, user_dirs)`` reads a layout's TOML and, when it names a parent
with ``herite``, the parent's (recursively, found like any layout, a user layout may
inherit from the built-in of the same name), and returns the merged table with its
``Origins``: the parent's keys overridden by the child's; ``[couleurs]`` merged by
name; blocks merged by ``nom`` (a child block with a parent's name updates it,
``supprimer = true`` removes it, other child blocks are appended); ``_parent`` holds
the parent's name. ``herite`` names a layout only (letters, digits, ``-``, ``_``:
never a path). A file is read as a regular file of at most ``limits.MAX_LAYOUT_BYTES``,
nested at most ``limits.MAX_TOML_DEPTH`` deep. A file that cannot be read, invalid
TOML, a bad ``herite`` or a cycle raise ``ParseFailure`` carrying one ``Problem`` (file, line, key, French
message). Values are not checked here: see ``gabarits.loader``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from affiches.errors import LayoutError, LimitError
from affiches.gabarits.discovery import find_layout
from affiches.gabarits.lines import Origins, line_index
from affiches.gabarits.model import Problem
from affiches.limits import MAX_LAYOUT_BYTES, parse_toml, read_regular_file
from affiches.resources import builtin_layouts_dir

LAYOUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")  # what herite may name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _french_toml_error(message: str) -> str:
    match = _TOML_AT.search(message)
    text = _TOML_AT.sub("", message).strip()
    if match:
        return f"ligne {match.group(1)}, colonne {match.group(2)} : {text}"
    return text


class ParseFailure(Exception):
    """A layout file that cannot be merged at all: its one problem."""

    def __init__(self, file: Path, line: int, key: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(file, line, key, message)


def read_layout_table(path: Path) -> dict[str, Any]:
    """The TOML table of one layout file: a regular file of at most ``MAX_LAYOUT_BYTES``,
    UTF-8, nested at most ``MAX_TOML_DEPTH`` deep."""
    try:
        data = read_regular_file(path, MAX_LAYOUT_BYTES, LayoutError, "fichier de gabarit (.toml)")
        text = data.decode("utf-8")
    except LayoutError as exc:
        raise ParseFailure(path, 1, "fichier", str(exc).removeprefix(f"{path} : ")) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseFailure(path, line, "fichier", "octets illisibles en UTF-8 ; enregistrez le "
                                                  "gabarit en UTF-8") from None
    try:
        return parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_AT.search(str(exc))
        line = int(match.group(1)) if match else 1
        raise ParseFailure(
            path, line, "toml", f"TOML invalide : {_french_toml_error(str(exc))}"
        ) from None
    except LimitError as exc:
        raise ParseFailure(path, 1, "toml", str(exc)) from None


def merge(
    path: Path, extra_dirs: Sequence[Path | str], chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], Origins]:
    data = read_layout_table(path)
    parent_name = data.get("herite")
    if not parent_name:
        origins = Origins(main=path, files=[path])
        origins.top = {key: path for key in data}
        colors = data.get("couleurs", {})
        origins.colors = {name: path for name in colors} if isinstance(colors, Mapping) else {}
        raw_blocks = data.get("blocs", [])
        if isinstance(raw_blocks, list):
            for number, block in enumerate(raw_blocks):
                keys = block if isinstance(block, Mapping) else {}
                origins.blocks.append(((path, number), {k: (path, number) for k in keys}))
        return data, origins
    line = line_index(path).top.get("herite", 1)
    if not isinstance(parent_name, str):
        raise ParseFailure(path, line, "herite", "attendu le nom d’un gabarit entre guillemets")
    if not LAYOUT_NAME.fullmatch(parent_name):
        raise ParseFailure(path, line, "herite", f"« {parent_name[:60]} » : nommez un gabarit (lettres, "
                                                 "chiffres, - et _), pas un fichier ni un chemin")
    try:
        parent_path = find_layout(parent_name, [path.parent, *extra_dirs])
    except LayoutError as exc:
        raise ParseFailure(path, line, "herite", str(exc)) from None
    if parent_path == path.resolve():
        # A user layout overriding a built-in of the same name inherits from the built-in.
        parent_path = builtin_layouts_dir() / f"{parent_name}.toml"
        if not parent_path.is_file():
            raise ParseFailure(
                path, line, "herite", f"le gabarit « {parent_name} » hérite de lui-même"
            )
    if parent_path in chain or parent_path == path.resolve():
        raise ParseFailure(path, line, "herite", f"héritage circulaire via « {parent_name} »")
    parent, origins = merge(parent_path, extra_dirs, (*chain, path.resolve()))
    merged = {k: v for k, v in parent.items() if k not in ("blocs", "couleurs")}
    merged.update({k: v for k, v in data.items() if k not in ("blocs", "couleurs")})
    for key in data:
        origins.top[key] = path
    parent_colors = parent.get("couleurs", {})
    child_colors = data.get("couleurs", {})
    if isinstance(parent_colors, Mapping) and isinstance(child_colors, Mapping):
        merged["couleurs"] = {**parent_colors, **child_colors}
        for name in child_colors:
            origins.colors[name] = path
    else:
        merged["couleurs"] = child_colors if "couleurs" in data else parent_colors
    parent_blocks = parent.get("blocs", [])
    blocks: list[Any] = [
        dict(b) if isinstance(b, Mapping) else b
        for b in (parent_blocks if isinstance(parent_blocks, list) else [])
    ]
    block_origins = list(origins.blocks)
    index = {
        b.get("nom"): i for i, b in enumerate(blocks) if isinstance(b, Mapping) and b.get("nom")
    }
    child_blocks = data.get("blocs", [])
    if not isinstance(child_blocks, list):
        merged["blocs"] = child_blocks
    else:
        for number, child in enumerate(child_blocks):
            if not isinstance(child, Mapping):
                blocks.append(child)
                block_origins.append(((path, number), {}))
                continue
            name = child.get("nom")
            here = (path, number)
            if name in index:
                i = index[name]
                if child.get("supprimer"):
                    blocks[i] = {}
                else:
                    blocks[i] = {**blocks[i], **child}
                    header, keys = block_origins[i]
                    block_origins[i] = (here, {**keys, **{k: here for k in child}})
            else:
                index[name] = len(blocks)
                blocks.append(dict(child))
                block_origins.append((here, {k: here for k in child}))
        kept = [i for i, b in enumerate(blocks) if b != {}]
        merged["blocs"] = [blocks[i] for i in kept]
        block_origins = [block_origins[i] for i in kept]
    origins.blocks = block_origins
    merged["nom"] = data.get("nom", path.stem)
    origins.top["nom"] = path
    merged["_parent"] = parent_name
    origins.main = path
    origins.files = [path, *origins.files]
    return merged, origins
