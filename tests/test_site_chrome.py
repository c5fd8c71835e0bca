"""What the built site says of itself (issue 18, item 7), on the real site: the footer in French, the
editors' link, « Mentions légales », « Plan du site », and every download link with its format and the
size of the file the site really serves."""
from __future__ import annotations

import posixpath
import re
from html import unescape
from pathlib import Path

import pytest

from cdv.siteinfo import STORED, size_text

from sitetext import normalise, page_text, visible_text

pytestmark = pytest.mark.slow  # Reads the built site.

FORMATS = {".pdf": "PDF", ".csv": "CSV", ".json": "JSON"}
_LINK = re.compile(r'<a\b([^>]*)\bhref="([^"]+)"([^>]*)>(.*?)</a>', re.S)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("index.html"))


def url_of(site: Path, page: Path) -> str:
    """The page's folder inside the site ("" for the home page, "quartiers/planoise/")."""
    folder = page.parent.relative_to(site).as_posix()
    return "" if folder == "." else folder + "/"


def links(site: Path, page: Path, markup: str | None = None):
    """(target inside the site or None for another site, href, visible text, the tag's attributes) of each
    link of the page (or of `markup`, a part of it)."""
    for before, href, after, inner in _LINK.findall(markup or page.read_text(encoding="utf-8")):
        href = unescape(href)
        if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("#"):
            yield None, href, visible_text(inner), before + after
            continue
        target = posixpath.normpath(posixpath.join(url_of(site, page), href.split("#")[0]))
        yield target, href, visible_text(inner), before + after


def footer(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index('<div class="md-copyright'):text.index("</footer>")]


def test_every_footer_is_french_names_the_publisher_and_links_the_sites_own_pages(built_site, corpus):
    pages = html_pages(built_site)
    assert len(pages) > 40
    publisher = normalise(corpus.contract["author"])
    for page in pages:
        words = visible_text(footer(page))
        assert "Made with" not in words and "Material for MkDocs" in words, page
        assert words.startswith(f"Site publié par {publisher}."), (page, words)
        assert "Réalisé avec des logiciels libres : cdv (sources du site), MkDocs et Material for MkDocs." in words
        shown = {text: target for target, _, text, _ in links(built_site, page, footer(page)) if target is not None}
        expected = [("Mentions légales", "mentions-legales"), ("Accessibilité", "accessibilite"),
                    ("Plan du site", "plan-du-site")]
        if (built_site / "contact" / "index.html").is_file():  # the site-wide contact page, when there is one
            expected.append(("Contact", "contact"))
        assert [text for text, _ in shown.items()][-len(expected):] == [label for label, _ in expected], page
        for label, folder in expected:
            assert shown.get(label) == folder, (page, label)
            assert (built_site / folder / "index.html").is_file()
    # The toolkit's sources are the repository the edit address points into (mkdocs.yml edit_uri).
    assert 'href="https://github.com/grand-besancon/contrat-de-ville">cdv (sources du site)</a>' in footer(pages[0])


def test_the_edit_link_is_named_for_editors_at_the_end_of_the_page_and_the_pencil_is_gone(built_site):
    with_link = 0
    for page in html_pages(built_site):
        text = page.read_text(encoding="utf-8")
        assert "md-content__button" not in text, page  # Material's pencil beside the title
        found = re.findall(r'<p class="cdv-edit-link"><a href="([^"]+)" rel="edit">([^<]*)</a></p>', text)
        if not found:
            continue
        with_link += 1
        [(href, label)] = found
        assert label == "Proposer une modification (GitHub)"
        assert href.startswith("https://github.com/grand-besancon/contrat-de-ville/edit/main/")
        # After the article's content, not beside its title.
        assert text.index("</article>") > text.index('class="cdv-edit-link"') > text.index("<h1")
    assert with_link > 40
    planoise = (built_site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    assert "/edit/main/neighbourhoods/planoise.yml" in planoise
    # The site map is made from the navigation: no source to propose a change to.
    assert "cdv-edit-link" not in (built_site / "plan-du-site" / "index.html").read_text(encoding="utf-8")


def test_mentions_legales_say_who_publishes_who_hosts_and_that_nothing_personal_is_kept(built_site, corpus):
    text = page_text(built_site, "mentions-legales")
    contract = corpus.contract
    assert f"Il est édité par {normalise(contract['author'])}, l'organisme qui publie le contrat." in text
    # https://grand-besancon.github.io/…: the address itself says GitHub Pages (cdv.siteinfo._KNOWN_HOSTS).
    assert "Le site est hébergé par GitHub Pages, service de GitHub, Inc." in text
    assert "Aucune donnée personnelle n'est collectée par ce site" in text and "aucun cookie" in text
    for key, where, _ in STORED:  # what the browser keeps, each said (checked in tests/test_browser_chrome.py)
        assert f"clé « {key} »" in text and normalise(where) in text
    assert "l'adresse IP de chaque visiteur d'un site GitHub Pages est enregistrée par GitHub" in text


def test_a_site_elsewhere_says_its_host_is_not_given_or_what_mkdocs_yml_says(corpus):
    from cdv.siteplan import legal_page

    elsewhere = legal_page(corpus, "https://contrat.exempleville.fr/", None).markdown
    assert "L'hébergeur du site n'est pas indiqué dans sa configuration." in elsewhere
    assert "GitHub" not in elsewhere
    given = legal_page(corpus, "https://contrat.exempleville.fr/", {"name": "Hébergeur <SA>", "address": "1 rue X"})
    assert "Le site est hébergé par Hébergeur &lt;SA&gt;, 1 rue X." in given.markdown  # data, escaped


def test_the_site_map_lists_every_page_of_the_site_once(built_site):
    site_map = built_site / "plan-du-site" / "index.html"
    article = site_map.read_text(encoding="utf-8")
    article = article[article.index("<article"):article.index("</article>")]
    listed = []
    for href in re.findall(r'<a href="([^"#]+)"', article):
        if href.startswith("https://"):
            continue
        listed.append(posixpath.normpath(posixpath.join("plan-du-site/", unescape(href))).removesuffix("."))
    listed = [p + "/" if p else "" for p in listed]
    pages = sorted(url_of(built_site, p) for p in html_pages(built_site))
    assert sorted(listed) == pages
    assert len(listed) == len(set(listed))
    text = visible_text(article)
    # By section, as the navigation names them: a neighbourhood under its kind, an article under the contract.
    assert text.index("Le contrat") < text.index("Avant-propos") < text.index("Les quartiers")
    assert text.index("Quartiers prioritaires") < text.index("Planoise") < text.index("Quartiers fragiles")
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", article, re.S)
    assert [visible_text(h).rstrip("¶ ").strip() for h in headings][:3] == ["Accueil", "Le contrat", "Les quartiers"]


def test_every_download_link_says_its_format_and_the_real_size_of_its_file(built_site):
    checked = set()
    for page in html_pages(built_site):
        for target, href, text, attributes in links(built_site, page):
            if target is None or "headerlink" in attributes:
                continue
            suffix = posixpath.splitext(target)[1]
            if suffix not in FORMATS:
                continue
            file = built_site / target
            assert file.is_file(), (page, href)
            label = f"({FORMATS[suffix]} – {normalise(size_text(file.stat().st_size))})"
            assert text.endswith(label), (page, href, text, label)
            checked.add(target)
            # The number stays with its unit, the format with its dash (non-breaking spaces), whatever
            # element wraps the format (an acronym's <abbr>, cdv.abbrlinks).
            raw = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
            assert f"{FORMATS[suffix]}\u00a0– " in unescape(raw)
    assert {"contrat.pdf", "donnees/contrat.json", "donnees/indicateurs.csv", "donnees/priorites.csv",
            "donnees/actions.csv", "donnees/mesures.csv"} <= checked
