"""The web page in a real browser: Debian's Chromium driven by Playwright.

A real ``affiches serveur`` is started on a free loopback port. Covered: a city typed
with a typo and a suggestion picked, previews that change with the options, the ZIP
downloaded and opened, keyboard-only use with a visible focus, the page without
JavaScript, a phone-sized window, no Content-Security-Policy violation, and axe-core
(``tests/vendor/axe-core``, test-only) reporting no WCAG 2.1 A/AA violation.

Outside CI these tests skip, saying why, when Chromium or Playwright is missing; with
``CI`` set they fail instead (``.ci/run`` installs Chromium). Browsers are never
downloaded: ``executable_path`` points at the system's Chromium.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
NBSP, NNBSP = "\u00a0", "\u202f"


def _missing() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright n’est pas installé (pip install playwright)"
    if CHROMIUM is None:
        return "Chromium n’est pas installé (apt-get install chromium)"
    return ""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "non"):
            pytest.fail(f"tests dans un navigateur impossibles en CI : {reason}")
        pytest.skip(f"tests dans un navigateur sautés : {reason}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "affiches", "serveur", "--port", str(port), "--processus", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"Page ouverte sur http://127.0.0.1:{port}/"), line + process.stderr.read()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.problems = []  # console errors (CSP violations among them); a 422 is an expected answer

    def console(message) -> None:
        if message.type == "error" and "status of 422" not in message.text:
            page.problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(server + "/")
    yield page
    assert page.problems == []
    context.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def previews_up_to_date(page, city: str) -> None:
    expect(page.locator("#etat")).to_have_text(f"Aperçus à jour pour {city}.", timeout=15000)


def preview_pixel(page, key: str, where: tuple[float, float]) -> tuple[int, int, int]:
    shot = Image.open(io.BytesIO(page.locator(f"#apercu-{key}").screenshot())).convert("RGB")
    return shot.getpixel((int(shot.width * where[0]), int(shot.height * where[1])))


def zip_names(download, tmp_path: Path) -> list[str]:
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        return sorted(archive.namelist())


def test_typo_then_suggestion_then_previews_that_follow_the_options(page):
    page.locator("#ville").press_sequentially("grenble", delay=30)
    option = page.locator("#ville-suggestions [role=option]").first
    expect(option).to_have_text("Grenoble(38)")
    expect(page.locator("#ville")).to_have_attribute("aria-expanded", "true")
    option.click()
    expect(page.locator("#ville")).to_have_value("Grenoble")
    expect(page.locator("#ville-retenue")).to_have_text(f"Commune retenue{NBSP}: Grenoble (38).")
    previews_up_to_date(page, "Grenoble")
    for key in ("affiche", "tract-recto", "tract-verso", "visuel"):
        assert page.locator(f"#apercu-{key}").evaluate("img => img.naturalWidth") > 100, key
    assert preview_pixel(page, "affiche", (0.5, 0.45)) == (255, 212, 0)  # the yellow poster
    first = page.locator("#apercu-affiche").get_attribute("src")
    assert "Grenoble" in page.locator("#texte-alternatif").input_value()

    page.select_option("#gabarit_affiche", "affiche-a3-sombre")
    expect(page.locator("#apercu-affiche")).not_to_have_attribute("src", first, timeout=15000)
    previews_up_to_date(page, "Grenoble")
    red, green, blue = preview_pixel(page, "affiche", (0.5, 0.45))
    assert max(red, green, blue) < 60  # now the dark one

    page.fill("#heure", "25h")
    expect(page.locator("#heure-erreur")).to_have_text(
        f"heure «{NNBSP}25h{NNBSP}» inexistante{NNBSP}; écrivez par exemple 13 h ou 13 h 30", timeout=15000)
    expect(page.locator("#heure")).to_have_attribute("aria-invalid", "true")
    page.fill("#heure", "13h")
    expect(page.locator("#heure-erreur")).to_have_text("", timeout=15000)
    expect(page.locator("#heure")).not_to_have_attribute("aria-invalid", "true")


def test_the_zip_and_each_file_download(page, tmp_path):
    page.fill("#ville", "Saint-Étienne")
    page.check("#tuiles")
    previews_up_to_date(page, "Saint-Étienne")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger tout le kit (ZIP)").click()
    assert info.value.suggested_filename == "saint-etienne.zip"
    assert zip_names(info.value, tmp_path) == [
        "saint-etienne/affiche-a3-saint-etienne-a4-tuiles.pdf", "saint-etienne/affiche-a3-saint-etienne.pdf",
        "saint-etienne/tract-a5-saint-etienne.pdf", "saint-etienne/visuel-carre-saint-etienne.png",
        "saint-etienne/visuel-carre-saint-etienne.txt"]
    with page.expect_download() as info:
        page.get_by_role("button", name="Tract (PDF)").click()
    target = tmp_path / "tract.pdf"
    info.value.save_as(target)
    assert info.value.suggested_filename == "tract-a5-saint-etienne.pdf"
    assert target.read_bytes().startswith(b"%PDF-")


def focus_is_visible(page) -> bool:
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    return style[0] != "none" and style[1] >= 2


def test_keyboard_only(page, tmp_path):
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Aller au contenu"
    assert focus_is_visible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "ville"
    assert focus_is_visible(page)
    page.keyboard.type("chateaurou", delay=30)
    expect(page.locator("#ville-suggestions [role=option]").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#ville-option-0")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#ville")).to_have_attribute("aria-activedescendant", "ville-option-0")
    page.keyboard.press("Enter")
    expect(page.locator("#ville")).to_have_value("Châteauroux")
    expect(page.locator("#ville-suggestions")).to_be_hidden()
    previews_up_to_date(page, "Châteauroux")
    page.keyboard.press("Tab")
    page.keyboard.type("Technopolice Indre")
    assert page.locator("#collectif").input_value() == "Technopolice Indre"
    for _ in range(40):  # on to the download button, every stop with a visible focus
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("() => document.activeElement.outerHTML")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    else:
        pytest.fail("le bouton de téléchargement n’est pas atteint au clavier")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert "chateauroux/affiche-a3-chateauroux.pdf" in zip_names(info.value, tmp_path)
    # the copy button, by keyboard too
    page.focus("#copier")
    page.keyboard.press("Enter")
    expect(page.locator("#copie-etat")).to_have_text("Texte copié.")


def test_without_javascript_the_form_gives_the_zip(browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/")
    expect(page.locator("#resultats")).to_be_hidden()  # previews need JavaScript
    page.fill("#ville", "")
    page.get_by_role("button", name="Télécharger tout le kit (ZIP)").click()
    expect(page.locator("#ville-erreur")).to_have_text(re.compile("^Le nom de ville est vide"))
    page.fill("#ville", "lyon")
    page.fill("#collectif", "Technopolice Lyon")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger tout le kit (ZIP)").click()
    assert zip_names(info.value, tmp_path)[0] == "lyon/affiche-a3-lyon.pdf"
    context.close()


def test_phone_sized_window(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#ville", "Tassin-la-Demi-Lune")
    previews_up_to_date(page, "Tassin-la-Demi-Lune")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    box = page.locator("#apercu-affiche").bounding_box()
    assert box is not None and 150 < box["width"] <= 390
    context.close()


def axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the DevTools protocol: the page's CSP stays strict
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
    return list(result)


def test_axe_finds_no_violation(page):
    assert axe_violations(page) == []  # the empty page
    page.locator("#ville").press_sequentially("chatillon", delay=30)
    expect(page.locator("#ville-suggestions [role=option]").first).to_be_visible()
    assert axe_violations(page) == []  # suggestions open
    page.keyboard.press("Escape")
    page.fill("#ville", "Châtillon (92)")
    page.fill("#url", "pas une adresse")
    expect(page.locator("#url-erreur")).not_to_be_empty(timeout=15000)
    assert axe_violations(page) == []  # an error shown
    page.fill("#url", "")
    previews_up_to_date(page, "Châtillon")
    assert axe_violations(page) == []  # previews, alt text and files
    # and the checker does see a fault: an image without a text alternative
    page.locator("#apercu-visuel").evaluate("img => img.removeAttribute('alt')")
    assert [v.split(":")[0] for v in axe_violations(page)] == ["image-alt"]


def test_letters_with_a_mailto_to_the_town_hall(page, tmp_path):
    page.fill("#ville", "Saint-Étienne")
    page.check("#lettre")
    page.fill("#expediteur", "Camille Martin")
    page.fill("#adresse", "12 rue Neuve, 42000 Saint-Étienne")
    page.fill("#contact", "pas un courriel")
    expect(page.locator("#contact-erreur")).to_have_text(re.compile("n’est pas une adresse électronique"),
                                                        timeout=15000)
    page.fill("#contact", "camille@exemple.org")
    previews_up_to_date(page, "Saint-Étienne")
    link = page.get_by_role("link", name=re.compile("^Lettre au maire"))
    expect(link).to_have_attribute("href", re.compile("^mailto:courriermairie@saint-etienne.fr\\?subject="))
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.get_by_role("button", name="Lettre au maire (à modifier, ODT)").click()
    assert info.value.suggested_filename == "lettre-maire-saint-etienne.odt"
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger tout le kit (ZIP)").click()
    assert "saint-etienne/lettre-maire-saint-etienne.pdf" in zip_names(info.value, tmp_path)


def test_a_photo_uploaded_changes_the_visual(page):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (20, 120, 200)).save(buffer, format="PNG")
    page.fill("#ville", "Lyon")
    previews_up_to_date(page, "Lyon")
    before = page.locator("#apercu-visuel").get_attribute("src")
    page.set_input_files("#photo", files=[{"name": "place.png", "mimeType": "image/png", "buffer": buffer.getvalue()}])
    expect(page.locator("#apercu-visuel")).not_to_have_attribute("src", before, timeout=15000)
    previews_up_to_date(page, "Lyon")
    page.set_input_files("#logo", files=[{"name": "faux.png", "mimeType": "image/png", "buffer": b"pas une image"}])
    expect(page.locator("#logo-erreur")).to_have_text(re.compile("ce n’est pas une image lisible"), timeout=15000)
