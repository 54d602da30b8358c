"""City suggestions (``affiches.city.suggest``): prefix first, typos forgiven, never an error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from affiches.city.communes import iter_communes, resolve_city
from affiches.city.suggest import suggest


def test_prefix_matches_come_first_most_populous_first():
    names = [s.name for s in suggest("saint-e")]
    assert names[0] == "Saint-Étienne"
    assert all(n.startswith("Saint-É") or n.startswith("Saint-E") for n in names)


def test_typos_are_forgiven():
    assert suggest("Monpelier")[0].name == "Montpellier"
    assert suggest("bordaux")[0].name == "Bordeaux"
    assert suggest("strasbour")[0].name == "Strasbourg"
    assert suggest("grenble")[0].name == "Grenoble"
    assert suggest("Tassin la demi lun")[0].name == "Tassin-la-Demi-Lune"


def test_value_resolves_to_the_suggested_commune():
    for typed in ("chatillon", "saint-denis", "le mans", "l'hay", "aux lilas"):
        for s in suggest(typed):
            resolution = resolve_city(s.value)
            assert resolution.commune is not None
            assert resolution.commune.code_insee == s.code_insee, (typed, s)


def test_every_five_hundredth_commune_suggests_itself():
    for commune in list(iter_communes())[::500]:
        codes = [s.code_insee for s in suggest(commune.nom, limit=50)]
        assert commune.code_insee in codes, commune.nom


@given(st.text(max_size=120))
def test_never_an_error_and_never_more_than_asked(typed):
    found = suggest(typed, limit=5)
    assert len(found) <= 5
    assert len({s.code_insee for s in found}) == len(found)
