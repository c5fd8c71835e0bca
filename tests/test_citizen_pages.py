"""What citizens read: home page, charts, glossary on hover, data dates and caveats, open data."""
from __future__ import annotations

import csv
import io
import json
import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cdv.corpus import population

from conftest import ROOT
from sitetext import page_text


def test_home_page_lists_the_twelve_neighbourhoods_axes_pdf_and_signature(built_site, corpus):
    text = page_text(built_site, "")
    assert "Les quartiers prioritaires (6)" in text and "Les quartiers fragiles (6)" in text
    for n in corpus.neighbourhoods:
        assert n["name"] in text
        pop = population(n)
        if pop:
            assert f"{pop['value']:,}".replace(",", " ") + " habitants" in text
    for axis in corpus.objectives["axes"]:
        assert axis["title"] in text
    assert "Signé à Besançon le 29 mars 2024 par 22 signataires" in text
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="contrat.pdf"' in home


def test_charts_are_accessible_svg_with_their_data_beside(built_site):
    html = (built_site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<figure class="cdv-chart" id="([^"]+)">(.*?)</figure>', html, re.S)
    assert charts
    for chart_id, body in charts:
        assert f'role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc"' in body
        assert f'<title id="{chart_id}-titre">' in body and f'<desc id="{chart_id}-desc">' in body
        assert '<table class="cdv-chart-data">' in body
    vacancy = dict(charts)["graphique-vacance-logements-sociaux"]
    assert "<th scope=\"row\">Planoise</th><td>3,9 %</td>" in vacancy
    # GBM explained in the chart's data too (cdv.abbrlinks: the HTML our blocks write is read like Markdown).
    assert "<th scope=\"row\">Besançon</th><td>3 %</td>" in vacancy
    assert re.search(r'<th scope="row">(<a class="cdv-abbr"[^>]*>)?<abbr title="Grand Besançon Métropole">GBM</abbr>'
                     r"(</a>)?</th><td>2,9 %</td>", vacancy)


def test_no_chart_without_figures(built_site):
    """Battant's housing figures have no comparison printed for the number of dwellings: no chart for it."""
    html = (built_site / "quartiers" / "battant" / "index.html").read_text(encoding="utf-8")
    assert 'id="graphique-logements-sociaux"' not in html


def test_every_acronym_is_explained_on_hover_and_in_the_glossary(built_site, corpus):
    assert len(corpus.glossary) >= 50
    glossary = page_text(built_site, "glossaire")
    for term in corpus.glossary:
        assert term["term"] in glossary and term["expansion"] in glossary
    html = (built_site / "contrat" / "article-10" / "index.html").read_text(encoding="utf-8")
    fph = next(t for t in corpus.glossary if t["term"] == "FPH")
    assert f'<abbr title="{fph["expansion"]}">FPH</abbr>' in html


def test_neighbourhood_pages_date_their_data_and_carry_the_caveats(built_site):
    text = page_text(built_site, "quartiers/planoise")
    assert "Données de 2018 à 2023, chaque chiffre avec sa source et son année" in text
    assert "secret statistique" in text
    assert "secret statistique" not in page_text(built_site, "quartiers/amitie")


def test_every_page_says_its_version_and_status(built_site):
    for page in ("", "quartiers/planoise", "signataires", "donnees", "glossaire"):
        assert "Version 2024 · en vigueur · texte signé le 29 mars 2024" in page_text(built_site, page)


def test_open_data_json_is_valid_against_the_published_schemas(built_site, corpus):
    data = json.loads((built_site / "donnees" / "contrat.json").read_text(encoding="utf-8"))
    schema_dir = built_site / "donnees" / "schemas"
    names = json.loads((schema_dir / "index.json").read_text(encoding="utf-8"))
    schemas = {name: json.loads((schema_dir / name).read_text(encoding="utf-8")) for name in names}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    validator = Draft202012Validator(schemas["bundle.schema.json"], registry=registry)
    assert list(validator.iter_errors(data)) == []
    assert len(data["neighbourhoods"]) == 12 and len(data["signatories"]["signatories"]) == 22
    assert {p.name for p in (ROOT / "schemas").glob("*.json")} == set(names)


def test_open_data_csv_has_every_observation(built_site, corpus):
    rows = list(csv.DictReader(io.StringIO((built_site / "donnees" / "indicateurs.csv").read_text(encoding="utf-8"))))
    expected = sum(len(i["observations"]) for n in corpus.neighbourhoods for i in (n.get("portrait") or {}).get("indicators", []))
    assert len(rows) == expected
    planoise = next(r for r in rows if r["quartier_id"] == "planoise" and r["indicateur_id"] == "vacance-logements-sociaux")
    assert (planoise["valeur"], planoise["valeur_commune"], planoise["valeur_intercommunalite"]) == ("3.9", "3", "2.9")


def test_open_data_has_every_priority_of_every_project(built_site, corpus):
    from cdv.corpus import priorities

    rows = list(csv.DictReader(io.StringIO((built_site / "donnees" / "priorites.csv").read_text(encoding="utf-8"))))
    assert [r["priorite_id"] for r in rows] == [p["id"] for n in corpus.neighbourhoods for p in priorities(n)]
    montrapon = next(r for r in rows if r["priorite_id"] == "montrapon-reussite-educative")
    assert (montrapon["quartier"], montrapon["objectifs_socle"], montrapon["dispositifs"]) == \
        ("Montrapon", "education-parentalite", "pre")
    text = page_text(built_site, "donnees")
    # The download's label says its format and size (cdv.siteinfo), then what it holds.
    assert re.search(rf"priorites\.csv \(CSV – [\d ,]+ (?:octets|Ko|Mo)\) Les projets de quartier, une ligne par "
                     rf"priorité \({len(rows)} lignes", text)


def test_data_page_has_the_dictionary_and_the_licence(built_site):
    text = page_text(built_site, "donnees")
    assert "Licence Ouverte 2.0" in text and "indicateurs.csv" in text and "contrat.json" in text
    assert "Dictionnaire des données" in text
    assert "observations Les valeurs datées" in text or "Observations" in text
    assert "Identifiant stable" in text  # a description from common.schema.json
