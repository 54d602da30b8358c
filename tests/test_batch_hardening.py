"""Batch hardening (issue 9): progress, manifest journal, memory, interruption."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from affiches.cli.lot import Progress
from affiches.cli.main import cli
from affiches.jobs import batch as batch_module
from affiches.jobs.batch import BatchSettings, InputRow, run_batch
from affiches.jobs.manifest import JOURNAL, MANIFEST_CSV, MANIFEST_JSON, Manifest, spreadsheet_safe
from affiches.jobs.options import KitOptions


def test_time_left_ignores_rows_already_up_to_date() -> None:
    progress = Progress(total=1000, quiet=True, tty=False)
    start = progress.start
    # 900 rows up to date in 9 s, none made yet: no rate to extrapolate from.
    assert progress.eta(SimpleNamespace(done=0, failed=0, skipped=900), 900, start + 9.0) == ""
    # then 10 made in 1 more second: 90 rows left at the rate of the rows made.
    assert progress.eta(SimpleNamespace(done=10, failed=0, skipped=900), 910, start + 10.0) \
        == " · reste ≈ 1 min 30 s"
    assert progress.eta(SimpleNamespace(done=100, failed=0, skipped=900), 1000, start + 20.0) == ""


# ------------------------------------------------------------ manifest, journal


CITIES = ["Lyon", "Nice", "Lunéville", "Le Mans", "Brest", "Laval"]


def settings(out: Path) -> BatchSettings:
    return BatchSettings(materials=("visuel",), kit=KitOptions(output_dir=out))


def test_manifest_json_is_one_entry_per_line_valid_json_and_read_back_streamed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([InputRow(i + 2, c) for i, c in enumerate(CITIES[:3])], settings(out))
    text = (out / MANIFEST_JSON).read_text(encoding="utf-8")
    whole = json.loads(text)
    lines = text.splitlines()
    assert lines[0] == '{"format": 1, "villes": {' and lines[-1] == "}}"
    assert len(lines) == 2 + 3 and sorted(whole["villes"]) == ["luneville", "lyon", "nice"]
    reopened = Manifest.open(out)
    assert {f: reopened.get(f) for f in whole["villes"]} == whole["villes"]
    reopened.close()


def test_an_indented_manifest_of_an_earlier_version_is_still_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([InputRow(2, "Lyon")], settings(out))
    state = json.loads((out / MANIFEST_JSON).read_text(encoding="utf-8"))
    (out / MANIFEST_JSON).write_text(json.dumps(state, indent=1), encoding="utf-8")
    summary = run_batch([InputRow(2, "Lyon")], settings(out))
    assert (summary.done, summary.skipped) == (0, 1)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\tx", "\rx"])
def test_spreadsheet_formulas_are_neutralised(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("Saint-Étienne") == "Saint-Étienne"
    assert spreadsheet_safe(12) == "12"


def test_manifest_csv_cells_from_a_hostile_csv_are_safe(in_tmp: Path, runner: CliRunner) -> None:
    Path("v.csv").write_text('Ville\n=HYPERLINK("http://pirate")\n+cmd|calc\n@SUM(1)\n-Nullepart\n',
                             encoding="utf-8")
    result = runner.invoke(cli, ["lot", "v.csv", "-q", "visuel", "-o", "sortie", "-s"])
    assert result.exit_code == 1
    report = (Path("sortie") / MANIFEST_CSV).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(report), delimiter=";"))
    assert rows[0] == ["ligne", "ville", "dossier", "statut", "fichiers", "message"]
    cities = [row[1] for row in rows[1:]]
    assert cities == ["'=HYPERLINK(\"http://pirate\")", "'+cmd|calc", "'@SUM(1)", "'-Nullepart"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_interrupted_batch_keeps_its_journal_and_the_next_run_resumes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rows = [InputRow(i + 2, c) for i, c in enumerate(CITIES)]
    seen: list[int] = []

    def ctrl_c_after_three(summary, line, failure) -> None:  # type: ignore[no-untyped-def]
        seen.append(line)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(rows, settings(out), ctrl_c_after_three)
    assert (out / JOURNAL).is_file() and not (out / MANIFEST_JSON).exists()  # not compacted
    assert len((out / JOURNAL).read_text(encoding="utf-8").splitlines()) == 3
    summary = run_batch(rows, settings(out))
    assert (summary.done, summary.skipped, summary.failed) == (3, 3, 0)
    assert not (out / JOURNAL).exists() and (out / MANIFEST_JSON).is_file()


def test_a_torn_journal_line_only_costs_that_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([InputRow(2, "Lyon"), InputRow(3, "Nice")], settings(out))
    state = json.loads((out / MANIFEST_JSON).read_text(encoding="utf-8"))
    (out / MANIFEST_JSON).unlink()
    entries = [json.dumps(e, ensure_ascii=False) for e in state["villes"].values()]
    (out / JOURNAL).write_text(entries[0] + "\n" + entries[1][: len(entries[1]) // 2], encoding="utf-8")
    summary = run_batch([InputRow(2, "Lyon"), InputRow(3, "Nice")], settings(out))
    assert summary.skipped == 1 and summary.done + summary.failed == 1


def test_failures_are_all_counted_but_only_the_first_ones_kept(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_module, "MAX_KEPT_FAILURES", 2)
    rows = [InputRow(i + 2, f"Nullepart {i}") for i in range(5)]
    summary = run_batch(rows, settings(tmp_path / "out"))
    assert summary.failed == 5 and [f.line for f in summary.failures] == [2, 3]
    report = (tmp_path / "out" / MANIFEST_CSV).read_text(encoding="utf-8-sig")
    assert report.count("aucune commune") == 5


def test_finished_folders_are_listed_in_csv_order(tmp_path: Path) -> None:
    summary = run_batch([InputRow(3, "Nice"), InputRow(2, "Lyon"), InputRow(4, "Brest")], settings(tmp_path))
    assert summary.ordered_folders() == (["lyon", "nice", "brest"], ["Lyon", "Nice", "Brest"])
    assert list(summary.folders) == ["brest", "lyon", "nice"]


def test_a_fifo_planted_as_the_journal_neither_blocks_nor_receives_anything(in_tmp: Path, runner: CliRunner) -> None:
    import os

    Path("sortie").mkdir()
    os.mkfifo(Path("sortie") / JOURNAL)
    Path("v.csv").write_text("Ville\nLyon\n", encoding="utf-8")
    result = runner.invoke(cli, ["lot", "v.csv", "-q", "visuel", "-o", "sortie", "-s"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Erreur : écriture impossible de {Path('sortie') / JOURNAL} : ce n’est pas un fichier ordinaire "
        "(tube ou périphérique) ; supprimez ce fichier ou choisissez un autre dossier --sortie")
