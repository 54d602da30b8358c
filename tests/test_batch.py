"""Batch production (``affiches lot``): CSV reading, planning, resumable runs, manifest,
archives, the event line in the built-in layouts."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from affiches.cli.main import cli
from affiches.jobs.batch import BatchSettings, InputRow, rows_from_departement, run_batch
from affiches.jobs.csvinput import CsvError, read_city_table
from affiches.jobs.kit import KitOptions


def checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".pdf", ".png", ".txt")
    }


def rows(*cities: str, **columns: str) -> list[InputRow]:
    return [InputRow(i + 2, city, dict(columns)) for i, city in enumerate(cities)]


def settings_for(out: Path, materials: tuple[str, ...] = ("visuel",), **kw) -> BatchSettings:  # type: ignore[no-untyped-def]
    kit = KitOptions(output_dir=out, **kw.pop("kit", {}))
    return BatchSettings(materials=materials, kit=kit, **kw)


# ------------------------------------------------------------------------- CSV


def test_excel_export_semicolons_windows_1252_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "villes.csv"
    path.write_bytes(
        "Ville;Collectif;Contact\r\nSaint-Étienne;Technopolice Loire;loire@exemple.org\r\n"
        "Châteauroux;;\r\n".encode("cp1252")
    )
    table = read_city_table(path)
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert [(r.line, r.city) for r in table.rows] == [(2, "Saint-Étienne"), (3, "Châteauroux")]
    assert table.rows[0].values["collectif"] == "Technopolice Loire"
    assert table.rows[0].values["contact"] == "loire@exemple.org"


def test_utf8_bom_commas_loose_headers_blank_lines_trailing_separators(tmp_path: Path) -> None:
    path = tmp_path / "villes.csv"
    text = ("VILLE ,Département,Téléphone du groupe,,\n\n"
            "Lunéville,54,06 00 00 00 00,,\n , , ,,\n\"Tassin la Demi-Lune\",,,\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    table = read_city_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert [(r.line, r.city) for r in table.rows] == [(3, "Lunéville"), (5, "Tassin la Demi-Lune")]
    assert table.rows[0].values["departement"] == "54"
    assert table.rows[0].extra == {"x_telephone_du_groupe": "06 00 00 00 00"}
    assert table.columns["VILLE"] == "ville"


def test_commune_header_is_the_city_column(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("commune;date\nLe Mans;16/05/2026\n", encoding="utf-8")
    table = read_city_table(path)
    assert table.rows[0].city == "Le Mans"
    assert table.rows[0].values["date"] == "16/05/2026"


def test_no_city_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Nom du collectif;Contact\nX;Y\n", encoding="utf-8")
    with pytest.raises(CsvError, match="aucune colonne « Ville »"):
        read_city_table(path)


def test_wrong_forced_encoding_marks_the_cell_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes("Ville;Collectif\nLe Mans;Café\nLyon;Ok\n".encode("cp1252"))
    table = read_city_table(path, encoding="utf-8")
    assert table.rows[0].unreadable == "Collectif"
    assert table.rows[1].unreadable == ""


def test_unknown_encoding_name(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Ville\nLyon\n", encoding="utf-8")
    with pytest.raises(CsvError, match="--encodage"):
        read_city_table(path, encoding="klingon")


# ------------------------------------------------------------------- batch runs


def test_batch_makes_each_row_and_reports_bad_rows_with_line_and_reason(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = [
        InputRow(2, "Chateauroux"),
        InputRow(3, "Nullepartville-sur-Rien"),
        InputRow(4, "Le Mans", {"date": "31/02/2026"}),
        InputRow(5, "Châteauroux"),
        InputRow(6, "Lunéville", {"collectif": "Technopolice Lorraine"}),
    ]
    summary = run_batch(data, settings_for(out))
    assert (summary.done, summary.skipped, summary.failed) == (2, 0, 3)
    failures = {f.line: f for f in summary.failures}
    assert failures[3].value == "Nullepartville-sur-Rien"
    assert "aucune commune" in failures[3].reason
    assert "31/02/2026" in failures[4].reason and "inexistante" in failures[4].reason
    assert "même ville que la ligne 2" in failures[5].reason
    assert (out / "chateauroux" / "visuel-carre-chateauroux.png").is_file()
    assert (out / "luneville" / "visuel-carre-luneville.txt").is_file()
    assert not (out / "le-mans").exists()
    report = (out / "manifest.csv").read_text(encoding="utf-8-sig")
    assert report.splitlines()[0] == "ligne;ville;dossier;statut;fichiers;message"
    assert any(line.startswith("3;Nullepartville-sur-Rien;") and ";échec;" in line
               for line in report.splitlines())


def test_rerun_skips_what_is_up_to_date_and_redoes_only_changed_rows(tmp_path: Path) -> None:
    out = tmp_path / "out"
    settings = settings_for(out)
    first = run_batch(rows("Lyon", "Le Mans"), settings)
    assert first.done == 2
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.png")}
    again = run_batch(rows("Lyon", "Le Mans"), settings)
    assert (again.done, again.skipped, again.failed) == (0, 2, 0)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.png")} == before
    changed = [InputRow(2, "Lyon"), InputRow(3, "Le Mans", {"collectif": "Technopolice Sarthe"})]
    third = run_batch(changed, settings)
    assert (third.done, third.skipped) == (1, 1)
    lyon = out / "lyon" / "visuel-carre-lyon.png"
    assert lyon.stat().st_mtime_ns == before[lyon]
    forced = run_batch(changed, replace(settings, kit=replace(settings.kit, force=True)))
    assert forced.done == 2


def test_changing_a_layout_redoes_only_that_material(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = Path(__file__).parents[1] / "layouts" / "visuel-carre.toml"
    custom = tmp_path / "visuel-carre.toml"
    custom.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    settings = settings_for(out, ("affiche", "visuel"),
                            kit={"layouts": {"visuel": str(custom)}})
    run_batch(rows("Lyon"), settings)
    poster = out / "lyon" / "affiche-a3-lyon.pdf"
    visual = out / "lyon" / "visuel-carre-lyon.png"
    poster_time, visual_bytes = poster.stat().st_mtime_ns, visual.read_bytes()
    custom.write_text(custom.read_text(encoding="utf-8").replace('"#FFD400"', '"#FFE000"', 1),
                      encoding="utf-8")
    summary = run_batch(rows("Lyon"), settings)
    assert summary.done == 1
    assert poster.stat().st_mtime_ns == poster_time
    assert visual.read_bytes() != visual_bytes


def test_interrupted_run_leftovers_then_rerun_gives_the_same_files(tmp_path: Path) -> None:
    reference = tmp_path / "ref"
    run_batch(rows("Lyon", "Le Mans"), settings_for(reference))
    out = tmp_path / "out"
    # What a killed run can leave: a complete file not yet in the manifest, a .part file.
    (out / "lyon").mkdir(parents=True)
    (out / "lyon" / "visuel-carre-lyon.png").write_bytes(
        (reference / "lyon" / "visuel-carre-lyon.png").read_bytes())
    stale = out / "le-mans" / ".visuel-carre-le-mans.png.1234.part"
    stale.parent.mkdir()
    stale.write_bytes(b"half a png")
    (out / ".manifest.journal").write_text('{"dossier": "lyon", "statut"', encoding="utf-8")
    summary = run_batch(rows("Lyon", "Le Mans"), settings_for(out))
    assert summary.failed == 0
    assert not list(out.rglob("*.part"))
    assert checksums(out) == checksums(reference)


def test_existing_foreign_file_is_never_silently_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    foreign = out / "lyon" / "visuel-carre-lyon.png"
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(b"someone else's picture")
    summary = run_batch(rows("Lyon"), settings_for(out))
    assert summary.failed == 1
    assert "--force" in summary.failures[0].reason
    assert foreign.read_bytes() == b"someone else's picture"


def test_same_name_different_communes_get_distinct_folders(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = [InputRow(2, "Châtillon", {"departement": "92"}),
            InputRow(3, "Châtillon", {"departement": "69"})]
    summary = run_batch(data, settings_for(out))
    assert summary.done == 2
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders[0] == "chatillon" and folders[1].startswith("chatillon-69")


def test_parallel_run_gives_the_same_bytes_as_one_worker(tmp_path: Path) -> None:
    cities = ("Lyon", "Le Mans", "Lunéville", "Clermont-Ferrand", "Montreuil")
    run_batch(rows(*cities), settings_for(tmp_path / "one", ("affiche", "visuel")))
    run_batch(rows(*cities), settings_for(tmp_path / "two", ("affiche", "visuel"), jobs=2))
    one, two = checksums(tmp_path / "one"), checksums(tmp_path / "two")
    assert len(one) == 15
    assert one == two


def test_departement_rows_come_from_the_bundled_data() -> None:
    big = list(rows_from_departement("42", population_min=20000))
    names = {row.city for row in big}
    assert {"Saint-Étienne", "Roanne", "Saint-Chamond"} <= names
    assert all(row.code_insee.startswith("42") for row in big)


# ------------------------------------------------------------------------- CLI


def test_cli_exit_status_and_manifest_with_a_failed_row(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_path = tmp_path / "villes.csv"
    csv_path.write_bytes("Ville;Collectif;Contact\nLe Mans;;\nPas-Une-Commune-Du-Tout;;\n"
                         .encode("cp1252"))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["lot", str(csv_path), "-o", str(out), "-q", "visuel", "-j", "1"])
    assert result.exit_code == 1
    assert "ligne 3 : « Pas-Une-Commune-Du-Tout » : aucune commune" in result.stderr
    assert "1 kit fait, 0 déjà à jour, 1 échec (sur 2 lignes)" in result.stderr
    assert str(out / "manifest.json") in result.stdout.splitlines()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["villes"]["le-mans"]["statut"] == "fait"


def test_cli_requires_a_file_or_a_departement(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["lot"])
    assert result.exit_code == 2
    assert "--departement" in result.stderr


def test_zip_per_city_is_deterministic(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_path = tmp_path / "villes.csv"
    csv_path.write_text("Ville\nLyon\n", encoding="utf-8")
    archives = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = runner.invoke(cli, ["lot", str(csv_path), "-o", str(out), "-q", "visuel",
                                     "-j", "1", "--zip", "ville", "--planche"])
        assert result.exit_code == 0, result.output
        archives.append((out / "archives" / "lyon.zip").read_bytes())
        assert (out / "planche" / "planche-001.png").is_file()
    assert archives[0] == archives[1]
    with zipfile.ZipFile(tmp_path / "a" / "archives" / "lyon.zip") as archive:
        names = archive.namelist()
        expected = ["lyon/visuel-carre-lyon.png", "lyon/visuel-carre-lyon.txt"]
        assert names == sorted(names) == expected
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --------------------------------------------------------- the event in layouts


@pytest.mark.parametrize(("layout_name", "event_block", "replaced_block"), [
    ("affiche-a3", "evenement", "explication"),
    ("tract-a5", "evenement-titre", "demande"),
    ("visuel-carre", "evenement", "message"),
])
def test_event_line_replaces_a_block_only_when_given(layout_name: str, event_block: str,
                                                     replaced_block: str) -> None:
    from affiches.city.communes import resolve_city
    from affiches.city.events import event_variables
    from affiches.compose import compose
    from affiches.gabarits import load_layout
    from affiches.jobs.kit import template_variables

    layout = load_layout(layout_name)
    resolution = resolve_city("Saint-Étienne")
    plain = compose(layout, template_variables(resolution, KitOptions()))
    event = event_variables("2026-05-16", "13h", "passerelle du puits Couriot")
    with_event = compose(layout, template_variables(resolution, KitOptions(extra=event)))
    plain_blocks = {t.block for t in plain.texts()}
    event_texts = {t.block: t for t in with_event.texts()}
    assert replaced_block in plain_blocks and event_block not in plain_blocks
    assert replaced_block not in event_texts
    printed = " ".join(t.text for t in with_event.texts() if t.block == event_block)
    assert "samedi 16" in printed.replace("\u00a0", " ")


def test_kill_minus_9_half_way_then_rerun_gives_the_same_files(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from affiches.city.communes import iter_communes

    communes = list(iter_communes("42"))[:24]
    csv_path = tmp_path / "villes.csv"
    csv_path.write_bytes(("Ville;Departement\r\n" + "".join(
        f"{c.nom};{c.departement}\r\n" for c in communes)).encode("cp1252"))
    reference = tmp_path / "ref"
    out = tmp_path / "out"
    command = [sys.executable, "-m", "affiches", "lot", str(csv_path), "-q", "visuel", "--quiet"]
    subprocess.run([*command, "-o", str(reference), "-j", "1"], check=True, capture_output=True)
    process = subprocess.Popen([*command, "-o", str(out), "-j", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / ".manifest.journal"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if journal.is_file() and journal.read_text(encoding="utf-8").count("\n") >= 5:
            break
        time.sleep(0.01)
    killed = process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.3)  # the workers die with their parent
    made = checksums(reference)
    visible = checksums(out)
    assert killed and 0 < len(visible) < len(made)
    assert all(made[name] == digest for name, digest in visible.items())  # only complete files
    subprocess.run([*command, "-o", str(out), "-j", "2"], check=True, capture_output=True)
    assert checksums(out) == made
    assert not list(out.rglob("*.part"))


def test_text_that_cannot_fit_fails_only_its_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    long_name = "Collectif " + " ".join(["Technopolice"] * 14)
    data = [InputRow(2, "Lyon", {"collectif": long_name}), InputRow(3, "Le Mans")]
    summary = run_batch(data, settings_for(out, ("affiche",)))
    assert (summary.done, summary.failed) == (1, 1)
    failure = summary.failures[0]
    assert failure.line == 2 and failure.value == "Lyon"
    assert "ne tient pas" in failure.reason
    assert not (out / "lyon" / "affiche-a3-lyon.pdf").exists()
    assert (out / "le-mans" / "affiche-a3-le-mans.pdf").is_file()
