"""Acronyms explained as whole words, however the HTML writes them, by the one pass over each page's HTML
(cdv.abbrlinks): the site as MkDocs builds it."""
from __future__ import annotations

import re

import pytest

from cdv.build import build_site
from conftest import copy_minimal_project

GLOSSARY = """terms:
  - id: r-et-d
    term: R&D
    expansion: Recherche et développement
  - id: rep
    term: REP
    expansion: Réseau d'éducation prioritaire
  - id: rep-plus
    term: REP+
    expansion: Réseau d'éducation prioritaire renforcé
  - id: politique-de-la-ville
    term: politique de la ville
    expansion: Politique publique en faveur des quartiers défavorisés
"""
TEXT = "La R&D du REP+ et du REP ; la politique de la ville-centre, puis la politique de la ville."


@pytest.fixture(scope="module")
def article(tmp_path_factory) -> str:
    project = copy_minimal_project(tmp_path_factory.mktemp("sigles") / "projet")
    (project / "contract" / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    article = project / "contract" / "articles" / "article-1.yml"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Le présent contrat fixe les priorités du quartier des Essais.", TEXT), encoding="utf-8")
    site = build_site(project, project / "site", with_pdf=False)
    page = next(p for p in site.rglob("index.html") if "ville-centre" in p.read_text(encoding="utf-8"))
    return re.search(r"<p>La .*?</p>", page.read_text(encoding="utf-8")).group()


def explained(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<abbr title="([^"]*)">([^<]*)</abbr>', html)


def test_each_term_is_a_whole_word_explained_once_by_its_own_entry(article):
    assert explained(article) == [
        ("Recherche et développement", "R&amp;D"),
        ("Réseau d'éducation prioritaire renforcé", "REP+"),  # not REP followed by "+"
        ("Réseau d'éducation prioritaire", "REP"),
        # "ville-centre" is another word: only the second « politique de la ville » is the term.
        ("Politique publique en faveur des quartiers défavorisés", "politique de la ville"),
    ]
    assert "la politique de la ville-centre" in article
    # Each term's first occurrence links to its entry, the one Markdown explained (R&D) too.
    assert re.findall(r'<a class="cdv-abbr" href="[^"]*#([^"]+)"><abbr', article) == [
        "r-et-d", "rep-plus", "rep", "politique-de-la-ville"]


def test_a_term_is_found_however_the_html_writes_it_and_never_inside_a_reference():
    from cdv.abbrlinks import link_acronyms

    expansions = {"cité de l'emploi": "Démarche pour l'emploi", "nbsp": "Espace insécable", "R&D": "Recherche"}
    page = "<p>La cité de l&#39;emploi&nbsp;; la R&amp;D, la R&#x26;D.</p><p>cité de l'emploi, nbsp</p>"
    out = link_acronyms(page, expansions, {}, lambda path: None)
    assert out == ("<p>La <abbr title=\"Démarche pour l'emploi\">cité de l&#39;emploi</abbr>&nbsp;; la "
                   '<abbr title="Recherche">R&amp;D</abbr>, la <abbr title="Recherche">R&#x26;D</abbr>.</p>'
                   "<p><abbr title=\"Démarche pour l'emploi\">cité de l'emploi</abbr>, "
                   '<abbr title="Espace insécable">nbsp</abbr></p>')


def test_the_real_site_explains_rep_plus_as_itself_and_not_the_ville_centre(built_site):
    glossary = (built_site / "glossaire" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Réseau d\'éducation prioritaire renforcé">REP+</abbr>' in glossary
    assert "REP</abbr>+" not in glossary
    article = (built_site / "contrat" / "article-9" / "index.html").read_text(encoding="utf-8")
    assert "volonté politique de la ville-centre" in article
