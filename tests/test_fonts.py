"""Font metrics (affiches.text.fonts): kerning, chunks, coverage, lookup.

Widths are checked against an independent shaper: HarfBuzz through Pillow's Raqm
layout engine (ligatures off, since the writers draw glyph by glyph).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from affiches.errors import GlyphError, LayoutError
from affiches.text.fonts import FontMetrics, bundled_fonts_dir, find_font

FONT_NAMES = ("RobotoCondensed-Bold", "RobotoCondensed-Regular", "Manrope-Regular",
              "Manrope-Bold", "Manrope-ExtraBold")
ALPHABET = ("ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈÀÇÔŒabcdefghijklmnopqrstuvwxyzéèàçôœ"
            "0123456789 -’,.:;!?«»#/@\u00a0\u202f")
NO_LIGATURES = ["-liga", "-clig", "-calt", "-dlig"]


def metrics(name: str) -> FontMetrics:
    return FontMetrics.load(find_font(name))


def _raqm_font(m: FontMetrics):  # type: ignore[no-untyped-def]
    from PIL import ImageFont, features

    if not features.check("raqm"):
        pytest.skip("Pillow built without Raqm (HarfBuzz): no independent shaper")
    return ImageFont.truetype(str(m.path), m.units_per_em, layout_engine=ImageFont.Layout.RAQM)


def test_bundled_fonts_and_licences() -> None:
    folder = bundled_fonts_dir()
    for name in FONT_NAMES:
        assert (folder / f"{name}.ttf").is_file()
    licences = {p.name for p in folder.iterdir() if p.suffix == ".txt"}
    assert any(n.startswith("Manrope") for n in licences)
    assert any(n.startswith("RobotoCondensed") for n in licences)


@pytest.mark.parametrize("name", ["RobotoCondensed-Bold", "Manrope-ExtraBold"])
def test_av_is_kerned(name: str) -> None:
    m = metrics(name)
    # Verified independently: HarfBuzz applies a negative A-V adjustment in these fonts.
    shaped = _raqm_font(m).getlength("AV", features=NO_LIGATURES)
    separate = m.char_width("A") + m.char_width("V")
    assert shaped < separate
    assert m.kern("A", "V") < 0
    assert m.width_units("AV") == shaped
    assert m.width_units("AV") < separate


@pytest.mark.parametrize("name", ["RobotoCondensed-Bold", "Manrope-Regular", "Manrope-ExtraBold"])
@given(text=st.text(st.sampled_from(ALPHABET), min_size=1, max_size=16))
def test_width_matches_harfbuzz(name: str, text: str) -> None:
    m = metrics(name)
    shaped = _raqm_font(m).getlength(text, features=NO_LIGATURES)
    assert m.width_units(text) == pytest.approx(shaped, abs=0.5)


@pytest.mark.parametrize("name", ["RobotoCondensed-Bold", "Manrope-Regular"])
@given(text=st.text(st.sampled_from(ALPHABET), min_size=1, max_size=20))
def test_chunks_reproduce_width(name: str, text: str) -> None:
    m = metrics(name)
    chunks = m.chunks(text)
    assert "".join(chunk for _, chunk in chunks) == text
    assert all(chunk for _, chunk in chunks)
    offsets = [x for x, _ in chunks]
    assert offsets[0] == 0
    # Drawing each chunk at its offset ends exactly where the kerned width says.
    last_x, last = chunks[-1]
    assert last_x + m.width_units(last) == m.width_units(text)
    # Each chunk starts where the previous one ends plus the kerning at the junction.
    for (x1, c1), (x2, c2) in zip(chunks, chunks[1:], strict=False):
        assert x2 == x1 + m.width_units(c1) + m.kern(c1[-1], c2[0])
        assert m.kern(c1[-1], c2[0]) != 0


def test_width_scales_with_size() -> None:
    m = metrics("Manrope-Regular")
    assert m.width("Lyon", 20) == pytest.approx(2 * m.width("Lyon", 10))
    assert m.width("Lyon", m.units_per_em) == m.width_units("Lyon")


def test_missing_chars_and_glyph_error_names_the_character() -> None:
    m = metrics("RobotoCondensed-Bold")
    assert m.missing_chars("Saint-Étienne\n") == []
    assert m.missing_chars("Ville ☃☃ 😀") == ["☃", "😀"]
    with pytest.raises(GlyphError) as info:
        m.check_coverage("Ville ☃", "gabarit test, bloc « ville »")
    message = str(info.value)
    assert "« ☃ »" in message and "U+2603" in message
    assert "RobotoCondensed-Bold" in message
    assert message.startswith("gabarit test, bloc « ville » : ")
    assert "\n" not in message


def test_french_characters_are_covered() -> None:
    french = "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’«»\u00a0\u202f–—…"
    for name in FONT_NAMES:
        assert metrics(name).missing_chars(french) == [], name


def test_ink_extent_sees_accents_on_capitals() -> None:
    m = metrics("RobotoCondensed-Bold")
    top_plain, _ = m.ink_extent("ETIENNE")
    top_accent, _ = m.ink_extent("ÉTIENNE")
    assert top_accent > top_plain
    assert m.ink_extent("") == (0, 0)
    _, bottom = m.ink_extent("gypse")
    assert bottom < 0


def test_find_font_forms(tmp_path: Path) -> None:
    bundled = find_font("Manrope-Bold")
    assert bundled.name == "Manrope-Bold.ttf"
    assert find_font("Manrope-Bold.ttf") == bundled
    # A font beside the layout wins over the bundled one.
    local = tmp_path / "Manrope-Bold.ttf"
    local.write_bytes(bundled.read_bytes())
    assert find_font("Manrope-Bold", [tmp_path]) == local.resolve()


def test_unknown_font_is_a_layout_error() -> None:
    with pytest.raises(LayoutError) as info:
        find_font("Comic-Sans")
    message = str(info.value)
    assert message.startswith("police introuvable : « Comic-Sans » ; polices fournies : ")
    assert "Manrope-Bold" in message and "RobotoCondensed-Bold" in message


def test_unreadable_font_is_a_layout_error(tmp_path: Path) -> None:
    bad = tmp_path / "Casse.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(LayoutError, match="police illisible"):
        FontMetrics.load(bad)


# ------------------------------------------------ hostile fonts and caches (issue 9)


def _copy_font(tmp_path: Path, name: str = "Manrope-Bold") -> Path:
    font = tmp_path / f"{name}.ttf"
    font.write_bytes(find_font(name).read_bytes())
    return font


def _fresh(font: Path) -> FontMetrics:
    from affiches.text.fonts import forget_fonts

    forget_fonts()
    return FontMetrics.load(font)


def test_shipped_metrics_are_format_4_and_equal_to_the_fonts_measures() -> None:
    from affiches.text.fontfile import _read_cache, compute_metrics_record, font_digest, metrics_cache_path
    from affiches.text.metricscache import MAGIC

    for name in ("Manrope-Regular", "Manrope-Bold", "Manrope-ExtraBold",
                 "RobotoCondensed-Regular", "RobotoCondensed-Bold"):
        font = find_font(name)
        raw = metrics_cache_path(font).read_bytes()
        assert raw.startswith(MAGIC)
        assert raw[len(MAGIC):len(MAGIC) + 32].hex() == font_digest(font)
        record = _read_cache(metrics_cache_path(font), font_digest(font))
        assert record == compute_metrics_record(str(font))
        assert record is not None and {type(k) for k in record["kerning"]} == {tuple}


def test_metrics_cache_bytes_round_trip_and_are_deterministic() -> None:
    from affiches.text.fontfile import compute_metrics_record, font_digest, metrics_cache_bytes
    from affiches.text.metricscache import decode

    font = find_font("RobotoCondensed-Bold")
    data = metrics_cache_bytes(font)
    assert data == metrics_cache_bytes(font)
    assert decode(data, font_digest(font)) == compute_metrics_record(str(font.resolve()))


def test_a_marshal_pickle_or_json_metrics_file_is_never_loaded(tmp_path: Path) -> None:
    import json
    import marshal
    import pickle
    import zlib

    from affiches.text.fontfile import font_digest, metrics_cache_path

    font = _copy_font(tmp_path)
    expected = _fresh(font).advances
    digest = font_digest(font)
    for payload in (marshal.dumps({"format": 1, "sha256": digest}),
                    pickle.dumps({"format": 2, "sha256": digest}),
                    json.dumps({"format": 3, "sha256": digest, "advances": {"A": 1}}).encode()):
        metrics_cache_path(font).write_bytes(zlib.compress(payload))
        assert _fresh(font).advances == expected


def _body(font: Path) -> tuple[bytes, bytes]:
    """(magic + raw digest, inflated body) of a font's genuine format-4 cache."""
    import zlib

    from affiches.text.fontfile import metrics_cache_bytes
    from affiches.text.metricscache import MAGIC

    data = metrics_cache_bytes(font)
    start = len(MAGIC) + 32
    return data[:start], zlib.decompress(data[start:])


def _header_with(body: bytes, position: int, value: int) -> bytes:
    from array import array

    header = array("i")
    header.frombytes(body[:44])
    header[position] = value
    return header.tobytes() + body[44:]


def _last_name_doubled(body: bytes) -> bytes:
    """The body with its last glyph name replaced by the one before (lengths kept consistent)."""
    from array import array

    names_len = array("i", body[20:24])[0]
    names = body[len(body) - names_len:].split(b"\n")
    names[-1] = names[-2]
    joined = b"\n".join(names)
    return _header_with(body[:len(body) - names_len], 5, len(joined)) + joined


def _poisoned(prefix: bytes, body: bytes, poison: str) -> bytes:
    import zlib
    from array import array

    n_names = array("i", body[16:20])[0]
    n_cmap = array("i", body[24:28])[0]
    first_ref, first_code = 44, 44 + 4 * (n_cmap + array("i", body[28:32])[0]
                                          + 2 * array("i", body[32:36])[0] + array("i", body[36:40])[0])
    refs = (n_cmap + array("i", body[28:32])[0] + 2 * array("i", body[32:36])[0]
            + array("i", body[36:40])[0])
    first_length = 44 + 4 * (refs + n_cmap + array("i", body[28:32])[0] + array("i", body[32:36])[0]
                             + 3 * array("i", body[36:40])[0])
    length = array("i", body[first_length:first_length + 4])[0]
    changes = {
        "wrong digest": lambda: (prefix[:-32] + bytes(32), zlib.compress(body)),
        "bad magic": lambda: (b"affiches-metrics-3\n" + prefix[-32:], zlib.compress(body)),
        "not a zlib stream": lambda: (prefix, b"not zlib at all"),
        "truncated stream": lambda: (prefix, zlib.compress(body)[:-10]),
        "extra bytes": lambda: (prefix, zlib.compress(body) + b"\0"),
        "body cut short": lambda: (prefix, zlib.compress(body[:-7])),
        "body too long": lambda: (prefix, zlib.compress(body + b"\0\0\0\0")),
        "tiny body": lambda: (prefix, zlib.compress(body[:10])),
        "oversized count": lambda: (prefix, zlib.compress(_header_with(body, 8, 1 << 30))),
        "negative count": lambda: (prefix, zlib.compress(_header_with(body, 10, -1))),
        "zero units per em": lambda: (prefix, zlib.compress(_header_with(body, 0, 0))),
        "fewer names": lambda: (prefix, zlib.compress(_header_with(body, 4, n_names - 1))),
        "glyph index out of range": lambda: (prefix, zlib.compress(
            body[:first_ref] + array("i", [n_names]).tobytes() + body[first_ref + 4:])),
        "negative glyph index": lambda: (prefix, zlib.compress(
            body[:first_ref] + array("i", [-1]).tobytes() + body[first_ref + 4:])),
        "code beyond Unicode": lambda: (prefix, zlib.compress(
            body[:first_code] + array("i", [0x110000]).tobytes() + body[first_code + 4:])),
        "negative profile length": lambda: (prefix, zlib.compress(
            body[:first_length] + array("i", [-1]).tobytes() + body[first_length + 4:])),
        "profile lengths off": lambda: (prefix, zlib.compress(
            body[:first_length] + array("i", [length + 1]).tobytes() + body[first_length + 4:])),
        "names not UTF-8": lambda: (prefix, zlib.compress(body[:-1] + b"\xff")),
        "duplicate names": lambda: (prefix, zlib.compress(_last_name_doubled(body))),
    }
    head, stream = changes[poison]()
    return head + stream


POISONS = ["wrong digest", "bad magic", "not a zlib stream", "truncated stream", "extra bytes", "body cut short",
           "body too long",
           "tiny body", "oversized count", "negative count", "zero units per em", "fewer names",
           "glyph index out of range", "negative glyph index", "code beyond Unicode", "names not UTF-8",
           "negative profile length", "profile lengths off",
           "duplicate names"]


@pytest.mark.parametrize("poison", POISONS)
def test_a_malformed_or_foreign_metrics_file_is_ignored(tmp_path: Path, poison: str) -> None:
    from affiches.text.fontfile import _read_cache, font_digest, metrics_cache_path
    from affiches.text.metricscache import decode

    font = _copy_font(tmp_path)
    expected = _fresh(font)
    prefix, body = _body(font)
    data = _poisoned(prefix, body, poison)
    assert decode(data, font_digest(font)) is None
    metrics_cache_path(font).write_bytes(data)
    assert _read_cache(metrics_cache_path(font), font_digest(font)) is None
    loaded = _fresh(font)
    assert (loaded.units_per_em, loaded.cmap, loaded.advances, loaded.kerning, loaded.glyph_profiles) == (
        expected.units_per_em, expected.cmap, expected.advances, expected.kerning, expected.glyph_profiles)


def test_a_kerning_pair_naming_no_glyph_is_never_found_nor_listed(tmp_path: Path) -> None:
    import zlib
    from array import array

    from affiches.text.fontfile import compute_metrics_record, font_digest
    from affiches.text.metricscache import decode

    font = _copy_font(tmp_path)
    prefix, body = _body(font)
    header = array("i", body[:44])
    n_names, n_cmap, n_adv = header[4], header[6], header[7]
    first_left = 44 + 4 * (n_cmap + n_adv)
    for bad in (n_names, -1, 1 << 30):
        damaged = body[:first_left] + array("i", [bad]).tobytes() + body[first_left + 4:]
        record = decode(prefix + zlib.compress(damaged), font_digest(font))
        assert record is not None
        genuine = compute_metrics_record(str(font))["kerning"]
        first_pair = min(genuine)
        listed = dict(record["kerning"].items())
        assert first_pair not in listed and len(listed) == len(genuine) - 1
        assert all(record["kerning"].get(pair) == value for pair, value in genuine.items() if pair != first_pair)
        assert record["kerning"].get(first_pair, 0) == 0


def test_the_unpoisoned_body_is_accepted(tmp_path: Path) -> None:
    """The poisoning helpers above change only what they say: an unchanged body loads."""
    import zlib

    from affiches.text.fontfile import font_digest
    from affiches.text.metricscache import decode

    font = _copy_font(tmp_path)
    prefix, body = _body(font)
    assert decode(prefix + zlib.compress(body), font_digest(font)) is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=6),
       cut=st.integers(0, 64))
def test_a_randomly_damaged_metrics_body_never_raises(tmp_path: Path, edits: list[tuple[int, int]],
                                                      cut: int) -> None:
    """Whatever bytes follow a right digest, decode gives None or a record of the right types."""
    import zlib

    from affiches.text.fontfile import font_digest
    from affiches.text.metricscache import decode

    font = find_font("RobotoCondensed-Bold")
    prefix, body = _metrics_parts(font)
    damaged = bytearray(body[:len(body) - cut])
    for position, value in edits:
        if damaged:
            damaged[position % len(damaged)] = value
    record = decode(prefix + zlib.compress(bytes(damaged)), font_digest(font))
    if record is not None:
        assert record["units_per_em"] > 0
        assert all(type(k) is int and type(v) is str for k, v in record["cmap"].items())
        assert all(type(k) is str and type(v) is int for k, v in record["advances"].items())
        assert all(type(a) is str and type(b) is str and type(v) is int
                   for (a, b), v in record["kerning"].items())
        assert all(type(first) is int and len(tops) == len(bottoms)
                   and all(type(y) is int for y in tops + bottoms)
                   for first, tops, bottoms in record["glyph_profiles"].values())


@lru_cache(maxsize=4)
def _metrics_parts(font: Path) -> tuple[bytes, bytes]:
    return _body(font)


def test_a_metrics_decompression_bomb_is_ignored(tmp_path: Path) -> None:
    import zlib

    from affiches.limits import MAX_METRICS_BYTES
    from affiches.text.fontfile import metrics_cache_path

    font = _copy_font(tmp_path)
    prefix, _body_bytes = _body(font)
    for payload in (zlib.compress(b"[" * (MAX_METRICS_BYTES * 4), 9),
                    prefix + zlib.compress(bytes(MAX_METRICS_BYTES * 4), 9)):
        metrics_cache_path(font).write_bytes(payload)
        assert _fresh(font).units_per_em > 0


@pytest.mark.parametrize("damage", ["truncated", "zeroed", "empty"])
def test_a_damaged_font_is_a_one_line_error(in_tmp: Path, runner, damage: str) -> None:  # type: ignore[no-untyped-def]
    from affiches.cli.main import cli

    data = find_font("Manrope-Bold").read_bytes()
    broken = {"truncated": data[: len(data) // 3], "zeroed": data[:12] + bytes(len(data) - 12),
              "empty": b""}[damage]
    Path("Casse.ttf").write_bytes(broken)
    Path("t.toml").write_text(
        'nom = "t"\nmateriel = "affiche"\nunite = "mm"\nlargeur = 100\nhauteur = 100\n'
        'fond = "#FFFFFF"\n\n[[blocs]]\nnom = "a"\ntype = "texte"\ntexte = "{ville}"\n'
        'police = "Casse"\ncouleur = "#000000"\nboite = [0, 0, 100, 50]\ntaille_max = 20\n'
        'taille_min = 6\n', encoding="utf-8")
    result = runner.invoke(cli, ["affiche", "Lyon", "-g", "t.toml", "-o", "sortie"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Erreur : ")
    assert "police illisible : Casse.ttf (" in lines[0]
    assert lines[0].endswith("; fichier abîmé ou tronqué, remplacez-le par la police d’origine")
    assert not Path("sortie").exists()
