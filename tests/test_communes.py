"""Tests of affiches.city.communes: lookup, homonyms, errors, French forms, slugs, data."""

from __future__ import annotations

import sqlite3
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affiches.city import communes
from affiches.city.communes import (
    CityResolution,
    Commune,
    city_forms,
    data_path,
    get_commune_by_code,
    iter_communes,
    normalize_key,
    resolve_city,
    slugify,
    validate_city_input,
)
from affiches.errors import AffichesError, CityNameError
from affiches.resources import assets_dir, builtin_layouts_dir

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ campaign list

CAMPAIGN = [
    ("Montreuil", "Montreuil", "93048"),
    ("Chatillon", "Châtillon", "92020"),
    ("Chatenay-Malabry", "Châtenay-Malabry", "92019"),
    ("Chateauroux", "Châteauroux", "36044"),
    ("Saint-Martin d'Hères", "Saint-Martin-d’Hères", "38421"),
    ("Tassin la Demi-Lune", "Tassin-la-Demi-Lune", "69244"),
    ("Luneville", "Lunéville", "54329"),
    ("Clermont-Ferrand", "Clermont-Ferrand", "63113"),
]


@pytest.mark.parametrize(("typed", "printed", "code"), CAMPAIGN)
def test_campaign_cities_resolve(typed: str, printed: str, code: str) -> None:
    resolution = resolve_city(typed)
    assert resolution.name == printed
    assert resolution.commune is not None
    assert resolution.commune.code_insee == code


def test_spelling_note() -> None:
    assert resolve_city("Chateauroux").notes == (
        "Orthographe officielle utilisée : « Châteauroux » (36).",
    )
    assert resolve_city("Saint-Martin d'Hères").notes == (
        "Orthographe officielle utilisée : « Saint-Martin-d’Hères » (38).",
    )


def test_exact_spelling_has_no_note() -> None:
    assert resolve_city("Clermont-Ferrand").notes == ()
    # The straight apostrophe of the data is printed as ’ without a note.
    resolution = resolve_city("L'Haÿ-les-Roses")
    assert resolution.name == "L’Haÿ-les-Roses"
    assert resolution.notes == ()


def test_case_hyphen_and_apostrophe_forms_are_ignored() -> None:
    for typed in ("tassin la demi-lune", "TASSIN-LA-DEMI-LUNE", "Tassin  la  Demi Lune"):
        assert resolve_city(typed).name == "Tassin-la-Demi-Lune"
    for typed in ("saint martin d’heres", "Saint-Martin-dʼHères", "saint_martin_d`heres"):
        assert resolve_city(typed).commune.code_insee == "38421"


def test_saint_abbreviation() -> None:
    assert resolve_city("St-Etienne").name == "Saint-Étienne"
    assert resolve_city("Ste Foy les Lyon").name == "Sainte-Foy-lès-Lyon"


# ---------------------------------------------------------------------- homonyms


def test_homonyms_most_populous_with_note() -> None:
    resolution = resolve_city("Chatillon")
    assert resolution.commune.departement == "92"
    assert resolution.notes == (
        "Plusieurs communes s’appellent « Châtillon » : Châtillon (92, 37 355 hab.) "
        "retenue, la plus peuplée ; précisez --departement parmi 03, 39, 69, 92.",
    )
    montreuil = resolve_city("Montreuil")
    assert "précisez --departement parmi 28, 85, 93." in montreuil.notes[0]


@pytest.mark.parametrize(
    ("typed", "departement", "code"),
    [
        ("Châtillon", "69", "69050"),
        ("Châtillon", "3", "03069"),
        ("Châtillon", "03", "03069"),
        ("Châtillon (39)", None, "39122"),
        ("Châtillon (39)", "39", "39122"),
        ("Ajaccio", "2a", "2A004"),
        ("Les Abymes", "971", "97101"),
        ("Montreuil", "85", "85148"),
    ],
)
def test_departement_chooses(typed: str, departement: str | None, code: str) -> None:
    resolution = resolve_city(typed, departement)
    assert resolution.commune.code_insee == code
    assert resolution.notes == ()


def test_departement_without_such_commune() -> None:
    with pytest.raises(CityNameError) as info:
        resolve_city("Châtillon", "75")
    assert str(info.value) == (
        "Aucune commune « Châtillon » dans le département 75 : elle existe dans "
        "03, 39, 69, 92 ; corrigez le département."
    )


def test_departement_invalid_or_conflicting() -> None:
    with pytest.raises(CityNameError) as info:
        resolve_city("Châtillon", "Hauts-de-Seine")
    assert str(info.value) == (
        "Le département « Hauts-de-Seine » n’est pas un code valide : indiquez un code "
        "comme 01, 92, 2A ou 971."
    )
    with pytest.raises(CityNameError) as info:
        resolve_city("Châtillon (92)", "69")
    assert str(info.value) == (
        "Deux départements différents sont indiqués pour « Châtillon » (92 dans le nom, "
        "69 en option) : gardez-en un seul."
    )


# --------------------------------------------------------------- special cases


def test_not_a_commune_is_kept_with_warning() -> None:
    resolution = resolve_city("  Croix-Rousse ")
    assert resolution == CityResolution(
        name="Croix-Rousse",
        commune=None,
        notes=("« Croix-Rousse » n’est pas une commune de France : le nom est utilisé tel quel.",),
    )


@pytest.mark.parametrize("typed", ["le mans", "LE MANS", "Mans (Le)", "Mans, Le", "Mans"])
def test_detached_or_lower_case_article(typed: str) -> None:
    resolution = resolve_city(typed)
    assert resolution.name == "Le Mans"
    assert resolution.commune.code_insee == "72181"


@pytest.mark.parametrize(
    ("typed", "code"), [("Paris", "75056"), ("Lyon", "69123"), ("marseille", "13055")]
)
def test_big_cities_resolve_to_the_commune_not_an_arrondissement(typed: str, code: str) -> None:
    resolution = resolve_city(typed)
    assert resolution.commune.code_insee == code
    assert not resolution.commune.is_arrondissement
    expected = (
        () if typed[0].isupper() else ("Orthographe officielle utilisée : « Marseille » (13).",)
    )
    assert resolution.notes == expected


def test_oeuilly_in_data() -> None:
    resolution = resolve_city("Oeuilly", "02")
    assert resolution.name == "Œuilly"
    assert resolution.commune.code_insee == "02565"
    assert resolution.commune.tncc == 1


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Le nom de ville est vide : indiquez une commune, par exemple « Saint-Étienne »."),
        (" \t ", "Le nom de ville est vide : indiquez une commune, par exemple « Saint-Étienne »."),
        (
            "Lyon\x07",
            "Le nom de ville contient un caractère de contrôle (U+0007) : retirez-le et "
            "tapez le nom sur une seule ligne.",
        ),
        (
            "Saint-\nÉtienne",
            "Le nom de ville contient un caractère de contrôle (U+000A) : retirez-le et "
            "tapez le nom sur une seule ligne.",
        ),
        (
            "Ly\u200bon",
            "Le nom de ville contient un caractère invisible ou non imprimable (U+200B) : "
            "retirez-le et tapez le nom sur une seule ligne.",
        ),
        (
            "A" * 81,
            "Le nom de ville est trop long (81 caractères, 80 au maximum) : raccourcissez-le.",
        ),
        (
            "1234 !",
            "Le nom de ville « 1234 ! » ne contient aucune lettre : indiquez le nom d’une "
            "commune, par exemple « Saint-Étienne ».",
        ),
    ],
)
def test_validation_errors(typed: str, message: str) -> None:
    with pytest.raises(CityNameError) as info:
        validate_city_input(typed)
    assert str(info.value) == message
    assert "\n" not in str(info.value)
    with pytest.raises(CityNameError):
        resolve_city(typed)


def test_validation_normalizes() -> None:
    decomposed = "Saint-E\u0301tienne"
    assert validate_city_input(f"  {decomposed}  ") == "Saint-Étienne"
    assert validate_city_input("Tassin   la Demi-Lune") == "Tassin la Demi-Lune"
    assert validate_city_input("A" * 80) == "A" * 80


def test_errors_are_affiches_errors() -> None:
    assert issubclass(CityNameError, AffichesError)
    assert issubclass(communes.CommunesDataError, AffichesError)


# ----------------------------------------------------------------------- forms


def _forms(typed: str) -> dict[str, str]:
    resolution = resolve_city(typed)
    return city_forms(resolution.name, resolution.commune)


@pytest.mark.parametrize(
    ("typed", "ville", "a_ville", "de_ville"),
    [
        ("Le Mans", "Le Mans", "au Mans", "du Mans"),
        ("Les Lilas", "Les Lilas", "aux Lilas", "des Lilas"),
        ("La Rochelle", "La Rochelle", "à La Rochelle", "de La Rochelle"),
        ("L'Haÿ-les-Roses", "L’Haÿ-les-Roses", "à L’Haÿ-les-Roses", "de L’Haÿ-les-Roses"),
        ("L'Île-d'Yeu", "L’Île-d’Yeu", "à L’Île-d’Yeu", "de L’Île-d’Yeu"),
        ("Arles", "Arles", "à Arles", "d’Arles"),
        (
            "Evry-Courcouronnes",
            "Évry-Courcouronnes",
            "à Évry-Courcouronnes",
            "d’Évry-Courcouronnes",
        ),
        ("Saint-Étienne", "Saint-Étienne", "à Saint-Étienne", "de Saint-Étienne"),
        ("Aux Marais", "Aux Marais", "aux Marais", "des Marais"),
        ("Los Masos", "Los Masos", "à Los Masos", "de Los Masos"),
        ("Œuilly", "Œuilly", "à Œuilly", "d’Œuilly"),
    ],
)
def test_city_forms(typed: str, ville: str, a_ville: str, de_ville: str) -> None:
    forms = _forms(typed)
    assert (forms["ville"], forms["a_ville"], forms["de_ville"]) == (ville, a_ville, de_ville)


def test_upper_case_forms_keep_accents_and_ligatures() -> None:
    assert _forms("Saint-Étienne")["ville_maj"] == "SAINT-ÉTIENNE"
    assert _forms("Saint-Étienne")["a_ville_maj"] == "À SAINT-ÉTIENNE"
    assert _forms("L'Haÿ-les-Roses")["ville_maj"] == "L’HAŸ-LES-ROSES"
    assert _forms("Œuilly")["de_ville_maj"] == "D’ŒUILLY"
    assert _forms("Le Mans")["a_ville_maj"] == "AU MANS"


def test_ville_officiel_keeps_data_spelling() -> None:
    forms = _forms("l'hay les roses")
    assert forms["ville"] == "L’Haÿ-les-Roses"
    assert forms["ville_officiel"] == "L'Haÿ-les-Roses"


@pytest.mark.parametrize(
    ("name", "a_ville", "de_ville"),
    [
        ("Croix-Rousse", "à Croix-Rousse", "de Croix-Rousse"),
        ("Les Minguettes", "aux Minguettes", "des Minguettes"),
        ("Le Mirail", "au Mirail", "du Mirail"),
        ("La Duchère", "à La Duchère", "de La Duchère"),
        ("L'Arbresle-Nord", "à L’Arbresle-Nord", "de L’Arbresle-Nord"),
        ("Oberkampf", "à Oberkampf", "d’Oberkampf"),
        ("Vaise", "à Vaise", "de Vaise"),
        ("Île de Nantes", "à l’Île de Nantes", "de l’Île de Nantes"),
        ("Hautepierre", "à Hautepierre", "de Hautepierre"),
    ],
)
def test_city_forms_without_commune(name: str, a_ville: str, de_ville: str) -> None:
    forms = city_forms(name, None)
    assert (forms["a_ville"], forms["de_ville"]) == (a_ville, de_ville)
    assert forms["ville_officiel"] == name


# ----------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Saint-Étienne", "saint-etienne"),
        ("L'Haÿ-les-Roses", "l-hay-les-roses"),
        ("L’Haÿ-les-Roses", "l-hay-les-roses"),
        ("Œuilly", "oeuilly"),
        ("../..", "ville-" + __import__("hashlib").sha1(b"../..").hexdigest()[:8]),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@given(st.text(max_size=200))
def test_slug_is_always_safe_ascii(name: str) -> None:
    slug = slugify(name)
    assert 0 < len(slug) <= 80
    assert set(slug) <= set(string.ascii_lowercase + string.digits + "-")
    assert not slug.startswith(("-", ".")) and ".." not in slug and "/" not in slug


# ------------------------------------------------------------------ normalize_key


def test_normalize_key_examples() -> None:
    assert normalize_key("Saint-Martin-d'Hères") == "saint martin d heres"
    assert normalize_key("  ST  Martin d’HÈRES ") == "saint martin d heres"
    assert normalize_key("Œuilly") == normalize_key("oeuilly") == "oeuilly"
    assert normalize_key("Ægypte") == "aegypte"
    assert normalize_key("Ste-Foy") == "sainte foy"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


french_text = st.text(
    alphabet=st.sampled_from(list("aàâäbcçdeéèêëfhiîïoôœæuùûüyÿ AÀÉÈÎÔŒÆÇ-'’_`ʼ")),
    max_size=40,
)


@given(french_text)
def test_normalize_key_invariant_under_case_and_accents(text: str) -> None:
    key = normalize_key(text)
    assert normalize_key(text.upper()) == key
    assert normalize_key(text.lower()) == key
    assert normalize_key(_strip_accents(text)) == key
    assert normalize_key(key) == key
    assert key == key.strip() and "  " not in key and key.isascii()


@given(french_text)
def test_normalize_key_separators_are_equivalent(text: str) -> None:
    for separator in ("-", "'", "’", "_", "`", "ʼ", "   "):
        assert normalize_key(text.replace(" ", separator)) == normalize_key(text)


# -------------------------------------------------------------------- data access


def test_get_commune_by_code() -> None:
    commune = get_commune_by_code("42218")
    assert commune == Commune(
        code_insee="42218",
        nom="Saint-Étienne",
        article="",
        nom_sans_article="Saint-Étienne",
        tncc=0,
        departement="42",
        population=commune.population,
        mairie_adresse=commune.mairie_adresse,
        mairie_email=commune.mairie_email,
    )
    assert commune.population > 150_000
    assert get_commune_by_code("2a004").nom == "Ajaccio"
    assert get_commune_by_code("00000") is None
    le_mans = get_commune_by_code("72181")
    assert (le_mans.article, le_mans.nom_sans_article, le_mans.tncc) == ("Le", "Mans", 2)
    assert le_mans.mairie_adresse == "1 place Saint-Pierre | 72000 Le Mans"


def test_iter_communes() -> None:
    everything = list(iter_communes())
    assert len(everything) == 34_875
    assert [c.code_insee for c in everything] == sorted(c.code_insee for c in everything)
    assert not any(c.is_arrondissement for c in everything)
    assert len(list(iter_communes(include_arrondissements=True))) == 34_920
    corse = list(iter_communes("2A"))
    assert corse and all(c.departement == "2A" for c in corse)
    big = list(iter_communes(population_min=100_000))
    assert all(c.population >= 100_000 for c in big)
    assert {"75056", "13055", "69123", "42218"} <= {c.code_insee for c in big}
    assert [c.code_insee for c in iter_communes("1")] == [c.code_insee for c in iter_communes("01")]


def test_database_is_read_only() -> None:
    conn = communes._connection()
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM communes_data")


def test_resources_locate_package_or_checkout_dirs() -> None:
    import affiches

    installed = Path(affiches.__file__).resolve().parent
    assert assets_dir() in (REPO / "assets", installed / "assets")
    assert builtin_layouts_dir() in (REPO / "layouts", installed / "layouts")
    assert data_path() == assets_dir() / "data" / "communes.sqlite"
    assert data_path().stat().st_size < 4 * 1024 * 1024
    assert (assets_dir() / "data" / "SOURCES.md").read_text("utf-8").count("Licence Ouverte")


def test_lookup_does_not_read_all_rows() -> None:
    conn = communes._connection()
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT c.nom FROM recherche AS r JOIN communes AS c "
        "ON c.code_insee = r.code_insee WHERE r.cle IN (?, ?)",
        ("a", "b"),
    ).fetchall()
    details = " ".join(row[-1] for row in plan)
    assert "SCAN" not in details
    assert "USING PRIMARY KEY (cle=?)" in details


def test_build_is_deterministic(tmp_path: Path) -> None:
    """The committed database is what the build script produces, byte for byte."""
    source = Path("/work/shared/data/communes-fr.csv")
    if not source.is_file():
        pytest.skip("source CSV not available")
    before = data_path().read_bytes()
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_communes.py"), str(source)],
        check=True,
        capture_output=True,
    )
    assert data_path().read_bytes() == before


def test_no_control_characters_in_printed_data() -> None:
    # The source has four town-hall addresses with Windows-1252 bytes left as C1
    # controls (Cricquebœuf, Champoly, Œting, Grézieu-le-Marché); the build repairs them.
    bad = [
        c.nom
        for c in communes.iter_communes(include_arrondissements=True)
        if any(unicodedata.category(ch) == "Cc" for ch in c.nom + c.mairie_adresse + c.mairie_email)
    ]
    assert bad == []
    assert resolve_city("Cricquebœuf").commune.mairie_adresse.endswith("14113 Cricquebœuf")
    assert "Claude-d’Urfé" in resolve_city("Champoly").commune.mairie_adresse
