"""Accessibility at a phone's width and under zoom, in Chromium: the keyboard never lands on what is out of
sight (40 Tab presses on representative pages), the menu and the search open and close from the keyboard,
no page scrolls sideways at 320 px or at 200 % zoom and no text is cut by its box (the accessibility
statement describes these tests: tests/test_accessibility_statement.py holds it to them). axe over every page at both widths, WCAG 2.2 included, is
test_browser.py's test_every_page_loads_cleanly_and_passes_axe."""
from __future__ import annotations

import pytest

from test_browser import AXE, AXE_RUN, AXE_TAGS, ARTIFACTS, browser, pages_of, site_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # Drives a browser over the built site.

PHONE = {"width": 390, "height": 844}
# The pages the keyboard walk goes through: the home page, a neighbourhood, an article, the open data
# (wide tables) and the glossary (a long page of definitions). The statement names them.
WALKED = ("", "quartiers/planoise/", "contrat/article-13/", "donnees/", "glossaire/")
TABS = 40
# Reflow (WCAG 1.4.10): the narrowest screen it names, and a 1280 px screen at 200 % zoom.
REFLOW = {"320 px": {"viewport": {"width": 320, "height": 800}, "device_scale_factor": 1},
          "200 %": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}}

# Transitions are the way to a state, not the state: without them what is read is what the reader ends on.
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"

# Why the focused element is not seen, or [] when it is: it is scrolled into view first (as the browser
# does), then it must have a box inside the viewport, be visible and opaque, not be inert or in the
# closed drawer, and be what the screen shows at one of its boxes (not under the header or an overlay).
OUT_OF_SIGHT = """el => {
  const name = n => n ? n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
    (typeof n.className === 'string' && n.className ? '.' + n.className.trim().split(/\\s+/).join('.') : '') : 'rien';
  el.scrollIntoView({block: 'center', inline: 'nearest'});
  const problems = [];
  if (getComputedStyle(el).visibility !== 'visible') problems.push('visibility: ' + getComputedStyle(el).visibility);
  if (el.closest('[inert]')) problems.push('inert');
  for (let n = el; n; n = n.parentElement) {
    if (parseFloat(getComputedStyle(n).opacity) < 0.1) { problems.push('transparent (' + name(n) + ')'); break; }
  }
  const drawer = document.getElementById('__drawer');
  if (drawer && !drawer.checked && el.closest('.md-sidebar--primary')) problems.push('dans le menu fermé');
  const boxes = [...el.getClientRects()].filter(r => r.width >= 1 && r.height >= 1);
  if (!boxes.length) problems.push('sans taille');
  const seen = boxes.map(r => ({left: Math.max(r.left, 0), right: Math.min(r.right, innerWidth),
                                top: Math.max(r.top, 0), bottom: Math.min(r.bottom, innerHeight)}))
                    .filter(r => r.right - r.left >= 1 && r.bottom - r.top >= 1);
  if (boxes.length && !seen.length) problems.push('hors de l\\'écran');
  if (seen.length) {
    const shown = seen.map(r => document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2));
    if (!shown.some(top => top && (top === el || el.contains(top))))
      problems.push('caché par ' + name(shown[0]));
  }
  return problems;
}"""

FOCUSED = """() => { const el = document.activeElement;
  return {tag: el.tagName, text: (el.innerText || el.getAttribute('aria-label') || el.getAttribute('title') || '').trim().slice(0, 60),
          inDrawer: !!el.closest('.md-sidebar--primary'), inContent: !!el.closest('.md-content'),
          html: el.outerHTML.slice(0, 160)}; }"""


def phone_page(browser, site_url, path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    assert page.goto(site_url + path, wait_until="load").ok, path
    page.add_style_tag(content=STILL)
    return context, page


def seen(page) -> list[str]:
    return page.evaluate_handle("document.activeElement").evaluate(OUT_OF_SIGHT)


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_until(page, predicate, presses=15) -> dict:
    for _ in range(presses):
        page.keyboard.press("Tab")
        here = focused(page)
        if predicate(here):
            return here
    raise AssertionError(f"non atteint en {presses} tabulations ; focus sur {focused(page)}")


@pytest.mark.parametrize("width", [390, 1280])
def test_on_every_page_the_keyboard_never_lands_out_of_sight(browser, site_url, built_site, width):
    """40 Tab presses on every page of the site, at a phone's width and a desktop's: each focused element
    is seen (one page navigated through the site, as the axe test does)."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 1000 else 900})
    page = context.new_page()
    problems = []
    for path in pages_of(built_site):
        assert page.goto(site_url + path, wait_until="load").ok, path
        page.add_style_tag(content=STILL)
        for press in range(1, TABS + 1):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement === document.body"):
                continue
            why = seen(page)
            if width >= 1220:  # Material shows the navigation as a column: no drawer to be closed
                why = [w for w in why if w != "dans le menu fermé"]
            # The desktop navigation's link to the current page takes no pointer (Material): the point
            # test sees its list item instead, which shows it.
            if why and page.evaluate("getComputedStyle(document.activeElement).pointerEvents === 'none'"):
                why = [w for w in why if not w.startswith("caché par li")]
            if why:
                problems.append(f"{width} px, {path or 'accueil'}, tabulation {press} : {focused(page)['html']} : "
                                f"{', '.join(why)}")
    context.close()
    assert problems == []


@pytest.mark.parametrize("path", WALKED)
def test_the_keyboard_never_lands_out_of_sight_on_a_phone(browser, site_url, path):
    """40 Tab presses at 390 px: each focused element is seen, and the walk goes on into the page's
    content (Material's closed drawer took every press from the 6th to the 30th)."""
    context, page = phone_page(browser, site_url, path)
    problems, walked = [], []
    for press in range(1, TABS + 1):
        page.keyboard.press("Tab")
        here = focused(page)
        if here["tag"] == "BODY":  # past the last element, the focus leaves for the browser's own bar
            continue
        walked.append(here)
        if why := seen(page):
            problems.append(f"{path or 'accueil'}, tabulation {press} : {here['html']} : {', '.join(why)}")
    context.close()
    assert problems == []
    assert not any(here["inDrawer"] for here in walked)
    assert walked[0]["text"] == "Aller au contenu"
    assert any(here["inContent"] for here in walked)  # the walk went on into the page's own content


def test_the_menu_opens_from_the_keyboard_and_its_links_are_reached(browser, site_url):
    """On a phone the menu button takes the focus; Enter opens the drawer and puts the focus in it, Tab
    goes through its links (each seen), Escape closes it and gives the focus back to the button; Space
    opens it too, and leaving the drawer with Tab closes it."""
    context, page = phone_page(browser, site_url, "contrat/article-13/")
    button = tab_until(page, lambda here: here["text"] == "Menu")
    assert button["tag"] == "LABEL" and 'role="button"' in button["html"]
    assert page.locator(".md-header__button[for='__drawer']").get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.is_checked("#__drawer")
    assert page.locator(".md-header__button[for='__drawer']").get_attribute("aria-expanded") == "true"
    reached = [focused(page)]
    assert reached[0]["inDrawer"] and seen(page) == []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(focused(page))
        assert reached[-1]["inDrawer"] and seen(page) == [], reached[-1]
    # The drawer opens on the article's part: its articles, in the contract's order.
    texts = [here["text"] for here in reached]
    assert any(text.startswith("Article 1 ") for text in texts), texts
    page.keyboard.press("Escape")
    assert not page.is_checked("#__drawer")
    assert focused(page)["text"] == "Menu"
    page.keyboard.press(" ")
    assert page.is_checked("#__drawer")
    links = page.locator(".md-sidebar--primary a[href]:visible").count()
    for _ in range(links + 5):  # past its last link the focus leaves the drawer, which closes behind it
        page.keyboard.press("Tab")
        if not focused(page)["inDrawer"]:
            break
    assert not page.is_checked("#__drawer") and not focused(page)["inDrawer"] and seen(page) == []
    context.close()


def test_the_search_opens_from_the_keyboard_on_a_phone(browser, site_url):
    """The search button takes the focus; Enter opens the search with the focus in its field, seen;
    Escape closes it and gives the focus back to the button."""
    context, page = phone_page(browser, site_url, "")
    tab_until(page, lambda here: here["text"] == "Ouvrir la recherche")
    page.keyboard.press("Enter")
    assert page.is_checked("#__search")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert seen(page) == []
    page.keyboard.type("Planoise")
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    assert focused(page)["text"] == "Ouvrir la recherche" and seen(page) == []
    context.close()


def test_the_open_menu_and_search_pass_axe_on_a_phone(browser, site_url):
    """The states the keyboard opens are checked as the pages are: no serious or critical violation."""
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    page = context.new_page()
    page.goto(site_url + "contrat/article-13/", wait_until="load")
    page.add_style_tag(content=STILL)
    problems = []
    for opener, state in ((".md-header__button[for='__drawer']", "#__drawer"), (".md-header__button[for='__search']", "#__search")):
        page.focus(opener)
        page.keyboard.press("Enter")
        assert page.is_checked(state)
        problems += [f"{state} ouvert : {v['id']} ({v['impact']}) {v['targets']}"
                     for v in page.evaluate(AXE_RUN, AXE_TAGS) if v["impact"] in ("serious", "critical")]
        page.keyboard.press("Escape")
        assert not page.is_checked(state)
    context.close()
    assert problems == []


# Elements of the content whose text is cut: a box that hides its overflow and overflows, or a card or key
# figure whose text goes past its edge.
CUT = """() => {
  const name = n => n.tagName.toLowerCase() + (typeof n.className === 'string' && n.className ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
  const cut = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    const style = getComputedStyle(el);
    const hides = /hidden|clip/.test(style.overflowX + ' ' + style.overflowY) || style.textOverflow === 'ellipsis';
    if (hides && el.textContent.trim() && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      cut.push(name(el) + ' : ' + el.textContent.trim().slice(0, 40));
  }
  for (const box of document.querySelectorAll('.md-content .cdv-facts, .md-content .cdv-card, .md-content .cdv-school')) {
    const edge = box.getBoundingClientRect();
    for (const el of box.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > edge.right + 1 || r.left < edge.left - 1)) cut.push(name(el) + ' dépasse de ' + name(box));
    }
  }
  return cut;
}"""

# Whatever is wider than the screen is inside a box of its own that scrolls and takes the focus, with a name.
WIDE = """() => {
  const width = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    if (el.getBoundingClientRect().right <= width + 1) continue;
    const box = el.closest('.md-typeset__scrollwrap, .md-typeset pre, .highlight');
    if (!box || box === el) { wide.push(el.tagName.toLowerCase() + ' ' + el.textContent.trim().slice(0, 40)); continue; }
    if (box.matches('.md-typeset__scrollwrap') && !(box.tabIndex === 0 && box.getAttribute('aria-label')))
      wide.push('cadre sans focus ni nom : ' + box.textContent.trim().slice(0, 40));
  }
  return [...new Set(wide)].slice(0, 5);
}"""


@pytest.mark.parametrize("reflow", REFLOW)
def test_no_page_scrolls_sideways_or_cuts_text_at_320_px_or_200_percent_zoom(browser, site_url, built_site, reflow):
    """WCAG 1.4.10 on every page: the document is never wider than the screen (a wide table scrolls in
    its own focusable, named region), and no text is cut by its box."""
    context = browser.new_context(**REFLOW[reflow])
    page = context.new_page()
    problems = []
    for path in pages_of(built_site):
        assert page.goto(site_url + path, wait_until="load").ok, path
        scroll, width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > width:
            problems.append(f"{reflow}, {path} : la page défile de côté ({scroll} > {width} px)")
        problems += [f"{reflow}, {path} : trop large : {what}" for what in page.evaluate(WIDE)]
        problems += [f"{reflow}, {path} : texte coupé : {what}" for what in page.evaluate(CUT)]
    context.close()
    assert problems == []


@pytest.mark.parametrize("reflow", REFLOW)
def test_planoise_cards_are_whole_at_320_px_and_200_percent_zoom(browser, site_url, reflow):
    """Planoise's key figures and indicator cards: there, each inside the content column, none cut."""
    context = browser.new_context(**REFLOW[reflow])
    page = context.new_page()
    page.goto(site_url + "quartiers/planoise/", wait_until="load")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.md-content .cdv-facts, .md-content .cdv-card')]
        .map(b => { const r = b.getBoundingClientRect(); return [b.className, r.left, r.right]; })""")
    assert sum(1 for b in boxes if b[0] == "cdv-card") > 10 and any(b[0] == "cdv-facts" for b in boxes)
    width = page.evaluate("document.documentElement.clientWidth")
    assert all(left >= 0 and right <= width for _, left, right in boxes), boxes
    assert page.evaluate(CUT) == []
    context.close()


def test_screenshots_at_320_390_and_200_percent(browser, site_url):
    """For review (look at them): Planoise and the open data at 320 px, at 390 px and at 200 % zoom."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sizes = {"320": REFLOW["320 px"], "390": {"viewport": PHONE, "device_scale_factor": 1}, "zoom200": REFLOW["200 %"]}
    for size, options in sizes.items():
        context = browser.new_context(**options)
        page = context.new_page()
        for path, name in (("quartiers/planoise/", "planoise"), ("donnees/", "donnees")):
            page.goto(site_url + path, wait_until="load")
            target = ARTIFACTS / f"a11y-{name}-{size}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        context.close()
