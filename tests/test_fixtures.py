"""Every positive fixture is a whole project that validates, builds its site and its PDF, and loses none of
its text: the minimal project and each territory of tests/fixtures/ (Valmont: a contract of another shape,
written for the tests). The real contract is validated here too; its build and its text are checked by
tests/test_nothing_dropped.py on the session's build.

A fixture folder holds what a territory writes (contract/, neighbourhoods/, mkdocs.yml); the toolkit's
files (schemas, theme override, macros.py, the home page and its assets) are added as `cdv new contract`
adds them (cdv.scaffold.copy_toolkit), so that a fixture follows the toolkit as it changes.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cdv.build import build_site
from cdv.fmt import format_project
from cdv.scaffold import copy_toolkit, toolkit_root
from cdv.validate import validate_project

from conftest import ROOT, copy_minimal_project
from sitetext import normalise, visible_text
from sourcestrings import is_shown_only_with_its_subject, shown_only_with_their_subject, source_strings
from territory import territory_mentions
from test_nothing_dropped import letters

FIXTURES = ROOT / "tests" / "fixtures"
TERRITORIES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
# The projects built here: the minimal one and every territory of tests/fixtures/.
BUILT = ["minimal", *TERRITORIES]


def test_there_is_a_territory_of_another_shape():
    assert "valmont" in TERRITORIES


def make_project(name: str, dest: Path) -> Path:
    """A buildable copy of one fixture: its own files, plus the toolkit's."""
    if name == "minimal":
        return copy_minimal_project(dest)
    shutil.copytree(FIXTURES / name, dest)
    copy_toolkit(toolkit_root(), dest)
    return dest


@pytest.fixture(scope="module", params=["real", *BUILT])
def any_project(request, tmp_path_factory) -> Path:
    if request.param == "real":
        return ROOT
    return make_project(request.param, tmp_path_factory.mktemp(request.param) / request.param)


def test_the_project_validates(any_project):
    errors = [e.format_text() for e in validate_project(any_project)[1]]
    assert errors == []


def test_the_project_is_in_canonical_form(any_project):
    assert [r.rel for r in format_project(any_project, check=True) if r.changed] == []


def test_a_territory_fixture_names_nothing_of_the_real_territory():
    for name in TERRITORIES:
        for path in sorted((FIXTURES / name).rglob("*")):
            if path.is_file():
                assert territory_mentions(path.read_text(encoding="utf-8"), ROOT) == [], path


# --- built: the site, the PDF, and nothing dropped ------------------------------------------------------------

class Built:
    def __init__(self, root: Path, site: Path):
        self.root = root
        self.site = site
        self.pages = {p: p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}
        self.html_text = normalise(" ".join(visible_text(t) for t in self.pages.values()))
        # The contract as residents read it: the data page's dictionary describes the file format, so it
        # names every field of every schema (articles, parts, the common base) whatever the contract holds.
        self.contract_text = normalise(" ".join(
            visible_text(t) for p, t in self.pages.items() if p.relative_to(site).parts[0] != "donnees"))
        self.pdf = site / "contrat.pdf"
        # The body of each A4 page, as tests/test_nothing_dropped.py reads the real PDF.
        self.pdf_body = pdftotext(self.pdf, "-x", "0", "-y", "58", "-W", "596", "-H", "726")
        self.pdf_text = pdftotext(self.pdf)

    def headings(self) -> list[str]:
        return [visible_text(h) for page in self.pages.values()
                for h in re.findall(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", page, re.S)]


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


_BUILDS: dict[str, Built] = {}


def build(name: str, tmp_path_factory) -> Built:
    """Each fixture project built once per session (site and PDF), whichever test asks first."""
    if name not in _BUILDS:
        root = make_project(name, tmp_path_factory.mktemp(name) / name)
        _BUILDS[name] = Built(root, build_site(root, tmp_path_factory.mktemp("site") / "site"))
    return _BUILDS[name]


@pytest.fixture(params=BUILT)
def built(request, tmp_path_factory) -> Built:
    return build(request.param, tmp_path_factory)


@pytest.mark.slow
def test_the_site_and_the_pdf_build(built):
    assert (built.site / "index.html").is_file()
    assert built.pdf.is_file() and built.pdf.read_bytes().startswith(b"%PDF-")
    for neighbourhood in (built.root / "neighbourhoods").glob("*.yml"):
        assert (built.site / "quartiers" / neighbourhood.stem / "index.html").is_file(), neighbourhood


@pytest.mark.slow
def test_every_string_of_the_sources_is_in_the_site(built):
    strings = source_strings(built.root)
    assert strings
    skipped = shown_only_with_their_subject(built.root)
    assert [(f, p, t) for f, p, t in strings
            if normalise(t) not in built.html_text and not is_shown_only_with_its_subject(skipped, p)] == []


@pytest.mark.slow
def test_every_string_of_the_sources_is_in_the_pdf(built):
    pdf = letters(built.pdf_body)
    skipped = shown_only_with_their_subject(built.root, pdf=True)
    assert [(f, p, t) for f, p, t in source_strings(built.root)
            if letters(t) not in pdf and not is_shown_only_with_its_subject(skipped, p, f)] == []


# --- Valmont: its own shape, and nothing of another contract's ------------------------------------------------

@pytest.fixture
def valmont(tmp_path_factory) -> Built:
    return build("valmont", tmp_path_factory)


@pytest.mark.slow
def test_valmont_parts_are_numbered_in_roman_numerals(valmont):
    for title in ("I/ Le quartier en quelques chiffres", "II/ Le QPV ces dernières années",
                  "III/ Synthèse des concertations", "IV/ Les enjeux", "V/ Évaluation", "VI/ Gouvernance"):
        assert title in valmont.html_text, title
        assert title in normalise(valmont.pdf_text), title


@pytest.mark.slow
def test_valmont_has_a_heading_for_its_watched_neighbourhoods(valmont):
    assert any(h.startswith("Quartiers de veille") for h in valmont.headings())
    assert "Quartiers de veille" in normalise(valmont.pdf_text)
    assert "Les Acacias" in valmont.html_text and "Les Acacias" in normalise(valmont.pdf_text)


@pytest.mark.slow
def test_valmont_prints_its_strategy_in_its_own_words(valmont):
    page = visible_text((valmont.site / "quartiers" / "les-tilleuls" / "index.html").read_text(encoding="utf-8"))
    assert "3 axes de travail pour le quartier des Tilleuls" in page
    assert "Partenaires associés : Régie de quartier des Tilleuls, Club des entreprises de Valmont." in page
    assert "Critères d'évaluation : Nombre de jeunes accompagnés vers un emploi ou une formation." in page
    assert "Trouver un stage de découverte à chaque collégien de troisième" in page


@pytest.mark.slow
@pytest.mark.parametrize(("words", "pattern"), [
    ("Article", r"\barticles?\b"),
    ("partie", r"\bparties?\b"),
    ("socle commun", r"socle commun"),
    ("un nombre vide", r"\(0\)"),
])
def test_valmont_says_nothing_of_another_shape(valmont, words, pattern):
    """Valmont's parts and articles are not "1re partie" and "Article 5", it has no common base, and no
    list of its is empty: no template may write these words for it."""
    found = re.compile(pattern, re.IGNORECASE)
    assert not found.search(valmont.contract_text), (words, found.search(valmont.contract_text))
    assert not found.search(normalise(valmont.pdf_text)), (words, found.search(normalise(valmont.pdf_text)))


@pytest.mark.slow
def test_a_draft_offers_its_pdf_as_a_draft(valmont):
    home = valmont.site / "index.html"
    link = re.search(r'<a class="cdv-pdf-link"[^>]*>(.*?)</a>', home.read_text(encoding="utf-8"))
    assert link and re.fullmatch(r"Télécharger le projet \(PDF\u00a0– \d+\u00a0Ko\)", link.group(1))


@pytest.mark.slow
def test_a_draft_without_signatories_has_no_signatories_heading(valmont):
    assert not [h for h in valmont.headings() if "Signataires" in h and "schema.json" not in h]
    assert not [line for line in valmont.pdf_text.splitlines() if line.strip().startswith(("Signataires", "Signatures"))]


@pytest.mark.slow
def test_valmont_charts_every_observation_with_its_target_and_compares_its_neighbourhoods(valmont):
    """Through MkDocs: the 8 observations of Les Tilleuls' poverty rate in its chart (not the last six),
    the target drawn and tabled, the evaluation beside it, and the page comparing both neighbourhoods."""
    page = (valmont.site / "quartiers" / "les-tilleuls" / "index.html").read_text(encoding="utf-8")
    chart = re.search(r'<figure class="cdv-chart" id="evolution-pauvrete">(.*?)</figure>', page, re.S).group(1)
    svg = chart.split("</svg>")[0]
    assert re.findall(r'class="cdv-chart-label">(\d{4})<', svg) == [str(y) for y in range(2014, 2022)]
    assert len(re.findall(r"<rect ", svg)) == 8 and 'class="cdv-chart-target"' in svg
    assert "Cible (2030)" in visible_text(chart) and "Référence (2018)" in visible_text(chart)
    text = visible_text(page)
    assert "Évolution depuis la référence (2018) : −2,4 points (43,9 % → 41,5 % en 2021)" in text
    assert "Écart avec Valmont : +25,3 points en 2021 (+27,7 points en 2014)" in text
    acacias = visible_text((valmont.site / "quartiers" / "les-acacias" / "index.html").read_text(encoding="utf-8"))
    assert "Évolution depuis la première observation (2020) : −1,6 point" in acacias
    link = re.search(r'<a class="cdv-card__link" href="([^"]+)"', page).group(1)
    compared = (valmont.site / "quartiers" / "les-tilleuls" / link / "index.html").resolve()
    assert compared == (valmont.site / "indicateurs" / "pauvrete" / "index.html").resolve()
    html = compared.read_text(encoding="utf-8")
    assert visible_text(re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", html, re.S).group(1)) == (
        "des habitants vivent sous le seuil de pauvreté")  # the label as the YAML gives it
    comparison = visible_text(html)
    assert "2 quartiers donnent cet indicateur" in comparison
    assert "Les Tilleuls 41,5 % 2021 16,2 % (+25,3 points)" in comparison
    assert "Les Acacias 19,8 % 2021 16,2 % (+3,6 points) — −1,6 point depuis la première observation (2020)" in comparison
