"""No page of the built site shows Markdown syntax as text.

Markdown inside an HTML block without the `markdown` attribute, a value printed into a template without
the escaping boundary, an attr_list Markdown did not read: each reaches a reader as "[Préfecture](index.md)"
or "**gras**" or "{ #id }". Every page of the real site is read as a browser shows it (code apart: the
editors' guide quotes Markdown on purpose) and no such syntax may be left."""
from __future__ import annotations

import re

import pytest

from sitetext import prose_text

# Each form of syntax a reader must never see, named for the failure message.
SYNTAX = {
    "lien Markdown « ](» ": re.compile(r"\]\("),
    "gras Markdown « ** »": re.compile(r"\*\*"),
    "abréviation Markdown « *[ »": re.compile(r"\*\["),
    "souligné Markdown « __ »": re.compile(r"__"),
    "attribut attr_list « { #id } »": re.compile(r"\{\s*[#.][A-Za-z][\w.:-]*(?:\s[^{}]*)?\}"),
    "référence de chiffre « [[id]] »": re.compile(r"\[\[|\]\]"),
}


def markup_left(text: str) -> list[str]:
    return [f"{name} : …{text[max(0, m.start() - 50):m.end() + 50]}…"
            for name, pattern in SYNTAX.items() for m in pattern.finditer(text)]


@pytest.mark.parametrize("text, found", [
    ("Signataires concernés : [État - Préfecture du Doubs](index.md#prefecture-doubs)", True),
    ("un **gras** oublié", True),
    ("*[QPV]: Quartier prioritaire", True),
    ("## Titre { #titre }", True),
    ("le __init__", True),
    ("« [[fph-montant-max]] »", True),
    ("Signataires concernés : État - Préfecture du Doubs, Ville de Besançon (25 %) [1]", False),
    ("une unité {symbol: ha, label: hectares}", False),
])
def test_the_detector_knows_markdown_from_text(text, found):
    assert bool(markup_left(text)) is found


def test_the_reader_leaves_code_out_and_keeps_the_rest():
    html = "<p>Écrivez <code>**gras**</code> pour <strong>gras</strong> ; [a](b)</p><pre>[x](y)</pre>"
    assert prose_text(html) == "Écrivez pour gras ; [a](b)"


def test_no_page_shows_markdown_as_text(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 50, "le site construit doit compter toutes ses pages"
    problems = {page.relative_to(built_site).as_posix(): found for page in pages
                if (found := markup_left(prose_text(page.read_text(encoding="utf-8"))))}
    assert not problems, "\n".join(f"{page} : {line}" for page, lines in problems.items() for line in lines)
