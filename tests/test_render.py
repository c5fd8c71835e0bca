"""Rendering helpers of cdv/, without MkDocs: blocks, cards, navigation markers."""
from __future__ import annotations

import pytest

from cdv.errors import InvalidSources
from cdv.pages import build_pages, expand_nav, navigation, page_path
from cdv.render import BlockRenderer


@pytest.fixture
def renderer(corpus):
    return BlockRenderer(corpus, heading_level=3, links=lambda kind, ident="": f"{kind}/{ident}.md")


def test_lists_nest_and_number(renderer):
    out = renderer.render([{"list": ["un", {"text": "deux", "items": ["a", "b"]}], "ordered": True}])
    assert out == "1. un\n2. deux\n    - a\n    - b\n\n"


def test_tables_escape_pipes_and_pad_rows(renderer):
    out = renderer.render([{"table": {"headers": ["", "Collège", "Lycée"], "rows": [["CLAS", "a|b"]]}}])
    assert "| CLAS | a&#124;b |   |" in out and out.startswith("|   | Collège | Lycée |")


def test_quote_headings_notes_and_sources(renderer):
    out = renderer.render([{"quote": [{"p": "cité"}]}, {"heading": "Titre"}, {"note": "n", "label": "Note de lecture"},
                           {"source": "OPS 2022"}])
    assert "> cité" in out and "### Titre" in out
    assert "<strong>Note de lecture</strong> : n" in out and "Source : OPS 2022" in out


def test_an_editorial_note_stands_beside_the_signed_words_never_in_them(renderer):
    from cdv.blocks import BY_NAME
    from cdv.labels import EDITORIAL_NOTE

    block = {"note": "³ Fideli 2021 pour les données en bleu", "editorial": "Les couleurs ne sont pas <b>reprises</b>."}
    out = renderer.render([block])
    signed, editorial = out.strip().split("\n")
    assert signed == '<p class="cdv-note">³ Fideli 2021 pour les données en bleu</p>'
    assert editorial == (f'<p class="cdv-editorial"><strong>{EDITORIAL_NOTE}</strong> : Les couleurs ne sont pas '
                         "&lt;b&gt;reprises&lt;/b&gt;.</p>")
    lines = list(BY_NAME["note"].flatten(block, str, False, iter))
    assert lines == ["³ Fideli 2021 pour les données en bleu", f"{EDITORIAL_NOTE} : {block['editorial']}"]


def test_portraits_naming_colours_of_the_signed_charts_say_those_are_not_reproduced(corpus):
    """The signed notes keep their words (« en rose », « en vert », « en bleu »); each portrait that has them
    says beside them that the charts and tables those colours belong to are not on the site."""
    def notes(blocks):
        for b in blocks:
            if "note" in b:
                yield b
            yield from notes(b.get("quote", []))

    colours = 0
    for n in corpus.neighbourhoods:
        found = [b for section in n.get("portrait", {}).get("sections", []) for b in notes(section["blocks"])
                 if "pour les données en" in b["note"]]
        if found:
            colours += 1
            assert [b["note"].split("pour les données en ")[1].split()[0] for b in found] == ["rose", "vert", "bleu"]
            assert "ne sont pas reproduits" in found[-1]["editorial"], n["id"]
    assert colours == 4


def test_indicator_card_shows_latest_value_comparisons_and_source(corpus):
    planoise = corpus.neighbourhood("planoise")
    indicators = {i["id"]: i for i in planoise["portrait"]["indicators"]}
    card = BlockRenderer(corpus, indicators).indicator_card(indicators["vacance-logements-sociaux"])
    assert "3,9\u00a0%" in card and "(3\u00a0% Besançon / 2,9\u00a0% GBM)" in card and "de logements sociaux vacants" in card
    updated = dict(indicators["population"], observations=indicators["population"]["observations"] + [
        {"value": 16000, "period": "2024", "source": "Recensement de la population 2024"}])
    card = BlockRenderer(corpus, indicators).indicator_card(updated)
    assert "16\u00a0000" in card and "↗ +622 depuis 2018" in card
    shares = dict(indicators["part-femmes"], observations=indicators["part-femmes"]["observations"] + [
        {"value": 51.5, "period": "2024", "source": "RP 2024"}])
    assert "↘ −1,5\u00a0point depuis 2019" in BlockRenderer(corpus, indicators).indicator_card(shares)


def test_school_counts_are_computed_from_the_names(corpus):
    planoise = corpus.neighbourhood("planoise")
    indicators = {i["id"]: i for i in planoise["portrait"]["indicators"]}
    schools = next(b for s in planoise["portrait"]["sections"] for b in s["blocks"] if "schools" in b)
    out = BlockRenderer(corpus, indicators).render([schools])
    assert "11 écoles maternelles publiques : Artois" in out and "2 collèges publics de secteur" in out


def test_every_generated_page_has_its_yaml_source(corpus):
    pages = build_pages(corpus)
    paths = [p.path for p in pages]
    assert len(paths) == len(set(paths))
    assert page_path("neighbourhood", "planoise") in paths
    for page in pages:
        assert page.markdown.startswith("---\nrender_macros: false\n")
        if page.source:
            assert (corpus.root / page.source).is_file()


def test_navigation_markers_expand_and_unknown_markers_are_refused(corpus):
    sections = navigation(corpus)
    nav = expand_nav([{"Accueil": "index.md"}, {"Les quartiers": "cdv:neighbourhoods"}], sections)
    quartiers = nav[1]["Les quartiers"]
    assert quartiers[0] == "quartiers/index.md"
    assert list(quartiers[1]) == ["Quartiers prioritaires"] and list(quartiers[2]) == ["Quartiers fragiles"]
    with pytest.raises(InvalidSources, match="marqueur de navigation inconnu « cdv:inconnu »"):
        expand_nav(["cdv:inconnu"], sections)


def test_long_navigation_lists_become_ranges_in_the_same_order(corpus, monkeypatch):
    import cdv.pages

    monkeypatch.setattr(cdv.pages, "NAV_LIST_LIMIT", 2)
    qpv = [n for n in corpus.neighbourhoods if n["kind"] == "qpv"]
    assert len(qpv) > 2 ** 2  # enough for ranges of ranges
    section = next(s for s in navigation(corpus)["cdv:neighbourhoods"][1:] if "Quartiers prioritaires" in s)
    ranges = section["Quartiers prioritaires"]

    def leaves(entries):
        for entry in entries:
            (title, target), = entry.items()
            if isinstance(target, str):
                yield title, target
            else:
                assert 1 <= len(target) <= 2, title
                inside = list(leaves(target))
                assert title == f"{inside[0][0]} – {inside[-1][0]}"
                yield from inside

    assert len(ranges) <= 2
    assert [target for _, target in leaves(ranges)] == [page_path("neighbourhood", n["id"]) for n in qpv]


def test_a_measure_shows_its_follow_up_on_the_site_and_prints_as_signed(corpus):
    """A measure of the Pacte: the site says its pilot and status (« non renseigné » when no source gives
    it); the PDF prints the signed text only, so a status update never changes the printed contract."""
    from cdv.followup import measure

    block = measure(corpus, "pacte-mesure-40").block
    site = str(BlockRenderer(corpus, links=lambda kind, ident="": f"{kind}/{ident}.md", indicator_pages={})
               .render([block]))
    assert "<strong>Mesure 40</strong> : Nous renforcerons la coordination de l'Atelier Santé Ville." in site
    assert "Pilote : " in site and "Ville de Besançon" in site and "Statut : non renseigné" in site
    printed = str(BlockRenderer(corpus).render([block]))
    assert "Nous renforcerons la coordination de l'Atelier Santé Ville." in printed
    assert "Pilote" not in printed and "Statut" not in printed
    followed = str(BlockRenderer(corpus, indicator_pages={}).render(
        [{**block, "status": "realisee", "status_date": "2025-06"}]))
    assert "Statut : réalisée (juin 2025)" in followed
    assert str(BlockRenderer(corpus).render([{**block, "status": "realisee"}])) == printed
