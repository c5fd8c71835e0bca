"""The contract's own shape, read from contract.yml `shape`: its kinds of neighbourhood, how its parts,
articles, sections and annexes are numbered and titled, its annexes and its approval levels.

Nothing here knows a territory: a contract whose parts read "II/ Le QPV…" and one whose articles read
"Article 5 – …" differ only in their YAML. The outputs (site pages, PDF, diff) ask this module for every
numbered title and every kind label, so that no template writes "Article" or "partie" itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from .labels import STRATEGY_FIELDS, STRATEGY_LEVELS
from .text import plural

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def ordinal(number: int) -> str:
    """French feminine ordinal, as in "1re partie", "2e partie"."""
    return f"{number}re" if number == 1 else f"{number}e"


# The placeholders a heading pattern may hold; `{titre}` is required (a title without its words says nothing).
PLACEHOLDERS = ("numero", "romain", "ordinal", "titre")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def numbered(pattern: str, number, title: str) -> str:
    """A title written after the contract's pattern: "{ordinal} partie : {titre}" -> "2e partie : Approche".
    `number` may be an integer (parts, articles, annexes) or a text such as "9.1" (sections). Plain text:
    for HTML, use `numbered_markup`."""
    return "".join(_pieces(pattern, number, title, str))


def numbered_markup(pattern: str, number, title_markup) -> Markup:
    """The same title as HTML: the pattern is contributor text, so its words are escaped; the title is
    already markup (text.title_html / inline_html)."""
    return Markup("".join(_pieces(pattern, number, Markup(title_markup), escape)))


def _pieces(pattern: str, number, title, literal) -> list:
    is_int = isinstance(number, int) and not isinstance(number, bool)
    values = {
        "numero": str(number),
        "romain": roman(number) if is_int else str(number),
        "ordinal": ordinal(number) if is_int else str(number),
        "titre": title,
    }
    out, start = [], 0
    for match in _PLACEHOLDER.finditer(pattern):
        name = match.group(1)
        if name in values:  # an unknown one stays as typed (cdv validate refuses it: pattern_problem)
            out.append(literal(pattern[start : match.start()]))
            out.append(values[name] if name == "titre" else literal(values[name]))
            start = match.end()
    out.append(literal(pattern[start:]))
    return out


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a heading pattern, in French, or None: an unknown `{…}` or no `{titre}`."""
    listed = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    unknown = [name for name in _PLACEHOLDER.findall(pattern) if name not in PLACEHOLDERS]
    if unknown:
        return f"repère « {{{unknown[0]}}} » inconnu dans « {pattern} » ; repères possibles : {listed}."
    if "{titre}" not in pattern:
        return f"le modèle « {pattern} » n'a pas de repère {{titre}} : le titre n'y figurerait pas ; repères possibles : {listed}."
    return None


def count(number: int, singular: str, plural_form: str) -> str:
    """ "1 priorité", "3 priorités", "0 priorité": French takes the singular below 2 (text.plural)."""
    return f"{number} {plural(number, singular, plural_form)}"


def lower_first(text) -> str:
    """A name inside a sentence: "Quartiers prioritaires" -> "quartiers prioritaires"; an acronym
    ("QPV prioritaires") keeps its capitals."""
    text = str(text)
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def reference(pattern: str, number, title: str) -> str:
    """How a sentence of the site names a numbered element: the contract's heading pattern up to the
    title, in lower case ("Annexe {numero} : {titre}" -> "annexe 1", "Article {numero} – {titre}" with
    "9.2" -> "article 9.2"). A pattern with no word before the title ("{romain}/ {titre}") gives the whole
    title in quotation marks."""
    head = pattern.split("{titre}", 1)[0]
    words = head
    for name in ("{numero}", "{romain}", "{ordinal}"):
        words = words.replace(name, "")
    if not any(char.isalpha() for char in words):
        return f"« {numbered(pattern, number, title)} »"
    return lower_first(numbered(head, number, "").rstrip(" :–—-/.,"))


@dataclass(frozen=True)
class Level:
    singular: str
    plural: str

    @property
    def heading(self) -> str:
        """The plural as a heading or a column title: "Priorités", "Axes de travail"."""
        return self.plural[:1].upper() + self.plural[1:]


_DETERMINERS = re.compile(r"^(?:le|la|les|un|une)\s|^l['’]", re.I)


def site_metadata(contract: dict) -> dict[str, str]:
    """What mkdocs.yml must say of the contract (`cdv validate` compares, `cdv new contract` writes):
    site_name "<title> <start>-<end>", site_description "Le <title> <start>-<end>, « <subtitle> »" (no
    "Le" before a title that opens with its own article) and site_author the contract's author."""
    period = contract["period"]
    years = f"{contract['title']} {period['start']}-{period['end']}"
    article = "" if _DETERMINERS.match(contract["title"]) else "Le "
    subtitle = contract.get("subtitle")
    return {
        "site_name": years,
        "site_description": f"{article}{years}, « {subtitle} »" if subtitle else f"{article}{years}",
        "site_author": contract["author"],
    }


@dataclass(frozen=True)
class Kind:
    id: str
    singular: str
    plural: str
    description: str = ""
    grouped: bool = False


class Shape:
    """The `shape` block of contract.yml, with the derived titles the outputs print."""

    def __init__(self, contract: dict):
        shape = contract.get("shape") or {}
        self.contract = contract
        self.kinds = [
            Kind(k["id"], k["singular"], k["plural"], k.get("description", ""), bool(k.get("grouped")))
            for k in shape.get("neighbourhood_kinds", [])
        ]
        self.headings = shape.get("headings", {})
        self.annexes = list(shape.get("annexes", []))
        self.approvals = dict(shape.get("approvals", {}))
        self.amendment_basis = shape.get("amendment_basis", "")
        strategy = shape.get("strategy") or {}
        # The levels of a neighbourhood project, outermost first: themes, priorities and maybe items.
        self.levels = [Level(v["singular"], v["plural"]) for v in strategy.get("levels", [])]
        # The data always has themes and their priorities: the levels a contract does not name (none, or
        # only the first) keep their default names.
        while len(self.levels) < 2:
            default = STRATEGY_LEVELS[len(self.levels)]
            self.levels.append(Level(default["singular"], default["plural"]))
        self.field_labels = {**STRATEGY_FIELDS, **(strategy.get("field_labels") or {})}

    def field_label(self, key: str) -> str:
        """How a structured field of a priority is titled ("Pilote", "Partenaires associés"…)."""
        return self.field_labels[key]

    def kind(self, ident: str) -> Kind:
        return next(k for k in self.kinds if k.id == ident)

    @property
    def kind_ids(self) -> list[str]:
        return [k.id for k in self.kinds]

    def part_title(self, part: dict) -> str:
        return numbered(self.headings["part"], part["number"], part["title"])

    def article_title(self, article: dict, title: str | None = None) -> str:
        return numbered(self.headings["article"], article["number"], article["title"] if title is None else title)

    def section_title(self, section: dict, title: str | None = None) -> str:
        return numbered(self.headings["section"], section["number"], section["title"] if title is None else title)

    def annex_title(self, annex: dict, number: int) -> str:
        return numbered(self.headings["annex"], number, annex["title"])
