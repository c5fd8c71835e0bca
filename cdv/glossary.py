"""The glossary as the site shows it: the contract's terms (contract/glossary.yml), the technical words the
site itself writes (PDF, CSV… on its download, data and accessibility pages), and their A–Z index.

The site's own words belong to the toolkit, not to a territory: they are the same for every contract and
no source document defines them, so they are written here, once, marked as the site's. A contract that
defines one of them in its glossary keeps its own entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import sort_key

# Each technical word the toolkit's pages print (docs/, the data dictionary, the downloads). Ids start with
# "site-": a contract's own ids never do (they are anchors of the same page).
SITE_TERMS: tuple[dict[str, str], ...] = (
    {
        "id": "site-aa",
        "term": "AA",
        "expansion": "Niveau double A des WCAG",
        "definition": "Le deuxième des trois niveaux de conformité des WCAG, celui que demande le RGAA.",
    },
    {
        "id": "site-csv",
        "term": "CSV",
        "expansion": "Comma-Separated Values (valeurs séparées par des virgules)",
        "definition": "Fichier de tableau en texte, une ligne par enregistrement ; il s'ouvre dans un tableur.",
    },
    {
        "id": "site-epci",
        "term": "EPCI",
        "expansion": "Établissement public de coopération intercommunale",
        "definition": "Regroupement de communes (communauté d'agglomération, communauté urbaine, métropole) qui "
        "exerce des compétences à leur place.",
    },
    {
        "id": "site-html",
        "term": "HTML",
        "expansion": "HyperText Markup Language",
        "definition": "Le langage dans lequel les pages web sont écrites.",
    },
    {
        "id": "site-json",
        "term": "JSON",
        "expansion": "JavaScript Object Notation",
        "definition": "Format de fichier texte pour les données structurées, lu par les programmes.",
    },
    {
        "id": "site-pdf",
        "term": "PDF",
        "expansion": "Portable Document Format",
        "definition": "Format de document imprimable, qui s'affiche de la même façon sur tous les appareils.",
    },
    {
        "id": "site-pdf-ua",
        "term": "PDF/UA",
        "expansion": "PDF Universal Accessibility",
        "definition": "Document PDF balisé pour être lu par les lecteurs d'écran.",
    },
    {
        "id": "site-rgaa",
        "term": "RGAA",
        "expansion": "Référentiel général d'amélioration de l'accessibilité",
        "definition": "Le référentiel de l'État qui dit comment rendre accessible un site public.",
    },
    {
        "id": "site-ip",
        "term": "IP",
        "expansion": "Internet Protocol",
        "definition": "Le protocole d'internet : l'adresse IP identifie l'appareil d'où vient chaque visite d'un site.",
    },
    {
        "id": "site-rss",
        "term": "RSS",
        "expansion": "Really Simple Syndication",
        "definition": "Format d'abonnement : un lecteur de flux signale les nouveautés d'un site.",
    },
    {
        "id": "site-url",
        "term": "URL",
        "expansion": "Uniform Resource Locator",
        "definition": "L'adresse d'une page web.",
    },
    {
        "id": "site-utf-8",
        "term": "UTF-8",
        "expansion": "Unicode Transformation Format, 8 bits",
        "definition": "La façon la plus répandue d'écrire les lettres, accents compris, dans un fichier texte.",
    },
    {
        "id": "site-wcag",
        "term": "WCAG",
        "expansion": "Web Content Accessibility Guidelines",
        "definition": "Les règles internationales d'accessibilité des contenus web, sur lesquelles s'appuie le RGAA.",
    },
    {
        "id": "site-yaml",
        "term": "YAML",
        "expansion": "YAML Ain't Markup Language",
        "definition": "Format de fichier texte dans lequel les sources du contrat sont écrites.",
    },
)
DIGITS = "0–9"  # the index entry of the terms that start with a digit (« 3e prépa-pro »)


def entries(glossary: list[dict]) -> list[dict]:
    """The contract's terms and the site's words it does not define itself, in French alphabetical order."""
    own = {sort_key(t["term"]) for t in glossary}
    site = [dict(t, site=True) for t in SITE_TERMS if sort_key(t["term"]) not in own]
    return sorted([*glossary, *site], key=lambda t: sort_key(t["term"]))


def letter_of(term: str) -> str:
    """The index letter a term is filed under: its first letter, accents and case aside, or DIGITS."""
    first = sort_key(term)[:1].upper().replace("Œ", "O").replace("Æ", "A")  # « Œuvre » under O
    return first if "A" <= first <= "Z" else DIGITS


@dataclass(frozen=True)
class Letter:
    letter: str
    anchor: str
    terms: list[dict]


def by_letter(terms: list[dict]) -> list[Letter]:
    """The A–Z index: DIGITS (when a term starts with one), then every letter A to Z, each with its terms
    (none for a letter no term starts with: the index shows it, not as a link)."""
    groups: dict[str, list[dict]] = {}
    for t in terms:
        groups.setdefault(letter_of(t["term"]), []).append(t)
    letters = ([DIGITS] if DIGITS in groups else []) + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return [Letter(x, "lettre-0-9" if x == DIGITS else f"lettre-{x.lower()}", groups.get(x, [])) for x in letters]
