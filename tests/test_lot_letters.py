"""``lot --quoi lettre,cada``: letters for a list of cities, sender columns, manifest."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

from click.testing import CliRunner

from affiches.cli.main import cli

CSV = (
    "ville;expediteur;adresse;contact;maire\n"
    "Le Mans;Camille Martin;12 rue Neuve, 72000 Le Mans;camille@exemple.org;M. Jean Dupont\n"
    "Bron;Alex Roux;3 place Weingarten, 69500 Bron;alex@exemple.org;\n"
)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_lot_makes_letters_with_sender_columns(runner: CliRunner, tmp_path: Path) -> None:
    table = tmp_path / "villes.csv"
    table.write_text(CSV, encoding="utf-8")
    out = tmp_path / "out"
    args = ["lot", str(table), "--quoi", "lettre,cada", "-o", str(out), "--date-lettre", "2026-11-23",
            "-j", "1", "-s"]
    code, _, stderr = run(runner, *args)
    assert code == 0, stderr
    names = sorted(p.name for p in (out / "le-mans").iterdir())
    assert names == sorted(
        [f"lettre-maire-le-mans.{x}" for x in ("pdf", "odt", "eml", "txt")]
        + [f"demande-cada-le-mans.{x}" for x in ("pdf", "odt", "eml", "txt")]
        + ["courriel-technopolice-le-mans.eml"]
    )
    txt = (out / "le-mans" / "lettre-maire-le-mans.txt").read_text(encoding="utf-8")
    assert txt.startswith("Camille Martin\n12 rue Neuve\n72000 Le Mans\ncamille@exemple.org\n\nM. Jean Dupont\n"
                          "Maire du Mans\n")
    assert "\n\nMonsieur le Maire,\n\n" in txt
    bron = (out / "bron" / "lettre-maire-bron.txt").read_text(encoding="utf-8")
    assert "\n\nMadame la Maire, Monsieur le Maire,\n\n" in bron
    mail = email.message_from_bytes((out / "bron" / "demande-cada-bron.eml").read_bytes(), policy=policy.default)
    assert mail["To"] == "accueil-mairie@ville-bron.fr" and mail["From"] == "alex@exemple.org"

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(manifest, ensure_ascii=False)
    for name in ("le-mans/lettre-maire-le-mans.pdf", "le-mans/demande-cada-le-mans.odt",
                 "bron/courriel-technopolice-bron.eml"):
        assert name in text

    # A second run does nothing; a changed sender re-makes that city's letters only.
    code, _, stderr = run(runner, *args[:-1])
    assert code == 0 and "2 déjà à jour" in stderr, stderr
    table.write_text(CSV.replace("Alex Roux", "Alex Rousseau"), encoding="utf-8")
    before = (out / "le-mans" / "lettre-maire-le-mans.pdf").stat().st_mtime_ns
    code, _, stderr = run(runner, *args[:-1])
    assert code == 0 and "1 déjà à jour" in stderr, stderr
    assert "Alex Rousseau" in (out / "bron" / "lettre-maire-bron.txt").read_text(encoding="utf-8")
    assert (out / "le-mans" / "lettre-maire-le-mans.pdf").stat().st_mtime_ns == before


def test_lot_cada_row_without_contact_fails_alone(runner: CliRunner, tmp_path: Path) -> None:
    table = tmp_path / "villes.csv"
    table.write_text("ville;collectif;contact\nLe Mans;Technopolice 72;a@b.fr\nBron;Collectif;\n",
                     encoding="utf-8")
    code, _, stderr = run(runner, "lot", str(table), "--quoi", "cada", "-o", str(tmp_path / "out"),
                          "--date-lettre", "2026-11-23", "-j", "1", "-s")
    assert code == 1
    assert "ligne 3 : « Bron » : --contact : donnez l’adresse électronique où recevoir les documents" in stderr
    assert (tmp_path / "out" / "le-mans" / "demande-cada-le-mans.pdf").exists()
    assert not (tmp_path / "out" / "bron").exists() or not any((tmp_path / "out" / "bron").iterdir())


def test_lot_letter_to_complete_is_noted_in_the_manifest(runner: CliRunner, tmp_path: Path) -> None:
    table = tmp_path / "villes.csv"
    table.write_text("ville;expediteur;adresse mairie\nParis;Camille;\nLe Mans;Alex;\n", encoding="utf-8")
    code, _, stderr = run(runner, "lot", str(table), "--quoi", "lettre", "-o", str(tmp_path / "out"),
                          "--date-lettre", "2026-11-23", "-j", "1", "-s")
    assert code == 0, stderr
    report = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    paris = next(line for line in report.splitlines() if line.startswith("2;Paris;"))
    assert "lettre-maire-paris : à compléter avant l’envoi : l’adresse postale de la mairie" in paris
    mans = next(line for line in report.splitlines() if line.startswith("3;Le Mans;"))
    assert mans.endswith(";")  # nothing to complete


def test_lot_and_the_commands_give_the_same_bytes(runner: CliRunner, tmp_path: Path) -> None:
    """Also: an ODT does not depend on the documents made before it in the process."""
    table = tmp_path / "villes.csv"
    table.write_text("ville;expediteur;adresse;contact\nLe Mans;Camille;1 rue X, 72000 Le Mans;c@x.fr\n",
                     encoding="utf-8")
    code, _, stderr = run(runner, "lot", str(table), "--quoi", "lettre,cada", "-o", str(tmp_path / "lot"),
                          "--date-lettre", "2026-11-23", "-j", "1", "-s")
    assert code == 0, stderr
    for kind in ("cada", "lettre"):  # the other order than the batch's
        code, _, stderr = run(runner, kind, "Le Mans", "-o", str(tmp_path / "one"), "--expediteur", "Camille",
                              "--adresse", "1 rue X, 72000 Le Mans", "--contact", "c@x.fr",
                              "--date-lettre", "2026-11-23")
        assert code == 0, stderr
    single = sorted((tmp_path / "one" / "le-mans").iterdir())
    assert len(single) == 9
    for path in single:
        assert path.read_bytes() == (tmp_path / "lot" / "le-mans" / path.name).read_bytes(), path.name
