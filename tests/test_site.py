"""The built site, on the real content: generated pages, navigation, edit links, escaping, strictness."""
from __future__ import annotations

import json
import re

import pytest

from cdv.build import BuildFailed, build_site
from cdv.corpus import priorities, priority_count
from cdv.text import plain_text

from conftest import ROOT
from sitetext import normalise, page_text, visible_text

pytestmark = pytest.mark.slow  # Builds the site, or reads the built one.


def test_planoise_page_lists_every_priority_and_its_computed_count(built_site, corpus):
    planoise = corpus.neighbourhood("planoise")
    text = page_text(built_site, "quartiers/planoise")
    for p in priorities(planoise):
        assert normalise(plain_text(p["text"])) in text
    assert f"{priority_count(planoise)} priorités pour l'écoquartier de Planoise" in text
    assert priority_count(planoise) == 12


def test_site_lists_the_22_signatories_with_their_signing_persons(built_site, corpus):
    text = page_text(built_site, "signataires")
    assert len(corpus.signatories) == 22
    assert "signé par 22 signataires" in text
    for s in corpus.signatories:
        assert normalise(s["organisation"]) in text
        for signer in s["signature"]["signers"]:
            assert normalise(signer["name"]) in text
            for line in signer["title"]:
                assert normalise(line) in text


def test_navigation_follows_the_contract(built_site, corpus):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    nav = [label for label in ("Accueil", "Le contrat", "Les quartiers", "Le socle commun",
                               "Les signataires et leurs engagements") if label in home]
    assert nav == ["Accueil", "Le contrat", "Les quartiers", "Le socle commun", "Les signataires et leurs engagements"]
    neighbourhoods = (built_site / "quartiers" / "index.html").read_text(encoding="utf-8")
    assert neighbourhoods.index("Quartiers prioritaires") < neighbourhoods.index("Quartiers fragiles")
    # navigation.prune: a page outside "Les quartiers" does not carry a link to every neighbourhood.
    about = (built_site / "accessibilite" / "index.html").read_text(encoding="utf-8")
    assert "quartiers/" in about and "quartiers/planoise/" not in about
    for article in corpus.articles:
        assert (built_site / "contrat" / article["id"] / "index.html").is_file()


def test_french_everywhere(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in home
    search = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert search["config"]["lang"] == ["fr"]
    planoise = (built_site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    assert "15\u00a0378" in planoise and "13,2\u00a0%" in planoise
    assert "29 mars 2024" in page_text(built_site, "signataires")


def test_generated_pages_edit_their_yaml_source(built_site):
    planoise = (built_site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    article = (built_site / "contrat" / "article-5" / "index.html").read_text(encoding="utf-8")
    assert "/edit/main/neighbourhoods/planoise.yml" in planoise
    assert "/edit/main/contract/articles/article-5.yml" in article
    assert "/edit/main/docs/" not in planoise


def test_adding_a_neighbourhood_file_adds_its_page_and_navigation(project, tmp_path):
    (project / "neighbourhoods" / "les-orchidees.yml").write_text(
        "id: les-orchidees\nkind: fragile\nname: Les Orchidées\ncommune: Besançon\n", encoding="utf-8")
    site = build_site(project, tmp_path / "site", with_pdf=False)
    page = page_text(site, "quartiers/les-orchidees")
    assert "Les Orchidées" in page and "Quartier fragile" in page
    assert 'href="../les-orchidees/"' in (site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    assert "Les Orchidées" in page_text(site, "quartiers")


def test_contributor_text_is_printed_as_typed_never_evaluated(project, tmp_path):
    path = project / "neighbourhoods" / "planoise.yml"
    hostile = "Texte {{ 7*7 }} {% if true %}oui{% endif %} <script>alert(1)</script> <img src=x onerror=alert(1)>"
    text = path.read_text(encoding="utf-8").replace(
        "text: Lutter contre la **fracture numérique** et l'illectronisme", f'text: "{hostile}"')
    path.write_text(text, encoding="utf-8")
    site = build_site(project, tmp_path / "site", with_pdf=False)
    raw = (site / "quartiers" / "planoise" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw and "<img src=x" not in raw
    visible = page_text(site, "quartiers/planoise")
    assert normalise(hostile) in visible
    assert "Texte 49" not in visible


def test_an_undefined_macro_variable_fails_the_build(project, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / ".cdv-site").write_text("", encoding="utf-8")  # a site cdv made (cdv.safety.MARKER)
    (site / "marque.txt").write_text("ancien", encoding="utf-8")
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n{{ variable_inexistante }}\n")
    with pytest.raises(BuildFailed):
        build_site(project, site)
    assert sorted(p.name for p in site.iterdir()) == [".cdv-site", "marque.txt"]


def test_a_macro_error_fails_the_build(project, tmp_path):
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n{{ date_fr('pas une date') }}\n")
    with pytest.raises(BuildFailed):
        build_site(project, tmp_path / "site")


def test_a_broken_link_in_a_hand_written_page_fails_the_strict_build(project, tmp_path):
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n[lien cassé](nulle-part.md)\n")
    with pytest.raises(BuildFailed):
        build_site(project, tmp_path / "site")


def test_fragile_neighbourhood_quotes_the_contract(built_site, corpus):
    text = page_text(built_site, "quartiers/curie-pasteur")
    notice = corpus.block("article-9", "projets-quartiers-fragiles")["p"]
    assert normalise(notice) in text and "Novillars" in text


def test_printing_a_neighbourhood_page_gives_a_clean_document(built_site, corpus, tmp_path):
    """A maison de quartier prints its projet from the browser: content only, no navigation."""
    import subprocess

    pdf = tmp_path / "planoise.pdf"
    page = built_site / "quartiers" / "planoise" / "index.html"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profil'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    printed = normalise(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for p in priorities(corpus.neighbourhood("planoise")):
        assert normalise(plain_text(p["text"]))[:60] in printed
    for chrome in ("Télécharger le contrat (PDF", "Les signataires et leurs engagements", "Rechercher",
                   "Table des matières", "Quartiers fragiles"):
        assert chrome not in printed


def test_the_contribuer_page_is_the_editors_guide_itself(built_site):
    """One text in two places: the site's « Contribuer » page is CONTRIBUTING.md, every section of it, its
    links to the site's pages made relative and its links to repository files pointed at the repository;
    the examples in code are shown as written, never as links."""
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    html = (built_site / "contribuer" / "index.html").read_text(encoding="utf-8")
    text = page_text(built_site, "contribuer")
    headings = [line.lstrip("#").strip() for line in guide.splitlines() if line.startswith("## ")]
    assert len(headings) >= 6 and "L'actualisation de 2027 : de la branche à l'avenant signé et publié" in guide
    for heading in headings + ["L'actualisation de 2027 : de la branche à l'avenant signé et publié"]:
        assert normalise(heading.replace("`", "")) in text, heading
    assert "cdv amendment new 1" in text and "joined_by: 1" in text
    prose = visible_text(re.sub(r"<code>.*?</code>", " ", html, flags=re.S))
    assert "](" not in prose and "**" not in prose  # no link or emphasis left as markdown outside examples
    assert 'href="../notes-editoriales/"' in html
    assert "https://github.com/grand-besancon/contrat-de-ville/blob/main/docs-dev/DEVELOPING.md" in html
    assert "voir [l'article 13](contrat/article-13.md)" in html.replace("&#39;", "'")  # an example, as typed
