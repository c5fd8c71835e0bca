"""The kinds of content block, in one registry: what each is called, how it renders, how it reads as plain
text, what it refers to, and the order of its keys.

A block is a mapping with exactly one main key, the kind's name (`p`, `list`, `table`…), and maybe some of
the kind's own fields (`ordered` for a list, `label` for a note) and an `id`. Everything that handles
blocks reads this registry:

- cdv.render (the site and the PDF) calls the kind's `render`;
- cdv.flatten (`cdv diff`, "Ce qui change") calls the kind's `flatten`;
- cdv.validate checks, beyond the schema, that a block holds one main key only (`NAMES`), that the indicators
  it shows exist (`indicator_refs`) and that the sources it inserts are there (`needs`);
- cdv.fmt writes a block's keys in `KEY_ORDER`.

The JSON Schema (schemas/common.schema.json, `$defs/block`) stays the file editors' tools read; a test checks
that its kinds, their order and their fields are exactly these.

To add a kind: write its `render` and `flatten` functions below, add a `BlockKind` to `KINDS` (at the place
its key takes in the schema), add its property and its `{"required": [name]}` branch to `$defs/block` of
common.schema.json (and its name to the block's description), and a rendering test in tests/test_render.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .labels import (
    EDITORIAL_NOTE,
    FIGURE_KINDS,
    FOLLOW_UP_FIELDS,
    FOLLOW_UP_STATUS,
    NOT_GIVEN,
    PLACE_FALLBACK,
    SCHOOL_LEVELS,
    SOURCE,
)
from .text import fr_date, fr_number, inline_html, md, page_href, plain_text, plural, title_html, value_html

if TYPE_CHECKING:
    from .render import BlockRenderer

Text = Callable[[str], str]
# flatten(block, text, complete, nested): `text` turns a contributor's text into plain text, `complete`
# asks for every field (comparisons) rather than what a reader reads, `nested` flattens inner blocks.
Flatten = Callable[[dict, Text, bool, Callable[[list], Iterator[str]]], Iterator[str]]


@dataclass(frozen=True)
class BlockKind:
    name: str  # the block's main key
    render: Callable[[BlockRenderer, dict], str]  # markdown (with small HTML parts) for the site and the PDF
    flatten: Flatten  # lines of plain text
    fields: tuple[str, ...] = ()  # the kind's own keys beside its main key, in the order fmt writes them
    indicator_refs: Callable[[dict], Iterator[tuple[tuple, str]]] | None = None  # (pointer in the block, id)
    needs: Callable[[dict], Iterable[str]] | None = None  # kinds of source file the block inserts
    # The kinds of document (PLACES) where the block can be rendered; None: anywhere. A block that shows
    # a portrait's indicators has them only in a portrait: anywhere else the build would have none.
    places: frozenset[str] | None = None


# The kinds of document that hold blocks, as validation tells them from the file and the block's place,
# with how an editor names them.
PLACES = {
    "article": "un article",
    "foreword": "l'avant-propos du contrat",
    "portrait": "un portrait de quartier (rubriques de « portrait » d'un fichier de neighbourhoods/)",
    "project": "un projet de quartier",
    "device": "une fiche de dispositif",
    "commitment": "un engagement",
    "report": "un rapport annuel (reports/)",
}
PORTRAIT = frozenset({"portrait"})


def place_of(source_kind: str, pointer: tuple) -> str | None:
    """The kind of document a block at `pointer` of a source file of `source_kind` is rendered in."""
    if source_kind == "neighbourhood":
        return pointer[0] if pointer and pointer[0] in ("portrait", "project") else None
    return {
        "contract": "foreword",
        "article": "article",
        "device": "device",
        "commitment": "commitment",
        "report": "report",
    }.get(source_kind)


# Where lists of blocks are found in a document (the schemas' properties of type `$defs/blocks`); a kind
# whose value is itself a list of blocks (`quote`) is found through `NESTING`.
BLOCK_LISTS = ("body", "blocks", "intro", "introduction", "outlook")


# --- text blocks ----------------------------------------------------------------------------------------


def _label_prefix(b: dict, text: Text, complete: bool, shown: bool) -> str:
    return f"{text(b['label'])} : " if b.get("label") and (shown or complete) else ""


def _render_p(r, b):
    return f"{md(b['p'])}\n"


def _flatten_p(b, text, complete, nested):
    yield _label_prefix(b, text, complete, False) + text(b["p"])


def _render_heading(r, b):
    return f"{'#' * r.heading_level} {md(b['heading'])}\n"


def _flatten_heading(b, text, complete, nested):
    yield _label_prefix(b, text, complete, False) + text(b["heading"])


def _render_list(r, b, items=None, depth=0):
    lines = []
    for n, item in enumerate(items if items is not None else b["list"], 1):
        marker = f"{n}." if b.get("ordered") else "-"
        text, sub = (item, None) if isinstance(item, str) else (item["text"], item["items"])
        lines.append(f"{'    ' * depth}{marker} {md(text)}")
        if sub:
            lines.append(_render_list(r, {"ordered": False}, sub, depth + 1).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _flatten_list(b, text, complete, nested):
    yield from list_items(b["list"], text, ordered=complete and bool(b.get("ordered")))


def list_items(items, text: Text = plain_text, depth=0, ordered=False) -> Iterator[str]:
    for number, item in enumerate(items, 1):
        marker = f"{number}. " if ordered else "- "
        if isinstance(item, str):
            yield "  " * depth + marker + text(item)
        else:
            yield "  " * depth + marker + text(item["text"])
            yield from list_items(item["items"], text, depth + 1)


def _render_table(r, b):
    t = b["table"]
    width = max(len(t["headers"]), *(len(row) for row in t["rows"]))

    def row(cells):
        cells = list(cells) + [""] * (width - len(cells))
        return "| " + " | ".join(md(c) if c else " " for c in cells) + " |"  # md() writes "|" as &#124;

    out = [row(t["headers"]), "|" + "---|" * width] + [row(cells) for cells in t["rows"]]
    caption = f"*{md(t['caption'])}*\n\n" if t.get("caption") else ""
    return caption + "\n".join(out) + "\n"


def _flatten_table(b, text, complete, nested):
    t = b["table"]
    cell = text if complete else str
    if complete and t.get("caption"):
        yield "Tableau : " + text(t["caption"])
    yield " | ".join(map(cell, t["headers"]))
    for row in t["rows"]:
        yield " | ".join(map(cell, row))


def _render_quote(r, b):
    inner = r.nested().render(b["quote"])
    return "\n".join(("> " + line) if line else ">" for line in str(inner).rstrip("\n").split("\n")) + "\n"


def _flatten_quote(b, text, complete, nested):
    yield from nested(b["quote"])


def _render_note(r, b):
    label = f"<strong>{inline_html(b['label'])}</strong> : " if b.get("label") else ""
    note = f'<p class="cdv-note">{label}{inline_html(b["note"])}</p>\n'
    if b.get("editorial"):
        # Beside the signed words, never in them: a paragraph of its own, said to be the editors'.
        note += f'<p class="cdv-editorial"><strong>{EDITORIAL_NOTE}</strong> : {inline_html(b["editorial"])}</p>\n'
    return note


def _flatten_note(b, text, complete, nested):
    yield _label_prefix(b, text, complete, True) + text(b["note"])
    if b.get("editorial"):
        yield f"{EDITORIAL_NOTE} : {text(b['editorial'])}"


def _render_source(r, b):
    return f'<p class="cdv-source">{SOURCE} : {inline_html(b["source"])}</p>\n'


def _flatten_source(b, text, complete, nested):
    yield f"{SOURCE} : " + _label_prefix(b, text, complete, False) + text(b["source"])


# --- inserted contents ----------------------------------------------------------------------------------


def _render_include(r, b):
    what = b["include"]
    corpus = r.corpus
    if what == "social_centres":
        centres = corpus.social_centres
        rows = []
        for c in centres["centres"]:
            names = [r.link("neighbourhood", nid, corpus.neighbourhood(nid)["name"]) for nid in c["neighbourhoods"]]
            rows.append(f"| {md(c['name'])} | {', '.join(names) or ' '} |")
        h = centres["headers"]
        return f"| {md(h[0])} | {md(h[1])} |\n|---|---|\n" + "\n".join(rows) + "\n"
    if what == "common_base":
        return f"Voir [{title_html(corpus.objectives['title'])}]({r.links('page', 'common-base')}).\n"
    if what == "neighbourhoods":
        lines = []
        for kind in corpus.shape.kinds:  # a kind with no neighbourhood has no line
            names = [r.link("neighbourhood", n["id"], n["name"]) for n in corpus.neighbourhoods_of_kind(kind.id)]
            if names:
                lines.append(f"- {md(kind.plural)} : {', '.join(names)}")
        return "\n".join(lines) + "\n"
    raise ValueError(what)  # the schema's enum makes this unreachable


def _flatten_include(b, text, complete, nested):
    yield f"[{b['include']}]"


def _include_needs(b):
    return {"social_centres": ("social-centres",), "common_base": ("objectives",)}.get(b["include"], ())


# --- portrait blocks ------------------------------------------------------------------------------------


def _render_indicators(r, b):
    from .charts import comparison_chart, series_chart

    cards = "".join(r.indicator_card(r.indicators[i]) for i in b["indicators"])
    charts = []
    for ident in b["indicators"]:
        ind = r.indicators[ident]
        for chart in (
            comparison_chart(ind, r.place or PLACE_FALLBACK, r.corpus.contract, r.id_prefix),
            series_chart(ind, r.place or PLACE_FALLBACK, r.corpus.contract, r.id_prefix),
        ):
            if chart:
                charts.append(str(chart))
        charts.append(r.indicator_evaluation(ind))
    charts = [c for c in charts if c]
    figures = f'<div class="cdv-charts">{"".join(charts)}</div>' if charts else ""
    return f'<div class="cdv-cards">{cards}</div>\n{figures}\n'


def _flatten_indicators(b, text, complete, nested):
    yield "[indicateurs] " + ", ".join(b["indicators"])


def _indicators_refs(b):
    for i, ref in enumerate(b["indicators"]):
        yield ("indicators", i), ref


def _render_figure(r, b):
    f = b["figure"]
    kind = FIGURE_KINDS.get(f["kind"], FIGURE_KINDS["graphique"])
    return (
        f'<p class="cdv-figure-lost"><strong>{kind} du document signé</strong> : '
        f"« {inline_html(f['title'])} ». Ses valeurs ne sont pas reprises ici.</p>\n"
    )


def _flatten_figure(b, text, complete, nested):
    f = b["figure"]
    yield f"[{f['kind']}] {text(f['title'])}" + (rest(f, {"kind", "title"}, text) if complete else "")


def _render_schools(r, b):
    from .corpus import latest  # not at the top: cdv.corpus imports cdv.validate, which reads this registry

    rows = []
    for level in b["schools"]["levels"]:
        singular, plural_form, title = SCHOOL_LEVELS[level["level"]]
        names = level["establishments"]
        label = level.get("label") or plural(len(names), singular, plural_form)
        pupils = []
        for ref in level.get("pupils", []):
            ind = r.indicators[ref]
            obs = latest(ind)
            prefix = f"{inline_html(ind['prefix'])} " if ind.get("prefix") else ""
            link = r.comparison_link(ind)
            pupils.append(
                f"{prefix}<strong>{value_html(obs['value'], ind['unit'])}</strong> {inline_html(ind['label'])}"
                + (f" ({link})" if link else "")
            )
        listed = f" : {', '.join(str(inline_html(n)) for n in names)}" if names else ""
        parts = [
            f'<span class="cdv-school__level">{title}</span>',
            f'<span class="cdv-school__count">{len(names)} {inline_html(label)}{listed}</span>',
        ]
        if pupils:
            parts.append(f'<span class="cdv-school__pupils">{", ".join(pupils)}</span>')
        rows.append(f'<div class="cdv-school" id="{r.id_prefix}ecoles-{level["level"]}">' + " ".join(parts) + "</div>")
    return f'<div class="cdv-schools">{"".join(rows)}</div>\n'


def _flatten_schools(b, text, complete, nested):
    if complete:
        yield from leaves(b["schools"], text, "[schools]")
        return
    for level in b["schools"]["levels"]:
        yield f"{level['level']} : " + ", ".join(level["establishments"])


def _schools_refs(b):
    for li, level in enumerate(b["schools"].get("levels", [])):
        for i, ref in enumerate(level.get("pupils", [])):
            yield ("schools", "levels", li, "pupils", i), ref


def _render_ranking(r, b):
    k = b["ranking"]
    pop = k["population"]
    head = f"**{md(k['title'])}** — classement national ({md(pop['label'])} : {fr_number(pop['count'])})"
    rows = "\n".join(f"| {md(e['name'])} | {fr_number(e['rank'])}e |" for e in k["entries"])
    source = f'\n<p class="cdv-source">{SOURCE} : {inline_html(k["source"])}</p>\n' if k.get("source") else ""
    return f"{head}\n\n| Établissement | Rang |\n|---|---|\n{rows}\n{source}"


def _flatten_ranking(b, text, complete, nested):
    k = b["ranking"]
    if complete:
        yield from leaves(k, text, "[ranking]")
        return
    yield f"{plain_text(k['title'])} ({k['population']['label']} : {k['population']['count']})"
    for e in k["entries"]:
        yield f"{e['name']} : {e['rank']}"


def _render_transit(r, b):
    t = b["transit"]
    rows = "\n".join(f"| {md(line['line'])} | {md(line['route'])} |" for line in t["lines"])
    return f"**{md(t['title'])}**\n\n| Ligne | Trajet |\n|---|---|\n{rows}\n"


def _flatten_transit(b, text, complete, nested):
    if complete:
        yield from leaves(b["transit"], text, "[transit]")
        return
    for line in b["transit"]["lines"]:
        yield f"{line['line']} : {line['route']}"


# --- followed commitments -------------------------------------------------------------------------------


def measure_follow_up(r, b) -> list[tuple[str, str]]:
    """(label, HTML) of a measure's pilot and status: what the sources say, « non renseigné » otherwise."""
    pilot = NOT_GIVEN
    if "pilot" in b:
        name, ident = r.corpus.party(b["pilot"])
        pilot = inline_html(name)
        # Raw HTML, which MkDocs does not rewrite: the final address, from the page being built.
        from .pages import page_path  # pages renders blocks: imported when used

        href = page_href(page_path("signatories"), ident) if ident is not None else None
        if href is not None:
            pilot = f'<a href="{href}">{pilot}</a>'
    status = FOLLOW_UP_STATUS[b["status"]] if "status" in b else NOT_GIVEN
    if "status_date" in b:
        status += f" ({fr_date(b['status_date'])})"
    return [(FOLLOW_UP_FIELDS["pilot"], pilot), (FOLLOW_UP_FIELDS["status"], status)]


def _render_measure(r, b):
    label = f"<strong>{inline_html(b['label'])}</strong> : " if b.get("label") else ""
    text = f"<p>{label}{inline_html(b['measure'])}</p>\n"
    if not r.shows_follow_up:  # the PDF: the measure as signed, without its follow-up
        return f'<div class="cdv-measure">\n{text}</div>\n'
    follow = " · ".join(f"{name} : {value}" for name, value in measure_follow_up(r, b))
    return f'<div class="cdv-measure">\n{text}<p class="cdv-follow">{follow}</p>\n</div>\n'


def _flatten_measure(b, text, complete, nested):
    yield _label_prefix(b, text, True, True) + text(b["measure"])
    if complete:  # its status is its follow-up, compared on its own (cdv.compare, Kind.MEASURE)
        for key in ("pilot",):
            if key in b:
                value = b[key] if isinstance(b[key], str) else b[key]["name"]
                yield f"{FOLLOW_UP_FIELDS.get(key, key)} : {value}"


# --- the registry, in the order of the schema's properties ----------------------------------------------

KINDS: tuple[BlockKind, ...] = (
    BlockKind("p", _render_p, _flatten_p),
    BlockKind("heading", _render_heading, _flatten_heading),
    BlockKind("list", _render_list, _flatten_list, fields=("ordered",)),
    BlockKind("table", _render_table, _flatten_table),
    BlockKind("quote", _render_quote, _flatten_quote),
    BlockKind("note", _render_note, _flatten_note, fields=("label", "editorial")),
    BlockKind("source", _render_source, _flatten_source),
    BlockKind("include", _render_include, _flatten_include, needs=_include_needs),
    BlockKind("indicators", _render_indicators, _flatten_indicators, indicator_refs=_indicators_refs, places=PORTRAIT),
    BlockKind("figure", _render_figure, _flatten_figure),
    BlockKind("schools", _render_schools, _flatten_schools, indicator_refs=_schools_refs, places=PORTRAIT),
    BlockKind("ranking", _render_ranking, _flatten_ranking),
    BlockKind("transit", _render_transit, _flatten_transit),
    BlockKind("measure", _render_measure, _flatten_measure, fields=("pilot", "status", "status_date")),
)
BY_NAME = {kind.name: kind for kind in KINDS}
NAMES = tuple(BY_NAME)
# Kinds whose value is a list of blocks: where validation looks for blocks inside blocks.
NESTING = ("quote",)
# Every key a block may hold, in the order fmt writes them: the id, then each kind's main key and fields.
KEY_ORDER = ("id",) + tuple(key for kind in KINDS for key in (kind.name, *kind.fields))


def kind_of(block: dict) -> BlockKind | None:
    """The kind of a block: the first main key it holds (validation refuses a block with two)."""
    return next((kind for kind in KINDS if kind.name in block), None)


def indicator_refs(block: dict) -> Iterator[tuple[tuple, str]]:
    """The portrait indicators a block shows: (pointer inside the block, indicator id)."""
    for kind in KINDS:
        if kind.indicator_refs and kind.name in block:
            yield from kind.indicator_refs(block)


def needs(block: dict) -> set[str]:
    """The kinds of source file (e.g. "social-centres") whose content the block inserts."""
    return {need for kind in KINDS if kind.needs and kind.name in block for need in kind.needs(block)}


# --- plain text helpers shared by the kinds and cdv.flatten ---------------------------------------------


def leaves(value, text: Text, path: str) -> Iterator[str]:
    """Every value under `value`, one line each, named by its path ("[ranking] entries 2 rank : 12")."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, text, f"{path} {key}")
    elif isinstance(value, list):
        for number, item in enumerate(value, 1):
            yield from leaves(item, text, f"{path} {number}")
    else:
        yield f"{path} : {text(value) if isinstance(value, str) else value}"


def rest(mapping: dict, known: set, text: Text) -> str:
    """The fields of `mapping` not in `known`, in brackets: nothing a later schema adds goes unseen."""
    return "".join(
        f" ({line.strip()})" for key in mapping if key not in known for line in leaves(mapping[key], text, key)
    )
