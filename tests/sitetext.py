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


# --- the text a reader sees, code apart -------------------------------------------------------------
#
# A real HTML parser, not a regex: the markup tests look for Markdown syntax left as text, and a regex over
# tags would cut text at a ">" inside an attribute. What <code> and <pre> hold is shown on purpose (the
# editors' guide quotes YAML and Markdown) and is left out; so are scripts, styles and templates.

from html.parser import HTMLParser  # noqa: E402

_NOT_TEXT = frozenset({"script", "style", "code", "pre", "template", "svg"})
# Elements that flow inside a line: any other tag starts or ends a box, which a reader sees apart (two table
# cells « GBM » and « 10,1 % » are not « GBM10,1 % »).
_INLINE = frozenset({"a", "abbr", "b", "bdi", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
                     "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})


class _TextReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.hidden = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _INLINE:
            self.chunks.append(" ")
        if tag in _VOID:
            return
        self.open.append(tag)
        self.hidden += tag in _NOT_TEXT

    def handle_endtag(self, tag):
        if tag not in _INLINE:
            self.chunks.append(" ")
        if tag in _VOID or tag not in self.open:
            return
        while self.open:
            closed = self.open.pop()
            self.hidden -= closed in _NOT_TEXT
            if closed == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.chunks.append(data)


def prose_text(markup: str) -> str:
    """The visible text of a page without its code (<code>, <pre>), scripts and styles, spaces folded.
    Unlike visible_text, nothing is removed from the words: "**" stays "**"."""
    reader = _TextReader()
    reader.feed(markup)
    reader.close()
    return " ".join("".join(reader.chunks).replace("\u00a0", " ").split())
