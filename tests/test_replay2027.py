"""The 2027 update replayed end to end, as CONTRIBUTING.md walks an editor through it, on a scratch clone
with history: the signed 2024 contract tagged and published; on a branch, the ten changes and the avenant
started with `cdv amendment new 1`; `cdv validate`, `cdv diff`, « Ce qui change » and the avenant PDF;
the branch merged and published for review as « projet »; the avenant signed, tagged v2027 and published
as the version in force; then both published versions read in Chromium."""
from __future__ import annotations

import json
import re

import pytest

from cdv.build import build_site

from conftest import copy_project
from sitetext import page_text
from test_pdf import flat, pdftotext
from test_published_site import SITE_URL, new_page, publish, served  # noqa: F401  (fixture)
from test_published_site import browser  # noqa: F401  (fixture)
from test_versions import cdv, git
from update2027 import GOVERNANCE_SENTENCE, NEW_SIGNER, apply_2027_replay

pytestmark = pytest.mark.slow  # git history, four builds with their PDF, mike, a browser

RECORD = "contract/amendments/1.yml"
# The ten changes, as cdv diff --format json names them: (kind, action, id).
TEN = {
    ("priorité", "reworded", "planoise-fracture-numerique"),
    ("priorité", "removed", "montrapon-deplacements-doux"),
    ("priorité", "added", "battant-attractivite-marche-couvert"),
    ("priorité", "moved", "planoise-formation"),
    ("article", "changed", "article-13"),
    ("montant ou chiffre", "changed", "fph-montant-max"),
    ("signataire", "added", "maison-exemple"),
    ("signataire", "changed", "prefecture-doubs"),
    ("indicateur", "observation", "planoise/population"),
    ("contrat", "changed", "status"),
}
BRANCH = "actualisation-2027"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = copy_project(tmp_path_factory.mktemp("replay") / "depot")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé le 29 mars 2024")
    git(repo, "tag", "v2024")
    return repo


def fill_record(repo, status_block: str = "status: draft\n") -> None:
    record = repo / RECORD
    text = record.read_text(encoding="utf-8")
    text = text.replace("# title: Objet de l'avenant, en une phrase\n", "title: Actualisation à mi-parcours du contrat\n")
    text = text.replace("changes:\n", 'decisions:\n  - id: copil-2026-11-15\n    date: "2026-11-15"\n'
                        "    text: Validation des projets de quartier actualisés\n"
                        "    elements: [planoise, battant, montrapon]\nchanges:\n", 1)
    record.write_text(text.replace("status: draft\n", status_block), encoding="utf-8")


def test_the_2027_update_from_branch_to_signed_avenant_to_publication(repo, served, browser, tmp_path):  # noqa: F811
    www, base = served
    publish(repo, www, "2024", "--alias", "en-vigueur")
    v2024 = git(repo, "rev-parse", "v2024").strip()

    # On a branch: the ten changes, then the avenant, started by cdv amendment new with what needs it.
    git(repo, "checkout", "-q", "-b", BRANCH)
    apply_2027_replay(repo)
    unaccounted = cdv(repo, "validate")
    assert unaccounted.returncode == 1 and "cdv amendment new 1" in unaccounted.stdout
    made = cdv(repo, "amendment", "new", "1")
    assert made.returncode == 0, made.stderr
    listed = re.findall(r"^  - element: (\S+)$", (repo / RECORD).read_text(encoding="utf-8"), re.M)
    # The terms the signatories sign; a new préfet is a change of representative, not of the terms.
    assert set(listed) == {"article-13", "fph-montant-max", "maison-exemple"}
    fill_record(repo)
    valid = cdv(repo, "validate")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert cdv(repo, "fmt").returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Actualisation 2027 : les dix modifications et l'avenant n° 1")
    head = git(repo, "rev-parse", "HEAD").strip()

    # cdv diff lists all ten against the version in force.
    diff = cdv(repo, "diff", "v2024", "--format", "json")
    assert diff.returncode == 0, diff.stderr
    report = json.loads(diff.stdout)
    found = {(c["kind"], c["action"], c["id"]) for c in report["changes"]}
    assert TEN <= found, TEN - found
    levels = {c["id"]: c["level"] for c in report["changes"]}
    assert levels["article-13"] == levels["fph-montant-max"] == levels["maison-exemple"] == "avenant"
    assert levels["prefecture-doubs"] == "representant"
    assert levels["battant-attractivite-marche-couvert"] == "copil"

    # « Ce qui change » of the draft: against v2024, both commits named, as many entries as cdv diff.
    site = build_site(repo, tmp_path / "projet", with_pdf=False)
    page = page_text(site, "ce-qui-change")
    assert "Cette page compare la version en vigueur, 2024 (signée), et cette version (2027, projet)" in page
    raw = (site / "ce-qui-change" / "index.html").read_text(encoding="utf-8")
    assert v2024 in raw and head in raw
    assert "<del>1 à 2</del><ins>au moins deux</ins>" in raw
    # Each entry links to the element in this version, where cdv diff says it is.
    linked = [c for c in report["changes"] if c.get("link")]
    assert {c["id"] for c in linked} >= {i for _, a, i in TEN if a != "removed" and i != "status"} - {"planoise/population"}
    for change in linked:
        path, _, anchor = change["link"].partition("#")
        href = "../" + re.sub(r"(index)?\.md$", "", path).rstrip("/") + "/" + (f"#{anchor}" if anchor else "")
        assert f'href="{href}"' in raw, (change["id"], href)
    assert "Montrapon" in page and "Rien ne change" not in page

    # The avenant PDF, as the signatories will read it.
    avenant = tmp_path / "avenant.pdf"
    written = cdv(repo, "pdf", "--amendment", "v2024..HEAD", "--output", str(avenant))
    assert written.returncode == 0, written.stderr
    text = flat(pdftotext(avenant))
    assert "Projet d'avenant n° 1" in text and "Actualisation à mi-parcours du contrat" in text
    assert text.index("Entre les parties") < text.index("Vu le Contrat de Ville") < text.index("Article 1 ")
    assert "signé à Besançon le 29 mars 2024" in text
    assert "Vu la décision du comité de pilotage du 15 novembre 2026" in text
    assert "L'article 13" in text and "est ainsi modifié" in text
    assert flat(GOVERNANCE_SENTENCE[1]) in text
    assert "Il est ajouté un signataire « Association Exemple des quartiers »" in text
    annex = text[text.index("Annexe"):]
    assert "Battant" in annex and "Montrapon" in annex and "Préfecture du Doubs" in annex
    assert v2024 in text and head in text
    assert BRANCH not in text

    # Merged, then published for review: the version in force stays 2024.
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", BRANCH, "-m", "Actualisation 2027")
    publish(repo, www, "2027")
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("2027", ["projet"]), ("2024", ["en-vigueur"])]

    # Signed: the avenant's record and the contract's status; the contract's own signature untouched.
    fill_signed = (repo / RECORD).read_text(encoding="utf-8").replace(
        "status: draft\n", 'status: signed\nsignature:\n  place: Besançon\n  date: "2027-06-30"\n'
        'in_force: "2027-07-01"\n')
    (repo / RECORD).write_text(fill_signed, encoding="utf-8")
    contract = repo / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("status: draft", "status: signed"),
                        encoding="utf-8")
    assert cdv(repo, "fmt").returncode == 0
    valid = cdv(repo, "validate")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    git(repo, "commit", "-q", "-am", "Avenant n° 1 signé le 30 juin 2027")
    git(repo, "tag", "v2027")
    tree = publish(repo, www, "2027", "--alias", "en-vigueur")
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("2027", ["en-vigueur"]), ("2024", [])]

    home = " ".join((tree / "2027" / "index.html").read_text(encoding="utf-8").split())
    assert "29 mars 2024" in home and "modifié par l'avenant n° 1 du 30 juin 2027" in home
    assert "30 juin 2027 par" not in home  # the avenant's date is never the contract's signature
    published_changes = page_text(tree / "2027", "ce-qui-change")
    assert "Cette page compare la version précédente, 2024 (signée), et cette version (2027, signée)" \
        in published_changes
    assert "Rien ne change" not in published_changes
    assert "Jeanne EXEMPLE" not in (tree / "2024" / "signataires" / "index.html").read_text(encoding="utf-8")
    # The signed avenant is on the site beside the contract, verifiable against the repository.
    signed = tree / "2027" / "avenant-1.pdf"
    assert signed.is_file()
    assert "Avenant n° 1" in flat(pdftotext(signed)) and "Projet d'avenant" not in flat(pdftotext(signed))
    verified = cdv(repo, "verify", str(signed))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "avenant-1.pdf" in (tree / "2027" / "versions.xml").read_text(encoding="utf-8")
    # The amount, stored once, changed everywhere it is cited: article 16, the device and the glossary.
    for path in ("contrat/article-16", "dispositifs/fph", "glossaire"):
        text = page_text(tree / "2027", path)
        assert "1 000 €" in text and "800 €" not in text, path
    assert "800 €" in page_text(tree / "2024", "contrat/article-16")

    # Both versions in Chromium: the 2024 banner links to the same page in 2027; the selector lists both;
    # the canonical address of a 2027 page answers.
    page, errors = new_page(browser)
    page.goto(base + "2024/quartiers/planoise/", wait_until="load")
    page.locator("[data-md-component=outdated]").wait_for()
    page.wait_for_function("document.querySelector('.cdv-in-force-link').href.endsWith('/2027/quartiers/planoise/')")
    page.locator(".md-version__list").wait_for(state="attached")
    assert page.locator(".md-version__list .md-version__link").all_inner_texts() == ["2027 (signée)", "2024 (signée)"]
    page.locator(".cdv-in-force-link").click()
    page.wait_for_url(base + "2027/quartiers/planoise/")
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == SITE_URL + "2027/quartiers/planoise/"
    local = base + canonical[len(SITE_URL):]
    assert page.evaluate("u => fetch(u).then(r => r.status)", local) == 200
    avenant_link = page.locator(".cdv-amendment-link")
    assert avenant_link.count() == 1
    assert page.evaluate("u => fetch(u).then(r => r.status)", avenant_link.get_attribute("href")) == 200
    assert NEW_SIGNER[1].split(": ")[1] not in page.content()  # Planoise's page names no signatory
    assert errors == []
    page.context.close()
