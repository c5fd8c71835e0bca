"""French formatting and safe rendering of contributor text.

Contributor text is data: HTML in it is escaped, template syntax is printed as typed, and only the
inline markdown the contract uses (bold, italics, https links) is rendered.
"""
from __future__ import annotations

import html
import re
import unicodedata

from markupsafe import Markup

NBSP = "\u00a0"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
UNIT_SUFFIX = {"nombre": "", "pourcent": f"{NBSP}%", "euros": f"{NBSP}€"}

_SAFE_LINK = re.compile(r"^(https?://|mailto:|#|\.{0,2}/)", re.I)
_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_BLOCK_START = re.compile(r"^(\s*)([#>+=|]|[-*](?=\s)|\d+[.)](?=\s))")


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
    whole, _, decimals = repr(value).partition(".")
    return sign + f"{int(whole):,}".replace(",", NBSP) + "," + decimals


def fr_value(value, unit: str, explicit_sign: bool = False) -> str:
    sign = "+" + NBSP if explicit_sign and value > 0 else ""
    return sign + fr_number(value) + UNIT_SUFFIX[unit]


def fr_date(iso: str) -> str:
    """'2024-03-29' -> '29 mars 2024' ('1er' for the first day of a month)."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def plural(count: int, singular: str, plural_form: str) -> str:
    return singular if count <= 1 else plural_form


def sort_key(text: str) -> str:
    """Alphabetical order as a French reader expects it: accents and case ignored."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _neutralise_links(text: str) -> str:
    def repl(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if _SAFE_LINK.match(target):
            return match.group(0)
        return f"{label} ({target})"  # shown as typed, never a live link
    return _LINK.sub(repl, text)


def escape_markdown_text(text: str) -> str:
    """Escape contributor text for a markdown page: HTML, template and attribute syntax stay inert,
    line-start markdown (headings, quotes, list markers) is escaped, inline emphasis and https links stay."""
    text = " ".join(str(text).split())  # one logical line: a value never opens a new markdown block
    text = html.escape(text, quote=False)
    text = text.replace("{", "&#123;").replace("}", "&#125;")  # no attr_list, no {{ }} left to evaluate
    text = _neutralise_links(text)
    match = _BLOCK_START.match(text)
    if match:
        text = text[: match.start(2)] + "\\" + text[match.start(2):]
    return text


def md(text) -> Markup:
    """Contributor text ready to be placed in generated markdown."""
    if isinstance(text, Markup):
        return text
    return Markup(escape_markdown_text(text))


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def inline_html(text) -> Markup:
    """Contributor text as HTML, for places where markdown is not parsed (cards, figures)."""
    if isinstance(text, Markup):
        return text
    out = html.escape(" ".join(str(text).split()), quote=True)

    def link(match: re.Match) -> str:
        label, target = match.group(1), html.unescape(match.group(2))
        if re.match(r"^https?://", target, re.I):
            return f'<a href="{html.escape(target, quote=True)}">{label}</a>'
        return match.group(0)

    out = _LINK.sub(link, out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    return Markup(out)


def plain_text(text) -> str:
    """Contributor text with its inline markdown removed, for titles and metadata."""
    text = _LINK.sub(r"\1", " ".join(str(text).split()))
    text = text.replace("**", "").replace("__", "")
    return _ITALIC.sub(r"\1", text)
