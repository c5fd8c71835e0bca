"""An RSS 2.0 feed of the contract's versions and amendments: the published versions (cdv.versions: v<year>
tags, mike's versions), each signed one after the first dated by its avenant's signature (the amendment
records), and the version the sources hold when it is not published yet (a draft in preparation).

Feed readers read <title> and <description> as HTML once the XML is decoded: each text is first made
HTML by the one escaping boundary (cdv.text.title_html), then escaped again for XML, so that a title such
as "<img src=x onerror=…>" is shown, never run."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from .corpus import Corpus
from .labels import COVER_STATUS
from .provenance import git_read, head_commit
from .text import figures, fr_date, title_html
from .versions import VersionState, published_versions


def _when(state: VersionState, signed_on: str | None) -> datetime:
    """A signed version is dated by its signature (the contract's, or its avenant's), a draft by its commit."""
    if state.status == "signed" and signed_on:
        return datetime.fromisoformat(signed_on + "T12:00:00+00:00")
    return datetime.fromisoformat(state.date)


def _text(value) -> str:
    return escape(str(title_html(value)))


def feed_xml(root: Path, site_url: str, corpus: Corpus, amendment_pdf: tuple[str, int] | None = None) -> str:
    """The feed of the published versions and of the sources' own version if unpublished (none outside a
    checkout), newest first. amendment_pdf: the avenant PDF the site of this version ships (its path in the
    site, its size), the enclosure of this version's entry."""
    with figures(corpus.figures):  # the title and subtitle may cite a figure (cdv.text)
        return _feed_xml(root, site_url, corpus, amendment_pdf)


def _feed_xml(root: Path, site_url: str, corpus: Corpus, amendment_pdf: tuple[str, int] | None) -> str:
    contract = corpus.contract
    items = []
    states = published_versions(root)
    head = head_commit(root)
    if head and contract["version"] not in {s.version for s in states}:
        date = git_read(root, "log", "-1", "--format=%cI", head).strip()  # a draft is dated by its commit
        states.append(VersionState(contract["version"], contract["status"], head, date, None))
    signed_versions: list[str] = []
    for state in states:
        signed_on = state.signature_date
        if state.status == "signed":
            first = not signed_versions
            signed_versions.append(state.version)
            amendment = None if first else corpus.amendment_for(state.version)
            if amendment is not None:
                signed_on = (amendment.get("signature") or {}).get("date")
            number = amendment["number"] if amendment is not None else len(signed_versions) - 1
            kind = COVER_STATUS["signed"] if first else f"Avenant n° {number}"
            when = f" le {fr_date(signed_on)}" if signed_on else ""
            title = f"{kind} : version {state.version}, signée{when}"
        else:
            title = f"Projet de version {state.version}"
        items.append((title, state, signed_on))
    link = site_url.rstrip("/") + "/" if site_url else ""

    def enclosure(state: VersionState) -> str:
        if amendment_pdf is None or state.version != contract["version"]:
            return ""
        path, size = amendment_pdf
        url = escape(link + quote(state.version) + "/" + quote(path), {'"': "&quot;"})
        return f'<enclosure url="{url}" length="{size}" type="application/pdf"/>'

    entries = "".join(
        f"<item><title>{_text(title)}</title><link>{escape(link + quote(state.version) + '/')}</link>"
        f'<guid isPermaLink="false">{escape(state.commit)}</guid>'
        f"<pubDate>{format_datetime(_when(state, signed_on))}</pubDate>{enclosure(state)}</item>"
        for title, state, signed_on in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{_text(contract['title'] + ' : versions et avenants')}</title>"
        f"<link>{escape(link)}</link><language>fr</language>"
        f"<description>{_text(contract['subtitle'])}</description>{entries}</channel></rss>\n"
    )
