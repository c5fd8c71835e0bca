"""What hand-written pages of docs/ can use through mkdocs-macros.

Every value reaching a page is escaped data: contributor text is never evaluated as a template.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from .corpus import load_corpus_cached, population, priority_count
from .pages import common_base_reach, contributing_markdown, lower_first, page_path, repository_file_base
from .provenance import changed_on
from .shape import count
from .signature import signature_line
from .siteplan import announcement
from .text import figures, fr_date, fr_number, plural
from .text import md as _md

# Small numbers as a sentence writes them ("Les trois axes du contrat"); larger ones in figures.
_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")


def in_words(number: int) -> str:
    return _WORDS[number] if 0 <= number < len(_WORDS) else fr_number(number)


def escaped(value):
    """A copy of a YAML tree whose strings are safe to print in a page."""
    if isinstance(value, dict):
        return {k: escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escaped(v) for v in value]
    if isinstance(value, str):
        return _md(value)
    return value


def define_env(env) -> None:
    # The folder of mkdocs.yml, as mkdocs-macros and Zensical's macros extension both name it.
    root = Path(env.project_dir)
    corpus = load_corpus_cached(root)

    def md(value) -> str:
        # Contributor text with its [[figures]] (cdv.text): the macros run while the page renders, after
        # this function returns, so each call sets them.
        with figures(corpus.figures):
            return _md(value)

    with figures(corpus.figures):
        env.variables["contrat"] = escaped(corpus.contract)
    env.variables["nombre_signataires"] = len(corpus.signatories)
    # When the text was signed, and by which avenants amended (cdv.signature): never retyped in a page.
    env.variables["signature_texte"] = md(signature_line(corpus))
    # The download link says what the PDF is (the contract, or a draft of it) and its size, as the
    # announcement bar does: the plan's label when the cdv plugin made one (it measures the PDF's bytes).
    # (getattr: an environment without a site configuration, as tests and other generators give, has none.)
    conf = getattr(env, "conf", None) or {}
    planned = ((conf.get("extra") or {}).get("cdv") or {}).get("pdf_label")
    env.variables["lien_pdf_texte"] = planned or announcement(corpus, None)["pdf_label"]
    env.variables["nombre_priorites_socle"] = corpus.common_priority_count()
    # Whom the common base is common to ("quartiers prioritaires"), "" if no project prints it.
    env.variables["quartiers_du_socle"] = md(common_base_reach(corpus))

    @env.macro
    def date_fr(iso: str) -> str:
        return fr_date(str(iso))

    @env.macro
    def date_de_mise_a_jour() -> str:
        """The day this page's text last changed (cdv.provenance.changed_on, from git): a date a page
        states about itself, never retyped and never stale."""
        return fr_date(changed_on(root, Path(env.page.file.abs_src_path)).date().isoformat())

    @env.macro
    def nombre(value) -> str:
        return fr_number(value)

    @env.macro
    def en_lettres(value: int) -> str:
        """3 -> "trois": a count inside a sentence, computed but read as words."""
        return in_words(int(value))

    @env.macro
    def compte(value: int, singulier: str, pluriel: str) -> str:
        """ "1 priorité", "12 priorités": the number and its noun, agreed in French."""
        return count(int(value), singulier, pluriel)

    @env.macro
    def types_de_quartiers() -> list[dict]:
        """The contract's kinds of neighbourhood that have neighbourhoods, in its order (contract.yml
        `shape.neighbourhood_kinds`), each with its names in the contract's words and its neighbourhoods."""
        out = []
        for kind in corpus.shape.kinds:
            liste = quartiers(kind.id)
            if liste:
                out.append(
                    {
                        "id": kind.id,
                        "singulier": md(kind.singular),
                        "pluriel": md(kind.plural),
                        "titre": md("Les " + lower_first(kind.plural)),  # "Les quartiers prioritaires"
                        "description": md(kind.description) if kind.description else "",
                        "quartiers": liste,
                    }
                )
        return out

    @env.macro
    def quartiers(kind: str) -> list[dict]:
        """The neighbourhoods of a kind (an id of `shape.neighbourhood_kinds`), with escaped names and
        computed figures."""
        out = []
        level = corpus.shape.levels[1]  # what the projects' count counts ("priorités", "axes de travail")
        for n in corpus.neighbourhoods_of_kind(kind):
            pop = population(n)
            out.append(
                {
                    "id": n["id"],
                    "nom": md(n["name"]),
                    "commune": md(n["commune"]),
                    "population": fr_number(pop["value"]) if pop else None,
                    "habitants": f"{fr_number(pop['value'])} {plural(pop['value'], 'habitant', 'habitants')}"
                    if pop
                    else None,
                    "priorites": priority_count(n) if n.get("project") else None,
                    # "12 priorités", "1 priorité"; None without a project or with no priority
                    "priorites_texte": md(count(priority_count(n), level.singular, level.plural))
                    if n.get("project") and priority_count(n)
                    else None,
                    "page": page_path("neighbourhood", n["id"]),
                }
            )
        return out

    @env.macro
    def axes() -> list[dict]:
        return [
            {"numero": a["number"], "titre": md(a["title"]), "id": a["id"]} for a in corpus.objectives.get("axes", [])
        ]

    @env.macro
    def guide_contributeur() -> str:
        """The editors' guide, CONTRIBUTING.md, as the site's "Contribuer" page: one text in both places."""
        conf = env.conf
        base = repository_file_base(conf.get("edit_uri"), conf.get("repo_url"), Path(conf.get("docs_dir", "docs")).name)
        guide = contributing_markdown(root, base)
        return guide if guide is not None else "Le guide des contributeurs (CONTRIBUTING.md) est introuvable."

    env.variables["Markup"] = Markup
