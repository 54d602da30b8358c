"""NF Z 10-011 postal blocks: 6 lines of 38 characters, capitals, no punctuation, no cut word."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affiches.city.postal import (
    MAX_LINE_CHARS,
    MAX_LINES,
    STREET_TYPES,
    TITLES,
    AddressError,
    PostalAddress,
    parse_address,
    postal_block,
    postal_form,
    repair_cp1252,
)

ABBREVIATIONS = {short for short in (*STREET_TYPES.values(), *TITLES.values())}
POSTAL_CHARS = re.compile(r"^[A-Z0-9 ]+$")


def test_saint_etienne() -> None:
    address = parse_address("Place de l'Hôtel-de-Ville | 42000 Saint-Étienne")
    block = postal_block(["Madame la Maire, Monsieur le Maire", "Mairie de Saint-Étienne"], address)
    assert block.lines == (
        "Madame la Maire, Monsieur le Maire",
        "Mairie de Saint-Étienne",
        "PLACE DE L HOTEL DE VILLE",
        "42000 SAINT ETIENNE",
    )
    assert not block.overlong


def test_cedex_and_comma_after_number() -> None:
    address = parse_address("6, rue de l'École, BP 12, 69671 Bron cedex 3")
    assert address == PostalAddress(("6 rue de l'École", "BP 12"), "69671", "Bron", "CEDEX 3")
    assert postal_block(["Mairie"], address).lines == ("Mairie", "6 RUE DE L ECOLE", "BP 12", "69671 BRON CEDEX 3")


def test_short_street_is_not_abbreviated() -> None:
    # La Poste: abbreviate only when the line is too long (AVENUE DES FLEURS stays whole).
    block = postal_block([], parse_address("12 avenue des Fleurs | 75012 Paris"))
    assert block.lines == ("12 AVENUE DES FLEURS", "75012 PARIS")


def test_long_street_abbreviated_then_wrapped_evenly() -> None:
    address = parse_address(
        "10 place de la 3e-Division-d'Infanterie-Motorisée-3e-Division-Cuirassée | 08390 Stonne"
    )
    lines = postal_block(["Mairie de Stonne"], address).lines
    assert lines == (
        "Mairie de Stonne",
        "10 PL DE LA 3E DIVISION D INFANTERIE",
        "MOTORISEE 3E DIVISION CUIRASSEE",
        "08390 STONNE",
    )


def test_abbreviation_of_titles() -> None:
    lines = postal_block([], parse_address("60 avenue du Maréchal-de-Lattre-de-Tassigny | 33700 Mérignac")).lines
    # "60 AV DU MARECHAL DE LATTRE DE TASSIGNY" is 39 characters: the title goes too.
    assert lines == ("60 AV DU MAL DE LATTRE DE TASSIGNY", "33700 MERIGNAC")


def test_town_abbreviated_only_when_needed() -> None:
    lines = postal_block([], parse_address("Mairie | 14950 Saint-Étienne-la-Thillaye")).lines
    assert lines[-1] == "14950 SAINT ETIENNE LA THILLAYE"
    long = postal_block([], parse_address("Place | 23100 Saint-Martin-Sainte-Catherine-les-Grands-Prés"))
    assert long.lines[-1].startswith("23100 ST MARTIN STE CATHERINE")


def test_overlong_town_kept_whole() -> None:
    block = postal_block([], parse_address("2 bis rue des Écoles | 70100 Beaujeu-Saint-Vallier-Pierrejux-Quitteur"))
    assert block.overlong
    assert block.lines[-1] == "70100 BEAUJEU ST VALLIER PIERREJUX QUITTEUR"


def test_windows_1252_residue_repaired() -> None:
    assert repair_cp1252("19 rue des S\x9curs") == "19 rue des Sœurs"
    assert postal_form(repair_cp1252("46 rue Claude-d\x92Urfé")) == "46 RUE CLAUDE D URFE"


def test_line_without_letters_dropped() -> None:
    assert parse_address("48.65954584503634 | 61380 Mahéru").delivery == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12 rue Neuve", "n’est pas une ligne « code postal ville »"),
        ("1 rue X | \u0660\u0660\u0660\u0660\u0660 Ville", "n’est pas une ligne « code postal ville »"),
        ("Place du Général-de-Gaulle | 2700 Évreux", "n’est pas une ligne « code postal ville »"),
        ("12 rue\x07 Neuve, 42000 Saint-Étienne", "caractère de contrôle"),
        ("x" * 400, "texte trop long (400 caractères, 300 au plus)"),
        (" | ".join(f"ligne {i}" for i in range(11)) + " | 42000 Saint-Étienne", "12 lignes, 6 au plus"),
    ],
)
def test_bad_addresses(text: str, message: str) -> None:
    with pytest.raises(AddressError, match=re.escape(message)):
        parse_address(text, "--adresse")


def test_too_many_lines_after_wrapping() -> None:
    address = parse_address("Bâtiment A | Escalier 3 | 1 rue X | Lieu-dit Y | 42000 Saint-Étienne")
    with pytest.raises(AddressError, match="7 lignes une fois mise aux normes postales, 6 au plus"):
        postal_block(["Madame", "Service"], address)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçôœ'-ABCDEÉ0123456789", min_size=1, max_size=18)
streets = st.lists(words, min_size=1, max_size=8).map(" ".join)
towns = st.lists(st.text(alphabet="abcdeéèÉSaintê-'", min_size=1, max_size=10), min_size=1, max_size=3).map("-".join)


def _tokens(text: str) -> list[str]:
    return postal_form(text).split()


@given(street=st.lists(streets, min_size=0, max_size=2), town=towns,
       postcode=st.from_regex(r"[0-9]{5}", fullmatch=True), cedex=st.sampled_from(["", " Cedex", " CEDEX 12"]))
def test_postal_block_properties(street: list[str], town: str, postcode: str, cedex: str) -> None:
    if not any(c.isalnum() for c in town):
        return
    address = parse_address(" | ".join([*street, f"{postcode} {town}{cedex}"]))
    try:
        block = postal_block(["Madame la Maire, Monsieur le Maire"], address)
    except AddressError:
        return  # too many lines once wrapped: reported, never cut
    lines = block.lines
    assert len(lines) <= MAX_LINES
    for line in lines[1:]:
        assert POSTAL_CHARS.match(line), line  # capitals, digits, spaces: no punctuation, no accent
    for line in lines[:-1]:
        assert len(line) <= MAX_LINE_CHARS
    assert lines[-1].startswith(postcode + " ")
    assert block.overlong == (len(lines[-1]) > MAX_LINE_CHARS)
    # Never cut: the delivery lines hold the input's words in order, some abbreviated.
    printed = " ".join(lines[1:-1]).split()
    original = [w for line in address.delivery for w in _tokens(line)]
    assert len(printed) <= len(original)
    position = 0
    for word in printed:
        while position < len(original) and original[position] != word and word not in ABBREVIATIONS:
            position += 1
        assert position < len(original) or word in ABBREVIATIONS, (word, original)
        position += 1


def test_every_town_hall_of_the_data() -> None:
    """Every address of the bundled data fits 6 × 38 (3 overlong town lines are known)."""
    from affiches.city.communes import iter_communes

    overlong, unreadable = [], []
    for commune in iter_communes(include_arrondissements=True):
        if not commune.mairie_adresse:
            continue
        try:
            address = parse_address(repair_cp1252(commune.mairie_adresse))
        except AddressError:
            unreadable.append(commune.nom)
            continue
        block = postal_block(["Madame la Maire, Monsieur le Maire", "Mairie"], address)
        assert all(len(line) <= MAX_LINE_CHARS for line in block.lines[:-1])
        if block.overlong:
            overlong.append(commune.nom)
    assert unreadable == ["Évreux"]
    assert len(overlong) == 3
