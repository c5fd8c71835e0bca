"""Acronyms explained to every reader: on each page, the first occurrence of each glossary term links to
its entry, and every occurrence carries its expansion in an <abbr title>.

Markdown's `abbr` extension explains the acronyms of Markdown text in a `title`, which only a mouse shows,
and never sees the HTML our blocks write (indicator cards, charts, tables). This pass runs on a page's
finished HTML instead, the only one to (the extension is given no glossary): it gives all of its text the
<abbr>, a term found however the HTML writes it ("R&amp;D" is "R&D"), and wraps the first <abbr> of each
term in a link to the glossary, so a keyboard reaches it with Tab (the CSS then shows the expansion in a
bar, as text) and a finger with a tap. Only the first: the Tab walk grows by one stop per acronym, not per
occurrence. A term is a whole word: "REP+" is not "REP", "ville-centre" is not "ville".
Nothing is linked inside a link, a heading, code, a script or a chart; the glossary's own page links
nothing. Expansions are escaped into the attribute: contributor text never becomes markup here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

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
    hrefs: dict[str, str | None] = {}  # each page linked once: the glossary's, for all its terms
    for term, target in links.items():
        path, _, anchor = target.partition("#")
        if path not in hrefs:
            hrefs[path] = href_of(path)
        href = hrefs[path]
        if href is not None:
            targets[term] = f"{href}#{anchor}"
    return _rewrite(page_html, _titles(tuple(expansions.items())), targets, _terms_pattern(tuple(expansions)))


@lru_cache(maxsize=8)
def _titles(expansions: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each term's expansion as its <abbr>'s title, made once for a build's pages. Escaped as Markdown's
    `abbr` escapes it (an apostrophe stays one), except that every "&" is text: an expansion is plain text."""
    return {
        term: expansion.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        for term, expansion in expansions
    }


# How HTML may write the characters of a term that have a reference: Markdown writes "&" as "&amp;", our
# templates write an apostrophe as "&#39;". A term is found however its page's HTML writes it.
_WRITTEN = {
    "&": r"&(?:amp;|#0*38;|#[xX]0*26;)",
    "<": r"&(?:lt;|#0*60;|#[xX]0*3[cC];)",
    ">": r"&(?:gt;|#0*62;|#[xX]0*3[eE];)",
    '"': r'(?:"|&(?:quot;|#0*34;|#[xX]0*22;))',
    "'": r"(?:'|&(?:apos;|#0*39;|#[xX]0*27;))",
}


def _written(character: str) -> str:
    return _WRITTEN.get(character) or re.escape(character)


@lru_cache(maxsize=8)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern:
    """Any of the terms, longest first, as a whole word, as HTML writes it: made once for a build's pages,
    not once a page. Written as a tree of their common beginnings ("Q(?:PV|…)"), after a look at the first
    character: re tries a list of 150 terms one by one at every character of a page, three times slower."""
    tree: dict = {}
    for term in terms:
        node = tree
        for character in term:
            node = node.setdefault(character, {})
        node[""] = {}  # a term ends here
    # The characters a term may start with in HTML: its first, or the "&" of a reference to it.
    first = {term[0] for term in terms if term[0] not in "&<>"} | {"&" for term in terms if term[0] in _WRITTEN}
    return re.compile(
        "(?=[" + re.escape("".join(sorted(first))) + r"])(?<![\w-])" + _tree_pattern(tree) + r"(?![\w+-])"
    )


def _tree_pattern(node: dict) -> str:
    """The regex of a tree of characters: its branches, each tried longest first (greedy), as a list of
    the terms longest first would."""
    branches = [_written(character) + _tree_pattern(child) for character, child in sorted(node.items()) if character]
    if not branches:
        return ""
    ends_here = "" in node
    if len(branches) == 1 and not ends_here:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")


# The page's HTML as Markdown and our templates write it: tags (attribute values quoted, or bare without
# space or ">"), comments, declarations, and text in which every "&" starts a reference. A scanner of
# these is faster than html.parser, which this pass used to run on every page (a fifth of a national
# corpus's build).
_MARKUP = re.compile(
    r"""<!--.*?-->|<![^>]*>|<\?[^>]*>"""
    r"""|<(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.S,
)
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z][-.a-zA-Z0-9]*;?)")
_RAW_TEXT = frozenset({"script", "style"})  # their content is no text of the page, up to their end tag
_COUNTED = _NO_LINK | _NOT_PROSE | {"abbr"}  # the tags whose opening changes what a text may become


def _rewrite(source: str, titles: dict[str, str], targets: dict[str, str], pattern: re.Pattern) -> str:
    out: list[str] = []
    pos = 0  # what of the source is in `out`
    open_tags: list[str] = []
    # How many of the open tags are in each set: the text's context in constant time, not a walk up the
    # stack for every piece of text.
    inside = {"abbr": 0, "no_link": 0, "not_prose": 0}
    seen: set[str] = set()
    abbr: tuple[int, list[str]] | None = None  # an <abbr> being read: its start and its text so far

    def count(name: str, step: int) -> None:
        if name == "abbr":
            inside["abbr"] += step
        if name in _NO_LINK:
            inside["no_link"] += step
        if name in _NOT_PROSE:
            inside["not_prose"] += step

    def text(start: int, end: int) -> None:
        nonlocal pos
        if abbr is not None:
            abbr[1].append(source[start:end])
            return
        if inside["abbr"] or inside["not_prose"] or pattern.search(source, start, end) is None:
            return
        linkable = not inside["no_link"]
        # A term never starts or ends inside a reference ("nbsp" is no term of "&nbsp;").
        references = [m.span() for m in _REFERENCE.finditer(source, start, end)] if "&" in source[start:end] else ()
        for match in pattern.finditer(source, start, end):
            written = match.group()
            if any(a < match.start() < b or a < match.end() < b for a, b in references):
                continue
            term = html.unescape(written) if "&" in written else written
            shown = f'<abbr title="{titles[term]}">{written}</abbr>'
            if linkable and term in targets and term not in seen:
                seen.add(term)
                shown = f'<a class="{CLASS}" href="{html.escape(targets[term])}">{shown}</a>'
            out.append(source[pos : match.start()] + shown)
            pos = match.end()

    cursor = 0
    for tag in _MARKUP.finditer(source):
        start = tag.start()
        if start < cursor:
            continue  # inside a script or a style, skipped below
        if start > cursor:
            text(cursor, start)
        cursor = tag.end()
        slash, name, attributes = tag.groups()
        if name is None:
            continue  # a comment, a declaration, a processing instruction
        name = name.lower()
        closing, self_closing = slash == "/", attributes.rstrip().endswith("/")
        if not closing:
            if name == "abbr" and not (inside["no_link"] or inside["not_prose"]):
                abbr = (tag.start(), [])
            if name not in _VOID:
                open_tags.append(name)
                if name in _COUNTED:
                    count(name, 1)
            if name in _RAW_TEXT and not self_closing:
                end = re.compile(rf"</{name}\s*>", re.I).search(source, cursor)
                cursor = end.start() if end else len(source)
                continue
        if closing or self_closing:
            if name == "abbr" and abbr is not None:
                start, parts = abbr
                abbr = None
                term = html.unescape("".join(parts))
                if term in targets and term not in seen:
                    seen.add(term)
                    out.append(source[pos:start] + f'<a class="{CLASS}" href="{html.escape(targets[term])}">')
                    out.append(source[start : tag.end()] + "</a>")
                    pos = tag.end()
            if name in open_tags:
                while open_tags:
                    popped = open_tags.pop()
                    if popped in _COUNTED:
                        count(popped, -1)
                    if popped == name:
                        break
    if cursor < len(source):
        text(cursor, len(source))
    out.append(source[pos:])
    return "".join(out)
