"""Property (issue 9): whatever the command and whatever links are planted in its output
folder, nothing outside that folder is written, and nothing outside is read into an
archive; no traceback.

Each example builds a fresh tree: ``work/`` (the current folder, output in
``work/sortie``) and ``outside/`` (files a hostile setup points links at). Links are
planted where the program writes: a city folder, the hidden temporary names, the
manifest and its journal, the archive and preview folders, a final file, a file an
archive would pack. Then one command runs through Click, and every path outside
``work/sortie`` must be exactly as before (type, bytes, link target, mtime).
30 examples by default (about 10 s); ``AFFICHES_EXAMPLES_OUTSIDE=300`` for a deeper run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from affiches.cli.main import cli

SECRET = b"secret: must never be overwritten nor packed\n"

TRAPS = {
    "city-folder": ("sortie/lyon", "outside/d"),
    "part-png": ("sortie/lyon/.visuel-carre-lyon.png.{pid}.part", "outside/victim"),
    "part-txt": ("sortie/lyon/.visuel-carre-lyon.txt.{pid}.part", "outside/victim"),
    "final-file": ("sortie/lyon/visuel-carre-lyon.png", "outside/victim"),
    "packed-file": ("sortie/lyon/secret.txt", "outside/victim"),
    "journal": ("sortie/.manifest.journal", "outside/victim"),
    "manifest-json": ("sortie/manifest.json", "outside/victim"),
    "manifest-csv": ("sortie/manifest.csv", "outside/victim"),
    "archives": ("sortie/archives", "outside/d"),
    "archive-file": ("sortie/archives/lyon.zip", "outside/victim"),
    "lot-zip": ("sortie/lot.zip", "outside/victim"),
    "planche": ("sortie/planche", "outside/d"),
    "apercus": ("sortie/apercus", "outside/d"),
    "preview-file": ("sortie/apercus/visuel-carre-lyon.png", "outside/victim"),
    "layout-file": ("sortie/essai.toml", "outside/victim"),
}

COMMANDS = {
    "kit": ["kit", "Lyon", "-q", "visuel", "-o", "sortie"],
    "visuel": ["visuel", "Lyon", "-o", "sortie"],
    "lot": ["lot", "villes.csv", "-q", "visuel", "-o", "sortie", "-j", "1", "-s"],
    "lot-zip-ville": ["lot", "villes.csv", "-q", "visuel", "-o", "sortie", "-j", "1", "-s",
                      "--zip", "ville"],
    "lot-zip-lot": ["lot", "villes.csv", "-q", "visuel", "-o", "sortie", "-j", "1", "-s", "--zip", "lot"],
    "lot-planche": ["lot", "villes.csv", "-q", "visuel", "-o", "sortie", "-j", "1", "-s", "--planche"],
    "apercu": ["gabarits", "apercu", "visuel-carre", "--ville", "Lyon", "-o", "sortie", "--taille", "200"],
    "planche": ["gabarits", "planche", "visuel-carre", "--ville", "Lyon", "-o", "sortie"],
    "nouveau": ["gabarits", "nouveau", "essai", "--depuis", "visuel-carre", "--dossier", "sortie"],
}


def snapshot(root: Path, skip: Path) -> dict[str, tuple[object, ...]]:
    """Every path under ``root`` but ``skip``: kind, bytes hash, link target, mtime."""
    state: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if here == skip or skip in here.parents:
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = here / name
            if path == skip:
                continue
            info = path.lstat()
            if path.is_symlink():
                state[str(path)] = ("link", os.readlink(path))
            elif path.is_file():
                state[str(path)] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mtime_ns)
            else:
                state[str(path)] = ("dir", info.st_mode)
    return state


def plant(work: Path, trap: str) -> None:
    link, target = TRAPS[trap]
    link_path = work / link.format(pid=os.getpid())
    if link_path.is_symlink() or link_path.exists():
        return  # another trap already took this place (a linked parent folder)
    try:
        link_path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return
    link_path.symlink_to(work.parent / target)


@settings(max_examples=int(os.environ.get("AFFICHES_EXAMPLES_OUTSIDE", "30")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(sorted(COMMANDS)),
       traps=st.sets(st.sampled_from(sorted(TRAPS)), min_size=1, max_size=4),
       force=st.booleans())
def test_no_command_writes_or_packs_anything_outside_its_output_folder(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        command: str, traps: set[str], force: bool) -> None:
    base = tmp_path_factory.mktemp("outside-check")
    work = base / "work"
    (base / "outside" / "d").mkdir(parents=True)
    (base / "outside" / "victim").write_bytes(SECRET)
    (base / "outside" / "d" / "kept.txt").write_bytes(SECRET)
    work.mkdir()
    (work / "villes.csv").write_text("Ville\nLyon\nNice\n", encoding="utf-8")
    for trap in sorted(traps):
        plant(work, trap)
    before = snapshot(base, work / "sortie")
    monkeypatch.chdir(work)
    monkeypatch.delenv("AFFICHES_GABARITS", raising=False)
    args = COMMANDS[command] + (["--force"] if force and command not in ("apercu", "planche") else [])
    result = CliRunner().invoke(cli, args)
    try:
        assert result.exit_code in (0, 1), (args, traps, result.output, result.exception)
        assert "Traceback" not in result.output
        assert snapshot(base, work / "sortie") == before, (args, traps, result.output)
        for archive in (work / "sortie").rglob("*.zip"):
            if archive.is_symlink():
                continue
            with zipfile.ZipFile(archive) as packed:
                for name in packed.namelist():
                    assert packed.read(name) != SECRET, (args, traps, name)
    finally:
        shutil.rmtree(base, ignore_errors=True)
