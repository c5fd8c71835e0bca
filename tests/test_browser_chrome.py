"""What « Mentions légales » promises, held true in Chromium over every page: no request to another host,
no cookie, nothing kept in the browser but the settings the page lists; the footer and the editors' link
as a reader and a screen reader get them; screenshots of the footer and the plan du site on a phone."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from cdv.siteinfo import STORED

from test_browser import ARTIFACTS, browser, pages_of, site_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # Drives a browser over the built site.

STORAGE = """() => [['local', localStorage], ['session', sessionStorage]].flatMap(
    ([where, store]) => Object.keys(store).map(key => [where, key]))"""


def test_no_page_calls_another_host_sets_a_cookie_or_keeps_more_than_it_says(browser, site_url, built_site):
    """Every page at a phone's width, then a search: each request goes to the site itself, no cookie is
    set, and what the browser keeps is what « Mentions légales » lists (cdv.siteinfo.STORED)."""
    own = urlsplit(site_url).netloc
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    pages = pages_of(built_site)
    assert len(pages) > 40
    for path in pages:
        assert page.goto(site_url + path, wait_until="load").ok, path
    page.goto(site_url)
    # Opened as a phone's reader opens it, by its button: it then loads its documents and worker.
    page.locator('.md-header__button[for="__search"]').first.click()
    page.keyboard.type("Planoise")
    page.locator(".md-search-result__link").first.wait_for(timeout=15000)
    elsewhere = sorted({url for url in requests if urlsplit(url).netloc != own and not url.startswith("data:")})
    assert elsewhere == []
    assert len(requests) > len(pages)  # the log saw the pages and their assets
    assert context.cookies() == [] and page.evaluate("document.cookie") == ""
    said = {key for key, _, _ in STORED}
    kept = page.evaluate(STORAGE)
    # Material prefixes each key with the site's path ("/.__palette").
    assert {key.rsplit(".", 1)[-1] for _, key in kept} <= said, kept
    context.close()


def test_the_footer_and_the_edit_link_read_as_they_show(browser, site_url):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(site_url + "quartiers/planoise/")
    footer = page.get_by_role("navigation", name="Informations sur le site")
    names = [link.inner_text() for link in footer.get_by_role("link").all()]
    contact = ["Contact"] if page.request.get(site_url + "contact/").ok else []  # when the site has one
    assert names == ["Mentions légales", "Accessibilité", "Plan du site", *contact]
    footer.get_by_role("link", name="Plan du site").click()
    page.wait_for_url("**/plan-du-site/")
    assert page.locator("h1").first.inner_text().rstrip("¶").strip() == "Plan du site"
    page.goto(site_url + "quartiers/planoise/")
    # Its accessible name is its visible text, and it comes after the page's content.
    edit = page.get_by_role("link", name="Proposer une modification (GitHub)", exact=True)
    assert edit.count() == 1 and edit.inner_text() == "Proposer une modification (GitHub)"
    assert edit.get_attribute("href").endswith("/edit/main/neighbourhoods/planoise.yml")
    below = page.evaluate("""() => {
        const edit = document.querySelector('.cdv-edit-link').getBoundingClientRect();
        const blocks = [...document.querySelectorAll('article > :not(.cdv-edit-link)')];
        return blocks.every(b => b.getBoundingClientRect().bottom <= edit.top + 1);
    }""")
    assert below
    download = page.get_by_role("link", name=re.compile(r"^Télécharger le contrat \(PDF – \d+ Ko\)$"))
    assert download.count() == 1
    page.close()


def test_screenshots_of_the_footer_and_the_site_map_on_a_phone(browser, site_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(site_url + "mentions-legales/")
    footer = ARTIFACTS / "pied-de-page-390.png"
    page.locator("footer").screenshot(path=str(footer))
    assert footer.stat().st_size > 5_000
    legal = ARTIFACTS / "mentions-legales-390.png"
    page.screenshot(path=str(legal), full_page=True)
    page.goto(site_url + "plan-du-site/")
    site_map = ARTIFACTS / "plan-du-site-390.png"
    page.screenshot(path=str(site_map), full_page=True)
    assert site_map.stat().st_size > 10_000
    # Nothing wider than the phone: the footer's links and the plan wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.close()
