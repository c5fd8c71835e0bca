"""What the site says of itself (cdv.siteinfo): download sizes, the edit link, the host, the footer, the
plan du site, each from what the build holds."""
from __future__ import annotations

import pytest
from markupsafe import Markup

from cdv import siteinfo
from cdv.siteinfo import (
    download,
    download_label,
    download_labels,
    downloads,
    edit_label,
    footer_links,
    nav_paths,
    repository_url,
    site_host,
    site_map_markdown,
    size_text,
)

NB = "\u00a0"


@pytest.mark.parametrize("size,text", [
    (0, f"0{NB}octets"),
    (1, f"1{NB}octet"),
    (999, f"999{NB}octets"),
    (1000, f"1{NB}Ko"),
    (1499, f"1{NB}Ko"),
    (1500, f"2{NB}Ko"),  # to the nearest, halves up
    (620_500, f"621{NB}Ko"),
    (621_499, f"621{NB}Ko"),
    (999_499, f"999{NB}Ko"),
    (999_500, f"1{NB}Mo"),  # never "1000 Ko"
    (1_400_000, f"1,4{NB}Mo"),  # one decimal below 10 Mo, with a French comma
    (2_000_000, f"2{NB}Mo"),  # no ",0"
    (9_949_999, f"9,9{NB}Mo"),
    (9_950_000, f"10{NB}Mo"),
    (12_345_678, f"12{NB}Mo"),
    (3_210_000_000, f"3,2{NB}Go"),
    (2_500_000_000_000, f"2{NB}500{NB}Go"),  # the largest unit goes on counting
])
def test_sizes_read_as_a_french_reader_reads_them(size, text):
    assert size_text(size) == text


def test_a_negative_size_is_a_mistake():
    with pytest.raises(ValueError):
        size_text(-1)


def test_a_download_label_is_measured_on_the_files_bytes():
    assert download_label("contrat.pdf", b"x" * 620_600) == f"PDF{NB}– 621{NB}Ko"
    # Text files are measured as the UTF-8 bytes the site serves, not as characters.
    assert download_label("donnees/a.csv", "é" * 600) == f"CSV{NB}– 1{NB}Ko"
    assert download_label("donnees/A.JSON", "{}") == f"JSON{NB}– 2{NB}octets"


def test_only_downloads_are_labelled():
    labels = download_labels({"contrat.pdf": b"%PDF", "donnees/x.csv": "a\n", "assets/logo.png": b"", "x.md": ""})
    assert set(labels) == {"contrat.pdf", "donnees/x.csv"}


def test_a_page_prints_the_measured_label_or_only_the_format():
    assert download("contrat.pdf") == "PDF"  # outside a build: no size is made up
    with downloads({"contrat.pdf": f"PDF{NB}– 870{NB}Ko"}):
        label = download("contrat.pdf")
        assert label == f"PDF{NB}– 870{NB}Ko" and isinstance(label, Markup)
        assert download("rapports/r.pdf") == "PDF"
    assert download("contrat.pdf") == "PDF"
    with pytest.raises(ValueError):
        download("quartiers/planoise.md")


@pytest.mark.parametrize("edit_uri,label,repository", [
    ("https://github.com/grand-besancon/contrat-de-ville/edit/main/docs/", "Proposer une modification (GitHub)",
     "https://github.com/grand-besancon/contrat-de-ville"),
    ("https://gitlab.com/exempleville/contrat/-/edit/main/docs/", "Proposer une modification (GitLab)",
     "https://gitlab.com/exempleville/contrat"),
    ("https://forge.exempleville.fr/contrat/edit/main/docs/", "Proposer une modification (forge.exempleville.fr)",
     "https://forge.exempleville.fr/contrat"),
    ("edit/main/docs/", "Proposer une modification", None),
    (None, "Proposer une modification", None),
])
def test_the_edit_link_names_the_forge_of_the_edit_address(edit_uri, label, repository):
    assert edit_label(edit_uri) == label
    assert repository_url(edit_uri) == repository


def test_the_host_is_what_the_configuration_or_the_address_says_never_a_guess():
    github = site_host("https://exempleville.github.io/contrat/")
    assert github is not None and github.name.startswith("GitHub Pages") and github.url == "https://pages.github.com/"
    assert site_host("https://contrat.exempleville.fr/") is None
    assert site_host("") is None
    given = site_host("https://exempleville.github.io/", {"name": "Hébergeur SA", "address": "1 rue X, 75000 Paris"})
    assert given == siteinfo.Host("Hébergeur SA", "1 rue X, 75000 Paris", None, None)


def test_the_footer_links_only_to_pages_the_site_has():
    urls = {"mentions-legales.md": "mentions-legales/", "plan-du-site.md": "plan-du-site/"}
    assert footer_links(urls.get) == [
        {"label": "Mentions légales", "url": "mentions-legales/"},
        {"label": "Plan du site", "url": "plan-du-site/"},
    ]


NAV = [
    {"Accueil": "index.md"},
    {"Le contrat": ["contrat/index.md", {Markup("L&#39;avant-propos"): "contrat/avant-propos.md"}]},
    {"Les quartiers": [
        "quartiers/index.md",
        {Markup("Quartiers prioritaires"): [{Markup("Planoise"): "quartiers/planoise.md"}]},
    ]},
    "glossaire.md",
    {"À propos": [{"Plan <du> site": "plan-du-site.md"}, {"Forge": "https://example.org/"}]},
]


def test_the_site_map_lists_every_page_by_section():
    titles = {"glossaire.md": "Glossaire", "contrat/index.md": "Le contrat", "quartiers/index.md": "Les quartiers"}
    text = site_map_markdown(NAV, "plan-du-site.md", titles.__getitem__, lambda path: "/" + path[:-3] + "/")
    assert text.split("\n") == [
        '## <a href="/index/" class="cdv-site-map-link">Accueil</a>',
        "",
        '## <a href="/contrat/index/" class="cdv-site-map-link">Le contrat</a>',
        "",
        '- <a href="/contrat/avant-propos/">L&#39;avant-propos</a>',
        "",
        '## <a href="/quartiers/index/" class="cdv-site-map-link">Les quartiers</a>',
        "",
        "- Quartiers prioritaires",
        '    - <a href="/quartiers/planoise/">Planoise</a>',
        "",
        '## <a href="/glossaire/" class="cdv-site-map-link">Glossaire</a>',
        "",
        "## À propos",
        "",
        # A title from mkdocs.yml is text (escaped); a generated one is already markup (kept as is).
        '- <a href="/plan-du-site/">Plan &lt;du&gt; site</a>',
        '- <a href="https://example.org/">Forge</a>',
        "",
    ]
    assert list(nav_paths(NAV)) == ["index.md", "contrat/index.md", "contrat/avant-propos.md", "quartiers/index.md",
                                    "quartiers/planoise.md", "glossaire.md", "plan-du-site.md", "https://example.org/"]


def test_a_hand_written_page_is_named_by_its_front_matter_or_heading(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: \"Page A\"\nhide:\n  - toc\n---\n\n# Autre\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Intro\n\n# Page B\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("rien\n", encoding="utf-8")
    assert siteinfo.document_title(tmp_path / "a.md") == "Page A"
    assert siteinfo.document_title(tmp_path / "b.md") == "Page B"
    assert siteinfo.document_title(tmp_path / "c.md") is None
    assert siteinfo.document_title(tmp_path / "absent.md") is None


def test_the_site_map_lists_the_generated_pages_the_navigation_leaves_out(tmp_path):
    from types import SimpleNamespace

    from cdv.pages import Page
    from cdv.siteplan import site_map_page

    pages = (Page("quartiers/planoise.md", "Planoise", "", None),
             Page("quartiers/planoise/programmation-2023.md", "Planoise : programmation 2023", "", None))
    nav = [{"Les quartiers": [{Markup("Planoise"): "quartiers/planoise.md"}]}, {"Plan": "plan-du-site.md"}]
    markdown = site_map_page(SimpleNamespace(pages=pages), nav, tmp_path).markdown
    assert markdown.count("Planoise : programmation 2023") == 1
    assert markdown.index("## Les quartiers") < markdown.index("## Autres pages") < markdown.index(
        'href="../quartiers/planoise/programmation-2023/">Planoise : programmation 2023</a>')
