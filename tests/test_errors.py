"""Errors: structured fields instead of parsed messages, one line, their own exit code,
shown by the command line in one place (``AffichesGroup``)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from affiches.cli.main import cli
from affiches.compose import compose
from affiches.errors import AffichesError, FitError, OutputError, os_errors
from affiches.gabarits import load_layout
from affiches.jobs.options import KitOptions, template_variables


def test_a_fit_error_names_its_layout_and_block_in_fields(tmp_path: Path) -> None:
    from affiches.city.communes import resolve_city

    tiny = tmp_path / "minuscule.toml"
    tiny.write_text('herite = "visuel-carre"\nnom = "minuscule"\n\n[[blocs]]\nnom = "ville"\n'
                    "boite = [60, 180, 100, 40]\ntaille_min = 300\n", encoding="utf-8")
    variables = template_variables(resolve_city("Saint-Étienne"), KitOptions())
    with pytest.raises(FitError) as caught:
        compose(load_layout(tiny), variables)
    error = caught.value
    assert (error.layout, error.block) == ("minuscule", "ville")
    assert str(error) == f"gabarit minuscule, bloc « ville » : {error.detail}"
    assert error.detail.startswith("le texte « SAINT-ÉTIENNE » ne tient pas")


def test_a_message_is_always_one_line() -> None:
    assert str(AffichesError("a\nb")) == "a b"


def test_os_errors_turns_an_oserror_into_one_french_line(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught, os_errors(tmp_path / "x.pdf"):
        raise OSError(errno.EACCES, "Permission denied")
    assert str(caught.value) == (
        f"écriture impossible de {tmp_path / 'x.pdf'} : permission refusée ; vérifiez le dossier --sortie")
    assert caught.value.path == str(tmp_path / "x.pdf")


def test_the_group_shows_an_error_with_its_own_exit_code(runner: CliRunner,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    class Refused(AffichesError):
        exit_code = 3

    def refuse(*args: object, **kwargs: object) -> None:
        raise Refused("refusé ; essayez autre chose")

    monkeypatch.setattr("affiches.jobs.kit.make_city_materials", refuse)
    result = runner.invoke(cli, ["visuel", "Lyon"])
    assert result.exit_code == 3
    assert result.stderr == "Erreur : refusé ; essayez autre chose\n"


def test_an_error_inside_a_sub_group_is_shown_the_same_way(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["gabarits", "nouveau", "Pas Valide", "--dossier", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : nom de gabarit « Pas Valide » invalide")
    assert result.stderr.count("\n") == 1
