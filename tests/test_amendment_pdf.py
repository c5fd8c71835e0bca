"""The avenant PDF, read back with poppler: an avenant as its record and the comparison say it, on a scratch
repository whose 2024 version is tagged and whose 2027 update (tests/update2027.py, two article changes, a
new signatory with its commitment) is committed on a branch."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project
from sitetext import normalise
from update2027 import apply_2027_update, replace

pytestmark = pytest.mark.slow  # a git history and two PDFs

ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
       "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
BRANCH = "maj-2027-branche-de-travail"

AMENDMENT = """\
number: 1
title: {title}
version: "2027"
base: "2024"
status: {status}
{signature}decisions:
  - id: copil-2026-11-15
    date: "2026-11-15"
    text: Validation du projet de quartier actualisé de Planoise
    elements: [planoise]
changes:
  - element: article-5
  - element: article-13
    reason: Le suivi des projets de quartier est précisé.
  - element: association-exemple
"""
TITLE = "Actualisation à mi-parcours du contrat"
SIGNED = 'signature:\n  place: Besançon\n  date: "2027-06-30"\nin_force: "2027-07-01"\n'
JOINED = """\
  - id: association-exemple
    organisation: Association Exemple
    group: economie-emploi
    commitment: association-exemple
    joined_by: 1
    signature:
      position: 23
      signers:
        - title:
            - La Présidente,
          name: Jeanne DURAND
"""
COMMITMENT = """\
id: association-exemple
title: Association Exemple
position: 15
body:
  - p: L'Association Exemple accompagne les habitants des quartiers dans leurs démarches.
"""
OLD_13 = "Le comité de pilotage est l'instance de décision et d'orientation du Contrat de Ville du Grand Besançon."
NEW_13 = "Le comité de pilotage est l'instance de décision, d'orientation et de suivi du Contrat de Ville du Grand Besançon."
ADDED_5 = "Associer les habitants aux décisions qui les concernent."


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def flat(text: str) -> str:
    """One line; a hyphen at a line end before a small letter is French hyphenation of prose."""
    return normalise(re.sub(r"(\w)-\n(?=[a-zà-ÿ])", r"\1", text.replace("\u00ad", "")))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    repo = copy_project(tmp_path_factory.mktemp("avenant-pdf") / "depot")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé 2024")
    git(repo, "tag", "v2024")
    git(repo, "checkout", "-q", "-b", BRANCH)
    apply_2027_update(repo)
    replace(repo / "contract" / "articles" / "article-13.yml", OLD_13, NEW_13)
    replace(repo / "contract" / "articles" / "article-5.yml",
            "          - Faire système autour de l'éducation et de la parentalité,\n",
            f"          - Faire système autour de l'éducation et de la parentalité,\n          - {ADDED_5}\n")
    signatories = repo / "contract" / "signatories.yml"
    signatories.write_text(signatories.read_text(encoding="utf-8") + JOINED, encoding="utf-8")
    (repo / "contract" / "commitments" / "association-exemple.yml").write_text(COMMITMENT, encoding="utf-8")
    (repo / "contract" / "amendments").mkdir()
    (repo / "contract" / "amendments" / "1.yml").write_text(AMENDMENT.format(status="signed", signature=SIGNED, title=TITLE),
                                                            encoding="utf-8")
    replace(repo / "contract" / "contract.yml", "status: draft", "status: signed")  # signed with its avenant
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Avenant n° 1")
    return repo


@pytest.fixture(scope="module")
def signed(repo) -> tuple[Path, str]:
    pdf = repo.parent / "avenant.pdf"
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "pdf", str(repo), "--amendment", "v2024..HEAD",
                             "--output", str(pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return pdf, pdftotext(pdf)


def test_the_avenant_is_its_record_parties_first_then_the_preamble(signed):
    _, raw = signed
    text = flat(raw)
    assert text.index("Avenant n° 1") < text.index("Actualisation à mi-parcours du contrat")
    assert "Signé à Besançon le 30 juin 2027" in text and "PROJET" not in text
    parties = text.index("Entre les parties")
    first_article = text.index("Article 1 - ")
    for party in ("État - Préfecture du Doubs — Le Préfet du Doubs, Jeanne EXEMPLE",
                  "Association Exemple — La Présidente, Jeanne DURAND"):
        assert parties < text.index(party) < first_article, party
    preamble = text[parties:first_article]
    assert "Vu le Contrat de Ville du Grand Besançon 2024-2030, signé à Besançon le 29 mars 2024 ;" in preamble
    assert ("Vu la décision du comité de pilotage du 15 novembre 2026 : Validation du projet de quartier actualisé "
            "de Planoise ;") in preamble
    assert "Fait à Besançon, le 30 juin 2027" in text


def test_one_article_per_amended_clause_in_the_contracts_order_in_the_usual_wording(signed):
    _, raw = signed
    text = flat(raw)
    annex = text.index("Annexe – pour information")
    articles = text[:annex]
    headings = re.findall(r"Article (\d+) - (Modification|Ajout|Suppression)[^:«]*", articles)
    assert [int(n) for n, _ in headings] == [1, 2, 3]
    # Article 5 before article 13 (the comparison itself sorts "article-13" first), then the signatories.
    order = [articles.index(s) for s in (
        "Article 1 - Modification de l'article 5 « Les objectifs du Contrat de Ville du Grand Besançon »",
        "Article 2 - Modification de l'article 13 « La gouvernance du Contrat de Ville »",
        "Article 3 - Ajout d'un signataire : Association Exemple",
        "Article 4 - Dispositions finales")]
    assert order == sorted(order)
    assert f"Il est ajouté à l'article 5 « Les objectifs du Contrat de Ville du Grand Besançon » : « - {ADDED_5} »" \
        in articles
    # The whole passage before and after, not only the words that differ.
    assert ("L'article 13 « La gouvernance du Contrat de Ville » est ainsi modifié : "
            f"Ancienne rédaction : « {OLD_13} » Nouvelle rédaction : « {NEW_13} »") in articles
    # A new préfet is a change of representative, said for information, not a clause all sign.
    assert "Préfecture du Doubs" not in articles[articles.index("Article 1 - "):]
    information = text[annex:]
    assert ("Le signataire « État - Préfecture du Doubs » est ainsi modifié (personne qui signe) : Ancienne "
            "rédaction : « Le Préfet du Doubs, Rémi BASTILLE » Nouvelle rédaction : « Le Préfet du Doubs, Jeanne "
            "EXEMPLE »") in information
    assert "Motif : Le suivi des projets de quartier est précisé." in articles  # the record's reason
    # The new signatory and its commitment: one article.
    joined = articles[articles.index("Article 3 - "):articles.index("Article 4 - ")]
    assert "Il est ajouté un signataire « Association Exemple », représenté par : « La Présidente, Jeanne DURAND »" \
        in joined
    assert "Il est ajouté un engagement « Association Exemple »" in joined
    assert "L'Association Exemple accompagne les habitants" in joined


def test_comite_de_pilotage_and_routine_changes_are_for_information_and_the_version_is_no_clause(signed, repo):
    from cdv.corpus import load_corpus

    _, raw = signed
    text = flat(raw)
    shape = load_corpus(repo).shape
    annex = text.index("Annexe – pour information")
    articles, information = text[:annex], text[annex:]
    for words in ("priorité", "Planoise", "observation", normalise(shape.approvals["copil"]),
                  normalise(shape.approvals["routine"])):
        assert words not in articles[articles.index("Article 1 - "):], words
        assert words in information, words
    assert ("La priorité « Lutter contre la fracture numérique et l'illectronisme » du quartier Planoise") in information
    assert "est remplacée par « Lutter contre la fracture numérique, l'illectronisme et l'isolement des aînés »" \
        in information
    assert "Est supprimée la priorité du quartier Montrapon" in information
    assert "Il est ajouté à l'indicateur « habitants » du quartier Planoise une observation" in information
    assert normalise(shape.approvals["editorial"]) not in text


def test_commits_and_hash_are_whole_never_hyphenated_and_no_branch_is_named(signed, repo):
    from cdv.provenance import provenance

    _, raw = signed
    lines = [line.strip() for line in raw.splitlines()]
    base, head = git(repo, "rev-parse", "v2024^{commit}").strip(), git(repo, "rev-parse", "HEAD").strip()
    for whole in (base, head, provenance(repo).sources_sha256):
        assert whole in lines, whole  # on a line of its own, neither cut nor hyphenated
    assert BRANCH not in raw and "maj-2027" not in raw and "HEAD" not in raw
    assert not re.search(r"[0-9a-f]{6,}-\n", raw)


def test_cdv_verify_reads_the_avenant(signed, repo):
    pdf, _ = signed
    listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "contract/amendments/1.yml" in listing and "donnees-ouvertes/contrat.json" in listing
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "verify", str(pdf), "--repo", str(repo)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Le PDF correspond au dépôt." in result.stdout


def test_cdv_verify_refuses_a_second_file_under_a_sources_name(signed, repo, tmp_path):
    from pypdf import PdfReader, PdfWriter

    pdf, _ = signed
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.add_attachment("contract/figures.yml", b"figures: []\n")
    forged = tmp_path / "avenant-falsifie.pdf"
    with forged.open("wb") as out:
        writer.write(out)
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "verify", str(forged), "--repo", str(repo)],
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "en trop dans le PDF : contract/figures.yml (copie 2)" in result.stdout
    assert "Le PDF ne correspond pas au dépôt." in result.stdout


def test_a_draft_avenant_is_a_projet_with_blank_signature(repo, tmp_path):
    from cdv.pdf import write_amendment_pdf

    record = repo / "contract" / "amendments" / "1.yml"
    contract = repo / "contract" / "contract.yml"
    signed_text, signed_contract = record.read_text(encoding="utf-8"), contract.read_text(encoding="utf-8")
    hostile = "Projet <script>alert(1)</script> **urgent**"
    record.write_text(AMENDMENT.format(status="draft", signature="", title=hostile), encoding="utf-8")
    contract.write_text(signed_contract.replace("status: signed", "status: draft"), encoding="utf-8")
    try:
        text = flat(pdftotext(write_amendment_pdf(repo, "v2024", str(repo), tmp_path / "projet.pdf")))
    finally:
        record.write_text(signed_text, encoding="utf-8")
        contract.write_text(signed_contract, encoding="utf-8")
    assert "Projet d'avenant n° 1" in text and "PROJET" in text
    assert "Fait à ........................, le ........................" in text
    assert "30 juin 2027" not in text
    assert "Objet : Projet <script>alert(1)</script> urgent" in text  # shown, never run; its bold rendered


def test_the_site_ships_the_avenant_beside_the_contract_links_it_and_feeds_it(repo):
    from cdv.siteplan import plan_site

    plan = plan_site(repo, pdf="contrat.pdf", site_url="https://exemple.org/contrat/")
    pdf = plan.files["avenant-1.pdf"]
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    assert plan.extra["amendment_pdf"] == "avenant-1.pdf"
    from cdv.siteinfo import size_text

    size = size_text(len(pdf))  # each link says the format and the size of the bytes the site ships
    assert plan.extra["amendment_pdf_label"] == f"Télécharger l'avenant n° 1 (PDF\u00a0– {size})"
    history = next(p for p in plan.pages if p.path == "historique.md").markdown
    assert f"[avenant n° 1 (PDF\u00a0– {size})](avenant-1.pdf)" in history
    feed = plan.files["versions.xml"]
    assert (f'<enclosure url="https://exemple.org/contrat/2027/avenant-1.pdf" length="{len(pdf)}" '
            'type="application/pdf"/>') in feed
    # The same avenant as cdv pdf --amendment writes: its text names the tagged base commit.
    shipped = repo.parent / "depuis-le-site.pdf"
    shipped.write_bytes(pdf)
    base = git(repo, "rev-parse", "v2024^{commit}").strip()
    assert base in [line.strip() for line in pdftotext(shipped).splitlines()]


def test_no_avenant_is_shipped_without_a_published_base(tmp_path):
    """A version no tag or published site precedes: nothing to amend from, no avenant file (not an error)."""
    from cdv.corpus import load_corpus
    from cdv.siteplan import amendment_download

    project = copy_project(tmp_path / "projet")
    apply_2027_update(project)
    (project / "contract" / "amendments").mkdir()
    (project / "contract" / "amendments" / "1.yml").write_text(AMENDMENT.format(status="draft", signature="", title=TITLE),
                                                               encoding="utf-8")
    assert amendment_download(load_corpus(project), "contrat.pdf") is None
