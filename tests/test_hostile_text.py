"""Contributor text can never act on the site: every string field of every source, filled with hostile
text, comes out of the real build (MkDocs + Material, cdv.build.build_site) as text, never as an element,
an attribute, a script, a link it should not be or a request to another host; what `cdv validate`
refuses (links other than https/mailto, images) is also inert if it ever reaches the renderer.

The build is the product people get: every page, the navigation, the titles, the table of contents, the
search index, the feed, "Ce qui change" (a real git history, so the redline shows the unchanged words
around each change) and the print HTML are parsed; a sample of pages is opened in Chromium."""
from __future__ import annotations

import copy
import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cdv.build import build_site
from cdv.corpus import load_corpus
from cdv.links import inline_problems
from cdv.pages import build_pages, navigation
from cdv.pdf import render_print_html
from cdv.provenance import provenance
from cdv.sources import discover
from cdv.text import plain_text, to_html
from cdv.yamlload import load_yaml_file

from conftest import ROOT, copy_project, name_site_after_contract
from sourcestrings import REFERENCE_KEYS

# Hostile text that `cdv validate` accepts: it must be shown as typed. "cdvx" marks what would be live.
PAYLOADS = [
    "<script>alert('cdvx')</script>", '<img src="https://evil.example/p.png" onerror="alert(1)" data-cdvx>',
    "</p><svg onload=alert(1) data-cdvx>", '<a href="javascript:alert(1)" data-cdvx>a</a>', "{{ 7*7 }} cdvx",
    "{% for x in range(3) %}boucle{% endfor %}", '{: onclick="alert(1)" data-cdvx=1 }', "---", "***", "___",
    "<iframe src=https://evil.example/f data-cdvx></iframe>", "*[CDVX]: <img src=x onerror=alert(1)>",
    "[cdvx]: https://evil.example/reference", "<!-- <script>alert(1)</script> -->",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;", "&lt;b&gt; &amp;", "\\\" \\\\ \" ' : # --- ...",
    "`<img src=x onerror=alert(1)>`", "<style>@import url(https://evil.example/x.css)</style>",
    "<https://evil.example/auto>", "| a | b |", "# titre", "1. liste", "- liste", "> citation", "=== ",
    "<math><mi xlink:href=javascript:alert(1)>cdvx</mi></math>", "**<img src=x onerror=alert(1) data-cdvx>**",
    "<cdvx-element onclick=alert(1)>", "\\<b\\>", "<base href=https://evil.example/>", "\u00a0<b\u00a0onclick=x>",
    "<object data=https://evil.example/o></object>", '"><script>alert(1)</script>', "'><b onmouseover=alert(1)>",
]
# What `cdv validate` refuses (tests/invalid/cases.yml has them as files): inert all the same when forced.
REFUSED = [
    "[clic](javascript:alert(1))", "Essais](javascript:alert(1)) [suite", "![](https://evil.example/p.png)",
    "[x]( javascript:alert(1))", "[x](jav&#x61;script:alert(1))", "<javascript:alert(1)>",
    "[x]: javascript:alert(1)", "[a [b] c](javascript:alert(1))", "[x](http://evil.example/)",
    "[x](//evil.example/)", "[x](data:text/html,<script>alert(1)</script>)", "![x](https://evil.example/p.png)",
    "[x](https://evil.example/\"onmouseover=\"alert(1))", "[x](https://evil.example/ onclick=alert(1))",
    "[x]( https://evil.example/)", "[x](<javascript:alert(1)>)", "[x](\\javascript:alert(1))",
]
# Identifiers, references, codes and values with a pattern: poisoning them would only make the sources invalid.
SKIP_KEYS = REFERENCE_KEYS | {"number", "qpv_code", "position", "period", "term"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href",
                  "ping", "cite", "manifest"}
FORBIDDEN_ELEMENTS = {"img", "iframe", "frame", "frameset", "object", "embed", "applet", "math", "mi", "audio",
                      "video", "source", "track", "picture", "base", "style", "portal", "image"}


class _LiveMarkup(HTMLParser):
    """What a browser would run, load or follow that no page of ours has: elements that load or embed,
    event handlers, scripts that are not the theme's, addresses to another host or scheme, and anything
    carrying the payloads' "cdvx" mark. The same text escaped is what a reader must see."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_ELEMENTS or "cdvx" in tag:
            self.found.append(f"<{tag}>")
        if tag == "script":
            self.in_script = True
        for name, value in attrs:
            value = (value or "").strip()
            # Ids and anchors are slugs of the text: "cdvx" there is words, not markup.
            if name.startswith("on") or "cdvx" in name or name == "style" and "cdvx" in value:
                self.found.append(f"<{tag} {name}={value}>")
            if name in URL_ATTRIBUTES and value:
                lowered = value.lower()
                if (lowered.startswith(("javascript:", "data:", "vbscript:", "http:", "//", "\\"))
                        or "evil.example" in lowered):
                    self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and ("alert(" in data or "cdvx" in data):
            self.found.append(f"<script>{data[:60]}")


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def print_is_inert(printed: str) -> bool:
    """The print HTML has one <style> of ours (fonts, running headers): contributor text in it is a CSS
    string (cdv.pdf._css_string), so it may hold no import, no address, no end of the element."""
    style, body = printed.split("</style>", 1)
    style = style.split("<style>", 1)[1]
    # Outside its quoted strings (running headers quote the contract's title), the style is all ours.
    outside_strings = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', style)
    assert "evil.example" not in outside_strings and "@import" not in outside_strings
    assert "<" not in style
    assert live_markup(body) == []
    return True


def test_the_checker_sees_live_markup():
    """The detector is not blind: raw payloads are live markup, their escaped form is not."""
    for payload in PAYLOADS[:4] + [PAYLOADS[10], PAYLOADS[26], "<a href=https://evil.example/>x</a>"]:
        assert live_markup(payload), payload
        assert live_markup(str(to_html(payload))) == [], payload


# --- the sources, poisoned ---------------------------------------------------------------------------

def _poison(node, key, choose, count):
    if isinstance(node, dict):
        return {k: _poison(v, k, choose, count) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, key, choose, count) for v in node]
    if isinstance(node, str) and key not in SKIP_KEYS and node.strip():
        count.append(key)
        return f"{node} {choose()}"
    return node


def poison_project(project: Path, choose) -> int:
    """Every string leaf of every source file gets a hostile payload after its text. Returns how many."""
    count: list[str] = []
    for rel in discover(project):
        data = load_yaml_file(project / rel, rel).data
        poisoned = _poison(data, None, choose, count)
        (project / rel).write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False, width=10**9),
                                   encoding="utf-8")
    name_site_after_contract(project)  # mkdocs.yml names the site after the (poisoned) contract
    return len(count)


GIT_ENV = {"GIT_AUTHOR_NAME": "Essai", "GIT_AUTHOR_EMAIL": "essai@exemple.fr", "GIT_COMMITTER_NAME": "Essai",
           "GIT_COMMITTER_EMAIL": "essai@exemple.fr", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null",
           "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}


def signed_then_poisoned(dest: Path, choose) -> tuple[Path, int]:
    """A copy of the real project whose signed version is committed, then every field poisoned in the
    working tree: "Ce qui change" then shows a redline of every field, unchanged words included."""
    project = copy_project(dest)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "Contrat signé"),
                 ("tag", "v2024")):  # published, so "Ce qui change" compares with it
        subprocess.run(["git", *args], cwd=project, env=GIT_ENV, check=True, capture_output=True)
    return project, poison_project(project, choose)


def built_files(site: Path) -> dict[str, str]:
    """Every HTML text a browser or a feed reader gets: pages, search index entries, feed items."""
    out = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    index = json.loads((site / "search" / "search_docs.json").read_text(encoding="utf-8"))  # see cdv.search
    for i, doc in enumerate(index["docs"]):  # Material renders these titles and texts as HTML
        out[f"search#{i}:{doc['location']}"] = f"<h1>{doc['title']}</h1>{doc['text']}"
    feed = ET.parse(site / "versions.xml").getroot()
    for i, element in enumerate(e for e in feed.iter() if e.tag in ("title", "description")):
        out[f"versions.xml#{i}"] = element.text or ""  # readers take these as HTML once the XML is decoded
    return out


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory):
    return build_site(ROOT, tmp_path_factory.mktemp("propre") / "site", with_pdf=False)


@pytest.mark.slow
def test_the_clean_site_has_no_live_markup(clean_site):
    """The baseline: without payloads the checker finds nothing, so what it finds below is the payloads'."""
    files = built_files(clean_site)
    assert len(files) > 100
    assert {path: live_markup(html) for path, html in files.items() if live_markup(html)} == {}


@pytest.mark.slow
# Each example is a whole site build: the examples are drawn the same way on every run (CI included) and a
# failure is reported as found, without the shrinking that would rebuild the site hundreds of times.
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True, derandomize=True,
          phases=[Phase.explicit, Phase.generate])
@given(st.permutations(PAYLOADS), st.sampled_from([1, 2, 3, 4, 6, 8]))  # steps prime to 35 payloads
def test_every_string_field_is_inert_in_the_built_site(tmp_path_factory, order, step):
    """Every payload lands in many fields; which payload goes where changes from one example to the next."""
    assert len(PAYLOADS) == 35
    cycle = iter(order[i % len(order)] for i in range(0, 10**7, step))
    project, count = signed_then_poisoned(tmp_path_factory.mktemp("hostile") / "projet", lambda: next(cycle))
    assert count > 1500
    site = build_site(project, project / "site", with_pdf=False)
    files = built_files(site)
    assert {path: found[:3] for path, html in files.items() if (found := live_markup(html))} == {}
    corpus = load_corpus(project)
    assert print_is_inert(render_print_html(corpus, provenance(project)))
    # Printed as typed: the neighbourhood's name, payload and all, is the page's heading and its title.
    n = corpus.neighbourhoods[0]
    page = files[f"quartiers/{n['id']}/index.html"]
    assert " ".join(plain_text(n["name"]).split()) in visible(page)
    changes = files["ce-qui-change/index.html"]  # a redline of every field: payloads inserted, as text
    assert "<ins>" in changes and "alert(" in visible(changes)


# --- in a browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The real project with every field poisoned, one payload after another, built once."""
    payloads = iter(PAYLOADS * 10000)
    project, _ = signed_then_poisoned(tmp_path_factory.mktemp("navigateur") / "projet", lambda: next(payloads))
    return build_site(project, project / "site", with_pdf=False), load_corpus(project)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_hostile_pages_run_nothing_and_request_no_other_host(hostile_site):
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM

    site, corpus = hostile_site
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"127.0.0.1:{server.server_address[1]}"
    pages = ["", "quartiers/", f"quartiers/{corpus.neighbourhoods[0]['id']}/", "ce-qui-change/",
             f"contrat/{corpus.articles[0]['id']}/", "socle-commun/", "signataires/", "glossaire/", "donnees/",
             f"dispositifs/{corpus.devices[0]['id']}/", f"signataires/{corpus.commitments[0]['id']}/"]
    dialogs, foreign, errors = [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: None if urlsplit(request.url).netloc == origin
                    or request.url.startswith(("data:", "blob:", "about:")) else foreign.append(request.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            for path in pages:
                response = page.goto(f"http://{origin}/{path}", wait_until="load")
                assert response.ok, path
                # Hover and click what a reader would: the navigation, headings, the payload's text.
                # Material turns some title attributes and truncated entries into tooltips: hover those too.
                for selector in (".md-nav__link", ".md-ellipsis", "abbr", "[title]", "h1", "h2", ".cdv-priority",
                                 "del", "ins"):
                    for element in page.locator(selector).all()[:4]:
                        if element.is_visible():
                            element.hover(force=True, timeout=5000)
                page.wait_for_timeout(200)
            page.goto(f"http://{origin}/", wait_until="load")
            for words in ("alert", "cdvx", "script", "img", corpus.neighbourhoods[0]["name"].split()[0]):
                page.get_by_label("Rechercher").first.click()
                page.keyboard.press("Control+A")
                page.keyboard.type(words)
                page.locator(".md-search-result__item").first.wait_for(timeout=15000)
                page.wait_for_timeout(300)
                page.keyboard.press("Escape")
            assert "Texte" not in "".join(dialogs)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert dialogs == [] and foreign == [], (dialogs, foreign)
    assert errors == [], errors


# --- defence in depth: what validation refuses, rendered anyway ---------------------------------------

def clone(corpus):
    """A deep copy whose documents still know their source files."""
    memo = {}
    twin = copy.deepcopy(corpus, memo)
    twin.source_of = {id(memo[old]): rel for old, rel in corpus.source_of.items() if old in memo}
    return twin


def _poison_in_place(node, key, choose, count):
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, value in list(items):
        inner = k if isinstance(node, dict) else key
        if isinstance(value, str):
            if inner not in SKIP_KEYS and value.strip():
                node[k] = f"{value} {choose()}"
                count.append(inner)
        else:
            _poison_in_place(value, inner, choose, count)


def poison_corpus(corpus, choose) -> tuple[object, int]:
    """A copy of the corpus (its documents still known by their files) with every string field poisoned."""
    hostile = clone(corpus)
    count: list[str] = []
    for doc in [hostile.contract, hostile.objectives, hostile.social_centres, *hostile.articles, *hostile.neighbourhoods,
                *hostile.devices, *hostile.commitments, hostile.signatories, hostile.signatory_groups, hostile.glossary,
                *hostile.actions]:
        _poison_in_place(doc, None, choose, count)
    return hostile, len(count)


def test_refused_payloads_are_refused_by_validation():
    for payload in REFUSED:
        assert inline_problems(f"Texte {payload} fin"), payload
    for payload in PAYLOADS:
        assert inline_problems(f"Texte {payload} fin") == [], payload


EXTENSIONS = ["abbr", "attr_list", "md_in_html", "tables", "toc"]


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True, derandomize=True)
@given(st.randoms(use_true_random=False))
def test_refused_payloads_forced_past_validation_are_inert(corpus, rnd):
    """Validation stops these; if one ever got through, the pages, the navigation and the PDF keep it
    inert: no link other than https/mailto, no image, no element."""
    hostile, count = poison_corpus(corpus, lambda: rnd.choice(REFUSED + PAYLOADS))
    assert count > 1500
    for page in build_pages(hostile):
        front, body = page.markdown.split("---\n", 2)[1:]
        title = yaml.safe_load(front)["title"]
        html = markdown.markdown(body, extensions=EXTENSIONS)
        assert live_markup(html) == [] and live_markup(title) == [], page.path
        assert all(a.startswith(("https://", "mailto:")) or not a.startswith(("javascript", "http:", "//", "data"))
                   for a in _hrefs(html)), page.path
    for title in _nav_titles(navigation(hostile)):
        assert live_markup(title) == [] and "<" not in title
    assert print_is_inert(render_print_html(hostile, provenance(ROOT)))


def _hrefs(html: str) -> list[str]:
    found = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v or "" for k, v in attrs if k == "href")
    P().feed(html)
    return found


def _nav_titles(nav):
    if isinstance(nav, dict):
        for key, value in nav.items():
            yield str(key)
            yield from _nav_titles(value)
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_titles(item)


def test_inline_markdown_of_the_contract_still_renders(corpus):
    page = next(p for p in build_pages(corpus) if p.path == "quartiers/planoise.md")
    html = markdown.markdown(page.markdown.split("---\n", 2)[2], extensions=EXTENSIONS)
    assert "<strong>renouvellement urbain</strong>" in html


def test_allowed_links_render_and_nothing_else_does():
    assert str(to_html("Voir [le site](https://exemple.fr/a_b?x=1&y=2).")) == \
        'Voir <a href="https://exemple.fr/a_b?x=1&amp;y=2">le site</a>.'
    assert '<a href="mailto:contact@exemple.fr">écrire</a>' in str(to_html("[écrire](mailto:contact@exemple.fr)"))
    for payload in REFUSED:
        html = markdown.markdown(str(to_html(payload)), extensions=EXTENSIONS)
        assert "<a" not in html and "<img" not in html, payload


def test_structure_is_printed_as_typed(corpus):
    """What Markdown would turn into structure comes out exactly as typed, in the built page's text."""
    typed = ["---", "***", "*[QPV]: Quartier", "[x]: https://exemple.fr", "<!-- commentaire -->", "&#x3C;b&#x3E;",
             "{: .classe}", "{{ 7*7 }}", "{% raw %}", "# titre", "1. un", "- un", "> citation", "=== ", "a\\b",
             "`code`", "| a | b |", "__souligné__", "~~barré~~"]
    hostile = clone(corpus)
    blocks = hostile.neighbourhood("planoise")["portrait"]["sections"][0]["blocks"]
    blocks[:0] = [{"p": t} for t in typed]
    page = next(p for p in build_pages(hostile) if p.path == "quartiers/planoise.md")
    html = markdown.markdown(page.markdown.split("---\n", 2)[2], extensions=EXTENSIONS)
    paragraphs = [visible(p.split("</p>")[0]) for p in html.split("<p>")[1:]]
    missing = [t for t in typed if " ".join(t.split()) not in paragraphs]
    assert missing == []
    assert "<hr" not in html and "<h1>titre" not in html and "<abbr title=\"Quartier\"" not in html


def test_front_matter_title_survives_quotes_and_backslashes(corpus):
    hostile = clone(corpus)
    hostile.neighbourhood("amitie")["name"] = 'Cité "du \\ Nord" : ---\n--- \\" \\n <b>'
    page = next(p for p in build_pages(hostile) if p.path == "quartiers/amitie.md")
    front = page.markdown.split("---\n", 2)[1]
    assert yaml.safe_load(front)["title"] == 'Cité &quot;du &#92; Nord&quot; : --- --- &#92;&quot; &#92;n &lt;b&gt;'
    assert page.markdown.count("\n---\n") >= 1 and page.markdown.startswith("---\nrender_macros: false\n")


def test_poisoned_sources_still_validate(tmp_path):
    """The property test's payloads are what validation accepts: otherwise it would test nothing."""
    project = copy_project(tmp_path / "projet")
    payloads = iter(PAYLOADS * 10000)
    assert poison_project(project, lambda: next(payloads)) > 1500
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "validate", str(project)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
