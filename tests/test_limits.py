"""The limits module (issue 9): one place for every limit, documented in docs/securite.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from affiches import limits
from affiches.errors import LimitError
from affiches.limits import file_inside, is_plain_relative, nesting_depth, read_regular_file

DOC = (Path(__file__).parents[1] / "docs" / "securite.md").read_text(encoding="utf-8")


def french_number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


DOCUMENTED = [
    ("MAX_CSV_BYTES", "50 Mo"), ("MAX_CELL_CHARS", "128 Kio"), ("MAX_COLUMNS", "200"),
    ("MAX_OPTION_CHARS", "200 caractères"), ("MAX_BLOCK_TEXT_CHARS", "5 000 caractères"),
    ("MAX_TEMPLATE_WIDTH", "| 200 |"), ("MAX_LAYOUT_BYTES", "1 Mo"), ("MAX_TOML_DEPTH", "16 niveaux"),
    ("MAX_LAYOUT_PAGES", "| 20 |"), ("MAX_LAYOUT_BLOCKS", "| 500 |"), ("MAX_MM_SIDE", "3 000 mm"),
    ("MAX_PX_SIDE", "8 000 px"), ("MAX_PX_AREA", "40 millions de pixels"),
    ("MAX_IMAGE_BYTES", "20 Mo, 25 millions"), ("MAX_IMAGE_PIXELS", "25 millions de pixels décodés"),
    ("MAX_IMAGE_SIDE", "12 000 px de côté"), ("MAX_SVG_BYTES", "2 Mo, 20 000 éléments"),
    ("MAX_SVG_ELEMENTS", "20 000 éléments"), ("MAX_SVG_DEPTH", "64 niveaux"), ("MAX_LOGOS", "| logos | 2 |"),
    ("MAX_OWN_WORDS_CHARS", "400 caractères"), ("MAX_LETTER_FIELD_CHARS", "(expéditeur, signataire…) | 200"),
    ("MAX_WEB_FIELDS_BYTES", "64 Ko en tout"), ("MAX_WEB_UPLOAD_BYTES", "10 Mo chacune"),
    ("MAX_WEB_BODY_BYTES", "20 Mo et 128 Kio de corps"), ("MAX_WEB_QUERY_BYTES", "4 096 octets"),
    ("MAX_WEB_FIELDS", "40 champs"), ("MAX_FONT_BYTES", "| 20 Mo |"),
    ("MAX_METRICS_BYTES", "4 Mo"), ("JOBS_PER_CPU", "2 processus par processeur"),
    ("MAX_POPULATION", "100 000 000"), ("MAX_NAME_BYTES", "255 octets"), ("MAX_PATH_BYTES", "3 000 en tout"),
]


@pytest.mark.parametrize(("constant", "shown"), DOCUMENTED)
def test_every_limit_is_documented_with_its_value(constant: str, shown: str) -> None:
    value = getattr(limits, constant)
    numbers = {str(value), french_number(value), str(value // (1024 * 1024)), str(value // 1024),
               str(value // 1_000_000)}
    assert any(number in shown for number in numbers), (constant, value, shown)
    assert shown in DOC, shown


def test_every_limit_is_in_the_documented_list() -> None:
    listed = {name for name, _shown in DOCUMENTED}
    constants = {name for name in dir(limits) if name.startswith(("MAX_", "JOBS_"))}
    assert constants == listed


def test_reading_stops_at_the_limit_even_when_the_file_grows(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_regular_file(path, 100) == b"x" * 100
    with pytest.raises(LimitError, match="fichier trop gros"):
        read_regular_file(path, 99)


def test_special_files_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    for path, reason in ((fifo, "ce n’est pas un fichier ordinaire"), (Path("/dev/zero"), "fichier ordinaire"),
                         (tmp_path, "c’est un dossier"), (tmp_path / "absent", "lecture impossible")):
        with pytest.raises(LimitError, match=reason):
            read_regular_file(path, 10)


def test_file_inside_never_leaves_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "gabarits"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "logo.png").write_bytes(b"x")
    (tmp_path / "secret.png").write_bytes(b"x")
    (folder / "lien.png").symlink_to(tmp_path / "secret.png")
    (folder / "dedans.png").symlink_to(folder / "images" / "logo.png")
    assert file_inside(folder, "images/logo.png") == (folder / "images" / "logo.png").resolve()
    assert file_inside(folder, "dedans.png") == (folder / "images" / "logo.png").resolve()
    for name in ("../secret.png", str(tmp_path / "secret.png"), "lien.png", "images/../../secret.png",
                 "", "absent.png", "images"):
        assert file_inside(folder, name) is None, name
    assert not is_plain_relative("a\x00b")


def test_nesting_depth_is_computed_without_recursion() -> None:
    deep: list[object] = []
    current = deep
    for _ in range(100_000):
        child: list[object] = []
        current.append(child)
        current = child
    assert nesting_depth(deep) == 100_001
    assert nesting_depth({"a": [1, {"b": 2}]}) == 3
    assert nesting_depth(5) == 0
