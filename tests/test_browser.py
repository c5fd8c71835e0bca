"""The public site in a real browser: Playwright driving Debian's chromium (never a downloaded browser).

Every page loads without console errors and without serious or critical axe-core violations; search
finds Planoise; the PDF link answers; the keyboard reaches the content; screenshots at phone and desktop
widths are kept in test-artifacts/ for review."""
from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT

pytestmark = pytest.mark.slow  # Drives a browser over the built site.

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def site_url(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def pages_of(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() + "/" if p.parent != site else ""
                  for p in site.rglob("index.html"))


# Only the violations come back, a few nodes each: axe's passes over a 75-page site were most of the
# test's time, spent building and serialising results nobody reads.
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(result => result.violations.map(v => ({id: v.id, impact: v.impact,
                                               targets: v.nodes.slice(0, 3).map(n => n.target)})))"""


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_loads_cleanly_and_passes_axe(browser, site_url, built_site, width):
    """Every page, at a phone's width and a desktop's: no console error, no serious or critical violation."""
    problems = []
    pages = pages_of(built_site)
    assert len(pages) > 40
    context = browser.new_context(viewport={"width": width, "height": 900})
    # axe is given to every page before its own scripts (it only defines `window.axe`), so one page is
    # navigated through the whole site instead of a page opened and closed, and axe re-parsed, per path.
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in pages:
        seen = len(errors)  # a message arriving late is still reported, under the next path at worst
        response = page.goto(site_url + path, wait_until="load")
        assert response.ok, path
        for violation in page.evaluate(AXE_RUN, AXE_TAGS):
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{width} px, {path}: {violation['id']} ({violation['impact']}) {violation['targets']}")
        problems += [f"{width} px, {path}: console : {e}" for e in errors[seen:]]
    context.close()
    assert problems == []


def test_search_in_french_finds_planoise(browser, site_url):
    page = browser.new_page()
    page.goto(site_url)
    page.get_by_label("Rechercher").first.click()
    page.keyboard.type("Planoise")
    first = page.locator(".md-search-result__link").first
    first.wait_for(timeout=15000)
    assert "quartiers/planoise/" in first.get_attribute("href")
    first.click()
    page.wait_for_url("**/quartiers/planoise/**")
    assert page.locator("h1").first.inner_text().rstrip("¶").strip() == "Planoise"
    page.close()


def test_search_finds_a_priority_and_a_signatory(browser, site_url):
    page = browser.new_page()
    page.goto(site_url)
    for words, expected in (("illectronisme", "quartiers/"), ("BASTILLE", "signataires/")):
        page.get_by_label("Rechercher").first.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(words)
        link = page.locator(f".md-search-result__link[href*='{expected}']").first
        link.wait_for(timeout=15000)
        page.keyboard.press("Escape")
    page.close()


def test_pdf_link_on_every_page_answers(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "quartiers/planoise/")
    link = page.locator(".cdv-pdf-link")
    assert re.fullmatch(r"Télécharger le contrat \(PDF\s– \d+\s(Ko|Mo)\)", link.inner_text())
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.close()


def test_keyboard_reaches_the_content_with_a_visible_focus(browser, site_url):
    page = browser.new_page()
    page.goto(site_url + "quartiers/planoise/")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {text: el.innerText.trim(), href: el.getAttribute('href'),
                outline: style.outlineStyle !== 'none' || style.boxShadow !== 'none' || el.getBoundingClientRect().height > 0};
    }""")
    assert focused["text"] == "Aller au contenu" and focused["href"] == "#planoise" or focused["href"].startswith("#")
    assert focused["outline"]
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_for_review(browser, site_url, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path, name in (("", "accueil"), ("quartiers/planoise/", "planoise"), ("quartiers/battant/", "battant"),
                       ("signataires/", "signataires"), ("contrat/article-5/", "article-5"), ("ce-qui-change/", "ce-qui-change"),
                       ("dispositifs/pacte-emancipation-jeunes-planoise/", "pacte-planoise")):
        page.goto(site_url + path)
        target = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        # Nothing wider than the screen: a phone never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (path, width)
    page.close()
