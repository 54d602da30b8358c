"""Hostile CSV input for ``affiches lot`` (issue 9): strict parsing, encodings, limits,
files that are not files, terminal escapes. Every fixture is made at test time."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from affiches.cli.main import cli
from affiches.jobs.csvinput import CsvError, detect_encoding, read_city_table
from affiches.limits import MAX_COLUMNS, available_cpus


def lot(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["lot", *args, "-q", "visuel", "-o", "sortie", "-s"])


def assert_error(result, line: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Erreur : {line}\n"
    assert result.stdout == ""
    assert not Path("sortie").exists() or not any(Path("sortie").rglob("*"))


# ------------------------------------------------------------- strict parsing


def test_unclosed_quote_is_an_error_naming_its_line(in_tmp: Path, runner: CliRunner) -> None:
    Path("v.csv").write_text('Ville;Collectif\nLyon;"Techno\nParis;x\nNice;y\n', encoding="utf-8")
    assert_error(lot(runner, "v.csv"), "v.csv : ligne 2 : guillemet ouvert jamais refermé (il avale "
                 "les lignes suivantes) ; refermez-le ou retirez-le")


def test_text_after_a_closing_quote_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text('Ville;Collectif\nLyon;x\nNice;"Techno"police\n', encoding="utf-8")
    with pytest.raises(CsvError, match="ligne 3 : guillemet mal placé"):
        read_city_table(path)


def test_a_quoted_cell_over_several_lines_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text('Ville;Collectif\nLyon;"Techno\npolice"\nNice;y\n', encoding="utf-8")
    table = read_city_table(path)
    assert [(r.line, r.city, r.values["collectif"]) for r in table.rows] == [
        (2, "Lyon", "Techno police"), (4, "Nice", "y")]


def test_cell_over_128_kib_is_an_error(in_tmp: Path, runner: CliRunner) -> None:
    Path("v.csv").write_text("Ville;x\nLyon;ok\nNice;" + "a" * (128 * 1024 + 1) + "\n", encoding="utf-8")
    assert_error(lot(runner, "v.csv"), "v.csv : ligne 3 : cellule trop longue (plus de 128 Kio) ; "
                 "raccourcissez-la, ou vérifiez qu’un guillemet n’est pas resté ouvert")


def test_100000_columns_are_refused(in_tmp: Path, runner: CliRunner) -> None:
    Path("v.csv").write_text(";".join(f"c{i}" for i in range(100_000)) + "\nLyon\n", encoding="utf-8")
    assert_error(lot(runner, "v.csv"), f"v.csv : ligne 1 : 100000 colonnes, {MAX_COLUMNS} au plus ; "
                 "vérifiez le séparateur ou retirez des colonnes")


def test_a_wide_data_row_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Ville\nLyon\n" + "x;" * MAX_COLUMNS + "\n", encoding="utf-8")
    with pytest.raises(CsvError, match=f"ligne 3 : {MAX_COLUMNS + 1} colonnes"):
        read_city_table(path)


def test_many_headers_with_the_city_last_are_mapped_once_each(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    headers = [f"Colonne {i}" for i in range(MAX_COLUMNS - 1)] + ["Ville"]
    path.write_text(";".join(headers) + "\n" + ";" * (MAX_COLUMNS - 1) + "Lyon\n", encoding="utf-8")
    table = read_city_table(path)
    assert len(table.columns) == MAX_COLUMNS
    assert table.rows[0].city == "Lyon"


# ---------------------------------------------------------------- encodings


def test_excel_unicode_text_utf16le_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Ville\tCollectif\r\nSaint-Étienne\tGénérale\r\n"
                     "Châteauroux\t\r\n".encode("utf-16-le"))
    table = read_city_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert [(r.line, r.city) for r in table.rows] == [(2, "Saint-Étienne"), (3, "Châteauroux")]
    assert table.rows[0].values["collectif"] == "Générale"


def test_utf16_without_bom_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes("Ville;Collectif\nSaint-Étienne;x\n".encode("utf-16-be"))
    assert read_city_table(path).rows[0].city == "Saint-Étienne"


def test_mixed_utf8_and_windows_1252_is_an_error(in_tmp: Path, runner: CliRunner) -> None:
    Path("v.csv").write_bytes("Ville;Collectif\nSaint-Étienne;x\n".encode()
                              + "Châteauroux;Générale\n".encode("cp1252"))
    assert_error(lot(runner, "v.csv"), "v.csv : encodages mélangés, UTF-8 (ligne 2) et Windows-1252 "
                 "(ligne 3) ; réenregistrez le fichier en UTF-8 depuis le tableur, ou imposez un "
                 "encodage avec --encodage")


def test_mixed_file_can_be_forced_and_then_fails_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes("Ville;Collectif\nSaint-Étienne;x\n".encode() + "Lyon;Générale\n".encode("cp1252"))
    rows = list(read_city_table(path, encoding="utf-8").rows)
    assert [(r.city, r.unreadable) for r in rows] == [("Saint-Étienne", ""), ("Lyon", "Collectif")]


def test_bytes_that_windows_1252_leaves_undefined_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(b"Ville\nLyon\nSa\x81nt\n")
    with pytest.raises(CsvError, match=r"ligne 3 : octet 0x81 illisible en Windows-1252"):
        read_city_table(path)


def test_nul_bytes_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(b"Ville\nLyon\x00\nNice\n")
    with pytest.raises(CsvError, match="ligne 2 : octet nul, ce n’est pas un fichier texte"):
        read_city_table(path)


@pytest.mark.parametrize("name", ["rot13", "rot_13", "base64", "zlib", "idna", "klingon", "x" * 200])
def test_encodings_that_are_not_character_sets_are_refused(in_tmp: Path, runner: CliRunner,
                                                            name: str) -> None:
    Path("v.csv").write_text("Ville\nLyon\n", encoding="utf-8")
    shown = name[:40]
    assert_error(lot(runner, "v.csv", "--encodage", name),
                 f"--encodage : « {shown} » n’est pas un encodage de texte connu ; "
                 "essayez utf-8, cp1252 (Excel), utf-16 ou latin-1")


FRENCH_LETTERS = "éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇœŒæÆ«»’€"
ascii_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz -", min_size=1, max_size=8)


@given(st.lists(st.tuples(ascii_word, st.sampled_from(FRENCH_LETTERS)), min_size=1, max_size=12))
def test_windows_1252_french_text_is_detected_and_decoded_exactly(parts: list[tuple[str, str]]) -> None:
    # French text: accented letters between plain ones, as names and sentences have them.
    text = "".join(word + letter for word, letter in parts)
    assert detect_encoding(text.encode("cp1252")) == "cp1252"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=60))
def test_any_utf8_text_is_detected_as_utf8(text: str) -> None:
    data = text.encode("utf-8")
    codec = detect_encoding(data)
    assert codec == ("utf-8-sig" if text.startswith("\ufeff") else "utf-8")
    assert data.decode(codec) == text.removeprefix("\ufeff")


# ------------------------------------------------ files that are not regular files


def test_fifo_is_refused_without_blocking(in_tmp: Path, runner: CliRunner) -> None:
    os.mkfifo("v.csv")
    assert_error(lot(runner, "v.csv"), "v.csv : ce n’est pas un fichier ordinaire (tube, "
                 "périphérique…) ; donnez un fichier CSV")


def test_dev_zero_is_refused(in_tmp: Path, runner: CliRunner) -> None:
    assert_error(lot(runner, "/dev/zero"), "/dev/zero : ce n’est pas un fichier ordinaire (tube, "
                 "périphérique…) ; donnez un fichier CSV")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="c’est un dossier ; donnez un fichier CSV"):
        read_city_table(tmp_path)


def test_too_big_a_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import affiches.jobs.csvinput as csvinput

    monkeypatch.setattr(csvinput, "MAX_CSV_BYTES", 1024)
    path = tmp_path / "v.csv"
    path.write_text("Ville\n" + "Lyon\n" * 300, encoding="utf-8")
    with pytest.raises(CsvError, match=r"fichier trop gros \(2 Ko, 1 Ko au plus\) ; découpez-le ou allégez-le"):
        read_city_table(path)


# ----------------------------------------------------------------- options, output


@pytest.mark.parametrize("jobs", ["1000", "99999999999999999999"])
def test_too_many_workers_is_a_one_line_error(in_tmp: Path, runner: CliRunner, jobs: str) -> None:
    Path("v.csv").write_text("Ville\nLyon\n", encoding="utf-8")
    cpus = available_cpus()
    shown = jobs if len(jobs) <= 12 else jobs[:12] + "…"
    assert_error(lot(runner, "v.csv", "-j", jobs),
                 f"-j {shown} : entre 1 et {cpus * 2} processus sur cette machine ({cpus} "
                 f"processeur{'s' if cpus > 1 else ''} × 2) ; omettez -j pour utiliser tous les processeurs")


@pytest.mark.parametrize(("value", "message"), [
    ("1e23", "'1e23' n’est pas un entier valide."),
    ("100000000000000000000000",
     "100000000000000000000000 n’est pas dans l’intervalle 0<=x<=100000000."),
])
def test_population_min_out_of_range(in_tmp: Path, runner: CliRunner, value: str, message: str) -> None:
    result = runner.invoke(cli, ["lot", "--departement", "42", "--population-min", value, "-o", "sortie"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Erreur : Valeur invalide pour '--population-min' : {message}"
    assert "Traceback" not in result.output


def test_terminal_escapes_from_cells_are_never_echoed_raw(in_tmp: Path, runner: CliRunner) -> None:
    Path("v.csv").write_text("Ville\n\x1b[2J\x1b]0;titre\x07Lyon\u202e\n", encoding="utf-8")
    result = lot(runner, "v.csv")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "ligne 2 : « \\x1b[2J\\x1b]0" in result.stderr


def test_rows_are_made_lazily_and_counted_first(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Ville\n" + "".join(f"Ville {i}\n" for i in range(5000)), encoding="utf-8")
    table = read_city_table(path)
    assert len(table.rows) == 5000
    assert not isinstance(table.rows, list)
    first = next(iter(table.rows))
    assert (first.line, first.city) == (2, "Ville 0")
    assert sum(1 for _ in table.rows) == 5000  # re-iterable
