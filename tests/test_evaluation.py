"""Indicators that evaluate: the change since the baseline (or, named so, since the first observation), the
target, the gap to each comparison territory over time, every observation in the chart, a page per
indicator comparing the neighbourhoods, the series and the baseline and target in the open data.

Computed on the Valmont fixture (8 observations, a baseline and a target) through the library; built
through MkDocs in tests/test_fixtures.py's session build; the real site's comparison pages on the
session's build of the real sources."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cdv import opendata
from cdv.charts import neighbourhoods_chart, series_chart
from cdv.corpus import load_corpus
from cdv.indicators import change, difference, gap_series, gaps, period_year, shared_indicators, target_gap
from cdv.pages import navigation, page_specs, render_page
from cdv.pdf import render_print_html
from cdv.provenance import Provenance
from cdv.render import evaluation_items
from cdv.scaffold import copy_toolkit, toolkit_root
from cdv.text import NBSP, fr_change
from cdv.validate import validate_project
from conftest import ROOT
from sitetext import page_text, visible_text

VALMONT = ROOT / "tests" / "fixtures" / "valmont"
PERCENT = "pourcent"


def indicator(*values, baseline=None, target=None, unit=PERCENT, **comparisons):
    """An indicator whose observations are `values`, one a year from 2016, with comparison values by id."""
    observations = [{"value": v, "period": str(2016 + i)} for i, v in enumerate(values)]
    for ident, figures in comparisons.items():
        for obs, figure in zip(observations, figures, strict=True):
            if figure is not None:
                obs[ident] = figure
    ind = {"id": "essai", "label": "d'essai", "unit": unit, "observations": observations}
    if baseline:
        ind["baseline"] = baseline
    if target:
        ind["target"] = target
    return ind


CONTRACT = {"shape": {"comparisons": [{"id": "commune", "label": "Exempleville"}, {"id": "epci", "label": "EM"}]}}


# --- the computation ----------------------------------------------------------------------------------------

def test_a_difference_keeps_the_decimals_the_values_are_written_with():
    assert difference(12.3, 10.2) == 2.1  # not 2.1000000000000014
    assert difference(41.5, 43.9) == -2.4
    assert difference(16000, 15378) == 622 and isinstance(difference(16000, 15378), int)
    assert difference(10, 12.5) == -2.5


def test_a_difference_is_written_in_the_indicators_unit_and_shares_in_points():
    assert fr_change(2.1, PERCENT) == f"+2,1{NBSP}points"
    assert fr_change(-1.5, PERCENT) == f"\u22121,5{NBSP}point"  # the singular below two, a true minus
    assert fr_change(-132, "nombre") == "\u2212132"
    assert fr_change(2.5, {"symbol": "ha", "label": "hectares"}) == f"+2,5{NBSP}ha"
    assert fr_change(1200, "euros") == f"+1{NBSP}200{NBSP}€"
    assert fr_change(0, PERCENT) == f"0{NBSP}point"


def test_the_change_is_since_the_baseline_when_there_is_one():
    moved = change(indicator(10.2, 11, 12.3, baseline={"value": 10.8, "year": 2017}))
    assert (moved.from_baseline, moved.since, moved.start, moved.end, moved.delta) == (True, "2017", 10.8, 12.3, 1.5)
    assert moved.end_period == "2018"


def test_without_a_baseline_the_change_is_since_the_first_observation():
    moved = change(indicator(10.2, 11, 12.3))
    assert (moved.from_baseline, moved.since, moved.delta) == (False, "2016", 2.1)
    assert change(indicator(10.2)) is None  # one observation, no baseline: nothing to measure
    assert change(indicator(10.2, baseline={"value": 9, "year": 2016})).delta == 1.2


def test_the_gap_to_each_territory_at_the_first_and_the_latest_observation_that_gives_it():
    ind = indicator(20, 21, 23.5, 24, commune=[None, 15, 16, None], epci=[12, None, None, None])
    assert gap_series(ind, CONTRACT) == [
        ("commune", "Exempleville", [None, 6, 7.5, None]),
        ("epci", "EM", [8, None, None, None]),
    ]
    commune, epci = gaps(ind, CONTRACT)
    assert (commune.first_period, commune.first, commune.last_period, commune.last) == ("2017", 6, "2018", 7.5)
    assert not commune.once and epci.once and epci.last == 8
    assert gaps(indicator(20, 21), CONTRACT) == []  # no territory given: no gap


def test_the_target_gap_is_the_latest_value_minus_the_target():
    assert target_gap(indicator(40, 41.5, target={"value": 38, "year": 2030})) == 3.5
    assert target_gap(indicator(40, 41.5)) is None


def test_the_period_year_is_the_last_year_it_names():
    assert [period_year(p) for p in ("2018", "2020-2021", "juin 2022 - juin 2023", "rentrée")] == [
        2018, 2021, 2023, None]


def test_the_evaluation_names_its_start_and_never_calls_a_first_observation_a_baseline():
    words = [visible_text(str(i)) for i in evaluation_items(indicator(10.2, 11, 12.3, commune=[8, 8, 9]), CONTRACT)]
    assert words[0] == "Évolution depuis la première observation (2016) : +2,1 points (10,2 % → 12,3 % en 2018)"
    assert words[1] == "Écart avec Exempleville : +3,3 points en 2018 (+2,2 points en 2016)"
    assert not any("référence" in w for w in words)
    ind = indicator(10.2, 12.3, baseline={"value": 11, "year": 2016},
                    target={"value": 15, "year": 2030, "note": "fixée par le **comité**"})
    words = [str(i) for i in evaluation_items(ind, CONTRACT)]
    assert visible_text(words[0]) == "Évolution depuis la référence (2016) : +1,3 point (11 % → 12,3 % en 2017)"
    assert visible_text(words[1]) == "Cible pour 2030 : 15 % ; écart en 2017 : −2,7 points (fixée par le comité)"
    assert "<strong>comité</strong>" in words[1]  # the note is contributor text, through cdv.text


def test_an_indicator_shared_by_several_neighbourhoods_takes_the_most_common_label():
    def n(ident, *labels):
        return {"id": ident, "portrait": {"indicators": [
            {"id": f"i{k}", "label": label, "unit": "nombre", "observations": [{"value": 1, "period": "2020"}]}
            for k, label in enumerate(labels)]}}

    shared = shared_indicators([n("a", "logements", "x"), n("b", "Logements"), n("c", "Logements"), n("d")])
    assert [(s.ident, s.label, s.variants, [e[0]["id"] for e in s.entries]) for s in shared] == [
        ("i0", "Logements", ("logements",), ["a", "b", "c"])]
    tie = shared_indicators([n("a", "un"), n("b", "deux")])
    assert (tie[0].label, tie[0].variants) == ("un", ("deux",))  # on a tie, the first met


# --- the Valmont fixture, through the library --------------------------------------------------------------

@pytest.fixture(scope="module")
def valmont(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("evaluation") / "valmont"
    shutil.copytree(VALMONT, root)
    copy_toolkit(toolkit_root(), root)
    return root


@pytest.fixture(scope="module")
def corpus(valmont):
    return load_corpus(valmont)


def poverty(corpus, neighbourhood="les-tilleuls"):
    n = corpus.neighbourhood(neighbourhood)
    return next(i for i in n["portrait"]["indicators"] if i["id"] == "pauvrete")


def test_the_fixture_has_a_baseline_a_target_and_more_than_six_observations(corpus):
    ind = poverty(corpus)
    assert len(ind["observations"]) >= 8 and ind["baseline"] and ind["target"]


def test_the_evolution_chart_shows_every_observation_the_target_and_the_gaps(corpus):
    ind = poverty(corpus)
    chart = str(series_chart(ind, "Les Tilleuls", corpus.contract))
    svg, table = chart.split("</svg>")
    bars = re.findall(r'<rect [^>]*class="cdv-bar', svg)
    assert len(bars) == len(ind["observations"])  # every one, not the last six
    assert re.findall(r'class="cdv-chart-label">(\d{4})<', svg) == [o["period"] for o in ind["observations"]]
    assert 'class="cdv-chart-target"' in svg and "Cible 2030 : 38 %" in svg
    assert "Cible 2030 : 38 %." in re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert '<th scope="col">Écart avec Valmont</th><th scope="col">Écart avec Valmont Agglomération</th>' in table
    assert '<tr><th scope="row">2014</th><td>44,8 %</td><td>+27,7 points</td><td>+31,4 points</td></tr>' in table
    assert '<th scope="row">Référence (2018)</th><td>43,9 %</td>' in table
    assert '<th scope="row">Cible (2030)</th><td>38 %</td>' in table


def test_no_target_line_without_a_target(corpus):
    chart = str(series_chart(poverty(corpus, "les-acacias"), "Les Acacias", corpus.contract))
    assert "cdv-chart-target" not in chart and "Cible" not in chart and "Référence" not in chart
    assert '<th scope="col">Écart avec Valmont</th></tr>' in chart  # no EPCI value given: no column


def test_the_neighbourhood_page_shows_the_evaluation_beside_the_charts_and_links_the_comparison(corpus):
    spec = next(s for s in page_specs(corpus) if s.path == "quartiers/les-tilleuls.md")
    page = render_page(corpus, spec).markdown
    charts = page[page.index('<div class="cdv-charts">'):]
    evaluation = re.search(r'<div class="cdv-evaluation" id="evaluation-pauvrete">(.*?)</div>', charts).group(1)
    text = visible_text(evaluation)
    assert "Évolution depuis la référence (2018) : −2,4 points (43,9 % → 41,5 % en 2021)" in text
    assert "Cible pour 2030 : 38 % ; écart en 2021 : +3,5 points" in text
    assert "Écart avec Valmont : +25,3 points en 2021 (+27,7 points en 2014)" in text
    assert "Écart avec Valmont Agglomération : +28,7 points en 2021 (+31,4 points en 2014)" in text
    assert ('<a class="cdv-card__link" href="../../indicateurs/pauvrete/" '
            'aria-label="Comparer les quartiers : des habitants vivent sous le seuil de pauvreté">') in page
    # An indicator no other neighbourhood gives has no comparison page, hence no link.
    assert "indicateurs/population/" not in page


def test_the_pdf_prints_the_contract_not_the_sites_evaluation(corpus):
    origin = Provenance(commit="", dirty=False, sources_sha256="0" * 64, generated=datetime(2024, 3, 29))
    html = render_print_html(corpus, origin)
    assert "41,5" in html and "cdv-evaluation" not in html and "Comparer les quartiers" not in html


def test_a_page_per_shared_indicator_compares_the_neighbourhoods(corpus):
    specs = {s.path: s for s in page_specs(corpus)}
    assert "indicateurs/population.md" not in specs  # one neighbourhood gives it
    page = render_page(corpus, specs["indicateurs/pauvrete.md"]).markdown.replace(NBSP, " ")
    assert 'title: "des habitants vivent sous le seuil de pauvreté"' in page
    assert "| Quartier | Dernière valeur | Période | Valmont (écart) | Valmont Agglomération (écart) | Évolution | Cible |" in page
    assert ("| [Les Tilleuls](../quartiers/les-tilleuls.md#indicateur-pauvrete) | 41,5 % | 2021 | 16,2 % (+25,3 points) "
            "| 12,8 % (+28,7 points) | −2,4 points depuis la référence (2018) | 38 % en 2030 |") in page
    assert ("| [Les Acacias](../quartiers/les-acacias.md#indicateur-pauvrete) | 19,8 % | 2021 | 16,2 % (+3,6 points) "
            "| — | −1,6 point depuis la première observation (2020) | — |") in page
    assert 'id="comparaison-pauvrete"' in page
    assert ("L'évolution est mesurée depuis la référence que fixe le contrat, sinon depuis la première "
            "observation du quartier.") in page
    index = render_page(corpus, specs["indicateurs/index.md"]).markdown
    assert "| [des habitants vivent sous le seuil de pauvreté](pauvrete.md) | 2 |" in index
    assert navigation(corpus)["cdv:indicators"] == [
        "indicateurs/index.md", {"des habitants vivent sous le seuil de pauvreté": "indicateurs/pauvrete.md"}]


def test_a_comparison_page_shows_only_the_territories_and_columns_its_figures_give(valmont):
    corpus = load_corpus(valmont)  # its own: the pages of a corpus are planned once
    corpus.neighbourhood("les-acacias")["portrait"]["indicators"].append(
        {"id": "population", "label": "résidents", "unit": "nombre", "observations": [{"value": 900, "period": "2020"}]})
    spec = next(s for s in page_specs(corpus) if s.path == "indicateurs/population.md")
    page = render_page(corpus, spec).markdown
    assert "| Quartier | Dernière valeur | Période |\n" in page  # no comparison, no change, no target
    assert "<p class=\"cdv-variants\">" in page and "« résidents »" in page
    assert "Chaque quartier n'en a encore qu'une observation" in page and "L'écart" not in page


def test_the_comparison_chart_needs_one_unit(corpus):
    (shared,) = shared_indicators(corpus.neighbourhoods)
    assert neighbourhoods_chart(shared) is not None
    shared.entries[1][1]["unit"] = "nombre"
    try:
        assert neighbourhoods_chart(shared) is None
    finally:
        shared.entries[1][1]["unit"] = PERCENT


def test_the_open_data_carry_the_series_the_baseline_and_the_target(corpus, valmont):
    rows = list(csv.DictReader(io.StringIO(opendata.indicators_csv(corpus))))
    series = [r for r in rows if r["quartier_id"] == "les-tilleuls" and r["indicateur_id"] == "pauvrete"]
    assert [r["periode"] for r in series] == [str(y) for y in range(2014, 2022)]
    assert {(r["reference_valeur"], r["reference_annee"], r["cible_valeur"], r["cible_annee"]) for r in series} == {
        ("43.9", "2018", "38", "2030")}
    assert series[0]["valeur"] == "44.8" and series[0]["valeur_commune"] == "17.1"
    other = next(r for r in rows if r["quartier_id"] == "les-acacias")
    assert (other["reference_valeur"], other["cible_annee"], other["valeur_intercommunalite"]) == ("", "", "")
    dictionary = {name: rows for name, _, rows in opendata.data_dictionary(valmont / "schemas", corpus)}
    described = [r[0] for r in dictionary["indicateurs.csv"]][1:]
    assert described == opendata.csv_columns(corpus) and "cible_annee" in described
    assert any(r[0] == "portrait.indicators[].baseline" or r[0].endswith("baseline")
               for rows in dictionary.values() for r in rows)
    data = json.loads(opendata.bundle_json(corpus))
    exported = next(n for n in data["neighbourhoods"] if n["id"] == "les-tilleuls")["portrait"]["indicators"][1]
    assert exported["baseline"] == {"value": 43.9, "year": 2018} and len(exported["observations"]) == 8
    loaded = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (valmont / "schemas").glob("*.schema.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in loaded.values())
    validator = Draft202012Validator(loaded[opendata.BUNDLE_SCHEMA], registry=registry)

    def neighbourhood_errors():
        # Valmont has no common base nor social centres, which its bundle gives as {} (not this test's matter).
        return [e.message for e in validator.iter_errors(data) if list(e.absolute_path)[:1] == ["neighbourhoods"]]

    assert neighbourhood_errors() == []
    exported["target"]["year"] = "2030"  # and the check can fail
    assert neighbourhood_errors() == ["'2030' is not of type 'integer'"]


def test_a_target_before_the_baseline_is_a_located_french_error(valmont, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(valmont, project)
    path = project / "neighbourhoods" / "les-tilleuls.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        year: 2030\n", "        year: 2017\n"), encoding="utf-8")
    errors = validate_project(project)[1]
    assert [(e.file, e.line, e.message) for e in errors] == [(
        "neighbourhoods/les-tilleuls.yml",
        text.split("\n").index("        year: 2030") + 1,
        "la cible de l'indicateur « pauvrete » est fixée pour 2017, avant l'année de sa référence (2018) : "
        "une cible vient après la situation de départ.",
    )]


# --- the real site: no baseline nor target, comparison pages all the same -----------------------------------

def test_the_real_content_has_no_baseline_nor_target():
    for path in sorted((ROOT / "neighbourhoods").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert "baseline:" not in text and "target:" not in text, path


def test_the_real_sites_comparison_page_of_social_housing(built_site):
    text = page_text(built_site, "indicateurs/part-logements-sociaux")
    assert "Des résidences principales sont des logements sociaux" in text
    assert "autres libellés : « des résidences principales sont des logements sociaux »" in text
    assert "4 quartiers donnent cet indicateur" in text
    for name, value in (("Clairs-Soleils", "94 %"), ("Hauts de Saint-Claude", "100 %"), ("Planoise", "79 %")):
        assert f"{name} {value}" in text
    assert "25 % (+69 points)" in text  # Clairs-Soleils against Besançon, 2019-2021
    html = (built_site / "indicateurs" / "part-logements-sociaux" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../quartiers/planoise/#indicateur-part-logements-sociaux"' in html
    chart = re.search(r'<figure class="cdv-chart" id="comparaison-part-logements-sociaux">(.*?)</figure>', html, re.S)
    assert chart and len(re.findall(r"<rect ", chart.group(1))) == 4
    # The contract fixes no baseline and each neighbourhood has one observation: no word of either.
    assert "référence" not in text and "Évolution" not in text
    assert "Chaque quartier n'en a encore qu'une observation : pas d'évolution à calculer." in text
    index = page_text(built_site, "indicateurs")
    assert "Des résidences principales sont des logements sociaux 4" in index
    planoise = (built_site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../indicateurs/part-logements-sociaux/"' in planoise
    assert "Écart avec Besançon : +54 points en 2019-2021" in page_text(built_site, "quartiers/planoise")
