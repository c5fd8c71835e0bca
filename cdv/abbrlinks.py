"""Acronyms explained to every reader: on each page, the first occurrence of each glossary term links to
its entry, and every occurrence carries its expansion in an <abbr title>.

Markdown's `abbr` extension explains the acronyms of Markdown text in a `title`, which only a mouse shows,
and never sees the HTML our blocks write (indicator cards, charts, tables). This pass runs on a page's
finished HTML: it gives the HTML's text the same <abbr>, and wraps the first <abbr> of each term in a link
to the glossary, so a keyboard reaches it with Tab (the CSS then shows the expansion in a bar, as text) and
a finger with a tap. Only the first: the Tab walk grows by one stop per acronym, not per occurrence.
Nothing is linked inside a link, a heading, code, a script or a chart; the glossary's own page links
nothing. Expansions are escaped into the attribute: contributor text never becomes markup here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

CLASS = "cdv-abbr"
# Where no link may go (links, headings: their text is the TOC's and the permalink's) and where no text
# is a reader's (code, scripts, charts drawn in SVG, form fields).
_NO_LINK = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6"})
_NOT_PROSE = frozenset({"code", "pre", "script", "style", "svg", "textarea", "title", "button", "select", "option"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def link_acronyms(
    page_html: str, expansions: dict[str, str], links: dict[str, str], href_of: Callable[[str], str | None]
) -> str:
    """The page with its acronyms explained. expansions: term -> expansion (plain text); links: term -> its
    entry as a docs path and anchor ("glossaire.md#qpv"); href_of(docs path) -> the href of that page from
    this one, None for this page itself (the glossary links nothing to itself)."""
    if not expansions:
        return page_html
    targets = {}
    for term, target in links.items():
        path, _, anchor = target.partition("#")
        href = href_of(path)
        if href is not None:
            targets[term] = f"{href}#{anchor}"
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in sorted(expansions, key=len, reverse=True)) + r")(?![\w+-])"
    )
    rewriter = _Rewriter(page_html, expansions, targets, pattern)
    rewriter.feed(page_html)
    rewriter.close()
    return rewriter.result()


class _Rewriter(HTMLParser):
    def __init__(self, source: str, expansions: dict[str, str], targets: dict[str, str], pattern: re.Pattern):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.lines = [0]
        for match in re.finditer("\n", source):
            self.lines.append(match.end())
        self.expansions, self.targets, self.pattern = expansions, targets, pattern
        self.open: list[str] = []
        self.seen: set[str] = set()
        self.edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the source
        self.abbr: tuple[int, str] | None = None  # an <abbr> being read: its start and its text so far

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def _inside(self, tags: frozenset[str]) -> bool:
        return any(tag in tags for tag in self.open)

    def handle_starttag(self, tag, attrs):
        if tag == "abbr" and not self._inside(_NO_LINK | _NOT_PROSE):
            self.abbr = (self._offset(), "")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag == "abbr" and self.abbr is not None:
            start, term = self.abbr
            self.abbr = None
            end = self._offset() + len("</abbr>")
            if term in self.targets and term not in self.seen:
                self.seen.add(term)
                self.edits.append((start, start, f'<a class="{CLASS}" href="{html.escape(self.targets[term])}">'))
                self.edits.append((end, end, "</a>"))
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self.abbr is not None:
            self.abbr = (self.abbr[0], self.abbr[1] + data)
            return
        if "abbr" in self.open or self._inside(_NOT_PROSE):
            return
        start = self._offset()
        linkable = not self._inside(_NO_LINK)
        out, pos = [], 0
        for match in self.pattern.finditer(data):
            term = match.group()
            title = html.escape(self.expansions[term], quote=True)
            abbr = f'<abbr title="{title}">{term}</abbr>'
            if linkable and term in self.targets and term not in self.seen:
                self.seen.add(term)
                abbr = f'<a class="{CLASS}" href="{html.escape(self.targets[term])}">{abbr}</a>'
            out.append(data[pos : match.start()] + abbr)
            pos = match.end()
        if out:
            self.edits.append((start, start + len(data), "".join(out) + data[pos:]))

    def result(self) -> str:
        out, pos = [], 0
        for start, end, text in sorted(self.edits, key=lambda e: (e[0], e[1])):
            out.append(self.source[pos:start] + text)
            pos = end
        return "".join(out) + self.source[pos:]
