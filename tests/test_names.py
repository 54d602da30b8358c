"""French forms decided from the name itself (affiches.city.names, city_forms, mairie_address).

Issue 10: « à Le Vernet-Chaméane », « à Île-d’Aix », « MARSEILLE 13E ARRONDISSEMENT »,
an address saying « St-Rémy » under a poster saying « Saint-Remy ».
"""

from __future__ import annotations

import re

import pytest

from affiches.city.communes import (
    city_forms,
    get_commune_by_code,
    iter_communes,
    mairie_address,
    normalize_key,
)
from affiches.city.names import arrondissement, postal_address, upper_name

ARTICLE_WORD = re.compile(r"^(?:Le|La|Les|Aux) |^L['’]")


def forms(code: str) -> dict[str, str]:
    commune = get_commune_by_code(code)
    assert commune is not None
    return city_forms(commune.nom, commune)


@pytest.mark.parametrize(
    ("code", "ville", "ville_maj", "a_ville", "de_ville"),
    [
        ("13213", "Marseille 13e", "MARSEILLE 13e", "dans le 13e arrondissement de Marseille",
         "du 13e arrondissement de Marseille"),
        ("75101", "Paris 1er", "PARIS 1er", "dans le 1er arrondissement de Paris",
         "du 1er arrondissement de Paris"),
        ("69389", "Lyon 9e", "LYON 9e", "dans le 9e arrondissement de Lyon",
         "du 9e arrondissement de Lyon"),
        ("63448", "Le Vernet-Chaméane", "LE VERNET-CHAMÉANE", "au Vernet-Chaméane",
         "du Vernet-Chaméane"),
        ("17004", "Île-d’Aix", "ÎLE-D’AIX", "à l’Île-d’Aix", "de l’Île-d’Aix"),
        ("72181", "Le Mans", "LE MANS", "au Mans", "du Mans"),
    ],
)
def test_forms_decided_from_the_name(
    code: str, ville: str, ville_maj: str, a_ville: str, de_ville: str
) -> None:
    found = forms(code)
    assert (found["ville"], found["ville_maj"], found["a_ville"], found["de_ville"]) == (
        ville, ville_maj, a_ville, de_ville,
    )


def test_no_commune_reads_a_le_or_de_le_or_a_ile() -> None:
    """Over every commune and arrondissement: no « à Le », « de Les », « à Île »,
    no « Arrondissement » printed, no ordinal in capitals."""
    bad = []
    for commune in iter_communes(include_arrondissements=True):
        found = city_forms(commune.nom, commune)
        running = found["a_ville"] + " / " + found["de_ville"]
        if re.search(r"\b(?:à|de) (?:Le|Les|Aux) |\bà Île|\bde Île|\bd’Île", running):
            bad.append(running)
        if "rrondissement" in found["ville"] or re.search(r"\d(?:E|ER)\b", found["ville_maj"]):
            bad.append(found["ville_maj"])
    assert bad == []


def test_every_name_with_an_article_word_gets_its_contraction() -> None:
    for commune in iter_communes():
        if ARTICLE_WORD.match(commune.nom) and commune.tncc in (0, 1):
            found = city_forms(commune.nom, commune)
            assert not found["a_ville"].startswith(("à Le ", "à Les ")), commune.nom


def test_upper_name_keeps_ordinals_small() -> None:
    assert upper_name("Marseille 13e") == "MARSEILLE 13e"
    assert upper_name("Paris 1er") == "PARIS 1er"
    assert upper_name("Saint-Étienne") == "SAINT-ÉTIENNE"
    assert arrondissement("Marseille") is None


@pytest.mark.parametrize(
    ("address", "official", "printed"),
    [
        ("Grande-rue | 51290 St-Rémy-Bouzemont-Genest-Isson",
         "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson",
         "Grande-rue, 51290 Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"),
        ("2 rue de l'Eglise | 02480 Bray st Christophe", "Bray-Saint-Christophe",
         "2 rue de l’Eglise, 02480 Bray-Saint-Christophe"),
        ("rue de la Mairie | 02250 CHEVENNES", "Chevennes", "rue de la Mairie, 02250 Chevennes"),
        ("Place de l'Hôtel-de-Ville | 02209 Soissons Cedex", "Soissons",
         "Place de l’Hôtel-de-Ville, 02209 Soissons CEDEX"),
        # Another locality (a commune déléguée, a longer name) is the post's: kept.
        ("14 rue des Bordeaux | 02210 Coincy-l'Abbaye", "Coincy",
         "14 rue des Bordeaux, 02210 Coincy-l’Abbaye"),
        ("", "Paris", ""),
    ],
)
def test_postal_address(address: str, official: str, printed: str) -> None:
    assert postal_address(address, official, normalize_key) == printed


def test_address_never_contradicts_the_name() -> None:
    """Over every commune: when the address's locality is the commune, it is spelled
    exactly as the name printed on the materials."""
    contradictions = []
    for commune in iter_communes(include_arrondissements=True):
        line = mairie_address(commune)
        match = re.search(r"\b\d{5} (.+?)(?: CEDEX(?: \d+)?)?$", line)
        if not match:
            continue
        locality = match.group(1)
        name = commune.nom.replace("'", "’")
        district = arrondissement(name)
        name = district[0] if district else name
        if normalize_key(locality) == normalize_key(name) and locality != name:
            contradictions.append((name, locality))
    assert contradictions == []
    lyon = get_commune_by_code("69381")
    assert lyon is not None and mairie_address(lyon).endswith("69001 Lyon")
