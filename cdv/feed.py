"""An RSS 2.0 feed of the contract's versions and amendments, from git history.

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
from .text import fr_date, title_html
from .versions import history


def _when(state) -> datetime:
    """A signed version is dated by its signature, a draft by its commit."""
    if state.status == "signed" and state.signature_date:
        return datetime.fromisoformat(state.signature_date + "T12:00:00+00:00")
    return datetime.fromisoformat(state.date)


def _text(value) -> str:
    return escape(str(title_html(value)))


def feed_xml(root: Path, site_url: str, corpus: Corpus) -> str:
    """The feed of the versions in `root`'s git history (none outside a checkout), newest first."""
    contract = corpus.contract
    items = []
    signed_versions: list[str] = []
    for state in history(root):
        if state.status == "signed":
            first = not signed_versions
            if state.version not in signed_versions:
                signed_versions.append(state.version)
            kind = COVER_STATUS["signed"] if first else f"Avenant n° {len(signed_versions) - 1}"
            when = f" le {fr_date(state.signature_date)}" if state.signature_date else ""
            title = f"{kind} : version {state.version}, signée{when}"
        else:
            title = f"Projet de version {state.version}"
        items.append((title, state))
    link = site_url.rstrip("/") + "/" if site_url else ""
    entries = "".join(
        f"<item><title>{_text(title)}</title><link>{escape(link + quote(state.version) + '/')}</link>"
        f'<guid isPermaLink="false">{escape(state.commit)}</guid>'
        f"<pubDate>{format_datetime(_when(state))}</pubDate></item>"
        for title, state in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{_text(contract['title'] + ' : versions et avenants')}</title>"
        f"<link>{escape(link)}</link><language>fr</language>"
        f"<description>{_text(contract['subtitle'])}</description>{entries}</channel></rss>\n"
    )
