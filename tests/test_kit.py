"""The kit library (affiches.jobs.kit): variables, planning before writing, atomic files,
and where the package and its data come from (installed or source checkout)."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

import affiches
from affiches.city.communes import iter_communes, resolve_city
from affiches.errors import FitError
from affiches.gabarits import TEMPLATE_VARIABLES, load_layout
from affiches.jobs.kit import (
    DEFAULT_URL,
    HASHTAG,
    KitOptions,
    OptionError,
    atomic_write,
    check_url,
    make_kit,
    plan_kit,
    short_url,
    template_variables,
)
from affiches.resources import assets_dir, builtin_layouts_dir


def test_template_variables_cover_what_layouts_may_use() -> None:
    values = template_variables(resolve_city("Le Mans"), KitOptions(collectif="Technopolice 72"))
    assert set(TEMPLATE_VARIABLES) <= set(values)
    assert values["ville"] == "Le Mans"
    assert values["ville_maj"] == "LE MANS"
    assert values["a_ville"] == "au Mans"
    assert values["de_ville"] == "du Mans"
    assert values["url"] == DEFAULT_URL
    assert values["url_courte"] == "laquadrature.net/pasdevsadansmaville"
    assert values["hashtag"] == HASHTAG == "#pasdeVSAdansmaville"
    assert values["signature"] == "Technopolice 72"
    assert values["departement"] == "72"


@pytest.mark.parametrize(
    ("url", "short"),
    [
        ("https://www.exemple.org/", "exemple.org"),
        ("https://exemple.org/a/b/?x=1", "exemple.org/a/b?x=1"),
        ("http://technopolice.fr/grenoble", "technopolice.fr/grenoble"),
    ],
)
def test_short_url(url: str, short: str) -> None:
    assert check_url(url) == url
    assert short_url(url) == short


@pytest.mark.parametrize(
    "url", ["", "exemple.org", "ftp://exemple.org", "https://", "https://a b.fr"]
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(OptionError, match="n’est pas une adresse web"):
        check_url(url)


def test_plan_composes_everything_before_writing(tmp_path: Path) -> None:
    options = KitOptions(output_dir=tmp_path / "sortie")
    planned = plan_kit(resolve_city("Saint-Étienne"), ["affiche", "tract", "visuel"], options)
    assert [p.material for p in planned] == ["affiche", "tract", "visuel"]
    assert [p.path.name for p in planned] == [
        "affiche-a3-saint-etienne.pdf",
        "tract-a5-saint-etienne.pdf",
        "visuel-carre-saint-etienne.png",
    ]
    assert planned[2].alt_text_path is not None
    assert not (tmp_path / "sortie").exists()  # planning writes nothing


def test_a_failing_material_stops_the_whole_kit(tmp_path: Path) -> None:
    tiny = tmp_path / "minuscule.toml"
    tiny.write_text(
        'herite = "visuel-carre"\nnom = "minuscule"\n\n[[blocs]]\nnom = "ville"\n'
        "boite = [60, 180, 100, 40]\ntaille_min = 300\n",
        encoding="utf-8",
    )
    options = KitOptions(output_dir=tmp_path / "sortie", layouts={"visuel": str(tiny)})
    with pytest.raises(FitError):
        make_kit(resolve_city("Saint-Étienne"), ["affiche", "tract", "visuel"], options)
    assert not (tmp_path / "sortie").exists()


def test_atomic_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "dossier" / "fichier.pdf"

    def broken(stream) -> None:  # type: ignore[no-untyped-def]
        stream.write(b"%PDF-1.4 partial")
        raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert list(target.parent.iterdir()) == []
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["fichier.pdf"]
    atomic_write(target, lambda stream: stream.write(b"new"))
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["fichier.pdf"]


def test_longest_commune_in_every_builtin_layout(tmp_path: Path) -> None:
    longest = max(iter_communes(), key=lambda c: len(c.nom))
    assert longest.nom == "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"
    options = KitOptions(output_dir=tmp_path, collectif="Technopolice Saint-Remy-en-Bouzemont",
                         contact="contact@exemple.org")
    planned = plan_kit(resolve_city(longest.nom), ["affiche", "tract", "visuel"], options)
    for item in planned:
        assert item.path.parent.name == "saint-remy-en-bouzemont-saint-genest-et-isson"
        names = "".join(t.text for t in item.scene.texts() if t.block == "ville")
        assert names == longest.nom.upper()


# ------------------------------------------------------------------- packaging


def test_data_is_found(in_tmp: Path) -> None:
    # In an empty working directory (a ./layouts folder there would win, by design).
    assert (assets_dir() / "fonts" / "Manrope-Bold.ttf").is_file()
    assert (assets_dir() / "data" / "communes.sqlite").is_file()
    assert {"affiche-a3.toml", "tract-a5.toml", "visuel-carre.toml"} <= {
        p.name for p in builtin_layouts_dir().glob("*.toml")}
    assert load_layout("affiche-a3").source == (builtin_layouts_dir() / "affiche-a3.toml").resolve()


@pytest.mark.skipif(os.environ.get("AFFICHES_EXPECT_INSTALLED") != "1",
                    reason="only in .ci/run, which tests a non-editable install")
def test_tests_use_the_installed_package() -> None:
    """.ci/run installs the package with pip (not editable): tests must exercise that
    copy, with its package data, not the source tree."""
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    package = Path(affiches.__file__).resolve().parent
    assert package.parent == site, f"affiches imported from {package}, not {site}"
    assert assets_dir().resolve().is_relative_to(package)
    assert builtin_layouts_dir().resolve().is_relative_to(package)
