"""What hand-written pages of docs/ can use through mkdocs-macros.

Every value reaching a page is escaped data: contributor text is never evaluated as a template.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from .corpus import load_corpus_cached, population, priority_count
from .pages import page_path
from .text import fr_date, fr_number, md


def escaped(value):
    """A copy of a YAML tree whose strings are safe to print in a page."""
    if isinstance(value, dict):
        return {k: escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escaped(v) for v in value]
    if isinstance(value, str):
        return md(value)
    return value


def define_env(env) -> None:
    # The folder of mkdocs.yml, as mkdocs-macros and Zensical's macros extension both name it.
    root = Path(env.project_dir)
    corpus = load_corpus_cached(root)
    env.variables["contrat"] = escaped(corpus.contract)
    env.variables["nombre_signataires"] = len(corpus.signatories)
    env.variables["nombre_priorites_socle"] = corpus.common_priority_count()

    @env.macro
    def date_fr(iso: str) -> str:
        return fr_date(str(iso))

    @env.macro
    def nombre(value) -> str:
        return fr_number(value)

    @env.macro
    def quartiers(kind: str) -> list[dict]:
        """The neighbourhoods of a kind (qpv or fragile), with escaped names and computed figures."""
        out = []
        for n in corpus.neighbourhoods_of_kind(kind):
            pop = population(n)
            out.append(
                {
                    "id": n["id"],
                    "nom": md(n["name"]),
                    "commune": md(n["commune"]),
                    "population": fr_number(pop["value"]) if pop else None,
                    "priorites": priority_count(n) if n.get("project") else None,
                    "page": page_path("neighbourhood", n["id"]),
                }
            )
        return out

    @env.macro
    def axes() -> list[dict]:
        return [{"numero": a["number"], "titre": md(a["title"]), "id": a["id"]} for a in corpus.objectives["axes"]]

    env.variables["Markup"] = Markup
