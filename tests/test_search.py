"""cdv.search: Material's index split into its settings (every page) and its documents (loaded when a
reader searches), repeated texts kept once, and the links of the « aucun résultat » hint."""
from __future__ import annotations

import json
import re

import pytest

from cdv.pages import PATHS, Page
from cdv.search import DOCUMENTS, INDEX, defer_index, help_links, shrink_index

CONFIG = {"lang": ["fr"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"], "fields": {}}
COMMON = "<p>Ces priorités s'inscrivent dans un socle commun à tous les quartiers.</p>"


def material_index(*docs):
    return {"config": CONFIG, "docs": [{"location": loc, "title": title, "text": text} for loc, title, text in docs]}


def test_a_repeated_text_is_kept_once_and_every_entry_keeps_its_title():
    index = material_index(
        ("quartiers/a/", "A", "<p>Quartier A</p>"),
        ("quartiers/a/#socle-commun", "Le socle commun", COMMON),
        ("quartiers/b/", "B", "<p>Quartier B</p>"),
        ("quartiers/b/#socle-commun", "Le socle commun", COMMON),
        ("quartiers/b/#vide", "Vide", ""),
    )
    shrunk = shrink_index(index)
    assert shrunk["config"] == CONFIG
    assert [(d["location"], d["title"]) for d in shrunk["docs"]] == [(d["location"], d["title"]) for d in index["docs"]]
    assert [d["text"] for d in shrunk["docs"]] == ["<p>Quartier A</p>", COMMON, "<p>Quartier B</p>", "", ""]
    assert index["docs"][3]["text"] == COMMON  # the input is not changed


def test_the_index_every_page_loads_holds_the_settings_and_the_documents_wait(tmp_path):
    index = material_index(("", "Accueil", "<p>Bienvenue é</p>"), ("a/", "A", COMMON), ("b/", "B", COMMON))
    raw = json.dumps(index, separators=(",", ":"))  # as Material writes it: ASCII, \u00e9
    (tmp_path / INDEX).write_text(raw, encoding="utf-8")
    sizes = defer_index(tmp_path)
    settings = json.loads((tmp_path / INDEX).read_text(encoding="utf-8"))
    documents = json.loads((tmp_path / DOCUMENTS).read_text(encoding="utf-8"))
    assert settings == {"config": CONFIG, "docs": []}
    assert documents == shrink_index(index)
    assert sizes.before == len(raw) and sizes.index == (tmp_path / INDEX).stat().st_size
    assert sizes.documents == (tmp_path / DOCUMENTS).stat().st_size < sizes.before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([INDEX, DOCUMENTS])  # no temporary file left
    assert (tmp_path / DOCUMENTS).stat().st_mode & 0o044 == 0o044  # served: readable by the web server


def test_no_index_no_change(tmp_path):
    assert defer_index(tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def page(kind: str) -> Page:
    return Page(path=PATHS[kind], title=kind, markdown="", source=None)


def test_the_hint_links_to_the_glossary_and_the_home_page_without_a_plan_du_site(monkeypatch):
    monkeypatch.delitem(PATHS, "site-map", raising=False)
    assert help_links([page("glossary"), page("data")]) == [
        {"label": "la page d'accueil", "url": ""},
        {"label": "le glossaire (les sigles)", "url": "glossaire/"},
    ]
    assert help_links([page("data")], directory_urls=False) == [{"label": "la page d'accueil", "url": ""}]


def test_the_hint_links_to_the_plan_du_site_when_the_site_has_one(monkeypatch):
    monkeypatch.setitem(PATHS, "site-map", "plan-du-site.md")
    assert help_links([page("glossary"), page("site-map")], directory_urls=False) == [
        {"label": "le plan du site", "url": "plan-du-site.html"},
        {"label": "le glossaire (les sigles)", "url": "glossaire.html"},
    ]


@pytest.mark.slow
def test_what_residents_search_is_still_in_the_documents(built_site):
    """Every neighbourhood, priority, signatory, device and glossary term of the real contract is in the
    documents the search loads, and the index every page loads is its settings only."""
    from cdv.corpus import load_corpus, priorities
    from cdv.text import plain_text

    from conftest import ROOT

    settings = (built_site / "search" / INDEX).read_bytes()
    # The settings (language, separator, fields) fit in a kilobyte; Material's whole index was 575 KB
    # (December 2026), half the first load of a page. The documents are loaded only when a reader searches.
    assert len(settings) < 1024 and json.loads(settings)["docs"] == []
    docs = json.loads((built_site / "search" / DOCUMENTS).read_text(encoding="utf-8"))["docs"]
    # Without the charts and the repeated texts, the documents are 470 KB of the 575 KB Material wrote; a
    # rise past 520 KB means a new repetition (a block printed on every page) to keep once.
    assert len((built_site / "search" / DOCUMENTS).read_bytes()) < 520_000
    found = " ".join(re.sub(r"<[^>]+>", " ", f"{d['title']} {d['text']}") for d in docs)
    words = lambda text: " ".join(re.sub(r"<[^>]+>|[*_]", " ", plain_text(text)).split())  # noqa: E731
    text = " ".join(found.split())
    corpus = load_corpus(ROOT)
    expected = [n["name"] for n in corpus.neighbourhoods]
    expected += [s["organisation"] for s in corpus.signatories]
    expected += [who["name"] for s in corpus.signatories for who in s.get("signature", {}).get("signers", [])]
    expected += [d["name"] for d in corpus.devices]
    expected += [entry["term"] for entry in corpus.glossary]
    expected += [p["text"] for n in corpus.neighbourhoods for p in priorities(n)]
    missing = [name for name in expected if words(name) not in text]
    assert missing == []
