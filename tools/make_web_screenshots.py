"""Screenshots of the web page for the README: ``docs/apercus/web-*.png``.

Contract: ``python tools/make_web_screenshots.py`` starts ``affiches serveur`` on a free
loopback port, uses the page in Debian's Chromium (Playwright, ``executable_path``)
as a new user would — a city typed with a typo, a suggestion picked, a signature and an
event filled in, on the desktop the letter to the mayor too — and saves a desktop-sized
(1366 × 900, whole page) and a phone-sized (390 × 844, the first screens) screenshot,
plus one with the suggestions open.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "apercus"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "affiches", "serveur", "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    server.stdout.readline()
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for name, viewport, full in (("bureau", {"width": 1366, "height": 900}, True),
                                         ("telephone", {"width": 390, "height": 844}, False)):
                page = browser.new_page(viewport=viewport)
                page.goto(url)
                page.locator("#ville").press_sequentially("st etiene", delay=40)
                expect(page.locator("#ville-suggestions [role=option]").first).to_be_visible()
                page.keyboard.press("ArrowDown")
                if name == "telephone":
                    page.screenshot(path=OUT / "web-suggestions.png")
                page.keyboard.press("Enter")
                page.fill("#collectif", "Technopolice Saint-Étienne")
                page.fill("#date", "16 mai 2026")
                page.fill("#heure", "13h")
                page.fill("#lieu", "place Jean-Jaurès")
                if name == "bureau":
                    page.fill("#contact", "technopolice42@exemple.org")
                    page.check("#lettre")
                    page.fill("#expediteur", "Camille Martin")
                    page.fill("#adresse", "12 rue Neuve, 42000 Saint-Étienne")
                expect(page.locator("#etat")).to_have_text(re.compile("^Aperçus à jour"), timeout=20000)
                if name == "telephone":
                    page.locator("#resultats").scroll_into_view_if_needed()
                page.screenshot(path=OUT / f"web-{name}.png", full_page=full)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    for path in sorted(OUT.glob("web-*.png")):
        print(path)


if __name__ == "__main__":
    main()
