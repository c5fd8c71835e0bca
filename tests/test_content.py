"""The whole signed contract is there: counts from the document, and its text and figures in the site."""
from __future__ import annotations

import re

import pytest

from cdv.corpus import priority_count

from conftest import ROOT
from seedtext import CONTRACT, NEIGHBOURHOOD_HEADINGS, comparable, contract_lines, figure_found, figures, \
    found_in, neighbourhood_chapter
from sitetext import page_text, visible_text

pytestmark = pytest.mark.slow  # Reads the built site and rebuilds it from the seed sources.

EDITORIAL_NOTES = ROOT / "docs" / "notes-editoriales.md"
SEED_VERSION = "2024"  # the seed is the contract signed on 29 March 2024


@pytest.fixture(scope="module")
def seed_site(built_site, corpus, tmp_path_factory):
    """The site of the signed 2024 version: the current one, or, once the sources have moved on (the 2027
    update), the last signed 2024 state found in git history, so that these tests keep checking the
    transcription of the seed and not the later, approved changes."""
    if (corpus.contract["version"], corpus.contract["status"]) == (SEED_VERSION, "signed"):
        return built_site
    import shutil
    import subprocess
    import tarfile
    from io import BytesIO

    from cdv.build import build_site
    from cdv.versions import history

    states = [s for s in history(ROOT) if (s.version, s.status) == (SEED_VERSION, "signed")]
    assert states, "aucune version 2024 signée dans l'historique git"
    dest = tmp_path_factory.mktemp("version-2024") / "projet"
    archive = subprocess.run(["git", "archive", "--format=tar", states[-1].commit, "contract", "neighbourhoods",
                              "schemas", "docs", "overrides", "mkdocs.yml", "macros.py"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return build_site(dest, dest / "site", with_pdf=False)  # these tests read pages only


@pytest.fixture(scope="module")
def seed_corpus(seed_site):
    from cdv.corpus import load_corpus

    return load_corpus(seed_site.parent) if seed_site.parent.name == "projet" else load_corpus(ROOT)


@pytest.fixture(scope="module")
def site_text(seed_site) -> str:
    return comparable(" ".join(visible_text(p.read_text(encoding="utf-8")) for p in sorted(seed_site.rglob("*.html"))))


def test_counts_of_the_signed_document(corpus):
    assert [a["number"] for a in corpus.articles] == list(range(1, 19))
    assert len(corpus.neighbourhoods_of_kind("qpv")) == 6
    assert len(corpus.neighbourhoods_of_kind("fragile")) == 6
    assert len(corpus.signatories) == 22
    assert [s["signature"]["position"] for s in corpus.signatories_in_signature_order()] == list(range(1, 23))
    assert {n["commune"] for n in corpus.neighbourhoods_of_kind("fragile")} == {"Besançon", "Novillars"}
    sections = [s["number"] for a in corpus.articles for s in a.get("sections", [])]
    assert sections == ["7.1", "7.2", "9.1", "9.2"]


def announced_priorities() -> dict[str, int]:
    """The number each projet's heading announces in the signed document."""
    out = {}
    for ident in NEIGHBOURHOOD_HEADINGS:
        heading = next(line for line in neighbourhood_chapter(ident) if re.match(r"^\d+ priorités pour ", line))
        out[ident] = int(heading.split()[0])
    return out


def test_priorities_per_neighbourhood_match_the_document_or_are_recorded(corpus):
    notes = EDITORIAL_NOTES.read_text(encoding="utf-8")
    for ident, announced in announced_priorities().items():
        neighbourhood = corpus.neighbourhood(ident)
        listed = priority_count(neighbourhood)
        if listed != announced:
            # The site computes the count from the list; each mismatch is recorded for the editors.
            assert f"« {announced} priorités pour" in notes and neighbourhood["name"] in notes, ident
    assert priority_count(corpus.neighbourhood("orchamps-palente")) == 12


def test_every_sentence_of_the_signed_contract_is_in_the_site(site_text, seed_corpus):
    corpus = seed_corpus
    announced = {f"{n} {corpus.neighbourhood(i)['project']['priorities_heading']}".casefold()
                 for i, n in announced_priorities().items() if n != priority_count(corpus.neighbourhood(i))}
    lines = contract_lines()
    assert len(lines) > 1000
    missing = [(number, text) for number, text in lines if not found_in(text, site_text) and text not in announced]
    assert missing == [], f"{len(missing)} phrase(s) du contrat absentes du site : {missing[:10]}"


@pytest.mark.parametrize("ident", sorted(NEIGHBOURHOOD_HEADINGS))
def test_every_figure_of_a_portrait_is_on_its_page(seed_site, ident):
    text = comparable(page_text(seed_site, f"quartiers/{ident}"))
    printed = figures(neighbourhood_chapter(ident))
    assert len(printed) > 30
    assert sorted(f for f in printed if not figure_found(f, text)) == []


def test_common_base_is_stored_once_and_shown_with_each_projet(built_site, corpus):
    seed = CONTRACT.read_text(encoding="utf-8")
    assert seed.count(corpus.objectives["preamble"]) == 6
    for n in corpus.neighbourhoods_of_kind("qpv"):
        text = page_text(built_site, f"quartiers/{n['id']}")
        for axis in corpus.objectives["axes"]:
            for objective in axis["objectives"]:
                for p in objective["priorities"]:
                    assert p["text"] in text


def test_the_pacte_is_a_device_linked_from_planoise(built_site, corpus):
    planoise = corpus.neighbourhood("planoise")
    linked = [p for t in planoise["project"]["themes"] for p in t["priorities"]
              if "pacte-emancipation-jeunes-planoise" in p.get("devices", [])]
    assert linked
    pacte = page_text(built_site, "dispositifs/pacte-emancipation-jeunes-planoise")
    for axis in ("Découverte des métiers et des entreprises", "Emploi et insertion", "Accès à la santé",
                 "Famille et parentalité"):
        assert axis in pacte
    assert "Mesure 56" in pacte and "Planoise" in pacte


def test_every_commitment_of_annex_1_is_linked_from_its_signatories(corpus):
    assert len(corpus.commitments) == 14
    linked = {s.get("commitment") for s in corpus.signatories}
    assert {c["id"] for c in corpus.commitments} <= linked
    bailleurs = [s["id"] for s in corpus.signatories_of("bailleurs-sociaux")]
    assert len(bailleurs) == 4


def test_fragile_neighbourhoods_have_their_social_centre_and_the_first_year_promise(built_site, corpus):
    for n in corpus.neighbourhoods_of_kind("fragile"):
        text = page_text(built_site, f"quartiers/{n['id']}")
        assert "Des projets de quartier seront réalisés la première année pour les quartiers fragiles." in text
        for centre in corpus.centres_of(n["id"]):
            assert centre["name"] in text
    assert corpus.centres_of("vareilles") and corpus.centres_of("cite-viotte")
