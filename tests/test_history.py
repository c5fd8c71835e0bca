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
  - element: parcours-residentiel
"""


JOINED_SIGNATORY = """\
  - id: association-exemple
    organisation: Association Exemple
    group: economie-emploi
    joined_by: 1
    signature:
      position: 23
      signers:
        - title:
            - La Présidente,
          name: Jeanne EXEMPLE
"""


def page_text(site: Path, path: str) -> str:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<article'):html.index('</article>')]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", article)).split())


@pytest.fixture(scope="module")
def amended_site(tmp_path_factory) -> Path:
    """The real contract as it would read once avenant n° 1 is signed, with a signatory it adds (one build)."""
    from cdv.build import build_site

    project = copy_project(tmp_path_factory.mktemp("avenant") / "projet")
    contract = project / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace('version: "2024"', 'version: "2027"'),
                        encoding="utf-8")
    (project / "contract" / "amendments").mkdir()
    (project / "contract" / "amendments" / "1.yml").write_text(AMENDMENT, encoding="utf-8")
    signatories = project / "contract" / "signatories.yml"
    signatories.write_text(signatories.read_text(encoding="utf-8") + JOINED_SIGNATORY, encoding="utf-8")
    return build_site(project, project / "site")


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
    assert re.search(r'href="\.\./contrat/article-13/#article-13"[^>]*>Article 13 - ', html)  # its stable anchor
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
    base = page_text(amended_site, "socle-commun")  # a common priority the avenant changes
    assert "Historique de cette partie du contrat : 30 juin 2027 : avenant n° 1" in base
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


@pytest.mark.slow
def test_the_contracts_signature_stays_and_the_avenant_is_named_after_it(amended_site):
    """Signing an avenant never re-dates the contract: every page and the PDF keep 29 mars 2024 and add
    the avenant, and a signatory that joined by it signs under the avenant's date."""
    home = page_text(amended_site, ".")
    assert ("Signé à Besançon le 29 mars 2024 par 22 signataires, modifié par l'avenant n° 1 du 30 juin 2027 "
            "(1 signataire de plus)") in home
    assert "Version 2027, signé à Besançon le 29 mars 2024 par 22 signataires, modifié par l'avenant n° 1" in (
        page_text(amended_site, "contrat"))
    html = (amended_site / "index.html").read_text(encoding="utf-8")
    assert "texte signé le 29 mars 2024, modifié par l'avenant n° 1 du 30 juin 2027" in unescape(html)
    signatories = page_text(amended_site, "signataires")
    assert "Le contrat a été signé par 22 signataires. 1 signataire l'a rejoint par l'avenant n° 1 du 30 juin 2027." in (
        signatories)
    assert "Fait à Besançon, le 29 mars 2024 Avenant n° 1 fait à Besançon, le 30 juin 2027" in signatories
    joined = signatories[signatories.index("Association Exemple"):]
    assert joined.index("Signataire depuis l'avenant n° 1 du 30 juin 2027.") < 200
    for text in (home, signatories):
        assert "30 juin 2027 par" not in text

    import subprocess

    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(amended_site / "contrat.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    flat = " ".join(pdf.split())
    assert ("Signé à Besançon le 29 mars 2024 par 22 signataires, modifié par l'avenant n° 1 du 30 juin 2027 "
            "(1 signataire de plus)") in flat
    signatures = flat[flat.rindex("Fait à Besançon, le 29 mars 2024"):]
    # The 22 signed on 29 mars 2024; the one that joined signs after, under the avenant's own date.
    assert signatures.index("Rémi BASTILLE") < signatures.index("Par l'avenant n° 1 Fait à Besançon, le 30 juin 2027")
    assert signatures.index("Par l'avenant n° 1") < signatures.index("Jeanne EXEMPLE")
    assert "Fait à Besançon, le 30 juin 2027" not in flat[:flat.rindex("Fait à Besançon, le 29 mars 2024")]


def test_while_an_avenant_is_prepared_the_contract_stays_signed(corpus):
    """The 2027 draft is a draft of avenant n° 1 to a signed contract: no page offers it as unsigned, nor
    leaves the contract's own signature blank."""
    from dataclasses import replace

    from cdv.signature import dated, signature_line, signature_record, status_sentence

    draft = {"number": 1, "version": "2027", "base": "2024", "status": "draft", "changes": [], "decisions": []}
    contract = {**corpus.contract, "version": "2027", "status": "draft"}
    joined = {"id": "x", "organisation": "X", "group": "etat", "joined_by": 1, "signature": {"position": 23}}
    amended = replace(corpus, contract=contract, amendments=[draft], signatories=[*corpus.signatories, joined])
    assert status_sentence(amended) == (
        "projet d'avenant n° 1 au contrat signé à Besançon le 29 mars 2024 par 22 signataires")
    assert signature_line(amended).startswith("Version 2027 : projet d'avenant n° 1 au contrat signé à Besançon")
    assert dated(amended) == "projet d'avenant n° 1 au texte signé le 29 mars 2024"
    record = signature_record(amended)
    assert record is not None and record.pending is not None and record.pending.signatories == [joined]
    # A first version in preparation has no signature to keep.
    first = replace(corpus, contract={**corpus.contract, "status": "draft"}, amendments=[])
    assert signature_record(first) is None and dated(first) == "texte en projet"


def test_a_signatory_joined_by_an_unknown_avenant_is_a_located_error(project):
    from cdv.validate import validate_project

    signatories = project / "contract" / "signatories.yml"
    signatories.write_text(signatories.read_text(encoding="utf-8") + JOINED_SIGNATORY, encoding="utf-8")
    _, errors = validate_project(project)
    [error] = errors
    signatories_text = signatories.read_text(encoding="utf-8").split("\n")
    assert (error.file, signatories_text[error.line - 1].strip()) == ("contract/signatories.yml", "joined_by: 1")
    assert "l'avenant n° 1 n'existe pas : aucun fichier contract/amendments/1.yml (avenants existants : aucun)" in (
        error.message)
