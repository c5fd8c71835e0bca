"""The site plan (cdv.siteplan) on the real sources, and the options `cdv build` gives the MkDocs plugin
through MkDocs's own configuration (never by editing the plugin object)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdv.build import _mkdocs_config, _with_plugin_options
from cdv.pages import page_path
from cdv.siteplan import page_sources, plan_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan():
    return plan_site(ROOT, pdf=None, feed="versions.xml", site_url="https://example.org/contrat/")


def test_the_plan_holds_every_generated_page_once_with_its_source(plan):
    paths = [page.path for page in plan.pages]
    assert len(paths) == len(set(paths))
    assert page_path("changes") in paths and page_path("neighbourhood", "planoise") in paths
    assert plan.source_of(page_path("neighbourhood", "planoise")) == "neighbourhoods/planoise.yml"
    for page in plan.pages:
        if page.source:
            assert (ROOT / page.source).is_file(), page.source
    # The sources are known without rendering a page, as the plan says them.
    listed = page_sources(plan.corpus)
    assert {p.path: p.source for p in plan.pages if p.path in listed} == listed


def test_the_plan_holds_the_open_data_and_the_feed_but_no_pdf_when_none_is_asked(plan):
    assert json.loads(plan.files["donnees/contrat.json"])["contract"]["version"] == plan.corpus.contract["version"]
    assert plan.files["donnees/indicateurs.csv"].startswith("quartier_id,")
    assert json.loads(plan.files["donnees/schemas/index.json"])
    assert plan.files["versions.xml"].startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert "<link>https://example.org/contrat/</link>" in plan.files["versions.xml"]
    assert not any(path.endswith(".pdf") for path in plan.files)
    assert plan.extra["feed"] == "versions.xml" and plan.extra["version"] == plan.corpus.contract["version"]


def test_the_plan_expands_every_navigation_marker(plan):
    nav = plan.nav([{"Le contrat": "cdv:contract"}, {"Quartiers": "cdv:neighbourhoods"}, "index.md"])
    assert "cdv:" not in json.dumps(nav, default=str)
    assert nav[-1] == "index.md"


def test_abbreviations_are_the_glossary(plan):
    from cdv.glossary import entries

    # The contract's terms, and the site's own technical words it does not define itself (cdv.glossary).
    assert plan.abbreviations == {t["term"]: " ".join(t["expansion"].split()) for t in entries(plan.corpus.glossary)}
    assert {t["term"] for t in plan.corpus.glossary} < set(plan.abbreviations) and "PDF" in plan.abbreviations
    assert plan.glossary_links["QPV"] == "glossaire.md#qpv" and plan.glossary_links["PDF"] == "glossaire.md#site-pdf"


@pytest.mark.parametrize("with_pdf", [True, False])
def test_build_options_reach_the_plugin_through_the_configuration(tmp_path, with_pdf):
    config = _mkdocs_config(ROOT, tmp_path / "site", with_pdf=with_pdf, version="2027")
    assert config.plugins["cdv"].config.pdf is with_pdf
    assert config.extra["version"] == {"provider": "mike", "default": ["en-vigueur", "projet"]}
    # Each version is published in its own folder, where its canonical links and sitemap point.
    assert config.site_url == "https://grand-besancon.github.io/contrat-de-ville/2027/"
    assert config.plugins["cdv"].config.site_root == "https://grand-besancon.github.io/contrat-de-ville/"
    assert config.extra["pdf"] == "contrat.pdf"  # the rest of extra is kept


def test_plugin_options_are_set_wherever_the_plugin_is_listed():
    assert _with_plugin_options(["search", "cdv"], "cdv", pdf=False) == ["search", {"cdv": {"pdf": False}}]
    assert _with_plugin_options([{"cdv": {"feed": "x.xml"}}], "cdv", pdf=False) == [{"cdv": {"feed": "x.xml", "pdf": False}}]
    assert _with_plugin_options([{"cdv": None}], "cdv", pdf=False) == [{"cdv": {"pdf": False}}]
    assert _with_plugin_options({"search": {}, "cdv": {"pdf": True}}, "cdv", pdf=False) == \
        {"search": {}, "cdv": {"pdf": False}}
    assert _with_plugin_options(["search"], "cdv", pdf=False) == ["search"]
