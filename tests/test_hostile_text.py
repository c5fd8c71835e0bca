"""Contributor text is never raw HTML or a template: every string field of every document, filled with
hostile text, comes out escaped or printed as typed, while the contract's inline markdown still renders."""
from __future__ import annotations

import copy
from html.parser import HTMLParser

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdv.pages import build_pages
from cdv.pdf import render_print_html
from cdv.provenance import provenance

from conftest import ROOT
from sourcestrings import REFERENCE_KEYS

PAYLOADS = [
    "<script>alert('x')</script>", '<img src=x onerror="alert(1)">', "[clic](javascript:alert(1))",
    "{{ 7*7 }}", "{% for x in range(3) %}boucle{% endfor %}", '<a href="javascript:alert(1)">a</a>',
    "{: onclick=\"alert(1)\" }", "<iframe src=//evil></iframe>", "</p><svg onload=alert(1)>", "&lt;déjà échappé&gt;",
]
EXTENSIONS = ["abbr", "attr_list", "md_in_html", "tables", "toc"]


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run: script-like elements, event handlers, javascript: links.
    The same text escaped (&lt;script&gt;…) is what a reader must see, printed as typed."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "iframe", "img", "object", "embed") or (tag == "svg" and attrs.get("role") != "img"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or (name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")):
                self.found.append(f"<{tag} {name}={value}>")


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.found


def string_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in REFERENCE_KEYS:
                yield from string_paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from string_paths(value, path + (i,))
    elif isinstance(node, str):
        yield path


def clone(corpus):
    """A deep copy whose documents still know their source files."""
    memo = {}
    twin = copy.deepcopy(corpus, memo)
    twin.source_of = {id(memo[old]): rel for old, rel in corpus.source_of.items() if old in memo}
    return twin


def poison(corpus, draw_payload):
    """A copy of the corpus where every string field holds some prose and a hostile payload."""
    hostile = clone(corpus)
    documents = [hostile.contract, hostile.objectives, *hostile.articles, *hostile.neighbourhoods, *hostile.devices,
                 *hostile.commitments, hostile.social_centres, {"s": hostile.signatories, "g": hostile.signatory_groups},
                 {"t": hostile.glossary}]
    count = 0
    for doc in documents:
        for path in list(string_paths(doc)):
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = f"Texte {draw_payload()} fin"
            count += 1
    return hostile, count


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=False)
@given(st.randoms(use_true_random=False))
def test_every_string_field_is_escaped_in_site_pages_and_pdf(corpus, rnd):
    hostile, count = poison(corpus, lambda: rnd.choice(PAYLOADS))
    assert count > 1500
    for page in build_pages(hostile):
        html = markdown.markdown(page.markdown.split("---\n", 2)[2], extensions=EXTENSIONS)
        assert live_markup(html) == [], page.path
    printed = render_print_html(hostile, provenance(ROOT))
    assert live_markup(printed) == []


def test_inline_markdown_of_the_contract_still_renders(corpus):
    page = next(p for p in build_pages(corpus) if p.path == "quartiers/planoise.md")
    html = markdown.markdown(page.markdown.split("---\n", 2)[2], extensions=EXTENSIONS)
    assert "<strong>renouvellement urbain</strong>" in html


def test_templates_in_text_are_printed_as_typed(corpus):
    hostile = clone(corpus)
    hostile.neighbourhood("amitie")["name"] = "Cité {{ 7*7 }} {% raw %}"
    page = next(p for p in build_pages(hostile) if p.path == "quartiers/amitie.md")
    html = markdown.markdown(page.markdown.split("---\n", 2)[2], extensions=EXTENSIONS)
    assert "Cité &#123;&#123; 7*7 &#125;&#125; &#123;% raw %&#125;" in html
