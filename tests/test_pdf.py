"""The printable contract, read back from the real PDF with poppler and pypdf."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from cdv.pdf import write_pdf
from cdv.provenance import provenance
from cdv.text import plain_text

from conftest import ROOT
from sitetext import normalise


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: Path) -> list[str]:
    """The text of every page, in one pdftotext run (it ends each page with a form feed)."""
    pages = pdftotext(pdf).split("\f")
    assert pages[-1].strip() == "" and len(pages) - 1 == page_count(pdf)
    return pages[:-1]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def flat(text: str) -> str:
    """pdftotext output as one line, spaces normalised. A hyphen at a line end before a capital is a real
    one (Bourgogne-Franche-Comté, ALBERT-MORETTI); before a small letter it is French hyphenation."""
    text = normalise_hyphens(text.replace("\u00ad", ""))
    text = re.sub(r"(\w)-\n(?=[A-ZÀ-Ý])", r"\1-", text)
    return normalise(re.sub(r"(\w)-\n(\w)", r"\1\2", text))


def normalise_hyphens(text: str) -> str:
    return text.replace("\u2010", "-").replace("\u2011", "-")


# Every test here builds or reads the printable contract.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def contract_pdf(site_pdf) -> Path:
    return site_pdf  # built once per session by `cdv build` (conftest)


@pytest.fixture(scope="module")
def text(site_pdf_text) -> str:
    return flat(site_pdf_text)


@pytest.fixture(scope="module")
def cli_pdf(tmp_path_factory) -> Path:
    """The contract as `cdv pdf` writes it, in its own process."""
    import sys

    out = tmp_path_factory.mktemp("cli") / "contrat.pdf"
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "pdf", "--output", str(out)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def test_every_signatory_with_name_and_title_as_printed(text, corpus):
    for s in corpus.signatories:
        assert normalise(s["organisation"]) in text
        for signer in s["signature"]["signers"]:
            assert normalise(signer["name"]) in text
            for line in signer["title"] + signer.get("after", []):
                assert normalise(line) in text
    assert "Fait à Besançon, le 29 mars 2024" in text


def test_every_article_title_and_every_neighbourhood(text, corpus):
    for article in corpus.articles:
        assert normalise(corpus.shape.article_title(article, plain_text(article["title"]))) in text
        assert normalise(f"Article {article['number']} - {plain_text(article['title'])}") in text
    for n in corpus.neighbourhoods:
        assert normalise(n["name"]) in text
    assert "12 priorités pour l'écoquartier de Planoise" in text


def test_table_of_contents_page_numbers_match_the_pages(contract_pdf):
    pages = page_count(contract_pdf)
    toc = pdftotext(contract_pdf, 2, 3, layout=True)
    entries = re.findall(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", toc, re.M)
    assert len(entries) >= 30
    for title, number in entries:
        number = int(number)
        assert 1 <= number <= pages
        page = flat(pdftotext(contract_pdf, number))
        article = re.match(r"Article \d+ - ", title)  # the contents use the short title, the page the full one
        expected = article.group(0) if article else normalise(title)[:40]
        assert expected in page, f"« {title} » annoncé page {number}"
    last = flat(pdftotext(contract_pdf, pages))
    assert f"page {pages} / {pages}" in last


def test_fonts_are_embedded(contract_pdf):
    listing = subprocess.run(["pdffonts", str(contract_pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_metadata_bookmarks_and_tags(contract_pdf, corpus):
    reader = PdfReader(contract_pdf)
    meta = reader.metadata
    assert meta.title == "Contrat de Ville du Grand Besançon 2024-2030"
    assert meta.author == "Grand Besançon Métropole" and meta.subject == "Faire société pour nos quartiers"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield normalise(item.title)

    bookmarks = list(titles(reader.outline))
    for article in corpus.articles:
        assert any(b.startswith(f"Article {article['number']} - ") for b in bookmarks)
    for n in corpus.neighbourhoods:
        assert normalise(n["name"]) in bookmarks
    assert "Quartiers fragiles" in bookmarks and "Signatures" in bookmarks


def test_signature_page_and_footer_name_one_state_of_the_sources(contract_pdf):
    origin = provenance(ROOT)
    pages = page_count(contract_pdf)
    signature_text = flat(pdftotext(contract_pdf, pages - 2, pages))
    assert origin.sources_sha256 in signature_text.replace(" ", "")
    assert "version 2024" in signature_text
    if origin.commit:
        assert origin.commit in signature_text.replace(" ", "")
    footer = flat(pdftotext(contract_pdf, 10))
    assert origin.sources_sha256[:16] in footer and "version 2024" in footer


def test_two_builds_are_byte_identical(cli_pdf, contract_pdf):
    # Two builds in two processes: `cdv pdf` and the PDF `cdv build` wrote into the site.
    assert cli_pdf.read_bytes() == contract_pdf.read_bytes()


def test_watermark_only_on_drafts(project, tmp_path, contract_pdf):
    assert not any("PROJET" in page for page in pdf_pages(contract_pdf))
    contract = project / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("status: signed", "status: draft"), encoding="utf-8")
    draft = write_pdf(project, tmp_path / "projet.pdf")
    assert all("PROJET" in page for page in pdf_pages(draft))
    cover = flat(pdftotext(draft, 1))
    assert "Version 2024 — Projet" in cover and "Projet généré le" in cover


def test_cdv_pdf_command_writes_the_file(cli_pdf):
    assert cli_pdf.read_bytes().startswith(b"%PDF-1.7")


def test_amendment_opens_with_the_contracts_words_and_its_articles_are_clauses_not_levels(project, tmp_path):
    """The avenant's opening words (shape.amendment_basis), then one article per amended clause, in the
    contract's order (9.1 before 13), what the comité de pilotage validates and a new préfet in the annex
    for information, under the contract's words for its approval levels (shape.approvals)."""
    from cdv.corpus import load_corpus
    from cdv.pdf import write_amendment_pdf

    from update2027 import apply_2027_update, apply_redline_changes

    apply_2027_update(project)
    apply_redline_changes(project)
    (project / "contract" / "amendments").mkdir()
    (project / "contract" / "amendments" / "1.yml").write_text(
        'number: 1\nversion: "2027"\nbase: "2024"\nstatus: draft\nchanges:\n  - element: article-13\n'
        "  - element: article-9\n    reason: Le calendrier de l'évaluation est actualisé.\n", encoding="utf-8")
    shape = load_corpus(project).shape
    text = flat(pdftotext(write_amendment_pdf(project, str(ROOT), str(project), tmp_path / "avenant.pdf")))
    assert normalise(f"{shape.amendment_basis} les signataires conviennent des modifications suivantes") in text
    assert "Conformément à l'article 8 du contrat, qui prévoit son actualisation, les signataires" in text
    first = text.index("Article 1 - Modification de l'article 9.1 « Les portraits de quartier »")
    second = text.index("Article 2 - Modification de l'article 13 « La gouvernance du Contrat de Ville »")
    assert first < second < text.index("Article 3 - Dispositions finales")
    assert "L'article 9.1 « Les portraits de quartier » est ainsi modifié" in text
    # The reason given on the article is the reason of the change in its sub-article.
    assert "Motif : Le calendrier de l'évaluation est actualisé." in text[first:second]
    # The redline groups the words: « 1 à 2 » struck, « au moins deux » inserted, in the whole sentence.
    assert "se réunit 1 à 2 fois par an" in text and "se réunit au moins deux fois par an" in text
    annex = text[text.index("Annexe – pour information"):]
    from cdv.labels import APPROVAL_LEVELS

    for level in ("copil", "routine", "representant"):  # the contract's words, else the toolkit's
        words = normalise(shape.approvals.get(level) or APPROVAL_LEVELS[level])
        assert words in annex and words not in text[:text.index("Annexe – pour information")]
    assert "Jeanne EXEMPLE" in annex and "Permettre aux jeunes l'accès à la formation" in annex
    assert shape.approvals["editorial"] not in text  # the version number itself is not a clause
    assert "Article 4" not in text


def test_an_avenant_without_its_record_is_refused_in_french(project, tmp_path):
    from cdv.errors import CdvError
    from cdv.pdf import write_amendment_pdf

    from update2027 import apply_2027_update

    apply_2027_update(project)
    with pytest.raises(CdvError, match=r"aucun avenant ne produit la version 2027 : créez contract/amendments/1\.yml"):
        write_amendment_pdf(project, str(ROOT), str(project), tmp_path / "avenant.pdf")
    assert not (tmp_path / "avenant.pdf").exists()
