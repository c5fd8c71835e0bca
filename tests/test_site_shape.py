"""The site reads its numbered titles, kinds of neighbourhood, annexes and counts from the contract's shape
(contract.yml `shape`), on a variant of the minimal project whose contract numbers and names things its
own way: no "Article", no "partie", a kind of neighbourhood with no neighbourhood. The pages and the
navigation are checked through cdv.pages (no MkDocs build), the home page through cdv.macros."""
from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2
import markdown
import pytest

from cdv.corpus import load_corpus
from cdv.pages import lower_first, navigation, page_path, page_specs, reference, render_page

from conftest import ROOT, copy_minimal_project

VEILLE = """    - id: veille
      singular: Quartier de veille
      plural: Quartiers de veille
      description: Quartiers sortis de la géographie prioritaire, suivis par le contrat.
"""


def edit(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    """The minimal project, with articles titled by their title alone, parts in Roman numerals, its own
    name for a priority neighbourhood and a kind "veille" that no neighbourhood has."""
    root = copy_minimal_project(tmp_path_factory.mktemp("forme") / "projet")
    edit(
        root / "contract" / "contract.yml",
        ('part: "{ordinal} partie : {titre}"', 'part: "{romain}/ {titre}"'),
        ("article: Article {numero} – {titre}", 'article: "{titre}"'),
        ('section: "{numero} - {titre}"', 'section: "{numero}. {titre}"'),
        ("singular: Quartier prioritaire\n", "singular: Quartier de la politique de la ville\n"),
        ("plural: Quartiers prioritaires\n", "plural: Quartiers de la politique de la ville\n"),
        ("  headings:\n", VEILLE + "  headings:\n"),
    )
    return root


def pages(corpus) -> dict[str, str]:
    return {spec.path: render_page(corpus, spec).markdown for spec in page_specs(corpus)}


def words(markdown_text: str) -> str:
    """The text of a page without its link targets, anchors and front matter (paths hold "article-1")."""
    body = markdown_text.split("---\n", 2)[2]
    return re.sub(r"\]\([^)]*\)|\{ #[^}]*\}|id=\"[^\"]*\"", "", body)


def test_titles_follow_the_contract_patterns_with_no_word_of_their_own(variant):
    corpus = load_corpus(variant)
    generated = pages(corpus)
    article = generated[page_path("article", "article-1")]
    assert "\n# Objet du contrat { #article-1 }\n" in article  # its stable anchor, not a slug of its title
    assert '<p class="cdv-kicker">I/ Contrat cadre</p>' in article
    assert "- I/ Contrat cadre\n" in generated[page_path("contract")]
    assert "    - [Objet du contrat](article-1.md)\n" in generated[page_path("contract")]
    # The page's own title (front matter, <title>) and its navigation entry.
    assert 'title: "Objet du contrat"' in article
    entries = navigation(corpus)["cdv:contract"]
    assert {"Objet du contrat": page_path("article", "article-1")} in entries
    for path, text in generated.items():
        if path == page_path("data"):  # the data dictionary quotes the schemas' own descriptions
            continue
        for word in ("Article", "partie", "1re", "Quartiers prioritaires", "Quartier prioritaire"):
            assert word not in words(text), (path, word)


def test_section_titles_follow_the_section_pattern(variant):
    corpus = load_corpus(variant)
    article = corpus.article("article-1")
    article["sections"] = [{"id": "objet-precis", "number": "1.1", "title": "Objet *précis*", "body": []}]
    spec = next(s for s in page_specs(corpus) if s.path == page_path("article", "article-1"))
    page = markdown.markdown(render_page(corpus, spec).markdown.split("---\n", 2)[2], extensions=["attr_list"])
    assert '<h2 id="objet-precis">1.1. Objet <em>précis</em></h2>' in html.unescape(page)


def test_a_kind_with_no_neighbourhood_has_no_section_heading_or_entry(variant):
    corpus = load_corpus(variant)
    generated = pages(corpus)
    listing = generated[page_path("neighbourhoods")]
    assert "## Quartiers de la politique de la ville (1)" in listing
    assert "veille" not in listing.lower() and "fragile" not in listing.lower() and "(0)" not in listing
    section = navigation(corpus)["cdv:neighbourhoods"]
    assert section[0] == page_path("neighbourhoods")
    assert [list(entry) for entry in section[1:]] == [["Quartiers de la politique de la ville"]]
    # The neighbourhood names its kind in the contract's words.
    assert "- **Quartier de la politique de la ville**, commune de Exempleville" in generated[page_path("neighbourhood", "quartier")]


def test_a_kind_with_neighbourhoods_shows_its_description(variant):
    corpus = load_corpus(variant)
    corpus.neighbourhoods[0]["kind"] = "veille"
    listing = pages(corpus)[page_path("neighbourhoods")]
    assert "## Quartiers de veille (1)\n\nQuartiers sortis de la géographie prioritaire" in listing
    assert "politique de la ville" not in listing
    assert [list(e) for e in navigation(corpus)["cdv:neighbourhoods"][1:]] == [["Quartiers de veille"]]


def test_counts_agree_and_nothing_is_said_of_zero(variant):
    corpus = load_corpus(variant)
    generated = pages(corpus)
    quartier = generated[page_path("neighbourhood", "quartier")]
    assert '<a href="#projet-de-quartier"><strong>1 priorité</strong> dans le projet de quartier</a>' in quartier
    assert "1 234** habitants" in quartier
    assert "par 1 signataire." in generated[page_path("contract")]
    assert "Le contrat a été signé par 1 signataire." in generated[page_path("signatories")]
    assert "Ce socle commun de 1 priorité est imprimé" in generated[page_path("common-base")]
    # A project whose themes hold no priority, a common base with none: no "0 priorités", no "(0)".
    corpus.neighbourhoods[0]["project"]["themes"][0]["priorities"] = []
    corpus.objectives["axes"][0]["objectives"][0]["priorities"] = []
    generated = pages(corpus)
    quartier = generated[page_path("neighbourhood", "quartier")]
    assert "priorité" not in quartier.split("## Projet")[0] and "cdv-count" not in quartier
    assert "Ce socle commun de" not in generated[page_path("common-base")]


def test_annexes_are_numbered_and_named_by_the_contract(project):
    edit(
        project / "contract" / "contract.yml",
        ('annex: "Annexe {numero} : {titre}"', 'annex: "Annexe {romain} – {titre}"'),
        (
            "    - id: engagements\n      title: L'engagement de chaque signataire\n      shows: commitments\n",
            "",
        ),
        (
            "      shows: devices\n",
            "      shows: devices\n    - id: engagements\n      title: Qui s'engage à quoi\n      shows: commitments\n",
        ),
    )
    corpus = load_corpus(project)
    generated = pages(corpus)
    contract = generated[page_path("contract")]
    assert "- [Annexe I – Les dispositifs](../dispositifs/index.md)" in contract
    assert "- [Annexe II – Qui s'engage à quoi](../signataires/index.md)" in contract
    assert contract.index("Annexe I –") < contract.index("Annexe II –")
    commitment = markdown.markdown(generated[page_path("commitment", "etat")].split("---\n", 2)[2], extensions=["md_in_html"])
    kicker = re.search(r'<p class="cdv-kicker">(.*?)</p>', commitment).group(1)
    assert html.unescape(kicker).startswith("Annexe II – Qui s'engage à quoi · Signataires concernés : <a href=")
    assert "Pas d'engagement particulier en annexe II." in generated[page_path("signatories")]
    assert "L'engagement de chaque signataire" not in "".join(generated.values())


def test_a_name_inside_a_sentence_keeps_an_acronym():
    assert lower_first("Quartiers prioritaires") == "quartiers prioritaires"
    assert lower_first("QPV de la métropole") == "QPV de la métropole"


def test_references_to_a_numbered_element_come_from_its_pattern():
    assert reference("Annexe {numero} : {titre}", 1, "Les engagements") == "annexe 1"
    assert reference("Article {numero} – {titre}", "9.2", "") == "article 9.2"
    assert reference("{romain}/ {titre}", 2, "Les engagements") == "« II/ Les engagements »"


def test_the_notice_of_an_unwritten_project_names_its_article_after_the_pattern(project):
    corpus = load_corpus(project)
    fragile = next(n for n in corpus.neighbourhoods if "project" not in n)
    notice = corpus.contract["fragile_project_notice"]
    spec = next(s for s in page_specs(corpus) if s.path == page_path("neighbourhood", fragile["id"]))
    assert "Le contrat prévoit ([article 9.2](../contrat/article-9.md#" in render_page(corpus, spec).markdown
    corpus.contract["shape"]["headings"]["article"] = "{romain}. {titre}"
    section = corpus.block_section(notice["article"], notice["block"])
    title = next(s["title"] for s in corpus.article(notice["article"])["sections"] if s["number"] == section)
    assert f"Le contrat prévoit ([« 9.2. {title} »](" in render_page(corpus, spec).markdown


STRATEGY = {
    "lead": "prefecture",
    "partners": ["prefecture", {"name": "Régie <b>des</b> Essais"}],
    "levers": [{"text": "Chantiers *éducatifs*"}],
    "funding": [{"text": "Crédits de droit commun"}],
    "criteria": ["Nombre de jeunes accompagnés", "<script>alert(1)</script>"],
    "indicators": ["population"],
    "items": [{"id": "quartier-permanences", "text": "Tenir des permanences"}],
}


def neighbourhood_page(corpus) -> str:
    spec = next(s for s in page_specs(corpus) if s.path == page_path("neighbourhood", "quartier"))
    return render_page(corpus, spec).markdown


def test_structured_fields_of_a_priority_follow_its_text(variant):
    corpus = load_corpus(variant)
    before = neighbourhood_page(corpus)
    assert "cdv-strategy" not in before and "cdv-item" not in before
    priority = corpus.neighbourhoods[0]["project"]["themes"][0]["priorities"][0]
    priority.update(STRATEGY)
    text = neighbourhood_page(corpus)
    org = "[État - Préfecture](../signataires/index.md#prefecture)"
    lines = [
        f'<span class="cdv-strategy">Pilote : {org}.</span>',
        f'<span class="cdv-strategy">Partenaires : {org}, Régie &lt;b&gt;des&lt;/b&gt; Essais.</span>',
        '<span class="cdv-strategy">Leviers : Chantiers <em>éducatifs</em>.</span>',
        '<span class="cdv-strategy">Financements : Crédits de droit commun.</span>',
        "<span class=\"cdv-strategy\">Critères d'évaluation : Nombre de jeunes accompagnés, "
        "&lt;script&gt;alert(1)&lt;/script&gt;.</span>",
        '<span class="cdv-strategy">Indicateurs : habitants.</span>',
    ]
    positions = [text.index(line) for line in lines]
    assert positions == sorted(positions) and positions[0] > text.index("Redynamiser la maison de quartier")
    assert '\n    - <span class="cdv-item" id="quartier-permanences">Tenir des permanences</span>\n' in text
    assert "<script>" not in text and "<b>" not in text
    # As a reader gets it: the fields inside the priority's item, the items as a list nested in it.
    page = markdown.markdown(text.split("---\n", 2)[2], extensions=["attr_list", "md_in_html", "tables"])
    item = re.search(r'<li><span class="cdv-priority".*?</li>\s*</ul>\s*</li>', page, re.S).group(0)
    assert "Pilote" in item and "<ul>" in item and 'id="quartier-permanences"' in item


def test_structured_field_labels_come_from_the_contract_when_it_words_them(variant):
    corpus = load_corpus(variant)
    corpus.contract["shape"]["strategy"] = {"field_labels": {"partners": "Partenaires associés"}}
    corpus.neighbourhoods[0]["project"]["themes"][0]["priorities"][0].update(
        {"partners": ["prefecture"], "levers": [{"text": "Chantiers"}]}
    )
    text = neighbourhood_page(corpus)
    assert "Partenaires associés : [État - Préfecture]" in text and "Leviers : Chantiers." in text
    assert "Pilote" not in text  # a field that is absent has no line


class _Env:
    """What cdv.macros needs of mkdocs-macros's env."""

    def __init__(self, root: Path):
        self.project_dir = str(root)
        self.variables: dict = {}
        self.macros: dict = {}

    def macro(self, function):
        self.macros[function.__name__] = function
        return function


def home_page(root: Path) -> str:
    from cdv.macros import define_env

    env = _Env(root)
    define_env(env)
    body = (root / "docs" / "index.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(body)
    return template.render(**env.variables, **env.macros, config={"extra": {"pdf": "contrat.pdf"}})


def test_the_home_page_counts_and_names_from_the_data(variant):
    text = home_page(variant)
    assert "## Les quartiers de la politique de la ville (1)" in text
    assert "1 234 habitants · 1 priorité" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "veille" not in text.lower() and "(0)" not in text
    assert "## L'axe du contrat" in text and "trois" not in text
    # No project prints the common base here: the sentence does not say whom it is common to.
    assert "réunit 1 priorité commune." in text


def test_the_home_page_of_the_real_contract_reads_as_before():
    text = home_page(ROOT)
    assert "## Les quartiers prioritaires (6)" in text and "## Les quartiers fragiles (6)" in text
    assert "## Les trois axes du contrat" in text
    common = load_corpus(ROOT).common_priority_count()
    assert common > 1 and f"réunit {common} priorités communes à tous les quartiers prioritaires." in text


@pytest.mark.slow
def test_a_real_build_of_the_variant_reads_in_the_contract_words(variant, tmp_path):
    from cdv.build import build_site

    from sitetext import page_text

    site = build_site(variant, tmp_path / "site", with_pdf=False)
    home = page_text(site, ".")
    assert "Les quartiers de la politique de la ville (1)" in home and "veille" not in home.lower()
    assert "L'axe du contrat" in home and "réunit 1 priorité commune." in home
    article = page_text(site, "contrat/article-1")
    assert "Objet du contrat¶ I/ Contrat cadre Le présent contrat" in article and "Article" not in article
    listing = page_text(site, "quartiers")
    assert "Quartiers de la politique de la ville (1)" in listing and "veille" not in listing.lower()
