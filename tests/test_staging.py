"""A batch's writes (issue 14): a chunk of kits staged, made durable in one go, then
renamed (``affiches.jobs.staging``); what the workers check before writing
(``affiches.jobs.worker``); the journal written only once the files are on disk; the
inputs keys and chunk sizes of the planner; ``kit`` = ``lot -j 1`` = ``lot -j 2``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from affiches.cli.main import cli
from affiches.errors import OutputError
from affiches.jobs import staging, worker
from affiches.jobs.batch import BatchSettings, InputRow, chunk_size, run_batch
from affiches.jobs.files import open_root
from affiches.jobs.kit import KitOptions
from affiches.jobs.manifest import JOURNAL, Manifest
from affiches.jobs.rows import inputs_key, inputs_keys


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "out"


def staged(root: Path) -> staging.Staging:
    return staging.Staging(root, open_root(root))


# ------------------------------------------------------------------ staging


def test_nothing_has_its_final_name_before_the_whole_chunk_is_on_disk(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[dict[str, bytes]] = []
    monkeypatch.setattr(staging, "_SYNCFS", [lambda fd: synced.append(tree(root))])
    chunk = staged(root)
    lyon, nice = chunk.folder(("lyon",)), chunk.folder(("nice",))
    assert lyon.new and nice.new
    info = lyon.stage("a.pdf", b"affiche de Lyon")
    nice.stage("a.pdf", b"affiche de Nice")
    lyon.stage("b.png", b"visuel")
    assert tree(root).keys() == {f"lyon/{t}" for t, _ in lyon.temps} | {f"nice/{t}" for t, _ in nice.temps}
    chunk.commit()
    # At the one flush to disk, every file was complete under its temporary name only.
    assert len(synced) == 1
    assert sorted(synced[0].values()) == [b"affiche de Lyon", b"affiche de Nice", b"visuel"]
    assert all(name.rsplit("/", 1)[1].startswith(".") and name.endswith(".part") for name in synced[0])
    assert tree(root) == {"lyon/a.pdf": b"affiche de Lyon", "lyon/b.png": b"visuel",
                          "nice/a.pdf": b"affiche de Nice"}
    final = os.stat(root / "lyon" / "a.pdf")
    assert (info.st_size, info.st_mtime_ns) == (final.st_size, final.st_mtime_ns)  # what the manifest keeps
    assert staged(root).folder(("lyon",)).new is False


def test_without_syncfs_each_temporary_is_fsynced_before_any_rename(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "_SYNCFS", [None])
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(staging.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(staging.os, "replace",
                        lambda *a, **k: (events.append("rename"), real_replace(*a, **k))[1])
    chunk = staged(root)
    folder = chunk.folder(("brest",))
    folder.stage("a.pdf", b"a")
    folder.stage("b.pdf", b"b")
    chunk.commit()
    assert events == ["fsync", "fsync", "rename", "rename"]
    assert tree(root) == {"brest/a.pdf": b"a", "brest/b.pdf": b"b"}


def test_a_failed_flush_renames_nothing_and_leaves_no_temporary(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(staging, "_SYNCFS", [failing])
    chunk = staged(root)
    folder = chunk.folder(("lyon",))
    folder.stage("a.pdf", b"a")
    chunk.commit()
    assert isinstance(folder.failure, OSError)
    assert tree(root) == {}


def test_a_rename_failure_only_fails_its_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def replace(src: str, dst: str, **kw: int) -> None:
        if dst == "refuse.pdf":
            raise OSError(28, "No space left on device")
        real_replace(src, dst, **kw)

    monkeypatch.setattr(staging.os, "replace", replace)
    chunk = staged(root)
    bad, good = chunk.folder(("lyon",)), chunk.folder(("nice",))
    bad.stage("a.pdf", b"a")
    bad.stage("refuse.pdf", b"r")
    bad.stage("z.pdf", b"z")
    good.stage("a.pdf", b"n")
    chunk.commit()
    assert bad.failure is not None and good.failure is None
    # lyon/a.pdf was complete when renamed; the rest of lyon is not left half-done.
    assert tree(root) == {"lyon/a.pdf": b"a", "nice/a.pdf": b"n"}


def test_abort_and_discard_leave_no_temporary(root: Path) -> None:
    chunk = staged(root)
    one, two = chunk.folder(("lyon",)), chunk.folder(("nice",))
    one.stage("a.pdf", b"a")
    two.stage("a.pdf", b"b")
    one.discard()
    assert tree(root) == {f"nice/{two.temps[0][0]}": b"b"}
    chunk.abort()
    assert tree(root) == {}


def test_a_folder_that_is_a_link_is_refused_and_nothing_is_written_there(root: Path, outside: Path) -> None:
    root.mkdir()
    (root / "lyon").symlink_to(outside)
    (root / "fichier").write_bytes(b"x")
    chunk = staged(root)
    with pytest.raises(OutputError, match="lien symbolique"):
        chunk.folder(("lyon",))
    with pytest.raises(OutputError, match="lien symbolique"):
        chunk.folder(("fichier",))
    chunk.commit()
    assert tree(outside) == {"precieux.txt": b"ne pas toucher"}


def test_a_link_planted_at_a_final_name_is_replaced_never_followed(root: Path, outside: Path) -> None:
    (root / "lyon").mkdir(parents=True)
    (root / "lyon" / "a.pdf").symlink_to(outside / "precieux.txt")
    chunk = staged(root)
    folder = chunk.folder(("lyon",))
    assert folder.lstat("a.pdf") is not None and not folder.new
    with pytest.raises(OSError):
        folder.digest("a.pdf")  # never read through the link
    folder.stage("a.pdf", b"nouveau")
    chunk.commit()
    assert (root / "lyon" / "a.pdf").read_bytes() == b"nouveau" and not (root / "lyon" / "a.pdf").is_symlink()
    assert tree(outside) == {"precieux.txt": b"ne pas toucher"}


# ------------------------------------------------------------------ the batch


def settings_for(out: Path, **kw) -> BatchSettings:  # type: ignore[no-untyped-def]
    return BatchSettings(materials=("visuel",), kit=KitOptions(output_dir=out, **kw.pop("kit", {})), **kw)


def test_a_row_is_journalled_only_once_its_files_are_on_disk(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    checked: list[str] = []
    real_flush = Manifest.flush

    def flush(self: Manifest) -> None:
        real_flush(self)
        for line in (out / JOURNAL).read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            for material in entry.get("materiels", {}).values():
                for name, record in material["fichiers"].items():
                    info = os.stat(out / name)
                    assert (info.st_size, info.st_mtime_ns) == (record["taille"], record["mtime_ns"])
                    checked.append(name)

    monkeypatch.setattr(Manifest, "flush", flush)
    summary = run_batch([InputRow(2, "Lyon"), InputRow(3, "Nice"), InputRow(4, "Brest")], settings_for(out))
    assert summary.done == 3 and len(set(checked)) == 6  # a PNG and its alt text each


def test_a_new_folder_is_not_searched_and_a_rerun_reuses_the_manifest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    looked: list[str] = []
    real_lstat, real_digest = staging.StagedFolder.lstat, staging.StagedFolder.digest
    monkeypatch.setattr(staging.StagedFolder, "lstat",
                        lambda self, name: (looked.append("lstat"), real_lstat(self, name))[1])
    monkeypatch.setattr(staging.StagedFolder, "digest",
                        lambda self, name: (looked.append("digest"), real_digest(self, name))[1])
    run_batch([InputRow(2, "Lyon")], settings_for(out))
    assert looked == []  # the folder was created by this run: nothing to look for
    # The inputs changed (a new contact): the files are ours by size and mtime, not read.
    summary = run_batch([InputRow(2, "Lyon")], settings_for(out, kit={"contact": "lyon@example.org"}))
    assert summary.done == 1 and looked == ["lstat", "lstat"]
    assert "lyon@example.org" in (out / "lyon" / "visuel-carre-lyon.txt").read_text(encoding="utf-8")


def test_foreign_and_linked_files_fail_their_row_only(tmp_path: Path, outside: Path) -> None:
    out = tmp_path / "out"
    (out / "lyon").mkdir(parents=True)
    (out / "lyon" / "visuel-carre-lyon.png").write_bytes(b"la photo d'un autre")
    (out / "nice").mkdir()
    (out / "nice" / "visuel-carre-nice.png").symlink_to(outside / "precieux.txt")
    summary = run_batch([InputRow(2, "Lyon"), InputRow(3, "Nice"), InputRow(4, "Brest")], settings_for(out))
    assert (summary.done, summary.failed) == (1, 2)
    reasons = {f.value: f.reason for f in summary.failures}
    assert "autre contenu" in reasons["Lyon"] and "lien symbolique" in reasons["Nice"]
    assert (out / "lyon" / "visuel-carre-lyon.png").read_bytes() == b"la photo d'un autre"
    assert (out / "nice" / "visuel-carre-nice.png").is_symlink()
    assert tree(outside) == {"precieux.txt": b"ne pas toucher"}
    assert not list(out.rglob("*.part"))
    forced = run_batch([InputRow(2, "Lyon"), InputRow(3, "Nice")], settings_for(out, kit={"force": True}))
    assert forced.done == 2 and not (out / "nice" / "visuel-carre-nice.png").is_symlink()
    assert tree(outside) == {"precieux.txt": b"ne pas toucher"}


def test_an_error_in_one_kit_of_a_chunk_leaves_the_others_written(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    real = worker._render

    def render(task):  # type: ignore[no-untyped-def]
        if task.folder == "nice":
            raise RuntimeError("panne")
        return real(task)

    monkeypatch.setattr(worker, "_render", render)
    summary = run_batch([InputRow(2, "Lyon"), InputRow(3, "Nice"), InputRow(4, "Brest")], settings_for(out),
                        total=3)
    assert (summary.done, summary.failed) == (2, 1)
    assert summary.failures[0].reason == "erreur interne (RuntimeError : panne)"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["brest", "lyon"]


def test_kit_and_lot_with_one_or_two_workers_write_the_same_bytes(tmp_path: Path, runner: CliRunner) -> None:
    cities = ["Saint-Étienne", "Le Mans", "Lunéville"]
    for city in cities:
        result = runner.invoke(cli, ["kit", city, "-o", str(tmp_path / "kit")])
        assert result.exit_code == 0, result.output
    csv = tmp_path / "villes.csv"
    csv.write_text("ville\n" + "\n".join(cities) + "\n", encoding="utf-8")
    for jobs in ("1", "2"):
        result = runner.invoke(cli, ["lot", str(csv), "-o", str(tmp_path / f"j{jobs}"), "-j", jobs, "-s"])
        assert result.exit_code == 0, result.output
    kit = {k: v for k, v in tree(tmp_path / "kit").items() if "/" in k}
    assert len(kit) == 12
    assert kit == {k: v for k, v in tree(tmp_path / "j1").items() if "/" in k}
    assert kit == {k: v for k, v in tree(tmp_path / "j2").items() if "/" in k}


# ------------------------------------------------------------------ planning


@given(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=30), max_size=8),
       st.text(max_size=20))
def test_the_inputs_keys_are_those_of_inputs_key(variables: dict[str, str], pictures: str) -> None:
    variables = {**variables, "lettre_maire": "Mme la maire"}
    prints = {"affiche": "p1", "tract": "p2", "lettre": "p3"}
    keys = inputs_keys(variables, prints, ("affiche", "tract", "lettre"), pictures)
    kit_variables = {k: v for k, v in variables.items() if not k.startswith("lettre_")}
    assert keys == {
        "affiche": inputs_key({**kit_variables, "_images": pictures}, "affiche", "p1"),
        "tract": inputs_key({**kit_variables, "_images": pictures}, "tract", "p2"),
        "lettre": inputs_key({**variables, "_images": pictures}, "lettre", "p3"),
    }


def test_chunks_are_large_but_shrink_so_that_the_workers_finish_together() -> None:
    assert chunk_size(None, 2) == 8
    assert chunk_size(1000, 2) == 8
    assert [chunk_size(n, 2) for n in (40, 24, 8, 7, 1, 0)] == [5, 3, 1, 1, 1, 1]
    assert chunk_size(24, 1) == 6
