"""The site's search, beyond what Material does: the index loaded only when a reader searches, smaller,
and where the « aucun résultat » hint sends a reader.

Material's page script asks for search/search_index.json as every page opens (its bundle subscribes to
the index at once and offers no setting to wait for the search box), so the index was part of every
page's first load. After Material wrote it, `defer_index` leaves there only the index's settings (what
the page's highlighting reads) and moves the documents to search/search_docs.json, which cdv's search
worker (overrides/assets/javascripts/workers/cdv-search.js) loads at the first word typed and hands to
Material's worker. The documents are made smaller on the way without losing a word a reader searches
for: a text that several sections repeat word for word (the common base printed on every neighbourhood
page, a sentence every empty section says) is kept once, in the first of them; the other sections keep
their title and address, so they are still found by their title. The charts are left out where they
are drawn (cdv.charts: their figures are in the card beside them).

The worker also forgives a typo (see its header).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .pages import PATHS, Page, page_url

INDEX = "search_index.json"  # Material's, in the site's search/ folder: the settings only, after defer_index
DOCUMENTS = "search_docs.json"  # beside it: the documents, as Material's index holds them


def shrink_index(index: dict) -> dict:
    """Material's index (`config`, `docs`) with each repeated text kept once: the other entries repeating
    it keep their location and title, with an empty text. Nothing else changes."""
    seen: set[str] = set()
    docs = []
    for doc in index["docs"]:
        text = doc.get("text", "")
        if text and text in seen:
            doc = {**doc, "text": ""}
        seen.add(text)
        docs.append(doc)
    return {**index, "docs": docs}


@dataclass(frozen=True)
class Deferred:
    before: int  # bytes of Material's index, which every page loaded
    index: int  # bytes of search_index.json now, which every page loads
    documents: int  # bytes of search_docs.json, loaded when a reader searches


def defer_index(search_dir: Path) -> Deferred | None:
    """Splits Material's index in `search_dir` into its settings (search_index.json, which every page
    loads) and its documents, shrunk (search_docs.json, loaded by the search worker when a reader
    searches). None when there is no index (search disabled). Each file is replaced whole."""
    try:
        raw = (search_dir / INDEX).read_bytes()
    except FileNotFoundError:
        return None
    index = json.loads(raw)
    documents = _compact(shrink_index(index))
    settings = _compact({**index, "docs": []})
    _replace(search_dir / DOCUMENTS, documents)
    _replace(search_dir / INDEX, settings)
    return Deferred(len(raw), len(settings), len(documents))


def _compact(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _replace(path: Path, data: bytes) -> None:
    """Writes `path` whole or not at all: a reader never gets half a file. (Not through mkstemp, whose
    files only their owner may read: the site's files are served.)"""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# The pages the « aucun résultat » hint offers, in this order, when the site has them: the plan du site
# (every page by its title), the glossary (the acronyms a reader may have typed).
HELP_PAGES = ("site-map", "glossary")
HOME = {"label": "la page d'accueil", "url": ""}
HELP_LABELS = {"site-map": "le plan du site", "glossary": "le glossaire (les sigles)"}


def help_links(pages: tuple[Page, ...] | list[Page], directory_urls: bool = True) -> list[dict[str, str]]:
    """The links of the « aucun résultat » hint (label, URL from the site root): the plan du site and the
    glossary among the generated `pages`; the home page when there is no plan du site."""
    present = {page.path for page in pages}
    links = [
        {"label": HELP_LABELS[kind], "url": page_url(PATHS[kind], directory_urls)}
        for kind in HELP_PAGES
        if kind in PATHS and PATHS[kind] in present
    ]
    if "site-map" not in PATHS or PATHS["site-map"] not in present:
        links.insert(0, HOME)
    return links
