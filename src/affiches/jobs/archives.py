"""Deliverables made at the end of a batch: ZIP archives and the contact sheet.

Contract:
- ``zip_folder(root, folder)`` packs ``root/folder/*`` into ``root/archives/folder.zip``
  and ``zip_batch(root, folders)`` packs every listed folder into ``root/lot.zip``.
  Archives are deterministic: entries sorted, fixed timestamp (1980-01-01), fixed
  permissions, PDF/PNG stored (already compressed), text deflated. Each archive is
  written atomically (``affiches.jobs.files``); a city's archive is rewritten only when
  its bytes would change, the batch's ``lot.zip`` is streamed to disk (its size does not
  go through memory) and rewritten each time, with the same bytes for the same files.
  Links in a city folder are never followed into an archive.
- ``contact_sheets(root, folders, names)`` draws the square visuals of the listed
  folders as a grid of thumbnails with the city's name under each, ``PER_SHEET`` per
  page, into ``root/planche/planche-001.png``…; folders without a visual are skipped.
  Pages left by an earlier, longer batch are removed. Returns the paths written.
  Deterministic too.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from affiches.campaign import LABEL_FONT_BOLD
from affiches.errors import os_errors
from affiches.jobs.files import read_nofollow, write_file

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
STORED_SUFFIXES = {".pdf", ".png", ".zip"}
COLUMNS = 8
ROWS = 8
PER_SHEET = COLUMNS * ROWS
THUMB = 200
LABEL = 34
GAP = 12


def _add(archive: zipfile.ZipFile, path: Path, arcname: str) -> None:
    info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    stored = path.suffix.lower() in STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with os_errors(path, "vérifiez le dossier --sortie", action="lecture impossible de"):
        data = path.read_bytes()
    archive.writestr(info, data, compresslevel=None if stored else 9)


def _files(folder: Path) -> list[Path]:
    """The regular files of a city folder; links (to anywhere) are never archived."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if not p.is_symlink() and p.is_file() and not p.name.startswith("."))


def _write_if_changed(root: Path, name: str, data: bytes) -> bool:
    try:
        if read_nofollow(root / name) == data:
            return False
    except OSError:
        pass
    write_file(root, name, data)
    return True


def zip_folder(root: Path, folder: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in _files(root / folder):
            _add(archive, path, f"{folder}/{path.name}")
    name = f"archives/{folder}.zip"
    _write_if_changed(root, name, buffer.getvalue())
    return root / name


def zip_batch(root: Path, folders: Iterable[str], name: str = "lot.zip") -> Path:
    """``folders``: a list (sorted here) or an already sorted, duplicate-free iterable
    (a ``DiskMap``). The archive is streamed to disk: memory does not grow with it."""
    ordered: Iterable[str] = sorted(set(folders)) if isinstance(folders, (list, tuple, set)) else folders

    def produce(stream: BinaryIO) -> None:
        with zipfile.ZipFile(stream, "w") as archive:
            for folder in ordered:
                for path in _files(root / folder):
                    _add(archive, path, f"{folder}/{path.name}")
            for extra in ("manifest.csv",):
                if (root / extra).is_file() and not (root / extra).is_symlink():
                    _add(archive, root / extra, extra)

    write_file(root, name, produce)
    return root / name


def contact_sheets(root: Path, folders: Sequence[str], names: Sequence[str]) -> list[Path]:
    from PIL import Image, ImageDraw, ImageFont

    from affiches.text.fonts import find_font

    items = []
    for folder, name in zip(folders, names, strict=True):
        visuals = [p for p in _files(root / folder) if p.suffix == ".png"]
        if visuals:
            items.append((visuals[0], name))
    font = ImageFont.truetype(str(find_font(LABEL_FONT_BOLD)), 15)
    paths = []
    for page, start in enumerate(range(0, len(items), PER_SHEET), start=1):
        chunk = items[start:start + PER_SHEET]
        rows = (len(chunk) + COLUMNS - 1) // COLUMNS
        width = COLUMNS * (THUMB + GAP) + GAP
        height = rows * (THUMB + LABEL + GAP) + GAP
        sheet = Image.new("RGB", (width, height), (255, 255, 255))
        draw = ImageDraw.Draw(sheet)
        for index, (path, name) in enumerate(chunk):
            x = GAP + (index % COLUMNS) * (THUMB + GAP)
            y = GAP + (index // COLUMNS) * (THUMB + LABEL + GAP)
            with Image.open(path) as image:
                thumb = image.convert("RGB")
                thumb = thumb.reduce(max(1, thumb.width // THUMB)) if thumb.width > THUMB else thumb
                thumb = thumb.resize((THUMB, THUMB), Image.Resampling.LANCZOS)
            sheet.paste(thumb, (x, y))
            fits = draw.textlength(name, font=font) <= THUMB
            label = name if fits else _shorten(name, draw, font)
            draw.text((x + THUMB / 2, y + THUMB + 6), label, font=font, fill=(20, 20, 20),
                      anchor="mt")
        buffer = io.BytesIO()
        sheet.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            buffer, format="PNG", compress_level=6)
        name = f"planche/planche-{page:03d}.png"
        _write_if_changed(root, name, buffer.getvalue())
        paths.append(root / name)
    sheets = root / "planche"
    if sheets.is_symlink():  # never delete through a link
        return paths
    for stale in sorted(sheets.glob("planche-*.png")):
        if stale not in paths:  # pages of an earlier, longer batch
            with os_errors(stale):
                stale.unlink()
    return paths


def _shorten(name: str, draw, font) -> str:  # type: ignore[no-untyped-def]
    while name and draw.textlength(name + "…", font=font) > 200:
        name = name[:-1]
    return name + "…"
