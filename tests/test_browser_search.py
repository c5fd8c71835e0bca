"""The site's search in Chromium, at a phone's width and a desktop's: a typo still finds the page, a query
found nowhere shows a French hint that screen readers hear, correct words are answered as before, and the
documents of the index are loaded only when a reader searches (cdv.search, cdv-search.js)."""
from __future__ import annotations

import json

import pytest
from test_browser import ARTIFACTS, browser, site_url  # noqa: F401 (fixtures)

from cdv.search import DOCUMENTS, INDEX

pytestmark = pytest.mark.slow  # Drives a browser over the built site.

WIDTHS = [390, 1280]
# Material's line above the results once the search answered (fr translations of search.result.*).
ANSWERED = "() => /trouvé/.test(document.querySelector('.md-search-result__meta').textContent)"
READY = """() => document.querySelector('.md-search-result__meta').textContent.trim() ===
  JSON.parse(document.getElementById('__config').textContent).translations['search.result.placeholder']"""


@pytest.fixture
def searcher(browser, site_url, request):  # noqa: F811
    """A page of the site at the test's width, with its requests and console errors recorded."""
    width = request.node.callspec.params["width"]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    assert page.errors == []
    assert [url for url in page.requests if not url.startswith(site_url)] == []  # no other host, ever
    context.close()


def open_search(page):
    """Opens the search as a reader does: the magnifier of the header on a phone, the box on a desktop."""
    button = page.locator("label.md-header__button[for=__search]")
    if button.is_visible():
        button.click()
    else:
        page.locator("input.md-search__input").click()


def search(page, words: str):
    """Types `words` as one change (a single query reaches the worker, not one per letter, so the answer
    waited for is the one to these words) and waits for the search's answer to them."""
    open_search(page)
    box = page.locator("input.md-search__input")
    # Emptied first, until the search says so: the line then waited for cannot be a previous answer's.
    box.fill("")
    box.press("End")
    page.wait_for_function(READY, timeout=20000)
    box.fill(words)
    box.press("End")  # Material reads the box on keyup
    page.wait_for_function(ANSWERED, timeout=20000)


def result_links(page) -> list[str]:
    return page.locator(".md-search-result__link").evaluate_all("links => links.map(l => l.getAttribute('href'))")


def index_text(built_site) -> str:
    docs = json.loads((built_site / "search" / DOCUMENTS).read_text(encoding="utf-8"))["docs"]
    return " ".join(f"{doc['title']} {doc['text']}" for doc in docs).lower()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("typed", "page_path", "word"), [
    ("planoize", "quartiers/planoise/", "planoise"),  # a letter replaced
    ("Montrapn", "quartiers/montrapon/", "montrapon"),  # a letter missing
    ("Planoiise", "quartiers/planoise/", "planoise"),  # a letter too many
    ("jeunsse", "quartiers/", "jeunesse"),  # a letter missing inside a word
])
def test_a_typo_still_finds_the_page(searcher, site_url, built_site, width, typed, page_path, word):
    # The typed word is on no page: only the forgiving search can find these.
    assert typed.lower() not in index_text(built_site)
    searcher.goto(site_url)
    search(searcher, typed)
    links = result_links(searcher)
    assert links and links[0].startswith(site_url + page_path), links[:3]
    first = searcher.locator(".md-search-result__item").first.inner_text().lower()
    assert word in first
    # The typed word is not reported "missing" on the pages found through its neighbour.
    assert "non trouvé" not in first
    if width == 390 and typed == "planoize":
        searcher.screenshot(path=str(ARTIFACTS / "recherche-faute-de-frappe-390.png"))
    searcher.locator(".md-search-result__link").first.click()
    searcher.wait_for_url(f"**/{page_path}**")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_query_found_nowhere_shows_a_french_hint_screen_readers_hear(searcher, site_url, width):
    searcher.goto(site_url + "quartiers/planoise/")
    hint = searcher.locator(".md-search-result .cdv-search-none")
    assert hint.get_attribute("role") == "status"  # a live region, there before it speaks
    assert hint.inner_text() == ""
    search(searcher, "xqzwvkj")
    assert searcher.locator(".md-search-result__meta").inner_text() == "Aucun document trouvé"
    hint.get_by_text("Aucun résultat").wait_for()
    text = hint.inner_text()
    assert "Vérifiez l'orthographe" in text and "mot plus court" in text
    assert hint.is_visible()
    # Its links lead to pages of the site that answer.
    links = hint.locator("a").evaluate_all("links => links.map(l => [l.textContent, l.href])")
    assert [label for label, _ in links if "glossaire" in label], links
    for _, href in links:
        assert searcher.request.get(href).status == 200, href
    if width == 390:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        searcher.screenshot(path=str(ARTIFACTS / "recherche-aucun-resultat-390.png"))
    # Found again: the hint goes.
    box = searcher.locator("input.md-search__input")
    box.fill("Planoise")
    box.press("End")
    searcher.locator(".md-search-result__link").first.wait_for()
    assert hint.inner_text() == ""


@pytest.mark.parametrize("width", WIDTHS)
def test_correct_words_are_answered_first_and_as_before(searcher, site_url, width):
    searcher.goto(site_url)
    for words, expected, first in (
        ("Planoise", "quartiers/planoise/", True),  # a neighbourhood, by its name
        ("illectronisme", "quartiers/", False),  # a priority of a neighbourhood's project
        ("BASTILLE", "signataires/", False),  # a signatory, by the name of its signatory
        ("Cité éducative", "dispositifs/cite-educative/", False),  # a device
        ("ULIS", "glossaire/", False),  # a glossary term
    ):
        search(searcher, words)
        links = result_links(searcher)
        assert any(link.startswith(site_url + expected) for link in links), (words, links[:5])
        if first:  # the page of that name is the best answer
            assert links[0].startswith(site_url + expected), (words, links[:3])
        searcher.keyboard.press("Escape")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_documents_are_loaded_only_when_a_reader_searches(searcher, site_url, built_site, width):
    searcher.goto(site_url + "quartiers/planoise/", wait_until="load")
    # The search is ready (Material's worker answered the empty query with its placeholder line).
    searcher.wait_for_function(READY, timeout=20000)
    # Material's page script asks for its index at once: it holds only the settings now.
    assert site_url + f"search/{INDEX}" in searcher.requests
    assert site_url + f"search/{DOCUMENTS}" not in searcher.requests
    open_search(searcher)  # opened, nothing typed: still nothing loaded
    assert site_url + f"search/{DOCUMENTS}" not in searcher.requests
    with searcher.expect_request(site_url + f"search/{DOCUMENTS}"):
        searcher.keyboard.type("quartier")
    searcher.wait_for_function(ANSWERED, timeout=20000)
    assert result_links(searcher)
    assert searcher.requests.count(site_url + f"search/{DOCUMENTS}") == 1
