"""Neighbourhood pages on a phone, in Chromium: within the first two screens (390 × 844 px, y < 2 × 844) every
page shows the links to its project's priorities, what is done and funded there when actions exist, and the
way to « Participer »; the contact page exists and every neighbourhood page links to it. Screenshots of
Planoise and of a neighbourhood without a project, at 390 and 1280 px, are kept for review."""
from __future__ import annotations

import pytest

from cdv.yamlload import load_yaml_file

from conftest import ROOT
from test_browser import ARTIFACTS, browser, site_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # Drives a browser over the built site.

PHONE = {"width": 390, "height": 844}
TWO_SCREENS = 2 * PHONE["height"]

# Where each element of the opening stands on the page: its top, from the top of the document.
POSITIONS = """() => {
  const top = el => Math.round(el.getBoundingClientRect().top + window.scrollY);
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  const links = sel => [...document.querySelectorAll(sel)].filter(shown);
  const first = (sel, text) => { const el = links(sel).find(a => !text || a.textContent.trim().startsWith(text));
                                  return el ? top(el) : null; };
  const priorities = {};
  for (const a of links('.cdv-summary a[href^="#"]')) {
    const id = a.getAttribute('href').slice(1);
    if (!(id in priorities)) priorities[id] = top(a);
  }
  const done = [...document.querySelectorAll('.cdv-summary-facts li')].find(li => li.textContent.startsWith('Ce qui se fait ici'));
  return {
    links: priorities,
    participate: first('.cdv-summary a[href="#participer"]'),
    participateSection: document.getElementById('participer') ? top(document.getElementById('participer')) : null,
    contact: first('.cdv-summary a[href$="contact/"]'),
    done: done ? {top: top(done), bottom: Math.round(done.getBoundingClientRect().bottom + window.scrollY),
                  text: done.textContent} : null,
    portrait: (() => { const h = [...document.querySelectorAll('h2')].find(h => h.closest('.cdv-summary') === null);
                       return h ? top(h) : null; })(),
    width: document.documentElement.scrollWidth,
  };
}"""


def neighbourhoods() -> list[dict]:
    return [load_yaml_file(p, f"neighbourhoods/{p.name}").data for p in sorted((ROOT / "neighbourhoods").glob("*.yml"))]


def action_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in sorted((ROOT / "actions").glob("*.yml")):
        for a in load_yaml_file(path, f"actions/{path.name}").data["actions"]:
            for n in a["neighbourhoods"]:
                counts[n] = counts.get(n, 0) + 1
    return counts


@pytest.fixture(scope="module")
def phone(browser):  # noqa: F811 (the fixture of test_browser)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("n", neighbourhoods(), ids=lambda n: n["id"])
def test_the_first_two_phone_screens_show_what_is_promised_and_how_to_take_part(phone, site_url, n):  # noqa: F811
    response = phone.goto(f"{site_url}quartiers/{n['id']}/", wait_until="load")
    assert response.ok
    seen = phone.evaluate(POSITIONS)
    assert seen["width"] <= PHONE["width"] + 1  # never a sideways scroll
    wanted = [p["id"] for t in (n.get("project") or {}).get("themes", []) for p in t["priorities"]]
    for ident in wanted:
        assert ident in seen["links"], (n["id"], ident)
        assert seen["links"][ident] < TWO_SCREENS, (n["id"], ident, seen["links"][ident])
    if "project" in n:
        assert seen["links"]["projet-de-quartier"] < PHONE["height"]  # « 12 priorités … » is a link
    assert seen["participate"] is not None and seen["participate"] < TWO_SCREENS, (n["id"], seen["participate"])
    assert seen["contact"] is not None and seen["contact"] < TWO_SCREENS
    assert seen["participateSection"] is not None  # the link lands on the section
    count = action_counts().get(n["id"], 0)
    if count:
        assert seen["done"]["bottom"] < TWO_SCREENS, (n["id"], seen["done"])
        assert f"{count} action" in seen["done"]["text"]
    # The portrait follows the opening.
    assert seen["portrait"] is None or seen["portrait"] > max([*seen["links"].values(), seen["participate"]])


def test_planoise_shows_what_is_funded_there_in_its_first_two_screens(phone, site_url):  # noqa: F811
    assert action_counts().get("planoise")  # the real programmation of 2023
    phone.goto(f"{site_url}quartiers/planoise/")
    seen = phone.evaluate(POSITIONS)
    assert "financements :" in seen["done"]["text"] and "€ en " in seen["done"]["text"]
    phone.locator('.cdv-summary a[href="#ce-qui-se-fait-ici"]').first.click()
    assert phone.evaluate("location.hash") == "#ce-qui-se-fait-ici"


def test_the_contact_page_exists_and_is_linked_from_every_neighbourhood_page(phone, site_url):  # noqa: F811
    response = phone.goto(f"{site_url}contact/")
    assert response.ok
    assert phone.locator("h1").first.inner_text().rstrip("¶").strip() == "Contact"
    for n in neighbourhoods():
        assert phone.locator(f'a[href$="quartiers/{n["id"]}/#participer"]').count() == 1, n["id"]
    phone.goto(f"{site_url}quartiers/pesty/")
    phone.locator('.cdv-summary a[href$="contact/"]').first.click()
    phone.wait_for_url("**/contact/")


@pytest.mark.parametrize("width", [390, 1280])
def test_neighbourhood_screenshots_for_review(browser, site_url, width):  # noqa: F811
    """Planoise (a project and actions) and Secteur Pesty (a quartier fragile without a project), the whole
    page and its opening, and the contact page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": PHONE["height"] if width == 390 else 900})
    for path, name in (("quartiers/planoise/", "quartier-planoise"), ("quartiers/pesty/", "quartier-pesty"),
                       ("contact/", "contact")):
        page.goto(site_url + path)
        full = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(full), full_page=True)
        opening = ARTIFACTS / f"{name}-{width}-debut.png"
        height = min(TWO_SCREENS, page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(path=str(opening), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
        assert full.stat().st_size > 10_000 and opening.stat().st_size > 10_000
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (path, width)
    page.close()
