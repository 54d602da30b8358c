"""A full disk (issue 9), simulated with a file-size limit (``RLIMIT_FSIZE``, what
``ulimit -f`` sets; no root needed): one-line errors naming what was written, no
traceback, no temporary file left, and a batch that resumes once there is room."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

KIT = ["affiche-a3-lyon.pdf", "tract-a5-lyon.pdf"]


def run(args: list[str], cwd: Path, max_bytes: int | None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if max_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run([sys.executable, "-m", "affiches", *args], cwd=cwd, capture_output=True,
                          text=True, preexec_fn=limit, timeout=300)


def parts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.name.endswith(".part"))


def test_a_kit_on_a_full_disk_says_which_files_were_written(tmp_path: Path) -> None:
    result = run(["kit", "Lyon", "-o", "sortie"], tmp_path, 30 * 1024)  # the visual is over 30 KB
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    folder = Path("sortie") / "lyon"
    assert lines[0] == (f"Erreur : écriture impossible de {folder / 'visuel-carre-lyon.png'} : fichier trop gros "
                        f"pour le système ; vérifiez le dossier --sortie ; déjà écrits (complets) : "
                        f"{folder / KIT[0]}, {folder / KIT[1]}")
    written = sorted(p.name for p in (tmp_path / folder).iterdir())
    assert written == KIT
    assert parts(tmp_path) == []


@pytest.mark.parametrize("quoi", ["visuel", "affiche,visuel"])
def test_a_batch_on_a_full_disk_fails_cleanly_and_resumes(tmp_path: Path, quoi: str) -> None:
    (tmp_path / "v.csv").write_text("Ville\nLyon\nNice\nBrest\n", encoding="utf-8")
    args = ["lot", "v.csv", "-q", quoi, "-o", "sortie", "-j", "1", "-s"]
    full = run(args, tmp_path, 20 * 1024)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    assert all(line.startswith(("ligne ", "Erreur : ", "Terminé")) for line in full.stderr.splitlines()), full.stderr
    assert parts(tmp_path) == []
    room = run(args, tmp_path, None)
    assert room.returncode == 0, room.stderr
    assert "0 échec (sur 3 lignes)" in room.stderr.splitlines()[-1]
