"""The glossary in Chromium at a phone's width (390 px): its A–Z index is usable, and an acronym's
definition is reached by the keyboard alone (Tab to it: its expansion shows; Enter: its entry)."""
from __future__ import annotations

import pytest

from test_browser import ARTIFACTS, browser, site_url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow  # Drives a browser over the built site.

PHONE = {"width": 390, "height": 844}


def test_az_index_fits_a_phone_and_leads_to_each_letter(browser, site_url):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=PHONE)
    page.goto(site_url + "glossaire/")
    index = page.locator("nav.cdv-az")
    box = index.bounding_box()
    assert box and box["y"] < PHONE["height"], "l'index A–Z est sur le premier écran"
    page.screenshot(path=str(ARTIFACTS / "glossaire-index-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1  # never sideways
    links = index.locator("a")
    assert links.count() >= 15
    for i in range(links.count()):  # each letter a target a finger can hit (WCAG 2.2: 24 px at least)
        size = links.nth(i).bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24
    assert index.locator(".cdv-az__empty").count() >= 1  # a letter with no term: shown, not a link
    # A tap on a letter brings its section to the top of the screen.
    index.get_by_role("link", name="S", exact=True).click()
    page.wait_for_url("**/glossaire/#lettre-s")
    heading = page.locator("#lettre-s")
    top = heading.bounding_box()["y"]
    assert 0 <= top < PHONE["height"] / 2
    assert heading.inner_text().rstrip("¶").strip() == "S"
    page.screenshot(path=str(ARTIFACTS / "glossaire-lettre-s-390.png"))
    page.close()


def test_an_acronym_definition_is_reached_by_keyboard_on_a_phone(browser, site_url):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=PHONE)
    page.goto(site_url + "quartiers/planoise/")
    focused = None
    for _ in range(400):  # Tab alone, from the top of the page, until an acronym is focused
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || !el.classList.contains('cdv-abbr')) return null;
            const abbr = el.querySelector('abbr'), bar = getComputedStyle(abbr, '::after');
            const r = el.getBoundingClientRect();
            return {term: abbr.textContent, title: abbr.title, shown: bar.content, position: bar.position,
                    display: bar.display, href: el.getAttribute('href'),
                    visible: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth};
        }""")
        if focused:
            break
    assert focused, "un sigle de la page doit être atteint à la touche Tab"
    # Its expansion is on screen, as text: the bar the CSS draws from the title.
    assert focused["title"] and focused["shown"] == f'"{focused["title"]}"'
    assert focused["position"] == "fixed" and focused["display"] != "none" and focused["visible"]
    page.screenshot(path=str(ARTIFACTS / "sigle-focus-390.png"))
    # Enter opens its glossary entry, in view.
    anchor = focused["href"].split("#")[1]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/glossaire/#{anchor}")
    entry = page.locator(f"#{anchor}")
    assert entry.inner_text().rstrip("¶").strip() == focused["term"]
    top = entry.bounding_box()["y"]
    assert 0 <= top < PHONE["height"] / 2
    page.screenshot(path=str(ARTIFACTS / "sigle-glossaire-390.png"))
    page.close()


def test_a_tap_on_an_acronym_opens_its_entry(browser, site_url):  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "quartiers/planoise/")
    link = page.locator("article a.cdv-abbr").first
    link.scroll_into_view_if_needed()
    href = link.get_attribute("href")
    link.tap()
    page.wait_for_url("**/glossaire/#" + href.split("#")[1])
    context.close()
