"""The one production pipeline (affiches.jobs.pipeline): names decided once, the same
bytes from ``kit``, from ``lot`` and in memory, the resolved ``City`` value."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from affiches.city.communes import resolve_city
from affiches.city.model import City
from affiches.cli.main import cli
from affiches.jobs import pipeline
from affiches.jobs.options import KIT, KitOptions, build_print_options, template_variables
from affiches.printing.modes import PrintOptions


def files_below(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".pdf", ".png", ".txt")
    }


def test_a_batch_row_and_the_kit_command_write_the_same_bytes(tmp_path: Path, runner: CliRunner) -> None:
    single = runner.invoke(cli, ["kit", "Saint-Étienne", "-o", str(tmp_path / "un"),
                                 "--collectif", "Technopolice Loire", "--date", "2026-05-16",
                                 "--heure", "13h", "--lieu", "place Jean-Jaurès"])
    assert single.exit_code == 0, single.output
    csv = tmp_path / "villes.csv"
    csv.write_text("ville;collectif;date;heure;lieu\n"
                   "Saint-Étienne;Technopolice Loire;16/05/2026;13 h;place Jean-Jaurès\n",
                   encoding="utf-8")
    batch = runner.invoke(cli, ["lot", str(csv), "-o", str(tmp_path / "lot"), "-j", "1", "-s"])
    assert batch.exit_code == 0, batch.output
    one, many = files_below(tmp_path / "un"), files_below(tmp_path / "lot")
    assert sorted(one) == [
        "saint-etienne/affiche-a3-saint-etienne.pdf",
        "saint-etienne/tract-a5-saint-etienne.pdf",
        "saint-etienne/visuel-carre-saint-etienne.png",
        "saint-etienne/visuel-carre-saint-etienne.txt",
    ]
    assert one == many


def test_render_city_gives_the_written_bytes_in_memory(tmp_path: Path) -> None:
    options = KitOptions(output_dir=tmp_path / "sortie")
    city, outputs = pipeline.render_city("saint etienne", KIT, options)
    assert city.name == "Saint-Étienne"
    assert not (tmp_path / "sortie").exists()  # nothing written
    written = pipeline.write(outputs, options.output_dir)
    assert [w.status for w in written] == ["écrit"] * 4
    assert {o.name: o.data for o in outputs} == files_below(tmp_path / "sortie")
    again = pipeline.write(outputs, options.output_dir)
    assert [w.status for w in again] == ["existant"] * 4


def test_output_names_are_decided_in_plan_with_print_variants() -> None:
    options = KitOptions()
    layouts = pipeline.load_layouts(KIT, options)
    names = [p.name for p in pipeline.plan("le-mans", KIT, layouts, PrintOptions())]
    assert names == ["le-mans/affiche-a3-le-mans.pdf", "le-mans/tract-a5-le-mans.pdf",
                     "le-mans/visuel-carre-le-mans.png"]
    alt = [p.alt_text_name for p in pipeline.plan("le-mans", KIT, layouts, PrintOptions())]
    assert alt == [None, None, "le-mans/visuel-carre-le-mans.txt"]
    shop = build_print_options(imprimeur=True)
    pdfs = ("affiche", "tract")
    assert [p.name for p in pipeline.plan("le-mans", pdfs, layouts, shop)] == [
        "le-mans/affiche-a3-le-mans-imprimeur.pdf", "le-mans/tract-a5-le-mans-imprimeur.pdf"]
    office = build_print_options(tuiles=True, imposer=True)
    assert [(p.name, p.mode) for p in pipeline.plan("x", pdfs, layouts, office)] == [
        ("x/affiche-a3-x-a4-tuiles.pdf", "tuiles"), ("x/tract-a5-x-a4-imposition.pdf", "imposer")]


def test_city_is_resolved_once_with_every_form() -> None:
    city = resolve_city("le mans")
    assert isinstance(city, City)
    assert (city.name, city.ville, city.a_ville, city.de_ville) == ("Le Mans", "Le Mans", "au Mans", "du Mans")
    assert (city.slug, city.folder, city.departement, city.code_insee) == ("le-mans", "le-mans", "72", "72181")
    assert len(city.mairie_lignes) >= 2  # the address keeps its lines
    assert template_variables(city, KitOptions())["mairie_adresse"] == ", ".join(city.mairie_lignes)
    unknown = resolve_city("Quartier des Lilas")
    assert unknown.commune is None and unknown.code_insee == "" and unknown.mairie_lignes == ()
    assert unknown.de_ville == "de Quartier des Lilas"


def test_every_caller_gets_city_variables_from_the_same_function() -> None:
    from affiches.designer.fitreport import commune_variables
    from affiches.designer.previews import sample_variables

    city = resolve_city("Saint-Étienne")
    kit = template_variables(city, KitOptions())
    assert commune_variables(city.commune) == city.variables()  # type: ignore[arg-type]
    assert city.variables().items() <= kit.items()
    preview = sample_variables("Saint-Étienne", with_extras=False)
    assert preview == kit


def test_the_other_names_of_a_city_are_decided_next_to_its_files() -> None:
    city = resolve_city("Châtillon (92)")
    assert pipeline.preview_name("affiche-a3", city) == "apercus/affiche-a3-chatillon.png"
    assert pipeline.sheet_name(city) == "apercus/planche-chatillon.png"
    assert pipeline.homonym_folder(city.slug, city.code_insee) == "chatillon-92020"
