"""The printed contract and the avenant follow the contract's own shape (contract.yml `shape`, each part's
`includes`): numbered titles, kinds of neighbourhood, annexes, the avenant's opening words. Variants of
the minimal project, read back with pdftotext."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cdv.corpus import load_corpus
from cdv.pdf import render_print_html, write_amendment_pdf, write_pdf
from cdv.provenance import provenance

from conftest import copy_minimal_project, copy_project
from test_pdf import flat, pdftotext

pytestmark = pytest.mark.slow  # each test writes a PDF with WeasyPrint

VEILLE = """id: les-cedres
kind: veille
name: Les Cèdres
commune: Exempleville
"""


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} doit apparaître une fois dans {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def allow_kind(root: Path, kind: str) -> None:
    """The neighbourhood schema of this branch lists its kinds; a contract that declares its own kinds
    needs its kind there too (no-op once the schema takes the kinds from shape)."""
    path = root / "schemas" / "neighbourhood.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    enum = schema["properties"]["kind"].get("enum")
    if enum is not None and kind not in enum:
        enum.append(kind)
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def variant(tmp_path) -> Path:
    """The minimal project shaped otherwise: parts "I/ …", articles titled by their title alone, a second
    part that holds a grouped kind "veille", and a declared kind (fragile) without neighbourhoods."""
    root = copy_minimal_project(tmp_path / "variante")
    contract = root / "contract" / "contract.yml"
    replace(contract, 'part: "{ordinal} partie : {titre}"', 'part: "{romain}/ {titre}"')
    replace(contract, "article: Article {numero} – {titre}", 'article: "{titre}"')
    replace(contract, "      - common_base: true\n",
            "      - common_base: true\n"
            "  - id: veille\n    number: 2\n    title: Les quartiers de veille\n    includes:\n"
            "      - neighbourhoods: veille\n")
    replace(contract, "      grouped: true\n",
            "      grouped: true\n"
            "    - id: veille\n      singular: Quartier de veille\n      plural: Quartiers de veille\n"
            "      grouped: true\n")
    (root / "neighbourhoods" / "les-cedres.yml").write_text(VEILLE, encoding="utf-8")
    allow_kind(root, "veille")
    return root


def test_a_contract_shaped_otherwise_prints_in_its_own_words(variant, tmp_path):
    corpus = load_corpus(variant)
    corpus.objectives = {**corpus.objectives, "axes": []}  # a common base without axes is not printed
    pdf = write_pdf(variant, tmp_path / "contrat.pdf", corpus)
    text = flat(pdftotext(pdf))
    assert "I/ Contrat cadre" in text and "II/ Les quartiers de veille" in text
    assert "Objet du contrat" in text and "Quartier des Essais" in text
    assert "Quartiers de veille" in text and "Quartier de veille, commune de Exempleville." in text
    assert "Article" not in text and "partie" not in text
    # Declared but empty: no heading for them, in the contents or the body.
    assert "Quartiers fragiles" not in text and "Le socle commun" not in text and "Annexe" not in text
    assert "voir « Le socle commun »" not in text
    contents = re.findall(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", pdftotext(pdf, 2, layout=True), re.M)
    assert [title for title, _ in contents] == [
        "Signataires", "Avant-propos", "I/ Contrat cadre", "Objet du contrat", "Quartier des Essais",
        "II/ Les quartiers de veille", "Quartiers de veille", "Signatures"]
    for title, page in contents:  # each entry leads to its heading, never to an empty one
        assert flat(pdftotext(pdf, int(page))).count(title) >= 1, title


def test_renaming_the_part_that_holds_the_neighbourhoods_keeps_them(tmp_path):
    """The neighbourhoods follow the part's `includes`, not its id (renaming Besançon's 2nd part used to
    drop every neighbourhood from the PDF)."""
    root = copy_minimal_project(tmp_path / "renomme")
    replace(root / "contract" / "contract.yml", "id: contrat-cadre", "id: le-contrat")
    replace(root / "contract" / "articles" / "article-1.yml", "part: contrat-cadre", "part: le-contrat")
    text = flat(pdftotext(write_pdf(root, tmp_path / "contrat.pdf")))
    for expected in ("Quartier des Essais", "Portrait du quartier des Essais", "Projet de quartier des Essais",
                     "Redynamiser la maison de quartier", "Le socle commun", "I/ Améliorer le cadre de vie"):
        assert expected in text


def test_renaming_besancons_second_part_keeps_every_neighbourhood(tmp_path):
    root = copy_project(tmp_path / "projet")
    replace(root / "contract" / "contract.yml", "id: approche-territoriale", "id: les-quartiers")
    corpus = load_corpus(root)
    html = render_print_html(corpus, provenance(root))
    for n in corpus.neighbourhoods:
        assert f'id="quartier-{n["id"]}"' in html and n["name"] in html
    assert 'id="socle-commun"' in html and 'id="quartiers-fragile"' in html


def test_a_draft_without_signatories_prints_no_empty_list_nor_signature_blocks(tmp_path):
    root = copy_minimal_project(tmp_path / "projet")
    corpus = load_corpus(root)
    corpus.contract = {**corpus.contract, "status": "draft"}
    corpus.signatories = []
    html = render_print_html(corpus, provenance(root))
    assert 'id="signataires"' not in html and 'href="#signataires"' not in html
    assert 'class="signature-block' not in html and 'id="signatures"' in html


def test_annexes_are_numbered_among_those_printed(tmp_path):
    root = copy_minimal_project(tmp_path / "projet")
    corpus = load_corpus(root)
    corpus.devices = [{"id": "fph", "name": "Fonds de participation des habitants"}]
    html = render_print_html(corpus, provenance(root))
    # The commitments annex (declared first) has no commitment here: the devices annex is the first.
    assert "Annexe 1 : Les dispositifs" in html and 'data-part="Annexe 1"' in html
    assert "Annexe 2" not in html and "engagement de chaque signataire" not in html


def test_structured_fields_of_a_priority_print_after_its_text(tmp_path):
    root = copy_minimal_project(tmp_path / "projet")
    corpus = load_corpus(root)
    corpus.contract = {**corpus.contract,
                       "shape": {**corpus.contract["shape"], "strategy": {"field_labels": {"partners": "Partenaires associés"}}}}
    corpus.devices = [{"id": "fph", "name": "Fonds de participation des habitants"}]
    priority = corpus.neighbourhoods[0]["project"]["themes"][0]["priorities"][0]
    priority.update(
        lead="prefecture",
        partners=["prefecture", {"name": "Régie <b>des Essais</b>"}],
        levers=[{"text": "Chantiers **éducatifs**"}],
        funding=["fph"],
        criteria=["Nombre de jeunes accompagnés"],
        indicators=["population"],
        items=[{"id": "quartier-permanences", "text": "Tenir des permanences"}],
    )
    html = render_print_html(corpus, provenance(root))
    assert "Régie &lt;b&gt;des Essais&lt;/b&gt;" in html and "<strong>éducatifs</strong>" in html
    assert '<a href="#dispositif-fph">Fonds de participation des habitants</a>' in html
    text = flat(pdftotext(write_pdf(root, tmp_path / "contrat.pdf", corpus)))
    start = text.index("Redynamiser la maison de quartier")
    assert text[start:].startswith(
        "Redynamiser la maison de quartier Pilote : État - Préfecture. "
        "Partenaires associés : État - Préfecture, Régie <b>des Essais</b>. Leviers : Chantiers éducatifs. "
        "Financements : Fonds de participation des habitants. Critères d'évaluation : Nombre de jeunes "
        "accompagnés. Indicateurs : habitants. ◦ Tenir des permanences")  # the items, a nested list


def test_an_avenant_without_opening_words_in_a_contract_without_article_word(tmp_path):
    old = copy_minimal_project(tmp_path / "ancienne")
    contract = old / "contract" / "contract.yml"
    replace(contract, "article: Article {numero} – {titre}", 'article: "{titre}"')
    replace(contract, "copil: Validation par le comité de pilotage", "copil: Avis du comité des quartiers")
    new = Path(shutil.copytree(old, tmp_path / "nouvelle"))
    replace(new / "neighbourhoods" / "quartier.yml", "text: Redynamiser la maison de quartier",
            "text: Redynamiser la maison de quartier et ses abords")
    replace(new / "contract" / "contract.yml", 'version: "2024"\nstatus: signed', 'version: "2027"\nstatus: draft')
    (new / "contract" / "amendments").mkdir()
    (new / "contract" / "amendments" / "1.yml").write_text(
        'number: 1\nversion: "2027"\nbase: "2024"\nstatus: draft\nchanges: []\n', encoding="utf-8")
    text = flat(pdftotext(write_amendment_pdf(new, str(old), str(new), tmp_path / "avenant.pdf")))
    assert "Les signataires conviennent des modifications suivantes" in text
    assert "Avis du comité des quartiers" in text and "et ses abords" in text and "Dispositions finales" in text
    assert "Article" not in text
