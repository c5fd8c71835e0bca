"""Portrait indicators in any unit, compared with the territories the contract declares, with or without a
source: a variant of the minimal project rendered through the library (site page, print HTML, open data,
cdv diff), its refusals, and the real Besançon content unchanged."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from cdv import labels
from cdv.corpus import load_corpus
from cdv.diff import compare
from cdv.diffrender import to_markdown
from cdv.fmt import format_project
from cdv.indicators import comparison_ids, comparisons
from cdv.opendata import indicators_csv
from cdv.pages import page_specs, render_page
from cdv.pdf import render_print_html
from cdv.provenance import Provenance
from cdv.text import NBSP, fr_value
from cdv.validate import validate_project

from conftest import ROOT, copy_minimal_project
from sitetext import visible_text

NO_SOURCE = "source non indiquée dans le contrat"

COMPARISONS = """\
  comparisons:
    - id: commune
      label: Exempleville
    - id: departement
      label: Département d'Essai
"""

# A neighbourhood with a unit declared by its symbol and label, a comparison the contract declares
# (departement) beside the commune, and observations without a source (the population too).
QUARTIER = """\
id: quartier
kind: qpv
name: Quartier des Essais
commune: Exempleville
qpv_code: QN00001M
portrait:
  title: Portrait du quartier des Essais
  indicators:
    - id: population
      label: habitants
      unit: nombre
      observations:
        - value: 1234
          period: "2020"
    - id: espaces-verts
      label: d'espaces verts
      unit: {symbol: ha, label: hectares}
      observations:
        - value: 10
          period: "2020"
          source: Relevé communal 2020
        - value: 12.5
          commune: 80
          period: "2023"
          departement: 950.25
  sections:
    - id: demographie
      title: Démographie
      blocks:
        - indicators: [population, espaces-verts]
project:
  title: Projet de quartier des Essais
  priorities_heading: priorités pour le quartier des Essais
  themes:
    - id: quartier-lien-social
      title: Un lien social à conforter
      priorities:
        - id: quartier-maison-de-quartier
          text: Redynamiser la maison de quartier
          objectives: [logement-inclusif]
"""


def declare_comparisons(project: Path, block: str = COMPARISONS) -> None:
    contract = project / "contract" / "contract.yml"
    text = contract.read_text(encoding="utf-8")
    assert "  approvals:\n" in text
    contract.write_text(text.replace("  approvals:\n", block + "  approvals:\n"), encoding="utf-8")


@pytest.fixture
def variant(tmp_path) -> Path:
    project = copy_minimal_project(tmp_path / "projet")
    declare_comparisons(project)
    (project / "neighbourhoods" / "quartier.yml").write_text(QUARTIER, encoding="utf-8")
    return project


def neighbourhood_page(corpus) -> str:
    spec = next(s for s in page_specs(corpus) if s.path == "quartiers/quartier.md")
    return render_page(corpus, spec).markdown


def test_the_variant_is_valid_and_canonical(variant):
    _, errors = validate_project(variant)
    assert errors == []
    # cdv fmt writes comparison values other than commune and epci after the fields it knows.
    assert [r.rel for r in format_project(variant, check=True) if r.changed] == []


def test_the_page_shows_the_unit_the_declared_comparisons_and_no_source(variant):
    markdown = neighbourhood_page(load_corpus(variant))
    text = visible_text(markdown)
    # French number formatting, then the symbol after a non-breaking space.
    assert f"12,5{NBSP}ha" in markdown and f"950,25{NBSP}ha" in markdown
    # The comparisons in the contract's order, under their declared labels.
    assert "(80 ha Exempleville / 950,25 ha Département d'Essai)" in text
    # The chart and its data table name the unit.
    assert "d'espaces verts (hectares) : Quartier des Essais comparé à Exempleville, Département d'Essai" in text
    assert "Données du graphique (en hectares)" in text
    assert "Quartier des Essais — d'espaces verts (hectares) : évolution" in text
    # The trend is in the unit's symbol.
    assert "↗ +2,5 ha depuis 2020" in text
    # No source: the words of cdv.labels, on the cards, in the chart's description and the page's facts.
    assert labels.NO_SOURCE == NO_SOURCE
    assert f"Source : {NO_SOURCE} (2023)" in text
    assert f"Source : {NO_SOURCE} (2020)" in text
    assert f"1 234 habitants ({NO_SOURCE})" in text
    assert f"Source : {NO_SOURCE} (2023)." in markdown  # the chart's description
    # The series table holds the older figure too (its source is given in the open data).
    assert "<th scope=\"row\">2020</th><td>10 ha</td>" in markdown


def test_the_print_html_says_the_same(variant):
    # Until the print template reads the parts' `includes`, it prints the neighbourhoods in the part of
    # this id (a later change makes the renaming unneeded, not wrong).
    for rel in ("contract/contract.yml", "contract/articles/article-1.yml"):
        path = variant / rel
        path.write_text(path.read_text(encoding="utf-8").replace("contrat-cadre", "approche-territoriale"),
                        encoding="utf-8")
    corpus = load_corpus(variant)
    origin = Provenance(commit="", dirty=False, sources_sha256="0" * 64, generated=datetime(2024, 3, 29))
    text = visible_text(render_print_html(corpus, origin))
    assert "(80 ha Exempleville / 950,25 ha Département d'Essai)" in text
    assert f"Source : {NO_SOURCE} (2023)" in text
    assert "Données du graphique (en hectares)" in text


def test_the_open_data_has_the_unit_label_and_the_declared_comparisons(variant):
    rows = list(csv.DictReader(io.StringIO(indicators_csv(load_corpus(variant)))))
    assert list(rows[0]) == [
        "quartier_id", "quartier", "type_quartier", "commune", "indicateur_id", "libelle", "unite", "unite_libelle",
        "valeur", "valeur_commune", "valeur_departement", "periode", "source",
        "reference_valeur", "reference_annee", "cible_valeur", "cible_annee",
    ]
    population, older, latest = rows
    assert (population["unite"], population["unite_libelle"], population["source"]) == ("nombre", "nombre", NO_SOURCE)
    assert (older["unite"], older["unite_libelle"], older["source"]) == ("ha", "hectares", "Relevé communal 2020")
    assert (latest["valeur"], latest["valeur_commune"], latest["valeur_departement"]) == ("12.5", "80", "950.25")
    assert latest["source"] == NO_SOURCE


def test_a_diff_reads_observations_without_source(tmp_path, variant):
    old = copy_minimal_project(tmp_path / "ancien")
    declare_comparisons(old)
    changes = compare(load_corpus(old), load_corpus(variant))
    text = to_markdown(changes)
    assert "12,5 ha" in text and NO_SOURCE in text


def test_an_undeclared_comparison_is_refused_with_the_declared_ones(variant):
    path = variant / "neighbourhoods" / "quartier.yml"
    path.write_text(QUARTIER.replace("          departement: 950.25\n", "          region: 950.25\n"),
                    encoding="utf-8")
    _, errors = validate_project(variant)
    assert len(errors) == 1, [e.format_text() for e in errors]
    error = errors[0]
    assert (error.file, error.line) == ("neighbourhoods/quartier.yml", QUARTIER.splitlines().index(
        "          departement: 950.25") + 1)
    assert "territoire de comparaison « region » non déclaré" in error.message
    assert "« commune » (Exempleville), « departement » (Département d'Essai)" in error.message


def test_without_a_declared_list_the_territory_gives_commune_and_epci(tmp_path):
    project = copy_minimal_project(tmp_path / "projet")
    assert comparisons(load_corpus(project).contract) == [("commune", "Exempleville"), ("epci", "Exempleville Métropole")]
    (project / "neighbourhoods" / "quartier.yml").write_text(QUARTIER, encoding="utf-8")
    _, errors = validate_project(project)
    assert [e.line for e in errors] == [QUARTIER.splitlines().index("          departement: 950.25") + 1]
    assert "ne déclare pas de territoires de comparaison" in errors[0].message
    assert "« commune » (Exempleville), « epci » (Exempleville Métropole)" in errors[0].message


def test_a_declared_unit_needs_its_label(variant):
    path = variant / "neighbourhoods" / "quartier.yml"
    path.write_text(QUARTIER.replace("{symbol: ha, label: hectares}", "{symbol: ha}"), encoding="utf-8")
    _, errors = validate_project(variant)
    assert errors and all(e.file == "neighbourhoods/quartier.yml" for e in errors)
    assert any(e.line == QUARTIER.splitlines().index("      unit: {symbol: ha, label: hectares}") + 1 for e in errors)


def test_a_unit_symbol_is_contributor_text(variant):
    path = variant / "neighbourhoods" / "quartier.yml"
    path.write_text(QUARTIER.replace("{symbol: ha,", '{symbol: "<b>m²</b>",'), encoding="utf-8")
    markdown = neighbourhood_page(load_corpus(variant))
    assert "<b>m²</b>" not in markdown and "&lt;b&gt;m²&lt;/b&gt;" in markdown
    assert fr_value(12.5, {"symbol": "m²", "label": "mètres carrés"}) == f"12,5{NBSP}m²"


# --- the real content ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def besancon():
    return load_corpus(ROOT)


def test_besancon_declares_the_two_comparisons_its_site_printed(besancon):
    territory = besancon.contract["territory"]
    assert comparisons(besancon.contract) == [
        ("commune", territory["commune"]),
        ("epci", territory.get("epci_short") or territory["epci"]),
    ]
    used = {k for n in besancon.neighbourhoods for i in (n.get("portrait") or {}).get("indicators", [])
            for o in i["observations"] for k in comparison_ids(o)}
    assert used == {"commune", "epci"}


def test_besancon_cards_and_open_data_read_as_before(besancon):
    spec = next(s for s in page_specs(besancon) if s.path == "quartiers/orchamps-palente.md")
    text = visible_text(render_page(besancon, spec).markdown)
    assert "(25 % Besançon / 19 % GBM)" in text and "(5,73 € Besançon / 5,73 € GBM)" in text
    assert NO_SOURCE not in text and "Données du graphique (en" not in text
    header = indicators_csv(besancon).splitlines()[0]
    # The columns as before, then the baseline's and the target's (empty here: the contract fixes none).
    assert header == ("quartier_id,quartier,type_quartier,commune,indicateur_id,libelle,unite,unite_libelle,valeur,"
                      "valeur_commune,valeur_intercommunalite,periode,source,"
                      "reference_valeur,reference_annee,cible_valeur,cible_annee")
