"""Links of contributor text to the site's own pages (issue 12.1, 13.4): written as MkDocs writes links
between pages (contrat/article-13.md#anchor), checked by `cdv validate` against the pages and anchors the
build will really make, rendered relative to each page on the site and as internal links in the PDF."""
from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cdv.build import build_site
from cdv.corpus import load_corpus
from cdv.links import site_anchors
from cdv.text import page_links, plain_text, to_html

ROOT = Path(__file__).resolve().parent.parent

# (file, first line that starts with this text, what is appended to that line's text)
EDITS = [
    ("contract/articles/article-1.yml", "  - p: De nombreux dispositifs",
     " Voir [l'article 13](contrat/article-13.md) et [la démographie de Planoise](quartiers/planoise.md#demographie)."),
    ("neighbourhoods/planoise.yml", "          text: Mener à bien le projet de **renouvellement urbain**",
     " ([socle commun](socle-commun.md), [ABS](glossaire.md#abs))"),
    ("neighbourhoods/planoise.yml", "        - note: Une famille monoparentale",
     " Voir les [notes éditoriales](notes-editoriales.md#glossaire)."),
    ("contract/devices/appel-a-projets.yml", "  - p: Dès 2024, les financements",
     " Voir [l'article 15](contrat/article-15.md#le-volet-investissement) et [l'accueil](index.md)."),
]
TARGETS = {"contrat/article-13.md", "quartiers/planoise.md#demographie", "socle-commun.md", "glossaire.md#abs",
           "notes-editoriales.md#glossaire", "contrat/article-15.md#le-volet-investissement", "index.md"}


def _edit(project: Path, rel: str, start: str, addition: str) -> None:
    path = project / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    assert not lines[index].rstrip().endswith('"'), "the edited line must be a plain scalar"
    lines[index] = lines[index].rstrip() + addition
    path.write_text("\n".join(lines), encoding="utf-8")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _target_file(site: Path, page: Path, href: str) -> tuple[Path, str]:
    url, _, anchor = href.partition("#")
    base = page.parent.relative_to(site).as_posix()
    rel = posixpath.normpath(posixpath.join(base, url))
    assert not rel.startswith(".."), href
    target = site / rel
    if url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, anchor


def _cli(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.slow
def test_links_to_pages_resolve_in_the_built_site(project, tmp_path):
    for edit in EDITS:
        _edit(project, *edit)
    checked = _cli("validate", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    site = build_site(project, tmp_path / "site", with_pdf=False)
    # Each page that shows an edited text, and the common base, which repeats the neighbourhoods' priorities.
    pages = [site / "contrat/article-1/index.html", site / "quartiers/planoise/index.html",
             site / "dispositifs/appel-a-projets/index.html"]
    resolved = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for href in _parse(page).links:
            if href.startswith(("http", "mailto:", "#")) or "assets/" in href or href.endswith((".pdf", ".xml")):
                continue
            target, anchor = _target_file(site, page, href)
            assert target.is_file(), f"{page}: {href} -> {target}"
            if anchor:
                assert anchor in _parse(target).ids, f"{page}: #{anchor} not in {target}"
        for label in ("l'article 13", "la démographie de Planoise", "socle commun", "notes éditoriales",
                      "l'article 15"):
            if label.replace("'", "&#x27;") in html or label in html:
                resolved.add(label)
        assert ".md" not in " ".join(h for h in _parse(page).links if not h.startswith("http")), page
    assert resolved == {"l'article 13", "la démographie de Planoise", "socle commun", "notes éditoriales",
                        "l'article 15"}
    # The page links are live links (not text) on their pages.
    article = _parse(site / "contrat/article-1/index.html").links
    assert "../article-13/" in article and "../../quartiers/planoise/#demographie" in article
    planoise = _parse(site / "quartiers/planoise/index.html").links
    assert "../../socle-commun/" in planoise and "../../glossaire/#abs" in planoise
    assert "../../notes-editoriales/#glossaire" in planoise
    device = _parse(site / "dispositifs/appel-a-projets/index.html").links
    assert "../../contrat/article-15/#le-volet-investissement" in device and "../../" in device


def test_validate_time_anchors_exist_in_the_built_site(built_site):
    """What `cdv validate` believes a page holds is what MkDocs and Material build: every anchor it
    accepts is an id of the built page (so validate and build never disagree)."""
    anchors = site_anchors(load_corpus(ROOT), ROOT)
    assert len(anchors) > 20
    for path, ids in anchors.items():
        stem = path[:-3]
        html = built_site / (stem[:-5] if stem == "index" or stem.endswith("/index") else stem + "/") / "index.html"
        assert html.is_file(), path
        if ids is None:
            continue
        missing = ids - _parse(html).ids
        assert not missing, f"{path}: {sorted(missing)[:10]}"


def test_every_article_and_sub_article_has_its_id_as_its_anchor(built_site):
    """Stable anchors, never title slugs: an article's heading on its page and each sub-article's heading
    carry the ids of the YAML, on the site and in the PDF, so a link survives a title reworded."""
    from cdv.pdf import render_print_html
    from cdv.provenance import provenance

    corpus = load_corpus(ROOT)
    printed = _Collector()
    printed.feed(render_print_html(corpus, provenance(ROOT)))
    sections = 0
    for article in corpus.articles:
        page = built_site / "contrat" / article["id"] / "index.html"
        html = page.read_text(encoding="utf-8")
        assert re.search(rf'<h1 id="{article["id"]}">', html), article["id"]
        for section in article.get("sections", []):
            assert re.search(rf'<h2 id="{section["id"]}">', html), section["id"]
            sections += 1
        assert {article["id"], *(s["id"] for s in article.get("sections", []))} <= printed.ids
    assert sections >= 2  # article 9's 9.1 and 9.2 at least


def test_page_links_render_relative_to_each_page_and_as_text_elsewhere():
    text = "Voir [l'article 13](contrat/article-13.md#gouvernance)."
    assert str(to_html(text)) == "Voir l'article 13."  # no page: the feed, "Ce qui change", titles
    with page_links(lambda path, anchor: f"../{path[:-3]}/#{anchor}"):
        assert '<a href="../contrat/article-13/#gouvernance">' in str(to_html(text))
    with page_links(lambda path, anchor: None):  # a PDF that does not hold the page
        out = str(to_html(text))
        assert "<a" not in out and "article 13" in out
    assert plain_text(text) == "Voir l'article 13."


@pytest.mark.parametrize("target", ["../contrat/article-13.md", "/contrat/article-13.md", "contrat/article-13",
                                    "contract/articles/article-13.yml", "#gouvernance", "javascript:x.md",
                                    "//host/x.md", "http://x/y.md", "contrat/../../etc.md", "./glossaire.md"])
def test_other_relative_targets_stay_refused(target):
    from cdv.links import inline_problems

    text = f"Voir [ceci]({target})."
    assert inline_problems(text), target
    with page_links(lambda path, anchor: "https://evil.example/"):
        assert "<a" not in str(to_html(text)), target


def test_unknown_page_and_anchor_are_located_french_errors(project):
    _edit(project, "contract/articles/article-1.yml", "  - p: De nombreux dispositifs",
          " Voir [l'article](contrat/article-31.md) et [Planoise](quartiers/planoise.md#demografie).")
    result = _cli("validate", cwd=project)
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert re.search(r"contract/articles/article-1\.yml:8:\d+.*vise une page qui n'existe pas : pages proches : "
                     r"contrat/article-3\.md", out), out
    assert re.search(r"contract/articles/article-1\.yml:8:\d+.*l'ancre « #demografie » n'existe pas sur la page "
                     r"« quartiers/planoise\.md » ; ancres de cette page : #demographie", out), out


@pytest.mark.slow
def test_pdf_links_to_its_own_parts(project, tmp_path):
    """In the PDF, a link to an article is an internal link to that article; a page the PDF does not hold
    (the editorial notes) is its label as text; nothing is fetched (the fetcher refuses all remote URLs)."""
    from pypdf import PdfReader

    from cdv.pdf import render_print_html, write_pdf
    from cdv.provenance import provenance

    _edit(project, *EDITS[0])
    _edit(project, *EDITS[2])
    corpus = load_corpus(project)
    html = render_print_html(corpus, provenance(project))
    assert '<a href="#article-13">l' in html
    assert 'href="#planoise-demographie"' in html or 'href="#quartier-planoise"' in html
    assert "notes-editoriales" not in html and "notes éditoriales" in html
    assert 'id="article-13"' in html
    pdf = write_pdf(project, tmp_path / "contrat.pdf", corpus=corpus)
    internal = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None and "/URI" in action.get_object():
                uri = str(action.get_object()["/URI"])
                assert "notes-editoriales" not in uri and ".md" not in uri, uri
            elif annotation.get("/Dest") is not None or action is not None:
                internal.append(annotation)
    assert internal, "no internal link in the PDF"
