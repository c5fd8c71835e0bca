"""The glossary a reader can use: every acronym of the site explained or said unexplained, an A–Z index
whose letters lead to their sections, and each acronym's first occurrence on a page a link to its entry."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from acronyms import PART, WORD, Acronyms
from cdv.abbrlinks import link_acronyms
from cdv.glossary import DIGITS, by_letter, entries, letter_of
from sitetext import prose_text

from conftest import ROOT

NOTES = "notes-editoriales"
UNDEFINED_SECTION = "sigles-sans-definition"


def _places() -> set[str]:
    """The words, in their usual spelling, of the neighbourhoods and signatories the sources name (Orchamps,
    Néolia): written in capitals they are names, not acronyms. Words the sources spell in capitals (the GBM
    of « Loge.GBM ») are not taken: they stay acronyms."""
    import yaml

    names = [yaml.safe_load(f.read_text(encoding="utf-8"))["name"] for f in (ROOT / "neighbourhoods").glob("*.yml")]
    signatories = yaml.safe_load((ROOT / "contract" / "signatories.yml").read_text(encoding="utf-8"))
    names += [s["organisation"] for s in signatories["signatories"]]
    return {w for name in names for w in re.findall(r"[^\W\d_]+", name) if not w.isupper()}


# --- the rule that tells an acronym ------------------------------------------------------------------

@pytest.mark.parametrize("text, acronyms", [
    ("Le RPL 2019, la DEPP et l'UPE2A, la C2S et le FSE+", {"RPL", "DEPP", "UPE2A", "C2S", "FSE+"}),
    ("l'axe II et l'axe III du socle, partie XIV", set()),  # roman numerals
    ("le quartier QN02501M", set()),  # a code
    ("Le Préfet du Doubs, Rémi BASTILLE ; la Directrice, RAPPY Marie", set()),  # names
    ("« SPORT – Sésame » et le sport ; SOS MEDECINS, douze médecins", {"SOS"}),  # words in capitals
    ("Projet de quartier ORCHAMPS-PALENTE", set()),  # a place of the sources in capitals
    ("la CMU-C et le PDF/UA", {"CMU-C", "PDF/UA"}),
    ("voir contrat.json et docs-dev/DEVELOPING.md", set()),  # file names
    ("Grand Besançon Métropole (GBM) ; Loge.GBM", {"GBM"}),
])
def test_the_rule_finds_acronyms_and_leaves_out_what_is_not_one(text, acronyms):
    assert set(Acronyms({"page": text}, {"Orchamps", "Palente"}).found()) == acronyms


# --- every acronym of the built site is covered ----------------------------------------------------

def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def glossary_terms(site: Path) -> dict[str, str]:
    """The entries of the built glossary page: term as shown -> its anchor."""
    page = _page(site, "glossaire")
    return {prose_text(body): ident for ident, body in
            re.findall(r'<h3 id="([^"]+)"[^>]*>(.*?)<a class="headerlink"', page, re.S)}


def undefined_acronyms(site: Path) -> set[str]:
    """The acronyms the editorial notes list as « sans définition connue »: the bold words that open the
    items of that section."""
    page = _page(site, NOTES)
    match = re.search(rf'id="{UNDEFINED_SECTION}".*?</h\d>(.*?)(?:<h\d|</article>)', page, re.S)
    assert match, f"la page {NOTES} doit avoir une section #{UNDEFINED_SECTION}"
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    return {prose_text(b) for item in items for b in re.findall(r"<strong>(.*?)</strong>", item.split(" : ")[0])}


def site_texts(site: Path) -> dict[str, str]:
    return {p.parent.relative_to(site).as_posix(): prose_text(p.read_text(encoding="utf-8"))
            for p in sorted(site.rglob("*.html"))}


def test_every_acronym_of_the_site_is_in_the_glossary_or_listed_without_definition(built_site):
    defined = {w.casefold() for term in glossary_terms(built_site) for w in [term, *WORD.findall(term)]}
    undefined = undefined_acronyms(built_site)
    assert len(defined) > 50 and undefined
    found = Acronyms(site_texts(built_site), _places()).found()
    assert {"RPL", "GBM", "DEPP", "UPE2A", "ULIS", "SEGPA"} <= set(found)

    def covered(word: str) -> bool:
        return word.casefold() in defined or word in undefined

    missing = sorted(f"{word} ({', '.join(sorted(pages)[:3])})" for word, (parts, pages) in found.items()
                     if not covered(word) and not all(covered(p) for p in parts))
    assert not missing, ("sigles ni dans le glossaire (contract/glossary.yml) ni listés « sans définition "
                         "connue » dans docs/notes-editoriales.md : " + " ; ".join(missing))
    # The list says what is true: nothing both defined and undefined, nothing no page shows any more.
    assert not {w for w in undefined if w.casefold() in defined}
    seen = {p for word, (parts, _) in found.items() for p in [word, *parts]}
    assert undefined <= seen, f"listés sans définition mais absents du site : {sorted(undefined - seen)}"


# --- the A–Z index ------------------------------------------------------------------------------------

def test_terms_are_filed_under_their_letter_accents_and_digits_aside():
    assert [letter_of(t) for t in ("Établissement", "aller vers", "3e prépa-pro", "Œuvre")] == ["E", "A", DIGITS, "O"]
    letters = by_letter(entries([{"id": "a", "term": "Afev"}, {"id": "z", "term": "3e"}]))
    assert [x.letter for x in letters][:2] == [DIGITS, "A"] and len(letters) == 27
    # The contract's own terms under A; B holds none (the site's words, `site`, are filed too).
    assert [t["term"] for t in letters[1].terms if not t.get("site")] == ["Afev"]
    assert [t for t in letters[2].terms if not t.get("site")] == []
    # The site's words come after the contract's own: a contract defining PDF keeps its entry.
    own = entries([{"id": "pdf", "term": "PDF", "expansion": "Notre PDF"}])
    assert [t["id"] for t in own if t["term"] == "PDF"] == ["pdf"]


def test_the_az_index_links_each_letter_with_terms_to_its_section(built_site):
    page = _page(built_site, "glossaire")
    index = re.search(r'<nav class="cdv-az"[^>]*>(.*?)</nav>', page, re.S)
    assert index, "le glossaire commence par un index A–Z"
    items = re.findall(r"<li>(.*?)</li>", index.group(1), re.S)
    letters = [prose_text(i) for i in items]
    assert letters[-26:] == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    terms = glossary_terms(built_site)
    for item, letter in zip(items, letters):
        link = re.search(r'<a href="#([^"]+)"', item)
        filed = [t for t in terms if letter_of(t) == letter]
        assert bool(link) == bool(filed), f"{letter} : un lien si et seulement si un terme commence par {letter}"
        if link:
            assert link.group(1) in ids
            # The section of the letter holds its terms, and only them.
            section = re.search(rf'id="{link.group(1)}".*?</h2>(.*?)(?:<h2|</article>)', page, re.S).group(1)
            assert sorted(re.findall(r'<h3 id="([^"]+)"', section)) == sorted(terms[t] for t in filed)
    assert index.start() < page.index('id="lettre-a"')  # at the top, before the entries


# --- each acronym's first occurrence links to its entry --------------------------------------------

LINKS = {"QPV": "glossaire.md#qpv", "GBM": "glossaire.md#gbm"}
EXPANSIONS = {"QPV": "Quartier prioritaire", "GBM": 'Grand "Besançon" <b>Métropole</b>'}


def test_first_occurrence_links_the_others_explain_and_contributor_text_stays_text():
    page = ('<h2 id="x">Les QPV</h2><p>Un <abbr title="Quartier prioritaire">QPV</abbr>, un QPV.</p>'
            '<div class="cdv-card"><a href="y">GBM</a> <code>GBM</code> <span>GBM 10 %</span></div>')
    out = link_acronyms(page, EXPANSIONS, LINKS, lambda path: "../glossaire/")
    assert out.count('class="cdv-abbr"') == 2
    assert '<a class="cdv-abbr" href="../glossaire/#qpv"><abbr title="Quartier prioritaire">QPV</abbr></a>, ' in out
    assert "<h2 id=\"x\">Les <abbr" in out and '<h2 id="x">Les <a class' not in out  # no link in a heading
    assert '<a href="y"><abbr' in out and "<code>GBM</code>" in out  # explained, not linked, in a link
    assert ('<a class="cdv-abbr" href="../glossaire/#gbm"><abbr title="Grand &quot;Besançon&quot; '
            '&lt;b&gt;Métropole&lt;/b&gt;">GBM</abbr></a> 10 %') in out
    assert "<b>" not in out
    # The glossary itself links nothing to itself.
    assert 'class="cdv-abbr"' not in link_acronyms(page, EXPANSIONS, LINKS, lambda path: None)


def test_acronyms_are_found_in_text_only_never_in_markup_comments_scripts_or_attributes():
    page = ('<p title="GBM &gt; QPV" data-x=\'a > QPV\'>QPV&nbsp;QPV</p><!-- <p>GBM</p> -->'
            '<script>var s = "<p>GBM QPV</p>";</script><style>p::after { content: "GBM" }</style>'
            '<svg><text>GBM</text></svg><p>x&amp;GBM</p>')
    out = link_acronyms(page, EXPANSIONS, LINKS, lambda path: "../glossaire/")
    assert out.startswith('<p title="GBM &gt; QPV" data-x=\'a > QPV\'><a class="cdv-abbr" href="../glossaire/#qpv">'
                          '<abbr title="Quartier prioritaire">QPV</abbr></a>&nbsp;<abbr title="Quartier prioritaire">'
                          'QPV</abbr></p>')
    assert '<!-- <p>GBM</p> --><script>var s = "<p>GBM QPV</p>";</script>' in out  # comments and scripts as written
    assert '<style>p::after { content: "GBM" }</style><svg><text>GBM</text></svg>' in out
    # A term after a reference is a term; the first GBM of the text is linked.
    assert out.endswith('<p>x&amp;<a class="cdv-abbr" href="../glossaire/#gbm"><abbr title="Grand &quot;Besançon&quot; '
                        '&lt;b&gt;Métropole&lt;/b&gt;">GBM</abbr></a></p>')


def test_every_acronym_link_of_the_site_reaches_its_entry_once_per_page(built_site):
    ids = set(re.findall(r'\bid="([^"]+)"', _page(built_site, "glossaire")))
    linked_pages = 0
    for path in sorted(built_site.rglob("index.html")):
        links = re.findall(r'<a class="cdv-abbr" href="([^"]+)"><abbr title="[^"]*">([^<]+)</abbr></a>',
                           path.read_text(encoding="utf-8"))
        terms = [term for _, term in links]
        assert len(terms) == len(set(terms)), f"{path}: un seul lien par sigle et par page"
        for href, _ in links:
            target, _, anchor = href.partition("#")
            where = posixpath.normpath(posixpath.join(path.parent.relative_to(built_site).as_posix(), target))
            assert where == "glossaire" and anchor in ids, (path, href)
        linked_pages += bool(links)
    assert linked_pages > 50
    planoise = _page(built_site, "quartiers/planoise")
    for term in ("GBM", "DEPP", "QPV"):  # in Markdown text and in the cards' HTML alike
        assert re.search(rf'class="cdv-abbr"[^>]*><abbr[^>]*>{term}<', planoise)
