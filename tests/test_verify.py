"""The signed record: PDF/A-3 with its sources attached, and `cdv verify` against the repository."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from conftest import copy_project

pytestmark = pytest.mark.slow  # builds a PDF in a scratch repository

ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
       "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout


def verify(pdf: Path, repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cdv.cli", "verify", str(pdf), "--repo", str(repo)],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def record(tmp_path_factory) -> tuple[Path, Path]:
    from cdv.pdf import write_pdf

    repo = copy_project(tmp_path_factory.mktemp("verify") / "depot")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé 2024")
    git(repo, "tag", "v2024")
    return repo, write_pdf(repo, repo.parent / "contrat.pdf")


def test_the_record_is_pdfa3_tagged_with_its_sources(record):
    _, pdf = record
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta and "<pdfuaid:part>1</pdfuaid:part>" in meta
    listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "contract/contract.yml" in listing and "donnees-ouvertes/contrat.json" in listing
    root = PdfReader(pdf).trailer["/Root"]
    assert root["/Lang"] == "fr" and "/StructTreeRoot" in root
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Contrat de Ville" in text


def test_verify_says_everything_matches(record):
    repo, pdf = record
    result = verify(pdf, repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "v2024" in result.stdout and "Le PDF correspond au dépôt." in result.stdout


def test_verify_names_a_changed_attachment(record, tmp_path):
    repo, pdf = record
    writer = PdfWriter(clone_from=pdf)
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    for i in range(0, len(names), 2):
        if names[i] == "contract/contract.yml":
            stream = names[i + 1].get_object()["/EF"]["/F"].get_object()
            stream.set_data(stream.get_data() + b"# ajout\n")
            stream[NameObject("/Params")] = stream["/Params"]
    altered = tmp_path / "modifie.pdf"
    writer.write(altered)
    result = verify(altered, repo)
    assert result.returncode == 1 and "différente(s) du commit : contract/contract.yml" in result.stdout


def test_verify_names_a_commit_the_repository_lacks(record, tmp_path):
    _, pdf = record
    other = copy_project(tmp_path / "autre")
    git(other, "init", "-q", "-b", "main")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "autre")
    result = verify(pdf, other)
    assert result.returncode == 1 and "est absent du dépôt" in result.stdout


def test_a_text_file_is_a_usage_error(tmp_path):
    text = tmp_path / "note.pdf"
    text.write_text("pas un PDF", encoding="utf-8")
    result = verify(text, tmp_path)
    assert result.returncode == 2 and "n'est pas un fichier PDF" in result.stderr and "Traceback" not in result.stderr


def test_verify_names_an_altered_sources_hash(record, tmp_path):
    repo, pdf = record
    writer = PdfWriter(clone_from=pdf)
    metadata = writer._root_object["/Metadata"].get_object()
    xmp = metadata.get_data()
    start = xmp.index(b"<cdv:sourcesSha256>") + len(b"<cdv:sourcesSha256>")
    metadata.set_data(xmp[:start] + b"0" * 64 + xmp[start + 64 :])
    altered = tmp_path / "empreinte.pdf"
    writer.write(altered)
    result = verify(altered, repo)
    assert result.returncode == 1 and "empreinte SHA-256 des sources différente de celle du commit" in result.stdout


def test_a_truncated_pdf_is_said_unreadable_in_french_only(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    pdf = tmp_path / "tronque.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "verify", str(pdf), "--repo", str(ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == f"cdv : {pdf} est un PDF illisible (fichier tronqué ou endommagé)."
