"""The web page at the HTTP level (Flask test client): every route, every error, the
limits, the security headers and the 503 path. Renders run in the test's thread
(``RenderPool(0, …)``) except where the process pool itself is tested."""

from __future__ import annotations

import io
import logging
import re
import threading
import time
import zipfile

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from affiches.cli.main import cli
from affiches.jobs import web as job
from affiches.text.typography import french_typography
from affiches.web.app import BUSY, CSP, MAX_BODY, MAX_QUERY, create_app
from affiches.web.pool import Busy, RenderPool, RenderTimeout

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def client():
    return create_app(RenderPool(0, queue=4)).test_client()


def cli_error(args: list[str]) -> str:
    """The one-line message the command line gives, without « Erreur : » and --option."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert line.startswith("Erreur : ") and "\n" not in line
    return french_typography(re.sub(r"^--[\w-]+ : ", "", line.removeprefix("Erreur : ")))


# ------------------------------------------------------------------ the page


def test_page_is_french_accessible_markup_without_inline_script(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Votre ville" in html and "Télécharger tout le kit (ZIP)" in html
    # no inline script, no inline style, no event handler attribute, nothing external
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert " style=" not in html and not re.search(r"\son[a-z]+=", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    # every input and select has a label
    for name in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{name}"' in html, name
    # the no-JavaScript path: a form that posts to the ZIP route
    assert '<form id="formulaire" method="post" action="/kit.zip"' in html
    # French typography in the page's own text
    assert f"«{NNBSP}Technopolice Grenoble{NNBSP}»" in html


def test_security_headers_on_every_kind_of_response(client):
    for response in (client.get("/"), client.get("/api/communes?q=lyon"), client.get("/sante"),
                     client.get("/nulle-part"), client.get("/static/affiches.js")):
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "Set-Cookie" not in response.headers
    assert "frame-ancestors 'none'" in CSP and "unsafe" not in CSP
    assert "script-src 'self';" in CSP and "default-src 'none'" in CSP


def test_static_files_and_fonts_are_served_by_the_tool(client):
    assert client.get("/static/affiches.css").status_code == 200
    script = client.get("/static/affiches.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    font = client.get("/polices/Manrope-Regular.ttf")
    assert font.status_code == 200 and font.mimetype == "font/ttf" and font.data[:4] == b"\x00\x01\x00\x00"
    for name in ("Manrope-OFL.txt", "..%2Fdata%2Fcommunes.sqlite", "x.ttf"):
        assert client.get(f"/polices/{name}").status_code == 404


def test_unknown_route_and_method_are_french_pages(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n’existe pas" in response.get_data(as_text=True)
    assert client.get("/kit.zip").status_code == 405
    api = client.get("/api/rien")
    assert api.status_code == 404 and api.json["erreur"].startswith("Cette page n’existe pas")


def test_health_route(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"etat": "ok", "calculs_en_cours": 0, "capacite": 5}


# ------------------------------------------------------------------ suggestions


def suggestions(client, typed: str) -> list[dict]:
    response = client.get("/api/communes", query_string={"q": typed})
    assert response.status_code == 200
    return response.json["suggestions"]


def test_suggestions_ignore_case_accents_and_typos(client):
    assert suggestions(client, "CHATEAUROU")[0]["nom"] == "Châteauroux"
    assert suggestions(client, "saint etiene")[0]["nom"] == "Saint-Étienne"
    assert suggestions(client, "grenble")[0] == {
        "nom": "Grenoble", "departement": "38", "population": suggestions(client, "grenoble")[0]["population"],
        "valeur": "Grenoble"}
    assert suggestions(client, "Mans")[0]["nom"] == "Le Mans"  # the name without its article
    assert suggestions(client, "l'hay")[0]["nom"] == "L’Haÿ-les-Roses"


def test_homonyms_come_with_their_departement(client):
    found = [s for s in suggestions(client, "chatillon") if s["nom"] == "Châtillon"]
    assert len(found) >= 2
    assert found[0]["valeur"] == "Châtillon (92)"  # the most populous first
    assert all(s["valeur"] == f"Châtillon ({s['departement']})" for s in found)


def test_no_suggestion_for_short_odd_or_huge_input(client):
    for typed in ("", "a", "  ", "\x00lyon", "<script>", "x" * 300):
        assert suggestions(client, typed) == [], typed
    assert len(suggestions(client, "sa")) == 8


# ------------------------------------------------------------------ check


def test_check_gives_the_official_city_files_and_alt_text(client):
    response = client.get("/api/verifier", query_string={"ville": "chateauroux", "collectif": "Technopolice Indre"})
    assert response.status_code == 200
    data = response.json
    assert data["ville"] == {"nom": "Châteauroux", "departement": "36", "commune": True,
                             "notes": [f"Orthographe officielle utilisée{NBSP}: «{NNBSP}Châteauroux{NNBSP}» (36)."]}
    assert "Châteauroux" in data["texte_alternatif"]
    assert [f["nom"] for f in data["fichiers"]] == [
        "affiche-a3-chateauroux.pdf", "tract-a5-chateauroux.pdf", "visuel-carre-chateauroux.png",
        "visuel-carre-chateauroux.txt"]
    assert data["zip"] == "chateauroux.zip"
    assert set(data["apercus"]) == {"affiche", "tract-recto", "tract-verso", "visuel"}
    assert data["apercus"] == {k: f"/apercu/{k}.png" for k in ("affiche", "tract-recto", "tract-verso", "visuel")}


def test_a_name_that_is_not_a_commune_is_used_as_typed_with_a_note(client):
    data = client.get("/api/verifier", query_string={"ville": "Quartier Libre"}).json
    assert data["ville"]["commune"] is False and data["ville"]["nom"] == "Quartier Libre"
    assert "n’est pas une commune de France" in data["ville"]["notes"][0]


@pytest.mark.parametrize(("field", "value", "cli_args"), [
    ("ville", "", ["kit", ""]),
    ("ville", "Lyon\x07", ["kit", "Lyon\x07"]),
    ("ville", "x" * 81, ["kit", "x" * 81]),
    ("ville", "Châtillon (13)", ["kit", "Châtillon (13)"]),
    ("collectif", "a" * 201, ["kit", "Lyon", "--collectif", "a" * 201]),
    ("contact", "a\x01b", ["kit", "Lyon", "--contact", "a\x01b"]),
    ("url", "ftp://exemple.org", ["kit", "Lyon", "--url", "ftp://exemple.org"]),
    ("date", "31/02/2026", ["kit", "Lyon", "--date", "31/02/2026"]),
    ("date", "demain", ["kit", "Lyon", "--date", "demain"]),
    ("heure", "25h", ["kit", "Lyon", "--heure", "25h"]),
])
def test_each_field_error_is_the_command_line_message_next_to_its_field(client, in_tmp, field, value, cli_args):
    form = {"ville": "Lyon", field: value}
    response = client.get("/api/verifier", query_string=form)
    assert response.status_code == 422
    assert response.json == {"ok": False, "erreurs": {field: cli_error(cli_args)}}
    # without JavaScript: the page again, the message in the field's slot, the field marked
    page = client.post("/kit.zip", data=form)
    assert page.status_code == 422 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    slot = re.search(rf'<p class="erreur" id="{field}-erreur"[^>]*>([^<]*)</p>', html)
    assert slot and slot.group(1).replace("&#39;", "'").replace("&lt;", "<") == _html(cli_error(cli_args))
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html, re.S)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")


def test_several_errors_at_once_and_the_values_are_kept(client):
    response = client.post("/kit.zip", data={"ville": "", "heure": "99", "collectif": "Nous & eux"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Le nom de ville est vide" in html and "heure «" in html
    assert 'value="Nous &amp; eux"' in html


def test_a_text_too_long_for_its_box_is_shown_at_its_field(client):
    data = client.get("/api/verifier", query_string={"ville": "Paris", "collectif": "Technopolice " * 12}).json
    assert list(data["erreurs"]) == ["collectif"]
    assert "ne tient pas dans sa boîte" in data["erreurs"]["collectif"]


def test_unknown_layout_is_refused(client):
    data = client.get("/api/verifier", query_string={"ville": "Paris", "gabarit_affiche": "../../etc/passwd"}).json
    assert data["erreurs"] == {"gabarit_affiche": (
        f"gabarit «{NNBSP}../../etc/passwd{NNBSP}» inconnu{NNBSP}; choisissez parmi affiche-a3, affiche-a2, "
        "affiche-a3-photo, affiche-a3-sombre")}


def test_own_words_replace_the_campaign_texts(client, runner, in_tmp):
    form = {"ville": "Lyon", "accroche": "Lyon sans VSA", "message": "Nous voulons une ville sans caméras qui jugent."}
    files = read_zip(client.post("/kit.zip", data=form).data)
    poster = PdfReader(io.BytesIO(files["lyon/affiche-a3-lyon.pdf"]))
    text = " ".join("".join(page.extract_text() for page in poster.pages).split())
    assert "Nous voulons une ville sans caméras qui jugent." in text
    result = runner.invoke(cli, ["affiche", "Lyon", "--accroche", "Lyon sans VSA", "--message",
                                 "Nous voulons une ville sans caméras qui jugent.", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    assert (in_tmp / "sortie/lyon/affiche-a3-lyon.pdf").read_bytes() == files["lyon/affiche-a3-lyon.pdf"]
    too_long = client.post("/api/verifier", data={"ville": "Lyon", "message": "x" * 401}).json
    assert too_long["erreurs"] == {
        "message": f"texte trop long (401 caractères, 400 au plus){NNBSP}; raccourcissez-le"}


def test_layout_choices_offer_the_colour_variants_and_formats():
    choices = {m: [name for name, _ in items] for m, items in job.layout_choices().items()}
    assert choices == {"affiche": ["affiche-a3", "affiche-a2", "affiche-a3-photo", "affiche-a3-sombre"],
                       "tract": ["tract-a5", "tract-a6"],
                       "visuel": ["visuel-carre", "visuel-carre-clair", "visuel-paysage", "visuel-portrait",
                                  "visuel-story"]}


# ------------------------------------------------------------------ previews


@pytest.mark.parametrize(("key", "width", "ratio"), [
    ("affiche", 400, 420 / 297), ("tract-recto", 300, 210 / 148), ("tract-verso", 300, 210 / 148),
    ("visuel", 500, 1.0),
])
def test_previews_are_pngs_at_the_width_asked(client, key, width, ratio):
    response = client.get(f"/apercu/{key}.png", query_string={"ville": "Lyon", "largeur": width})
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.width == width
    assert image.height == pytest.approx(width * ratio, abs=2)


def test_previews_change_with_the_options(client):
    def get(**form):
        return client.get("/apercu/affiche.png", query_string={"ville": "Lyon", "largeur": 300, **form}).data

    plain = get()
    assert get() == plain  # deterministic
    assert Image.open(io.BytesIO(plain)).convert("RGB").getpixel((150, 190)) == (255, 212, 0)  # exact yellow
    assert get(collectif="Technopolice Lyon") != plain
    assert get(gabarit_affiche="affiche-a3-sombre") != plain
    dark = Image.open(io.BytesIO(get(gabarit_affiche="affiche-a3-sombre"))).convert("RGB")
    assert dark.getpixel((150, 210))[0] < 60  # the dark variant is dark


def test_preview_width_is_bounded_and_bad_keys_refused(client):
    big = client.get("/apercu/visuel.png", query_string={"ville": "Lyon", "largeur": 99999})
    assert Image.open(io.BytesIO(big.data)).width == 1080  # never above the image itself
    tiny = client.get("/apercu/affiche.png", query_string={"ville": "Lyon", "largeur": -5})
    assert Image.open(io.BytesIO(tiny.data)).width == job.MIN_WIDTH
    odd = client.get("/apercu/affiche.png", query_string={"ville": "Lyon", "largeur": "abc"})
    assert Image.open(io.BytesIO(odd.data)).width == 600
    unknown = client.get("/apercu/etc.png", query_string={"ville": "Lyon"})
    assert unknown.status_code == 422 and "aperçu" in unknown.json["erreurs"]["apercu"]
    invalid = client.get("/apercu/affiche.png", query_string={"ville": ""})
    assert invalid.status_code == 422 and list(invalid.json["erreurs"]) == ["ville"]


# ------------------------------------------------------------------ downloads


def test_each_file_can_be_downloaded(client):
    form = {"ville": "Saint-Étienne", "collectif": "Technopolice Saint-Étienne"}
    files = client.get("/api/verifier", query_string=form).json["fichiers"]
    for entry in files:
        assert entry["url"] == f"/telecharger/{entry['nom']}"  # the form is posted, not put in the URL
        response = client.post(entry["url"], data=form)
        assert response.status_code == 200, entry
        assert response.headers["Content-Disposition"] == f'attachment; filename="{entry["nom"]}"'
        if entry["nom"].endswith(".pdf"):
            assert response.mimetype == "application/pdf"
            assert len(PdfReader(io.BytesIO(response.data)).pages) in (1, 2)
        elif entry["nom"].endswith(".png"):
            assert Image.open(io.BytesIO(response.data)).size == (1080, 1080)
        else:
            assert response.get_data(as_text=True).startswith("Visuel")
    unknown = client.get("/telecharger/affiche-a3-lyon.pdf", query_string=form)
    assert unknown.status_code == 422 and "fichier" in unknown.json["erreurs"]


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_zip_holds_the_whole_kit_and_is_deterministic(client):
    form = {"ville": "chatillon (92)", "date": "2026-05-16", "heure": "13h", "lieu": "place de la mairie"}
    first = client.post("/kit.zip", data=form)
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert first.headers["Content-Disposition"] == 'attachment; filename="chatillon.zip"'
    files = read_zip(first.data)
    assert sorted(files) == ["chatillon/affiche-a3-chatillon.pdf", "chatillon/tract-a5-chatillon.pdf",
                             "chatillon/visuel-carre-chatillon.png", "chatillon/visuel-carre-chatillon.txt"]
    poster = PdfReader(io.BytesIO(files["chatillon/affiche-a3-chatillon.pdf"]))
    text = "".join(page.extract_text() for page in poster.pages)
    text = " ".join(text.split())
    assert "Châtillon, nous demandons" in text and "Rassemblement samedi 16 mai 2026, 13 h, place de la mairie" in text
    assert client.post("/kit.zip", data=form).data == first.data


def test_print_options_add_their_variants(client):
    form = {"ville": "Lyon", "imprimeur": "1", "tuiles": "1", "imposer": "1", "a4": "1",
            "gabarit_visuel": "visuel-carre-clair"}
    names = sorted(read_zip(client.post("/kit.zip", data=form).data))
    assert names == [
        "lyon/affiche-a3-lyon-a4-tuiles.pdf", "lyon/affiche-a3-lyon-a4.pdf", "lyon/affiche-a3-lyon-imprimeur.pdf",
        "lyon/affiche-a3-lyon.pdf", "lyon/tract-a5-lyon-a4-imposition.pdf", "lyon/tract-a5-lyon-a4.pdf",
        "lyon/tract-a5-lyon-imprimeur.pdf", "lyon/tract-a5-lyon.pdf", "lyon/visuel-carre-clair-lyon.png",
        "lyon/visuel-carre-clair-lyon.txt"]


# ------------------------------------------------------------------ limits


def test_request_body_is_bounded(client):
    response = client.post("/kit.zip", data={"ville": "Lyon", "lieu": "x" * (MAX_BODY + 1)})
    assert response.status_code == 413
    assert "Requête trop grosse" in response.get_data(as_text=True)


def test_query_string_is_bounded(client):
    response = client.get("/api/verifier", query_string={"ville": "Lyon", "lieu": "x" * MAX_QUERY})
    assert response.status_code == 414
    assert response.json["erreur"].startswith("Adresse trop longue")


def test_text_lengths_are_bounded(client):
    data = client.get("/api/verifier", query_string={"ville": "Lyon", "lieu": "x" * 201}).json
    assert data["erreurs"]["lieu"] == f"texte trop long (201 caractères, 200 au plus){NNBSP}; raccourcissez-le"


# ------------------------------------------------------------------ the 503 path


def hold_one_slot(pool: RenderPool) -> tuple[threading.Event, threading.Thread]:
    release, started = threading.Event(), threading.Event()

    def job_that_waits() -> None:
        started.set()
        release.wait(10)

    thread = threading.Thread(target=pool.run, args=(job_that_waits,))
    thread.start()
    assert started.wait(5)
    return release, thread


def test_a_full_pool_answers_503_at_once_with_retry_after():
    pool = RenderPool(0, queue=0)
    client = create_app(pool).test_client()
    release, thread = hold_one_slot(pool)
    try:
        for url in ("/api/verifier?ville=Lyon", "/apercu/affiche.png?ville=Lyon", "/telecharger/x.pdf?ville=Lyon"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.headers["Retry-After"] == "5"
            assert response.json["erreur"] == BUSY == "Trop de demandes, réessayez dans quelques secondes."
        page = client.post("/kit.zip", data={"ville": "Lyon", "collectif": "Nous"})
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        html = page.get_data(as_text=True)
        assert BUSY in html and 'value="Nous"' in html  # the form is kept
        # the health route and the suggestions do not wait for the pool
        health = client.get("/sante")
        assert health.status_code == 200 and health.json["calculs_en_cours"] == 1
        assert suggestions(client, "lyon")[0]["nom"] == "Lyon"
    finally:
        release.set()
        thread.join()
    assert client.get("/api/verifier?ville=Lyon").status_code == 200
    assert client.get("/sante").json["calculs_en_cours"] == 0


class SlowPool(RenderPool):
    def run(self, func, *args):
        raise RenderTimeout()


def test_a_render_over_the_time_limit_is_a_503_and_logs_no_personal_data(caplog):
    client = create_app(SlowPool(0)).test_client()
    with caplog.at_level(logging.DEBUG):
        response = client.get("/api/verifier", query_string={"ville": "Lyon", "collectif": "Camille Martin"},
                              environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "trop de temps" in response.json["erreur"]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "calcul interrompu" in logged
    assert "Camille" not in logged and "203.0.113.7" not in logged and "Lyon" not in logged


def test_process_pool_runs_jobs_enforces_the_time_limit_and_bounds_admission():
    pool = RenderPool(1, queue=0, time_limit=0.5)
    try:
        assert pool.run(pow, 2, 10) == 1024
        start = time.monotonic()
        with pytest.raises(RenderTimeout):
            pool.run(time.sleep, 5)  # interrupted inside the worker
        assert time.monotonic() - start < 3
        busy = threading.Thread(target=lambda: pytest.raises(RenderTimeout, pool.run, time.sleep, 5))
        busy.start()
        time.sleep(0.1)
        with pytest.raises(Busy):
            pool.run(pow, 2, 2)
        busy.join()
        assert pool.run(pow, 3, 2) == 9  # the slot came back
    finally:
        pool.close()


def test_the_app_through_a_real_process_pool():
    pool = RenderPool(1, queue=1)
    try:
        client = create_app(pool).test_client()
        assert client.get("/api/verifier?ville=Lyon").json["ville"]["nom"] == "Lyon"
        error = client.get("/api/verifier?ville=")  # a FormError crosses the process boundary
        assert error.status_code == 422 and list(error.json["erreurs"]) == ["ville"]
        assert client.get("/apercu/visuel.png?ville=Lyon&largeur=200").data[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        pool.close()


# ------------------------------------------------------------------ command line


def test_serveur_help_is_french(runner):
    result = runner.invoke(cli, ["serveur", "--help"])
    assert result.exit_code == 0
    assert "--hote ADRESSE" in result.output and "[défaut : 127.0.0.1]" in result.output.replace("default", "défaut")
    assert "--ouvrir" in result.output


def test_serveur_refuses_a_port_in_use(runner):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serveur", "--port", str(port), "--processus", "1"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Erreur : impossible d’écouter sur 127.0.0.1:{port} : ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_zip_holds_the_same_bytes_as_the_command_line(client, runner, in_tmp):
    form = {"ville": "Saint-Étienne", "collectif": "Technopolice Loire", "date": "2026-05-16", "imprimeur": "1"}
    files = read_zip(client.post("/kit.zip", data=form).data)
    for args in ([], ["--imprimeur", "-q", "affiche,tract"]):
        result = runner.invoke(cli, ["kit", "Saint-Étienne", "--collectif", "Technopolice Loire",
                                     "--date", "2026-05-16", "-o", "sortie", *args])
        assert result.exit_code == 0, result.output
    written = sorted((in_tmp / "sortie").rglob("*.*"))
    assert sorted(files) == [p.relative_to(in_tmp / "sortie").as_posix() for p in written]
    for path in written:
        assert files[path.relative_to(in_tmp / "sortie").as_posix()] == path.read_bytes(), path.name


def test_affiches_serveur_serves_the_page_and_opens_the_browser(tmp_path):
    """The real command: waitress on a free loopback port, address printed, --ouvrir."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    opened = tmp_path / "ouvert.txt"
    browser = f"{sys.executable} -c \"import sys; open(r'{opened}', 'w').write(sys.argv[1])\" %s"
    process = subprocess.Popen(
        [sys.executable, "-m", "affiches", "serveur", "--port", str(port), "--processus", "1", "--ouvrir"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "BROWSER": browser})
    try:
        assert process.stdout is not None
        address = f"http://127.0.0.1:{port}/"
        assert process.stdout.readline() == f"Page ouverte sur {address} (Ctrl-C pour arrêter)\n"
        with urllib.request.urlopen(address + "sante", timeout=10) as response:
            assert response.status == 200 and response.headers["Server"] == "affiches"
        with urllib.request.urlopen(address, timeout=10) as response:
            assert "Votre ville" in response.read().decode("utf-8")
        for _ in range(50):
            if opened.exists() and opened.read_text():
                break
            time.sleep(0.1)
        assert opened.read_text() == address
    finally:
        process.terminate()
        process.wait(10)
    assert process.stderr is not None
    # read() returns only once every process holding the pipe (the render workers too) ended
    assert process.stderr.read() == ""  # nothing logged: no address, no form value


def test_render_workers_end_when_their_server_is_killed():
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    process = subprocess.Popen([sys.executable, "-m", "affiches", "serveur", "--port", "0", "--processus", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().startswith("Page ouverte")
        children: list[int] = []
        for _ in range(50):
            children = [int(c) for task in Path(f"/proc/{process.pid}/task").iterdir()
                        for c in (task / "children").read_text().split()]
            if len(children) == 2:
                break
            time.sleep(0.1)
        assert len(children) == 2
    finally:
        process.send_signal(signal.SIGKILL)  # no chance to clean up
        process.wait(10)
    def running(pid: int) -> bool:
        try:
            return "zombie" not in Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False

    for _ in range(60):
        alive = [pid for pid in children if running(pid)]
        if not alive:
            break
        time.sleep(0.1)
    else:
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        pytest.fail(f"processus de calcul orphelins : {alive}")


# ------------------------------------------------------------------ letters


LETTER_FORM = {"ville": "Saint-Étienne", "lettre": "1", "cada": "1", "expediteur": "Camille Martin",
               "adresse": "12 rue Neuve, 42000 Saint-Étienne", "contact": "camille@exemple.org",
               "collectif": "Technopolice Saint-Étienne"}


def test_letters_join_the_kit_with_notes_and_a_mailto_to_the_town_hall(client):
    response = client.post("/api/verifier", data=LETTER_FORM)
    assert response.status_code == 200
    data = response.json
    names = [f["nom"] for f in data["fichiers"]]
    for stem in ("lettre-maire-saint-etienne", "demande-cada-saint-etienne"):
        assert [f"{stem}.{ext}" in names for ext in ("pdf", "odt", "eml", "txt")] == [True] * 4
    assert "courriel-technopolice-saint-etienne.eml" in names
    mails = data["lettres"]["courriels"]
    assert [m["libelle"] for m in mails] == ["Lettre au maire", "Demande de documents (CADA)"]
    assert all(m["mailto"].startswith("mailto:courriermairie@saint-etienne.fr?subject=") for m in mails)
    assert "Camille%20Martin" in mails[0]["mailto"]
    # no sender data in any URL the page will load
    for url in [*data["apercus"].values(), *(f["url"] for f in data["fichiers"])]:
        assert "Camille" not in url and "Neuve" not in url and "camille" not in url


def test_letters_are_the_bytes_the_lettre_command_writes(client, runner, in_tmp):
    files = read_zip(client.post("/kit.zip", data=LETTER_FORM).data)
    result = runner.invoke(cli, ["lettre", "Saint-Étienne", "--expediteur", "Camille Martin", "--adresse",
                                 "12 rue Neuve, 42000 Saint-Étienne", "--contact", "camille@exemple.org",
                                 "--collectif", "Technopolice Saint-Étienne", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    written = sorted((in_tmp / "sortie").rglob("*.*"))
    assert len(written) == 4
    for path in written:
        name = path.relative_to(in_tmp / "sortie").as_posix()
        if not name.endswith(".pdf"):  # the PDF's creation date is the day's: compared as text below
            assert files[name] == path.read_bytes(), name
    download = client.post("/telecharger/lettre-maire-saint-etienne.odt", data=LETTER_FORM)
    assert download.mimetype == "application/vnd.oasis.opendocument.text"
    assert download.data == files["saint-etienne/lettre-maire-saint-etienne.odt"]


@pytest.mark.parametrize(("field", "value", "cli_args"), [
    ("contact", "pas un courriel", ["--contact", "pas un courriel"]),
    ("courriel_mairie", "x@", ["--courriel-mairie", "x@"]),
    ("expediteur", "a" * 201, ["--expediteur", "a" * 201]),
])
def test_letter_field_errors_are_the_lettre_command_messages(client, in_tmp, field, value, cli_args):
    form = {**LETTER_FORM, field: value}
    response = client.post("/api/verifier", data=form)
    assert response.status_code == 422
    assert response.json["erreurs"] == {field: cli_error(["lettre", "Saint-Étienne", *cli_args])}


def test_without_a_letter_the_sender_fields_are_not_required(client):
    data = client.post("/api/verifier", data={"ville": "Lyon", "contact": "06 00 00 00 00"}).json
    assert data["ok"] and data["lettres"] == {"notes": [], "courriels": []}


# ------------------------------------------------------------------ logo and photo


def png_bytes(size: tuple[int, int] = (400, 200), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_and_photo_uploads_give_the_command_line_bytes(client, runner, in_tmp, monkeypatch):
    logo, photo = png_bytes(), png_bytes((1600, 1200), (30, 90, 160))
    (in_tmp / "logo.png").write_bytes(logo)
    (in_tmp / "photo.png").write_bytes(photo)

    def no_disk(*args, **kwargs):
        raise AssertionError("un envoi a été écrit sur le disque")

    form = {"ville": "Lyon", "gabarit_affiche": "affiche-a3-photo", "credit": "Photo : Camille D.",
            "logo": (io.BytesIO(logo), "logo.png"), "photo": (io.BytesIO(photo), "photo.png")}
    from werkzeug import formparser

    with monkeypatch.context() as patch:  # Werkzeug's own spooling, to a temporary file
        patch.setattr(formparser, "SpooledTemporaryFile", no_disk)
        response = client.post("/kit.zip", data=form, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    files = read_zip(response.data)
    result = runner.invoke(cli, ["kit", "Lyon", "-g", "affiche=affiche-a3-photo", "--logo", "logo.png",
                                 "--photo", "photo.png", "--credit", "Photo : Camille D.", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    for path in sorted((in_tmp / "sortie").rglob("*.*")):
        assert files[path.relative_to(in_tmp / "sortie").as_posix()] == path.read_bytes(), path.name
    plain = read_zip(client.post("/kit.zip", data={"ville": "Lyon", "gabarit_affiche": "affiche-a3-photo"}).data)
    assert plain["lyon/affiche-a3-photo-lyon.pdf"] != files["lyon/affiche-a3-photo-lyon.pdf"]
    preview = client.post("/apercu/visuel.png", data={"ville": "Lyon", "largeur": "200",
                                                      "photo": (io.BytesIO(photo), "photo.png")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200 and preview.mimetype == "image/png"


def test_a_bad_upload_is_shown_at_its_field(client):
    for role, data, expected in (
        ("logo", b"pas une image", "ce n’est pas une image lisible"),
        ("photo", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "une photo doit être une image PNG ou JPEG"),
    ):
        response = client.post("/api/verifier", data={"ville": "Lyon", role: (io.BytesIO(data), "x.bin")},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert list(response.json["erreurs"]) == [role]
        assert expected in response.json["erreurs"][role]
        assert "x.bin" not in response.json["erreurs"][role]


def test_an_upload_over_the_limit_is_refused(client):
    from affiches.web.app import MAX_UPLOAD

    big = b"\x89PNG\r\n\x1a\n" + b"0" * MAX_UPLOAD
    response = client.post("/api/verifier", data={"ville": "Lyon", "logo": (io.BytesIO(big), "gros.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["erreurs"] == {"logo": f"fichier trop gros (10{NBSP}Mo au plus){NNBSP}; réduisez l’image"}
