"""The contract's history on the site, from its records: the "Historique" page and, on each page of an
element an avenant changed or a comité de pilotage decision named, the events that did."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from conftest import copy_project

AMENDMENT = """\
number: 1
title: Actualisation à mi-parcours <script>alert(1)</script>
version: "2027"
base: "2024"
status: signed
signature:
  place: Besançon
  date: "2027-06-30"
in_force: "2027-07-01"
decisions:
  - id: copil-2026-11-15
    date: "2026-11-15"
    text: Validation du projet de quartier actualisé de Planoise
    elements: [planoise]
changes:
  - element: article-13
    reason: Le suivi des projets de quartier est précisé.
  - element: prefecture-doubs
"""


def page_text(site: Path, path: str) -> str:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<article'):html.index('</article>')]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", article)).split())


@pytest.fixture(scope="module")
def amended_site(tmp_path_factory) -> Path:
    """The real contract as it would read once avenant n° 1 is signed (one build, no PDF)."""
    from cdv.build import build_site

    project = copy_project(tmp_path_factory.mktemp("avenant") / "projet")
    contract = project / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace('version: "2024"', 'version: "2027"'),
                        encoding="utf-8")
    (project / "contract" / "amendments").mkdir()
    (project / "contract" / "amendments" / "1.yml").write_text(AMENDMENT, encoding="utf-8")
    return build_site(project, project / "site", with_pdf=False)


@pytest.mark.slow
def test_history_page_tells_signature_decision_avenant_and_entry_into_force_in_order(amended_site):
    text = page_text(amended_site, "historique")
    events = ["29 mars 2024 : signature du contrat à Besançon.",
              "15 novembre 2026 : décision du comité de pilotage : Validation du projet de quartier actualisé de "
              "Planoise. (consignée dans l'avenant n° 1)",
              "30 juin 2027 : avenant n° 1 (Actualisation à mi-parcours <script>alert(1)</script>) signé à Besançon.",
              "1er juillet 2027 : entrée en vigueur de l'avenant n° 1."]
    positions = [text.find(e) for e in events]
    assert -1 not in positions, (positions, text)
    assert positions == sorted(positions)
    # Contributor text is shown, never run; each changed element is linked where it is read.
    html = (amended_site / "historique" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert re.search(r'href="\.\./contrat/article-13/"[^>]*>Article 13 - ', html)
    assert re.search(r'href="\.\./signataires/#prefecture-doubs"[^>]*>État - Préfecture du Doubs<', html)


@pytest.mark.slow
def test_pages_of_changed_elements_show_their_history_and_the_others_none(amended_site):
    article = page_text(amended_site, "contrat/article-13")
    assert ("Historique de cet article : 30 juin 2027 : avenant n° 1 (Actualisation à mi-parcours "
            "<script>alert(1)</script>) signé à Besançon. Le suivi des projets de quartier est précisé.") in article
    signatories = page_text(amended_site, "signataires")
    assert "Historique de ce signataire : 30 juin 2027 : avenant n° 1" in signatories
    assert signatories.count("Historique de ce signataire") == 1
    planoise = page_text(amended_site, "quartiers/planoise")
    assert "Historique de ce quartier : 15 novembre 2026 : décision du comité de pilotage" in planoise
    for untouched in ("contrat/article-12", "quartiers/battant", "dispositifs/fph"):
        assert "Historique de" not in page_text(amended_site, untouched), untouched


def test_the_signed_contract_without_avenant_has_only_its_signature(corpus):
    from cdv.history import element_history, timeline

    assert [(e.kind, e.date) for e in timeline(corpus)] == [("signature", corpus.contract["signature"]["date"])]
    assert all(element_history(corpus, a["id"]) == [] for a in corpus.articles)


def test_an_avenant_in_preparation_comes_last_and_undated(corpus):
    from dataclasses import replace

    from cdv.history import element_history, timeline

    draft = {"number": 1, "version": "2027", "base": "2024", "status": "draft",
             "changes": [{"element": "article-9-1"}], "decisions": []}
    amended = replace(corpus, amendments=[draft])
    assert [e.kind for e in timeline(amended)] == ["signature", "draft-amendment"]
    sections = [s["id"] for s in amended.article("article-9")["sections"]]
    [event] = element_history(amended, "article-9", *sections)
    assert (event.kind, event.date) == ("draft-amendment", None)
    assert element_history(amended, "article-8") == []


@pytest.mark.slow
def test_without_a_published_version_ce_qui_change_says_so_never_guesses(built_site):
    """The repository's own checkout has no v<year> tag and no gh-pages: nothing is in force to compare
    with, whatever contract.yml's history says."""
    from conftest import ROOT
    from cdv.provenance import git_output

    if git_output(ROOT, "tag", "--list", "v[0-9][0-9][0-9][0-9]"):
        pytest.skip("this checkout has a published version")  # a fork's real repository, once tagged
    text = page_text(built_site, "ce-qui-change")
    assert "Aucune version signée n'a encore été publiée" in text
    assert "(2024, signée)" in text and "Rien ne change" not in text
