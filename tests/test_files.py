"""The one file-writing primitive (affiches.jobs.files) against planted links: nothing
is ever written outside the output folder, nothing half-written, one French line."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from affiches.cli.main import cli
from affiches.errors import OutputError
from affiches.jobs import files


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_file_creates_folders_and_leaves_only_the_file(tmp_path: Path) -> None:
    path = files.write_file(tmp_path / "out", "ville/a.pdf", b"data")
    assert path == tmp_path / "out" / "ville" / "a.pdf"
    assert path.read_bytes() == b"data"
    assert os.listdir(path.parent) == ["a.pdf"]


@pytest.mark.parametrize("name", ["../x.pdf", "/etc/x", "a/../../x", "", "."])
def test_names_that_climb_out_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        files.write_file(tmp_path, name, b"x")


def test_a_city_folder_that_is_a_link_is_refused(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "saint-etienne").symlink_to(outside)
    with pytest.raises(OutputError, match="lien symbolique"):
        files.write_file(root, "saint-etienne/affiche.pdf", b"x")
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}


def test_a_link_at_the_temporary_name_is_never_followed(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "out"
    (root / "ville").mkdir(parents=True)
    monkeypatch.setattr(files.secrets, "token_hex", lambda n: "predictible")
    planted = root / "ville" / ".a.pdf.predictible.part"
    planted.symlink_to(outside / "precieux.txt")
    # Planted after the clean-up, just before the creation: O_EXCL|O_NOFOLLOW refuses it.
    with files.open_folder(root, ("ville",)) as folder, pytest.raises(FileExistsError):
        files._create_temp("a.pdf", folder)
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}
    # Planted before: removed as a stale temporary file (the link, not its target).
    files.write_file(root, "ville/a.pdf", b"nouveau")
    assert (root / "ville" / "a.pdf").read_bytes() == b"nouveau"
    assert not planted.is_symlink()
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}


def test_a_link_at_the_target_name_is_replaced_not_followed(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "out"
    (root / "ville").mkdir(parents=True)
    (root / "ville" / "a.pdf").symlink_to(outside / "precieux.txt")
    files.write_file(root, "ville/a.pdf", b"nouveau")
    assert not (root / "ville" / "a.pdf").is_symlink()
    assert (root / "ville" / "a.pdf").read_bytes() == b"nouveau"
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}


def test_a_full_disk_is_one_output_error_and_nothing_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OutputError, match=r"disque plein ; vérifiez le dossier --sortie$") as caught:
        files.write_file(tmp_path, "ville/a.txt", b"x")
    assert caught.value.path == str(tmp_path / "ville" / "a.txt")
    assert os.listdir(tmp_path / "ville") == []


def test_a_new_write_removes_what_a_killed_write_of_that_file_left(tmp_path: Path) -> None:
    (tmp_path / "ville").mkdir()
    (tmp_path / "ville" / ".a.pdf.0123456789ab.part").write_bytes(b"")  # kit killed mid-write
    (tmp_path / "ville" / ".b.pdf.0123456789ab.part").write_bytes(b"")  # another file's
    files.write_file(tmp_path, "ville/a.pdf", b"x")
    assert sorted(os.listdir(tmp_path / "ville")) == [".b.pdf.0123456789ab.part", "a.pdf"]


def test_stale_parts_are_cleaned_but_not_through_links(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "out"
    (root / "ville").mkdir(parents=True)
    (root / "ville" / ".a.pdf.1234.part").write_bytes(b"")
    (root / ".manifest.json.1.part").write_bytes(b"")
    (outside / ".autre.part").write_bytes(b"")
    (root / "lien").symlink_to(outside)
    assert files.clean_stale_parts(root) == 2
    assert snapshot(root) == {}
    assert (outside / ".autre.part").exists()


# --------------------------------------------------------------- commands


def test_kit_refuses_a_city_folder_linked_elsewhere(tmp_path: Path, outside: Path, runner: CliRunner) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "saint-etienne").symlink_to(outside)
    result = runner.invoke(cli, ["visuel", "Saint-Étienne", "-o", str(root)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Erreur : ")
    assert "lien symbolique" in result.stderr
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}


def test_kit_on_a_full_disk_shows_one_line(tmp_path: Path, runner: CliRunner,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    result = runner.invoke(cli, ["visuel", "Saint-Étienne", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "disque plein" in result.stderr and "Traceback" not in result.output


def test_lot_writes_nothing_through_a_linked_city_folder(tmp_path: Path, outside: Path,
                                                         runner: CliRunner) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "saint-etienne").symlink_to(outside)
    csv = tmp_path / "v.csv"
    csv.write_text("ville\nSaint-Étienne\nLe Mans\n", encoding="utf-8")
    result = runner.invoke(cli, ["lot", str(csv), "-o", str(root), "-q", "visuel", "-j", "1", "-s"])
    assert result.exit_code == 1
    assert "ligne 2 : « Saint-Étienne » :" in result.stderr and "lien symbolique" in result.stderr
    assert (root / "le-mans" / "visuel-carre-le-mans.png").is_file()
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}


def test_lot_refuses_a_linked_manifest_journal(tmp_path: Path, outside: Path, runner: CliRunner) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / ".manifest.journal").symlink_to(outside / "precieux.txt")
    csv = tmp_path / "v.csv"
    csv.write_text("ville\nLe Mans\n", encoding="utf-8")
    result = runner.invoke(cli, ["lot", str(csv), "-o", str(root), "-q", "visuel", "-j", "1", "-s"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert ".manifest.journal" in result.stderr and "lien symbolique refusé" in result.stderr
    assert snapshot(outside) == {"precieux.txt": b"ne pas toucher"}


def test_zip_never_follows_a_link_in_a_city_folder(tmp_path: Path, outside: Path, runner: CliRunner) -> None:
    import zipfile

    root = tmp_path / "out"
    csv = tmp_path / "v.csv"
    csv.write_text("ville\nLe Mans\n", encoding="utf-8")
    assert runner.invoke(cli, ["lot", str(csv), "-o", str(root), "-q", "visuel", "-s"]).exit_code == 0
    (root / "le-mans" / "vol.txt").symlink_to(outside / "precieux.txt")
    result = runner.invoke(cli, ["lot", str(csv), "-o", str(root), "-q", "visuel", "-s", "--zip", "lot"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(root / "lot.zip") as archive:
        assert "le-mans/vol.txt" not in archive.namelist()


def test_contact_sheets_never_delete_through_a_linked_folder(tmp_path: Path, outside: Path) -> None:
    from affiches.jobs.archives import contact_sheets

    (outside / "planche-009.png").write_bytes(b"autre")
    root = tmp_path / "out"
    root.mkdir()
    (root / "planche").symlink_to(outside)
    assert contact_sheets(root, [], []) == []
    assert snapshot(outside) == {"planche-009.png": b"autre", "precieux.txt": b"ne pas toucher"}
