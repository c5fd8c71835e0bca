"""One source for every term: an amount the texts cite as [[id]] (contract/figures.yml) is printed with its
value everywhere, a change of it is reported once with its uses, and a bad reference is a located error."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cdv import opendata
from cdv.corpus import load_corpus
from cdv.pages import abbreviations, build_pages
from cdv.diff import compare
from cdv.errors import InvalidSources
from cdv.text import REFERENCE, REFERENCE_LIKE, figures, plain_text, to_html
from conftest import ROOT, copy_project

FIGURES = "contract/figures.yml"


@pytest.fixture(scope="module")
def base():
    return load_corpus(ROOT)


def test_the_real_texts_cite_the_fph_amount_and_print_it(base):
    article = next(a for a in base.articles if a["id"] == "article-16")
    device = next(d for d in base.devices if d["id"] == "fph")
    term = next(t for t in base.glossary if t["id"] == "fph")
    texts = [b["p"] for b in article["body"] + device["body"] if "p" in b and "[[" in b["p"]] + [term["definition"]]
    assert len(texts) == 3
    with figures(base.figures):
        for text in texts:
            assert "[[" not in str(to_html(text)) and "800\u00a0€" in str(to_html(text))
            assert "800\u00a0€" in plain_text(text)


def test_changing_the_figure_changes_every_use_and_is_reported_once(base, tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / FIGURES
    path.write_text(path.read_text(encoding="utf-8").replace("value: 800", "value: 950"), encoding="utf-8")
    new = load_corpus(project)
    diff = compare(base, new)
    [change] = diff.changes
    assert (change.kind, change.level, change.id, change.old, change.new) == (
        "montant ou chiffre", "avenant", "fph-montant-max", "800\u00a0€", "950\u00a0€")
    assert "Article 16" in change.detail and "Fonds de Participation des Habitants" in change.detail
    assert "Glossaire — FPH" in change.detail
    term = next(t for t in new.glossary if t["id"] == "fph")
    with figures(new.figures):
        assert "950\u00a0€" in str(to_html(term["definition"]))


def test_an_unknown_reference_is_located_with_the_id_meant(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / "contract/glossary.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("[[fph-montant-max]]", "[[fph-montant]]"),
                    encoding="utf-8")
    with pytest.raises(InvalidSources) as caught:
        load_corpus(project)
    [error] = caught.value.errors
    assert (error.file, error.line) == ("contract/glossary.yml", 313) and error.column > 100
    assert ("la valeur « [[fph-montant]] » n'existe pas dans contract/figures.yml "
            "(valeurs existantes : fph-montant-max). Voulez-vous dire « [[fph-montant-max]] » ?") in error.message


def test_cdv_validate_names_the_file_the_line_and_the_values_that_exist(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / "contract/devices/fph.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("[[fph-montant-max]]", "[[plafond-fph]]"),
                    encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cdv.cli", "validate", str(project)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "contract/devices/fph.yml:9:" in result.stdout + result.stderr
    assert "la valeur « [[plafond-fph]] » n'existe pas dans contract/figures.yml (valeurs existantes : " \
        "fph-montant-max)" in result.stdout + result.stderr


def test_a_figure_no_text_cites_yet_is_accepted_and_listed(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / FIGURES
    path.write_text(path.read_text(encoding="utf-8") + "  - id: fph-enveloppe\n    label: Enveloppe annuelle du FPH\n"
                    "    value: 12000\n    unit: euros\n", encoding="utf-8")
    corpus = load_corpus(project)  # no error
    page = next(p for p in build_pages(corpus) if p.path == "glossaire.md")
    assert "| Enveloppe annuelle du FPH | 12\u00a0000\u00a0€ | — |" in page.markdown
    [change] = compare(load_corpus(ROOT), corpus).changes
    assert (change.action, change.id, change.detail) == ("added", "fph-enveloppe", "cité dans aucun texte")


def test_the_glossary_lists_each_figure_with_the_article_fixing_it(base):
    page = next(p for p in build_pages(base) if p.path == "glossaire.md")
    row = next(line for line in page.markdown.splitlines() if line.startswith("| Montant maximum"))
    assert "| 800\u00a0€ |" in row and "[Article 16 " in row and "(contrat/article-16.md)" in row


def test_open_data_print_the_value_and_keep_the_figure_as_data(base):
    data = json.loads(opendata.bundle_json(base))
    article = next(a for a in data["articles"] if a["id"] == "article-16")
    assert not REFERENCE_LIKE.search(json.dumps(data, ensure_ascii=False))
    assert any("l'aide est de 800\u00a0€)" in b.get("p", "") for b in article["body"])
    assert data["figures"]["figures"][0] == {
        "id": "fph-montant-max", "label": "Montant maximum de l'aide du Fonds de Participation des Habitants",
        "value": 800, "unit": "euros", "article": "article-16"}


def test_every_page_title_tooltip_and_csv_cell_resolves(base):
    for page in build_pages(base):
        assert not REFERENCE_LIKE.search(page.markdown), page.path
    assert not any(REFERENCE_LIKE.search(v) for v in abbreviations(base).values())
    assert not REFERENCE_LIKE.search(opendata.priorities_csv(base) + opendata.indicators_csv(base))


def test_plain_text_outside_any_document_refuses_a_reference_rather_than_print_it():
    with pytest.raises(LookupError):
        plain_text("de [[x]] au plus")
    assert plain_text("sans référence") == "sans référence"


@pytest.mark.slow
def test_cdv_diff_between_two_commits_reports_the_new_amount_and_where_it_is_printed(tmp_path):
    repo = copy_project(tmp_path / "depot")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "2024"], cwd=repo, check=True)
    # Then the 2027 draft with its avenant recorded, then the new amount: the avenant PDF below compares the
    # signed 2024 text with the last commit, the diff the last two.
    contract = repo / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace('version: "2024"', 'version: "2027"')
                        .replace("status: signed", "status: draft"), encoding="utf-8")
    (repo / "contract" / "amendments").mkdir()
    (repo / "contract" / "amendments" / "1.yml").write_text(
        'number: 1\nversion: "2027"\nbase: "2024"\nstatus: draft\nchanges:\n  - element: fph-montant-max\n',
        encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "800"], cwd=repo, check=True)
    path = repo / FIGURES
    path.write_text(path.read_text(encoding="utf-8").replace("value: 800", "value: 900"), encoding="utf-8")
    subprocess.run([*git, "commit", "-q", "-am", "900"], cwd=repo, check=True)
    cdv = [sys.executable, "-m", "cdv.cli", "diff", "HEAD~1", "HEAD"]
    text = subprocess.run(cdv, cwd=repo, capture_output=True, text=True, check=True).stdout
    assert "**Montant ou chiffre modifié** : Montant maximum de l'aide du Fonds de Participation des Habitants" in text
    assert "<del>800</del><ins>900</ins>\u00a0€" in text and not REFERENCE_LIKE.search(text)
    assert ("cité dans : Article 16 - Les outils et les dispositifs associés au Contrat de Ville et aux projets "
            "de quartier ; Fonds de Participation des Habitants ; Glossaire — FPH") in text
    report = json.loads(subprocess.run(cdv + ["--format", "json"], cwd=repo, capture_output=True, text=True,
                                       check=True).stdout)
    [change] = report["changes"]
    assert (change["level"], change["old"], change["new"]) == ("avenant", "800\u00a0€", "900\u00a0€")
    # The texts citing it are not reported again: they read the same words with the new value.
    assert report["summary"] == {"avenant": 1, "copil": 0, "representant": 0, "routine": 0, "suivi": 0, "editorial": 0}
    # The avenant the signatories sign says it too.
    subprocess.run([sys.executable, "-m", "cdv.cli", "pdf", "--amendment", "HEAD~2..HEAD", "--output", "avenant.pdf"],
                   cwd=repo, capture_output=True, check=True)
    printed = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "avenant.pdf", "-"], cwd=repo, capture_output=True,
                                      text=True, check=True).stdout.split())
    assert "Montant maximum de l'aide du Fonds de Participation des Habitants" in printed
    assert "800" in printed and "900 €" in printed and "Glossaire — FPH" in printed
    assert not REFERENCE_LIKE.search(printed)


def test_a_hostile_unit_is_printed_as_typed():
    table = {"x": {"id": "x", "label": "<b>", "value": 3, "unit": {"symbol": "<script>**a**", "label": "x"}}}
    with figures(table):
        html = str(to_html("soit [[x]] au plus"))
    assert "<script>" not in html and "<strong>" not in html and "&lt;script&gt;" in html


def test_a_reference_is_never_printed_raw():
    with pytest.raises(LookupError):
        to_html("[[x]]")


@pytest.mark.slow
def test_the_built_site_and_the_pdf_print_the_value_where_the_texts_cite_it(built_site, site_pdf_text):
    from sitetext import page_text

    for url in ("contrat/article-16", "dispositifs/fph", "glossaire"):
        assert not REFERENCE_LIKE.search(page_text(built_site, url)), url
        html = (built_site / url / "index.html").read_text(encoding="utf-8")
        assert "aide est de 800\u00a0€" in html, url  # the value with its non-breaking space
    index = (built_site / "search" / "search_docs.json").read_text(encoding="utf-8")  # see cdv.search
    # Article 16 and the glossary; the FPH's device page repeats article 16's text, kept once in the index.
    assert sum("l'aide est de 800\u00a0€" in doc["text"] for doc in json.loads(index)["docs"]) >= 2
    # Every page but the editors' guide, which shows the reference syntax as an example to type.
    read = [doc["text"] for doc in json.loads(index)["docs"] if not doc["location"].startswith("contribuer/")]
    assert not REFERENCE.search(" ".join(read) + (built_site / "versions.xml").read_text(encoding="utf-8"))
    for name in ("contrat.json", "priorites.csv", "indicateurs.csv"):
        assert not REFERENCE.search((built_site / "donnees" / name).read_text(encoding="utf-8")), name
    assert " ".join(site_pdf_text.split()).count("le montant maximum de l'aide est de 800 €") == 2  # article, device
    assert "Le montant maximum de l'aide est de 800 €." in " ".join(site_pdf_text.split())  # glossary
    assert not REFERENCE_LIKE.search(site_pdf_text)


def test_writing_the_amount_as_a_reference_changes_no_text(base, tmp_path):
    """The signed version typed « 800 € » in three texts; citing the figure instead is no change of theirs:
    only the figure itself is new."""
    project = copy_project(tmp_path / "p")
    for rel in ("contract/articles/article-16.yml", "contract/devices/fph.yml", "contract/glossary.yml"):
        path = project / rel
        path.write_text(path.read_text(encoding="utf-8").replace("[[fph-montant-max]]", "800 €"), encoding="utf-8")
    (project / FIGURES).unlink()
    typed = load_corpus(project)
    [change] = compare(typed, base).changes
    assert (change.kind, change.action, change.id) == ("montant ou chiffre", "added", "fph-montant-max")
