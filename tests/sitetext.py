"""Reading built HTML as a citizen sees it: tags removed, entities decoded, spaces normalised."""
from __future__ import annotations

import html
import re
from pathlib import Path

_INLINE_TAG = re.compile(r"</?(strong|em|b|i|a|span|code|abbr|sup|sub)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SKIP = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


def visible_text(markup: str) -> str:
    text = _TAG.sub(" ", _INLINE_TAG.sub("", _SKIP.sub(" ", markup)))
    return normalise(html.unescape(text))


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    text = text.replace("\u2010", "-").replace("\u2011", "-")  # typographic hyphens, as pdftotext prints them
    text = text.replace("**", "")
    return " ".join(text.split())


def page_text(site: Path, url_path: str) -> str:
    return visible_text((site / url_path / "index.html").read_text(encoding="utf-8"))
