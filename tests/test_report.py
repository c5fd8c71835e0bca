"""The annual report (`cdv report YEAR`, the site's rapports/YEAR/ page): every figure computed from the
sources, its status and the conseils citoyens' opinions, on a fixture project (tests/reportfixture.py:
the real sources, plus an approved report for 2024 and three actions of 2024)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from cdv.corpus import load_corpus
from cdv.errors import MissingReport
from cdv.report import annual_report, status_line
from cdv.validate import validate_project

from reportfixture import ACTIONS_2024, REPORT_2024, report_project
from sitetext import normalise, visible_text


def cdv(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, capture_output=True, text=True, env=env)


def expected_sums() -> dict:
    """The sums of the fixture's funding lines, read from its YAML: dated lines only, per neighbourhood,
    per funder and in all; the yearly amounts with no year and the undated ones are never added."""
    actions = yaml.safe_load(ACTIONS_2024)["actions"]
    by_neighbourhood: dict[str, float] = defaultdict(float)
    by_funder: dict[str, float] = defaultdict(float)
    total = 0.0
    for a in actions:
        for line in a.get("funding", []):
            if "year" not in line:
                continue
            total += line["amount"]
            funder = line.get("funder")
            by_funder[funder if isinstance(funder, str) else (funder or {}).get("name", "")] += line["amount"]
            for n in a["neighbourhoods"]:
                by_neighbourhood[n] += line["amount"]
    return {"total": total, "neighbourhoods": dict(by_neighbourhood), "funders": dict(by_funder)}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return report_project(tmp_path_factory.mktemp("rapport") / "projet")


@pytest.fixture(scope="module")
def rep(project):
    return annual_report(load_corpus(project), 2024)


# --- the model --------------------------------------------------------------------------------------------


def test_the_totals_are_the_sums_of_the_dated_lines(rep):
    sums = expected_sums()
    assert rep.amounts.total == sums["total"] == 27000
    assert rep.amounts.by_year == {2024: 25000, 2025: 2000}
    assert {g.key: g.amounts.total for g in rep.by_neighbourhood} == sums["neighbourhoods"]
    # The yearly amount given without a year and the undated one are listed apart, never added.
    assert [(line.amount, line.per_year) for line in rep.amounts.per_year] == [(5000, True)]
    assert [line.amount for line in rep.amounts.undated] == [700]
    funders = {f.key: f for f in rep.funders}
    assert funders["ville-besancon"].amounts.total == sums["funders"]["ville-besancon"] == 20000
    assert funders["ars-bfc"].amounts.total == 3500 and [x.amount for x in funders["ars-bfc"].amounts.undated] == [700]
    assert funders["caf-doubs"].amounts.total == 0 and funders["caf-doubs"].amounts.per_year
    assert funders[""].name == "financeur non précisé" and funders[""].amounts.total == 1500
    assert funders["name:Fondation d'essai"].amounts.by_year == {2025: 2000}


def test_the_actions_are_grouped_by_neighbourhood_and_priority(rep):
    assert [a["id"] for a in rep.actions] == ["essai-jardin-planoise", "essai-jeunesse-battant", "essai-mediation-battant"]
    assert {g.key: len(g.actions) for g in rep.by_neighbourhood} == {"battant": 2, "planoise": 2}
    assert rep.shared_actions == 1
    priorities = {g.key: [a["id"] for a in g.actions] for g in rep.by_priority}
    assert priorities == {
        "battant-lien-social-jeunesse": ["essai-jeunesse-battant"],
        "planoise-renouvellement-urbain": ["essai-jardin-planoise"],
        "jeunes-12-25-ans": ["essai-jeunesse-battant"],
        "": ["essai-mediation-battant"],  # no priority given: shown as such
    }
    # The orientations: the common base's objective of a priority counts the action.
    objective = next(o for o in rep.objectives if o.objective["id"] == "education-parentalite")
    assert [a["id"] for a in objective.actions] == ["essai-jeunesse-battant"]


def test_the_observations_of_the_year_are_marked_new(rep):
    planoise = next(e for e in rep.evolutions if e.neighbourhood["id"] == "planoise")
    population = next(s for s in planoise.series if s.indicator["id"] == "population")
    assert [(o.period, o.value, o.new) for o in population.observations] == [("2018", 15378, False), ("2024", 15500, True)]
    assert rep.new_observations == 1
    # A neighbourhood whose portrait has no figure is named, not silently left out.
    assert {n["id"] for n in rep.without_portrait} == {
        n["id"] for n in rep.neighbourhoods if not (n.get("portrait") or {}).get("indicators")}
    assert len(rep.evolutions) + len(rep.without_portrait) == len(rep.neighbourhoods) == 12


def test_status_lines():
    assert status_line({"status": "projet"}) == "Projet"
    assert status_line({"status": "soumis", "submitted": "2026-03-15"}) == "Soumis aux conseils citoyens le 15 mars 2026"
    approved = {"status": "approuve", "submitted": "2026-03-15",
                "approval": {"body": "Conseil communautaire", "reference": "n° 2026/0123", "date": "2026-06-30"}}
    assert status_line(approved) == "Approuvé par délibération du Conseil communautaire n° 2026/0123 du 30 juin 2026"
    approved["approval"] = {"body": "Assemblée plénière", "date": "2026-07-01"}
    assert status_line(approved) == "Approuvé par délibération de l'Assemblée plénière du 1er juillet 2026"


def test_the_opinions_are_annexed_in_date_order(rep):
    assert [(o["council"], o["date"]) for o in rep.opinions] == [
        ("Conseil citoyen de Battant", "2025-03-28"),
        ("Conseil citoyen de Planoise", "2025-04-02"),
    ]


# --- errors ----------------------------------------------------------------------------------------------


def test_a_year_without_its_file_is_a_french_error_naming_it(project, tmp_path):
    with pytest.raises(MissingReport, match=r"créez reports/2031\.yml"):
        annual_report(load_corpus(project), 2031)
    out = tmp_path / "rapport.pdf"
    result = cdv("report", "2031", "-o", str(out), "--path", str(project), cwd=tmp_path)
    assert result.returncode == 1
    assert "aucun rapport annuel pour 2031 : créez reports/2031.yml" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_year_that_is_no_year_is_a_usage_error(project, tmp_path):
    result = cdv("report", "vingt", "--path", str(project), cwd=tmp_path)
    assert result.returncode == 2 and "« vingt » n'est pas une année" in result.stderr


def test_an_approval_before_the_submission_is_refused(project, tmp_path):
    broken = report_project(tmp_path / "projet")
    path = broken / "reports" / "2024.yml"
    path.write_text(REPORT_2024.replace('date: "2025-06-30"', 'date: "2025-02-01"'), encoding="utf-8")
    _, errors = validate_project(broken)
    assert [(e.file, e.line, e.message) for e in errors] == [(
        "reports/2024.yml",
        REPORT_2024.splitlines().index('  date: "2025-06-30"') + 1,
        "la délibération du 1er février 2025 précède la soumission aux conseils citoyens (15 mars 2025) : le rapport "
        "est approuvé après leurs avis.",
    )]
    result = cdv("report", "2024", "-o", str(tmp_path / "r.pdf"), "--path", str(broken), cwd=tmp_path)
    assert result.returncode == 1 and "précède la soumission" in result.stderr
    assert "aucun rapport n'a été écrit" in result.stderr and not (tmp_path / "r.pdf").exists()


def test_the_pdf_is_never_written_over_a_source(project, tmp_path):
    source = project / "reports" / "2024.yml"
    before = source.read_bytes()
    for target in (project / "reports" / "2024.pdf", source):
        result = cdv("report", "2024", "-o", str(target), "--path", str(project), cwd=tmp_path)
        assert result.returncode == 1 and "fichier de sortie refusé" in result.stderr
    assert source.read_bytes() == before and not (project / "reports" / "2024.pdf").exists()


def test_new_writes_a_valid_report_and_never_over_one(tmp_path):
    project = report_project(tmp_path / "projet")
    result = cdv("report", "2025", "--new", "--path", str(project), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Rapport créé : reports/2025.yml" in result.stdout
    _, errors = validate_project(project)
    assert errors == []
    assert annual_report(load_corpus(project), 2025).status_line == "Projet"
    before = (project / "reports" / "2024.yml").read_bytes()
    again = cdv("report", "2024", "--new", "--path", str(project), cwd=tmp_path)
    assert again.returncode == 1 and "reports/2024.yml existe déjà" in again.stderr
    assert (project / "reports" / "2024.yml").read_bytes() == before


# --- the page (markdown) ---------------------------------------------------------------------------------


def report_markdown(project: Path, year: int) -> str:
    from cdv.pages import page_path, page_specs, render_page

    corpus = load_corpus(project)
    spec = next(s for s in page_specs(corpus) if s.path == page_path("report", str(year)))
    return render_page(corpus, spec, pdf="contrat.pdf").markdown


def test_a_year_with_no_action_and_no_observation_says_so(tmp_path):
    project = report_project(tmp_path / "projet")
    (project / "reports" / "2030.yml").write_text(
        "year: 2030\ntitle: Rapport annuel 2030\nstatus: soumis\nsubmitted: \"2031-03-01\"\noutlook:\n  - p: Suite.\n",
        encoding="utf-8",
    )
    text = normalise(report_markdown(project, 2030))
    assert "Aucune action n'est enregistrée pour 2030" in text
    assert "Aucune observation n'est datée de 2030" in text
    assert "Soumis aux conseils citoyens le 1er mars 2031" in text
    assert "Aucun avis de conseil citoyen n'est enregistré (soumis aux conseils citoyens le 1er mars 2031)" in text


def test_the_real_sources_have_no_report_and_no_report_page(corpus):
    from cdv.pages import page_specs

    assert corpus.reports == []
    assert not [s for s in page_specs(corpus) if s.path.startswith("rapports/")]


# --- the built site and the PDF (slow) ---------------------------------------------------------------------


def table_rows(page: str, anchor: str) -> list[list[str]]:
    """The rows (visible text of each cell) of the first table after the heading `anchor`."""
    start = page.index(f'id="{anchor}"')
    table = page[page.index("<table", start) : page.index("</table>", start)]
    return [
        [visible_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td" in row
    ]


def euros(cell: str) -> int:
    """The first amount of a cell: « 25 500 € (2024 : … ) » -> 25500."""
    return int(re.match(r"([0-9 ]+) €", cell).group(1).replace(" ", ""))


@pytest.fixture(scope="module")
def report_site(project, tmp_path_factory) -> Path:
    """The fixture project's site, built once through MkDocs (with its PDFs) for the slow tests."""
    from cdv.build import build_site

    return build_site(project, tmp_path_factory.mktemp("site-rapport") / "site")


@pytest.mark.slow
def test_the_site_shows_the_report_with_its_sums_status_opinions_and_pdf(report_site):
    site = report_site
    page = (site / "rapports" / "2024" / "index.html").read_text(encoding="utf-8")
    text = visible_text(page)
    sums = expected_sums()
    rows = table_rows(page, "actions-par-quartier")
    assert {row[0]: euros(row[2]) for row in rows} == {
        "Battant": sums["neighbourhoods"]["battant"], "Planoise": sums["neighbourhoods"]["planoise"]}
    funders = {row[0]: row for row in table_rows(page, "actions-par-financeur")}
    assert euros(funders["Ville de Besançon"][2]) == sums["funders"]["ville-besancon"]
    assert funders["Caisse d'allocations familiales du Doubs"][2:] == ["—", "5 000 € par an"]
    assert "Total des montants datés des actions de 2024 : 27 000 € (2024 : 25 000 € ; 2025 : 2 000 €)" in text
    assert ("État du rapport : Approuvé par délibération du Conseil communautaire n° 2025/0042 du 30 juin 2025 "
            "(projet soumis aux conseils citoyens le 15 mars 2025).") in text
    annex = text[text.index("Annexe : avis des conseils citoyens") :]
    assert annex.index("Conseil citoyen de Battant, avis du 28 mars 2025") < annex.index(
        "Conseil citoyen de Planoise, avis du 2 avril 2025")
    assert "Avis favorable du conseil citoyen de Planoise, avec une réserve sur la mobilité." in annex
    assert "2018 : 15 378 ; 2024 : 15 500 (nouveau en 2024)" in text
    # The report's PDF is a download of its page, and the list of reports gives its status.
    assert 'href="../rapport-annuel-2024.pdf"' in page
    assert (site / "rapports" / "rapport-annuel-2024.pdf").read_bytes().startswith(b"%PDF-")
    index = visible_text((site / "rapports" / "index.html").read_text(encoding="utf-8"))
    assert "Rapport annuel 2024 du contrat de ville Approuvé par délibération du Conseil communautaire" in index
    assert "Rapports annuels" in visible_text((site / "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_cdv_report_writes_the_pdf_with_its_figures_status_and_opinions(project, tmp_path):
    out = tmp_path / "out.pdf"
    dated = {**os.environ, "SOURCE_DATE_EPOCH": "1751241600"}  # outside git, the date the sources give
    result = cdv("report", "2024", "-o", str(out), "--path", str(project), cwd=tmp_path, env=dated)
    assert result.returncode == 0, result.stderr
    assert f"Rapport annuel 2024 écrit dans {out}" in result.stdout
    text = normalise(subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                                    text=True, check=True).stdout)
    assert "Approuvé par délibération du Conseil communautaire n° 2025/0042 du 30 juin 2025" in text
    assert "Total des montants datés des actions de 2024 : 27 000 € (2024 : 25 000 € ; 2025 : 2 000 €)" in text
    assert "Conseil citoyen de Battant, avis du 28 mars 2025" in text
    assert "Avis favorable du conseil citoyen de Planoise, avec une réserve sur la mobilité." in text
    assert "Perspectives d'essai pour 2025, écrites par le rapport." in text
    # Its own sources travel with it: the report's text and the year's actions.
    listed = subprocess.run(["pdfdetach", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert "reports/2024.yml" in listed and "actions/2024.yml" in listed
    # The same sources give the same bytes.
    again = tmp_path / "again.pdf"
    assert cdv("report", "2024", "-o", str(again), "--path", str(project), cwd=tmp_path, env=dated).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_contributor_text_of_a_report_is_data_on_the_page_and_in_the_pdf(tmp_path):
    from cdv.report import report_body

    project = report_project(tmp_path / "projet")
    hostile = "<script>alert(1)</script> | {{ 7*7 }}"
    path = project / "reports" / "2024.yml"
    path.write_text(
        REPORT_2024.replace("council: Conseil citoyen de Battant", f'council: "Conseil {hostile}"')
        .replace("body: Conseil communautaire", f'body: "Conseil {hostile}"'),
        encoding="utf-8",
    )
    actions = project / "actions" / "2024.yml"
    actions.write_text(ACTIONS_2024.replace("title: Médiation d'essai", f'title: "Médiation {hostile}"'),
                       encoding="utf-8")
    text = report_markdown(project, 2024)
    assert "<script>" not in text
    assert "### Conseil &lt;script&gt;alert(1)&lt;/script&gt; &#124; &#123;&#123; 7&#42;7 &#125;&#125;, avis du" in text
    assert "délibération du Conseil &lt;script&gt;" in text and "{{ 7" not in text
    # The action's row keeps its five cells: its "|" is text, not a column.
    row = next(line for line in text.splitlines() if line.startswith("| Médiation"))
    assert row.count(" | ") == 4
    corpus = load_corpus(project)
    html = report_body(corpus, annual_report(corpus, 2024))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.slow
def test_the_report_pages_pass_axe_in_chromium(report_site):
    """The report's page and the list of reports, at a phone's width and a desktop's: they load without
    console error and without serious or critical axe-core violation (its tables included)."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from test_browser import AXE, AXE_RUN, AXE_TAGS, CHROMIUM, _QuietHandler

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(report_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    problems, errors = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for width in (390, 1280):
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.add_init_script(AXE.read_text(encoding="utf-8"))
                page = context.new_page()
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                for path in ("rapports/", "rapports/2024/"):
                    assert page.goto(url + path, wait_until="load").ok, path
                    problems += [f"{width} px, {path}: {v['id']} ({v['impact']}) {v['targets']}"
                                 for v in page.evaluate(AXE_RUN, AXE_TAGS) if v["impact"] in ("serious", "critical")]
                named = re.compile(r"^Télécharger le rapport 2024 \(PDF\s– \d+\s(Ko|Mo)\)$")  # format and size
                assert page.get_by_role("link", name=named).count() == 1
                context.close()
            browser.close()
    finally:
        server.shutdown()
    assert problems == [] and errors == []
