"""French formatting and safe rendering of contributor text.

Contributor text is data: every value reaches HTML through one function, `to_html` (see "the escaping
boundary" below). HTML and template syntax in it are printed as typed, and only the inline markdown the
contract uses (bold, italics, https and mailto links, links to the site's own pages) is rendered.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from urllib.parse import quote

from markupsafe import Markup

NBSP = "\u00a0"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
UNIT_SUFFIX = {"nombre": "", "pourcent": f"{NBSP}%", "euros": f"{NBSP}€"}


def fr_number(value) -> str:
    """15378 -> '15 378', 10.8 -> '10,8' (non-breaking spaces, decimals as written in the source)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    sign = "-" if value < 0 else ""
    value = abs(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return sign + f"{value:,}".replace(",", NBSP)
    written = repr(value)
    if "e" in written:  # 1e-05: Python's exponent form, never how a source writes a number
        written = format(Decimal(written), "f")
    whole, _, decimals = written.partition(".")
    return sign + f"{int(whole):,}".replace(",", NBSP) + ("," + decimals if decimals else "")


def cents(value) -> int:
    """An amount in euros as a whole number of cents: amounts are summed in cents, so that 0,10 € + 0,20 €
    is 0,30 €, not 0,30000000000000004 €."""
    return int((Decimal(repr(value)) * 100).to_integral_value(ROUND_HALF_EVEN))


def fr_amount(value) -> str:
    """An amount in euros as French typography writes money: '19 000 €', '19 000,50 €' (two decimals when
    it has cents), non-breaking spaces."""
    whole, part = divmod(abs(cents(value)), 100)
    sign = "-" if value < 0 else ""
    text = f"{whole:,}".replace(",", NBSP) + (f",{part:02d}" if part else "")
    return sign + text + NBSP + "€"


def unit_suffix(unit: str | Mapping[str, str]) -> str:
    """What follows a value: a keyword's suffix ("pourcent" -> " %"), or a declared unit's symbol
    ({symbol: ha, label: hectares} -> " ha"), after a non-breaking space."""
    return UNIT_SUFFIX[unit] if isinstance(unit, str) else NBSP + unit["symbol"]


def unit_label(unit: str | Mapping[str, str]) -> str | None:
    """The name of a declared unit ("hectares"); None for a keyword, which the outputs never named."""
    return None if isinstance(unit, str) else unit["label"]


def fr_value(value, unit: str | Mapping[str, str], explicit_sign: bool = False) -> str:
    """15378, "nombre" -> '15 378'; 12.5, {symbol: ha, …} -> '12,5 ha' (non-breaking spaces)."""
    sign = "+" + NBSP if explicit_sign and value > 0 else ""
    return sign + fr_number(value) + unit_suffix(unit)


MINUS = "\u2212"


def _signed(delta) -> str:
    """+2,1, −132, 0: a difference with its sign (a true minus sign), never "+0"."""
    sign = "+" if delta > 0 else MINUS if delta < 0 else ""
    return sign + fr_number(abs(delta))


def _points(delta) -> str:
    # French writes the singular below two: "1,5 point", "2 points".
    return NBSP + ("points" if abs(delta) >= 2 else "point")


def fr_change(delta, unit: str | Mapping[str, str]) -> str:
    """A difference in the indicator's unit, signed: 2.1, "pourcent" -> '+2,1 points' (a difference of
    shares is in points), -132, "nombre" -> '−132', 2.5, {symbol: ha, …} -> '+2,5 ha'."""
    return _signed(delta) + (_points(delta) if unit == "pourcent" else unit_suffix(unit))


def fr_date(iso: str) -> str:
    """'2024-03-29' -> '29 mars 2024' ('1er' for the first day of a month); a month ('2024-03' -> 'mars
    2024') or a year ('2024') as precise as the source gave it."""
    parts = [int(part) for part in iso.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    year, month, day = parts
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def plural(count: int, singular: str, plural_form: str) -> str:
    return singular if count <= 1 else plural_form


def sort_key(text: str) -> str:
    """Alphabetical order as a French reader expects it: accents and case ignored."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- the escaping boundary --------------------------------------------------------------------------
#
# Every value of the sources reaches HTML (generated markdown pages, navigation, page titles, search,
# "Ce qui change", the print HTML) through `to_html` and nothing else. Its output is HTML that is also
# inert as Markdown: each character Markdown or an extension could read as structure (emphasis, links,
# references, abbreviations, attribute lists, headings, tables, code, escapes, template braces) is written
# as a character reference, which Python-Markdown passes through and a browser shows as typed. The only
# markup that comes out is the explicit allowlist: **bold**, *italics* and [links](https://…) to https:
# and mailto: addresses or to the site's pages ([texte](contrat/article-13.md#ancre), made an href by the
# page_links resolver of the document being rendered, else the label as text), built here as <strong>,
# <em> and <a href> rather than left to Markdown.

ALLOWED_SCHEMES = ("https", "mailto")
# Characters that mean something to Markdown or its extensions anywhere in a line.
_MD_INERT = {
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "{": "&#123;",
    "}": "&#125;",
    "[": "&#91;",
    "]": "&#93;",
    "#": "&#35;",
    "|": "&#124;",
    "~": "&#126;",
    "$": "&#36;",
    "^": "&#94;",
}
_MD_INERT_RE = re.compile("[" + re.escape("".join(_MD_INERT)) + "]")
# What only means something at the start of a line: list markers, rules, setext underlines, ordered lists.
_LINE_START = re.compile(r"^(?:[-+=:]|\d+(?=[.)]))")
_LINK_TARGET_CHARS = r"[^\s()<>\"'`\\\[\]{}|^]"
# [label](target): no bracket in the label, no space, quote, bracket or backslash in the target.
_INLINE = re.compile(
    r"(?P<link>\[(?P<label>[^\[\]]*[^\[\]\s][^\[\]]*)\]\((?P<href>" + _LINK_TARGET_CHARS + r"+)\))"
    # The body's tail is lazy (`??`): « **1** sur **2** » is two bold numbers, never one bold « 1** sur **2 ».
    r"|(?P<strong>\*\*(?P<sbody>[^\s*](?:.*?[^\s])??)\*\*)"
    r"|(?P<em>(?<![*\w])\*(?P<ebody>[^\s*](?:.*?[^\s*])??)\*(?![*\w]))",
    re.S,
)


def allowed_link(target: str) -> bool:
    """An https address with a host, or a mailto address; nothing else (no http, no scheme-relative
    //host, no javascript:, data:, relative paths or anchors) is a link contributor text may make."""
    if not target or any(c.isspace() or not c.isprintable() or c in "\\\"'<>`" for c in target):
        return False
    match = re.match(r"(?i)(https)://([^/?#@]+@)?([^/?#:@]+)(:\d{1,5})?([/?#]|$)", target)
    if match:
        return bool(re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]", match.group(3))) and not match.group(2)
    return bool(re.fullmatch(r"(?i)mailto:[^@\s/]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(\?[^\s]*)?", target))


# A page of the site, as MkDocs writes links between pages: its path from the site root as a .md file, with
# an optional anchor (contrat/article-13.md, quartiers/planoise.md#indicateur-population). Every segment
# starts with a letter, digit or "_": no "..", no "/" at the start, no scheme, nothing to escape.
_PAGE_LINK = re.compile(
    r"(?P<path>(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.md)"
    r"(?:#(?P<anchor>[A-Za-z0-9_][A-Za-z0-9_.:-]*))?"
)
# How the text being rendered reaches the pages of the site: callable(path, anchor) -> href, or None where
# the text is shown out of any page (feed, "Ce qui change", titles): a link to a page is then its label.
_PAGE_LINKS: ContextVar = ContextVar("cdv_page_links", default=None)


def page_link(target: str) -> tuple[str, str | None] | None:
    """(page path, anchor or None) if `target` is a link to a page of the site, else None."""
    match = _PAGE_LINK.fullmatch(target or "")
    if match is None or ".." in match.group("path").split("/"):
        return None
    return match.group("path"), match.group("anchor")


@contextmanager
def page_links(resolver):
    """Render, inside this block, links to the site's pages with `resolver(path, anchor) -> href | None`
    (None: the label as text). The site gives the page being built, the PDF its own anchors."""
    token = _PAGE_LINKS.set(resolver)
    try:
        yield
    finally:
        _PAGE_LINKS.reset(token)


def page_href(path: str, anchor: str | None = None) -> str | None:
    """The href of a page of the site (path of docs/) from the document being rendered, as an HTML
    attribute value; None where the document holds no such page (the PDF, the feed)."""
    resolver = _PAGE_LINKS.get()
    href = resolver(path, anchor) if resolver else None
    return _href(href) if href else None


# --- figures: the amounts and figures a text cites by id ------------------------------------------
#
# An amount the contract prints in several places (the FPH's "800 €" in article 16, on the device's page,
# in the glossary) is written once, in contract/figures.yml: {id, label, value, unit, article?}, the unit
# being an indicator's ("nombre", "pourcent", "euros", or {symbol, label}). A text cites it as
# [[id]], e.g. "le montant maximum de l'aide est de [[fph-montant-max]]". Double square brackets hold
# no real text of the sources, and the form can never be markup or a template: "[[x]]" is no Markdown
# link, Jinja reads "{{ }}" not "[[ ]]", and the brackets are written as character references anyway.
# The reference is replaced here, at the boundary, by the figure's value as French formatting writes it
# (fr_value: "800 €" with a non-breaking space), itself escaped like any contributor text, so a hostile
# unit symbol is printed as typed. Plain-text forms (plain_text for titles and search, resolve_figures
# for cdv.flatten.shown_text and the glossary's tooltips) give the same words, and raise as HTML does
# when no figures are in force. The figures in force are
# those of the document being made (`figures(table)`, set by the site plan, the PDF, the open data and
# the comparison); a reference met outside any, or to an unknown id, is a bug: cdv.validate refuses an
# unknown reference, with its place and the closest id.
REFERENCE = re.compile(r"\[\[(?P<id>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\]\]")
# What an editor may have meant as a reference, well formed or not: cdv.validate names each that is not
# the id of a figure ("[[FPH montant]]", "[[fph-montant]]").
REFERENCE_LIKE = re.compile(r"\[\[(?P<id>[^\[\]\n]{0,80})\]\]")
_FIGURES: ContextVar = ContextVar("cdv_figures", default=None)


@contextmanager
def figures(table: Mapping[str, Mapping] | None):
    """Resolve, inside this block, [[id]] references with `table` (figure id -> its record)."""
    token = _FIGURES.set(table)
    try:
        yield
    finally:
        _FIGURES.reset(token)


def figure_value(figure: Mapping) -> str:
    """A figure as texts print it: 800, euros -> '800 €' (non-breaking space, French decimals)."""
    return fr_value(figure["value"], figure["unit"])


def _figure_value(ident: str) -> str:
    table = _FIGURES.get()
    if table is None or ident not in table:
        # Validation refuses an unknown reference; never print one raw.
        raise LookupError(f"reference [[{ident}]] resolved without its figure (no figures in force: {table is None})")
    return figure_value(table[ident])


def resolve_figures(text: str) -> str:
    """Plain text with its [[id]] references replaced by the figures' values (no escaping: plain text)."""
    if "[[" not in text:
        return text
    # Outside any document's figures a reference raises (_figure_value), as HTML does: a reference
    # kept as typed would reach a reader as "[[id]]" (a page title, a tooltip, a test's expected words).
    return REFERENCE.sub(lambda m: _figure_value(m.group("id")), text)


def resolve_figures_in(value):
    """A YAML tree with the [[figures]] of its texts replaced by their values (plain text, not escaped)."""
    if isinstance(value, str):
        return resolve_figures(value)
    if isinstance(value, list):
        return [resolve_figures_in(v) for v in value]
    if isinstance(value, dict):
        return {k: resolve_figures_in(v) for k, v in value.items()}
    return value


def _is_image(text: str, match: re.Match) -> bool:
    """![alt](src) is an image in Markdown: never a link nor an image here, shown as typed."""
    return match.start() > 0 and text[match.start() - 1] == "!"


def _inert(text: str, line_start: bool) -> str:
    """Text shown exactly as typed, in HTML and in Markdown alike; a [[figure]] as its value, escaped."""
    if "[[" not in text:
        return _inert_text(text, line_start)
    out: list[str] = []
    pos = 0
    for match in REFERENCE.finditer(text):
        if match.start() > pos:
            out.append(_inert_text(text[pos : match.start()], line_start and not out))
        out.append(_inert_text(_figure_value(match.group("id")), line_start and not out))
        pos = match.end()
    if pos < len(text) or not out:
        out.append(_inert_text(text[pos:], line_start and not out))
    return "".join(out)


def _inert_text(text: str, line_start: bool) -> str:
    out = html.escape(text, quote=False).replace('"', "&quot;")
    out = _MD_INERT_RE.sub(lambda m: _MD_INERT[m.group()], out)
    if line_start:
        match = _LINE_START.match(out)
        if match:
            end = match.end()
            if match.group()[0].isdigit():  # "1986. " must not open an ordered list: write the dot as a reference
                return out[:end] + f"&#{ord(out[end])};" + out[end + 1 :]
            return f"&#{ord(out[0])};" + out[1:]
    return out


def _href(target: str) -> str:
    """An allowed address as an attribute value: percent-encoded where Markdown or HTML could read it."""
    return html.escape(quote(target, safe="/:?#@!$&()*+,;=%~-._"), quote=True)


def _markup(text: str, line_start: bool, links: bool = True) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        match = _INLINE.search(text, pos)
        if match is None:
            break
        if match.group("link") and (
            not links
            or not (allowed_link(match.group("href")) or page_link(match.group("href")))
            or _is_image(text, match)
        ):
            # Not an allowed link: its "[" is text, and what follows is read again (it may hold emphasis).
            out.append(_inert(text[pos : match.start() + 1], line_start and not out))
            pos = match.start() + 1
            continue
        if match.start() > pos:
            out.append(_inert(text[pos : match.start()], line_start and not out))
        if match.group("link"):
            label = _markup(match.group("label"), False, links=False)
            href = match.group("href")
            internal = page_link(href)
            if internal:
                resolver = _PAGE_LINKS.get()
                href = resolver(*internal) if resolver else None
            if href:
                out.append(f'<a href="{_href(href)}">{label}</a>')
            else:  # a page this document does not hold: its words, never a dead link
                out.append(_markup(match.group("label"), line_start and not out, links=False))
        elif match.group("strong"):
            out.append(f"<strong>{_markup(match.group('sbody'), False, links)}</strong>")
        else:
            out.append(f"<em>{_markup(match.group('ebody'), False, links)}</em>")
        pos = match.end()
    if pos < len(text):
        out.append(_inert(text[pos:], line_start and not out))
    return "".join(out)


def to_html(value, markup: bool = True, line_start: bool = True) -> Markup:
    """THE escaping boundary: contributor text as HTML that Markdown leaves alone.

    markup=True renders the allowlisted inline markdown (bold, italics, https/mailto links); markup=False
    shows the text exactly as typed (titles, "Ce qui change"). Either way the text is one line: a value
    never opens a new Markdown block; line_start=False only for a piece known to stand inside a line.
    Markup passes through: it was made here (or by our templates)."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    if "[" not in text:
        return _context_free_html(text, markup, line_start)
    text = " ".join(text.split())
    return Markup(_markup(text, line_start) if markup else _inert(text, line_start))


@lru_cache(maxsize=16384)
def _context_free_html(text: str, markup: bool, line_start: bool) -> Markup:
    """to_html of a text without "[": no link and no [[figure]], so its HTML depends on nothing but the
    text (not on the page or the figures in force). Kept: a page prints the same labels, names and statuses
    thousands of times (to_html ran 28 times per action of a follow-up)."""
    text = " ".join(text.split())
    return Markup(_markup(text, line_start) if markup else _inert(text, line_start))


_CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans_html(value) -> Markup:
    """Toolkit text that quotes syntax (a schema's description: « `**gras**` ») as HTML: what stands
    between backquotes in <code>, shown as typed; the rest through to_html. A sample of Markdown is then
    read as a sample, never rendered nor left looking like markup a page forgot to render."""
    text = " ".join(str(value).split())
    out: list[Markup] = []

    def prose(piece: str) -> None:
        # to_html trims its text: the spaces around a code span are the sentence's own.
        lead = " " if piece.startswith(" ") and out else ""
        trail = " " if piece.endswith(" ") and piece.strip() else ""
        out.append(Markup(lead) + to_html(piece, line_start=not out) + Markup(trail))

    pos = 0
    for match in _CODE_SPAN.finditer(text):
        if match.start() > pos:
            prose(text[pos : match.start()])
        out.append(Markup("<code>") + to_html(match.group(1), markup=False, line_start=False) + Markup("</code>"))
        pos = match.end()
    if pos < len(text) or not out:
        prose(text[pos:])
    return Markup("").join(out)


def title_html(value) -> Markup:
    """A title for the navigation, the front matter, <title>, the header and the search: its words
    without inline markup, as escaped HTML (Material inserts these titles into pages unescaped)."""
    return to_html(plain_text(value), markup=False)


def external_link(label, target: str) -> Markup:
    """A link our templates make to an address of the sources (a licence, say): live only if allowed."""
    if allowed_link(str(target)):
        return Markup(f'<a href="{_href(str(target))}">{to_html(label)}</a>')
    return Markup(f"{to_html(label)} ({to_html(target, markup=False)})")


# Kept names: both are the boundary itself.
md = to_html
inline_html = to_html


def suffix_html(unit: str | Mapping[str, str]) -> Markup:
    """unit_suffix as HTML: a declared unit's symbol is contributor text, escaped like any other (to_html
    alone would fold the non-breaking space)."""
    if isinstance(unit, str):
        return Markup(UNIT_SUFFIX[unit])
    return Markup(NBSP) + to_html(unit["symbol"], markup=False, line_start=False)


def value_html(value, unit: str | Mapping[str, str], explicit_sign: bool = False) -> Markup:
    """fr_value as HTML."""
    return Markup(fr_value(value, "nombre", explicit_sign)) + suffix_html(unit)


def change_html(delta, unit: str | Mapping[str, str]) -> Markup:
    """fr_change as HTML (a declared unit's symbol is contributor text)."""
    return Markup(_signed(delta)) + (Markup(_points(delta)) if unit == "pourcent" else suffix_html(unit))


def escape_markdown_text(text) -> str:
    return str(to_html(text))


def plain_text(text) -> str:
    """Contributor text with its inline markdown removed (link labels kept): words to compare, sort or
    measure, never HTML. Its HTML form is title_html."""
    text = " ".join(str(text).split())
    out, pos = [], 0
    # Each piece of the text itself has its [[figures]] replaced once: a value is never read again.
    while pos < len(text):
        match = _INLINE.search(text, pos)
        if match is None:
            break
        if match.group("link") and (
            not (allowed_link(match.group("href")) or page_link(match.group("href"))) or _is_image(text, match)
        ):
            out.append(resolve_figures(text[pos : match.start() + 1]))
            pos = match.start() + 1
            continue
        out.append(resolve_figures(text[pos : match.start()]))
        body = match.group("label") or match.group("sbody") or match.group("ebody")
        out.append(plain_text(body))
        pos = match.end()
    out.append(resolve_figures(text[pos:]))
    return "".join(out)
