"""Tests of affiches.text.typography.french_typography."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affiches.text.typography import NBSP, NNBSP, french_typography


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pas de VSA dans ma ville !", f"Pas de VSA dans ma ville{NNBSP}!"),
        ("Pas de VSA dans ma ville!", f"Pas de VSA dans ma ville{NNBSP}!"),
        ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
        ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
        ("un ; deux", f"un{NNBSP}; deux"),
        ("Rendez-vous : mairie", f"Rendez-vous{NBSP}: mairie"),
        ("Rendez-vous: mairie", f"Rendez-vous{NBSP}: mairie"),
        (f"Rendez-vous{NNBSP}: mairie", f"Rendez-vous{NBSP}: mairie"),
        ("l'Haÿ aujourd'hui", "l’Haÿ aujourd’hui"),
        ('Dites "non" à la VSA', f"Dites «{NNBSP}non{NNBSP}» à la VSA"),
        ('Dites " non " à la VSA', f"Dites «{NNBSP}non{NNBSP}» à la VSA"),
        ("«non»", f"«{NNBSP}non{NNBSP}»"),
        (f"«{NBSP}non{NBSP}»", f"«{NNBSP}non{NNBSP}»"),
        ('un " seul', 'un " seul'),
        ("à 13 h", f"à 13{NBSP}h"),
        ("37 355 hab.", f"37{NNBSP}355{NBSP}hab."),
        ("3 000 caméras", f"3{NNBSP}000{NBSP}caméras"),
        ("1 234 567 €", f"1{NNBSP}234{NNBSP}567{NBSP}€"),
        ("20 %", f"20{NBSP}%"),
        ("en 2024 à 13:00", "en 2024 à 13:00"),
        ("13h30", "13h30"),
        ("Le 13 mars", "Le 13 mars"),
    ],
)
def test_rules(text: str, expected: str) -> None:
    assert french_typography(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://technopolice.fr/vsa?ville=l'hay&x=1",
        "www.laquadrature.net/?p=1",
        "contact@technopolice.fr",
        "#PasDeVSA",
        "@laquadrature",
        "13:00",
    ],
)
def test_protected_spans_unchanged(text: str) -> None:
    assert french_typography(text) == text


def test_punctuation_after_protected_spans() -> None:
    assert french_typography("Voir https://technopolice.fr/vsa !") == (
        f"Voir https://technopolice.fr/vsa{NNBSP}!"
    )
    assert french_typography("Voir https://technopolice.fr/vsa!") == (
        f"Voir https://technopolice.fr/vsa{NNBSP}!"
    )
    assert french_typography("Écrivez à mairie@lemans.fr: merci") == (
        f"Écrivez à mairie@lemans.fr{NBSP}: merci"
    )
    assert french_typography("#PasDeVSA!") == f"#PasDeVSA{NNBSP}!"


def test_no_space_added_at_line_start() -> None:
    assert french_typography("!\n? oui") == "!\n? oui"


TOKENS = list("ab1239 '\"«»;:!?.,#@/h%€\n") + [
    NBSP,
    NNBSP,
    "\u2009",
    "’",
    "https://",
    "www.",
    "hab.",
    " km",
    " caméras",
    "e@x.fr",
]
text_strategy = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@given(text_strategy)
def test_idempotent(text: str) -> None:
    once = french_typography(text)
    assert french_typography(once) == once


@given(st.text(max_size=80))
def test_idempotent_on_any_text(text: str) -> None:
    once = french_typography(text)
    assert french_typography(once) == once


@given(text_strategy)
def test_letters_and_digits_preserved(text: str) -> None:
    """Only spaces, quotes and apostrophes change: the words themselves never do."""
    result = french_typography(text)

    def core(s: str) -> str:
        return "".join(c for c in s if c.isalnum())

    assert core(result) == core(text)


@given(st.lists(st.sampled_from(list("abc éà'!?;: \"«»")), max_size=40).map("".join))
def test_no_straight_marks_or_bare_spaces_left(text: str) -> None:
    """Without URLs, no straight apostrophe, no plain space before ; ! ? : or inside « »."""
    result = french_typography(text)
    assert "'" not in result
    for sign in ";!?:":
        assert f" {sign}" not in result.lstrip(" ")  # leading spaces are left alone
    assert "« " not in result and " »" not in result
    assert result.count('"') <= 1
