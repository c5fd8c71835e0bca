"""One source for every term: an amount the texts cite as [[id]] (contract/figures.yml) is printed with its
value everywhere, a change of it is reported once with its uses, and a bad reference is a located error."""
from __future__ import annotations

import pytest

from cdv.corpus import load_corpus
from cdv.diff import compare
from cdv.errors import InvalidSources
from cdv.text import figures, plain_text, to_html
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
    assert (error.file, error.line) == ("contract/glossary.yml", 309) and error.column > 100
    assert "[[fph-montant]]" in error.message and "Voulez-vous dire « [[fph-montant-max]] »" in error.message


def test_a_hostile_unit_is_printed_as_typed():
    table = {"x": {"id": "x", "label": "<b>", "value": 3, "unit": {"symbol": "<script>**a**", "label": "x"}}}
    with figures(table):
        html = str(to_html("soit [[x]] au plus"))
    assert "<script>" not in html and "<strong>" not in html and "&lt;script&gt;" in html


def test_a_reference_is_never_printed_raw():
    with pytest.raises(LookupError):
        to_html("[[x]]")
