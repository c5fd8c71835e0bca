"""Render content blocks of the sources as markdown (with small HTML parts) for the site.

Every value of the sources goes through cdv.text.to_html (md, inline_html and title_html are its forms)."""

from __future__ import annotations

from markupsafe import Markup

from .corpus import Corpus, latest
from .text import NBSP, fr_number, fr_value, inline_html, md, plural, title_html

SCHOOL_LABELS = {
    "maternelle": ("école maternelle publique", "écoles maternelles publiques", "Maternelle"),
    "elementaire": ("école élémentaire publique", "écoles élémentaires publiques", "Élémentaire"),
    "college": ("collège public de secteur", "collèges publics de secteur", "Collège"),
    "lycee": ("lycée public de secteur", "lycées publics de secteur", "Lycée"),
}


def source_with_period(obs: dict) -> str:
    """'OPS 2022' stays as is; a source that does not name its period gets it in brackets."""
    return obs["source"] if obs["period"] in obs["source"] else f"{obs['source']} ({obs['period']})"


def trend(ind: dict) -> str:
    """The latest observation against the previous one: '↗ +132 depuis 2018', in points for shares."""
    previous, last = ind["observations"][-2], ind["observations"][-1]
    delta = round(last["value"] - previous["value"], 6)
    arrow = "↗" if delta > 0 else "↘" if delta < 0 else "→"
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    amount = fr_number(abs(delta))
    unit = {"pourcent": f"{NBSP}point" + ("s" if abs(delta) >= 2 else ""), "euros": f"{NBSP}€", "nombre": ""}[
        ind["unit"]
    ]
    return f"{arrow} {sign}{amount}{unit} depuis {inline_html(previous['period'])}"


class BlockRenderer:
    """Renders blocks for one document; `indicators` is the portrait's indicators, by id."""

    def __init__(
        self,
        corpus: Corpus,
        indicators: dict | None = None,
        heading_level: int = 3,
        links=None,
        id_prefix: str = "",
        place: str | None = None,
    ):
        self.corpus = corpus
        self.place = place  # the neighbourhood's name, for the charts
        self.id_prefix = id_prefix  # keeps anchors unique where several documents share one page (the PDF)
        self.indicators = indicators or {}
        self.heading_level = heading_level
        self.links = links  # callable(kind, id) -> relative URL, provided by the page being built

    def render(self, blocks: list[dict]) -> Markup:
        return Markup("".join(self.block(b) for b in blocks))

    def block(self, b: dict) -> str:
        anchor = f'<a id="{self.id_prefix}{b["id"]}"></a>\n' if "id" in b else ""
        for key in (
            "p",
            "heading",
            "list",
            "table",
            "quote",
            "note",
            "source",
            "include",
            "indicators",
            "figure",
            "schools",
            "ranking",
            "transit",
        ):
            if key in b:
                return anchor + getattr(self, f"_{key}")(b) + "\n"
        raise ValueError(f"unknown block {sorted(b)}")  # the schema makes this unreachable

    # --- text blocks --------------------------------------------------------------------------
    def _p(self, b):
        return f"{md(b['p'])}\n"

    def _heading(self, b):
        return f"{'#' * self.heading_level} {md(b['heading'])}\n"

    def _list(self, b, items=None, depth=0):
        lines = []
        for n, item in enumerate(items if items is not None else b["list"], 1):
            marker = f"{n}." if b.get("ordered") else "-"
            text, sub = (item, None) if isinstance(item, str) else (item["text"], item["items"])
            lines.append(f"{'    ' * depth}{marker} {md(text)}")
            if sub:
                lines.append(self._list({"ordered": False}, sub, depth + 1).rstrip("\n"))
        return "\n".join(lines) + "\n"

    def _table(self, b):
        t = b["table"]
        width = max(len(t["headers"]), *(len(r) for r in t["rows"]))

        def row(cells):
            cells = list(cells) + [""] * (width - len(cells))
            return "| " + " | ".join(md(c) if c else " " for c in cells) + " |"  # md() writes "|" as &#124;

        out = [row(t["headers"]), "|" + "---|" * width] + [row(r) for r in t["rows"]]
        caption = f"*{md(t['caption'])}*\n\n" if t.get("caption") else ""
        return caption + "\n".join(out) + "\n"

    def _quote(self, b):
        inner = BlockRenderer(
            self.corpus, self.indicators, self.heading_level, self.links, self.id_prefix, self.place
        ).render(b["quote"])
        return "\n".join(("> " + line) if line else ">" for line in str(inner).rstrip("\n").split("\n")) + "\n"

    def _note(self, b):
        label = f"<strong>{inline_html(b['label'])}</strong> : " if b.get("label") else ""
        return f'<p class="cdv-note">{label}{inline_html(b["note"])}</p>\n'

    def _source(self, b):
        return f'<p class="cdv-source">Source : {inline_html(b["source"])}</p>\n'

    def _include(self, b):
        what = b["include"]
        if what == "social_centres":
            centres = self.corpus.social_centres
            rows = []
            for c in centres["centres"]:
                names = [
                    self._link("neighbourhood", nid, self.corpus.neighbourhood(nid)["name"])
                    for nid in c["neighbourhoods"]
                ]
                rows.append(f"| {md(c['name'])} | {', '.join(names) or ' '} |")
            h = centres["headers"]
            return f"| {md(h[0])} | {md(h[1])} |\n|---|---|\n" + "\n".join(rows) + "\n"
        if what == "common_base":
            return f"Voir [{title_html(self.corpus.objectives['title'])}]({self.links('page', 'common-base')}).\n"
        if what == "neighbourhoods":
            lines = []
            for kind, title in (("qpv", "Quartiers prioritaires"), ("fragile", "Quartiers fragiles")):
                names = [
                    self._link("neighbourhood", n["id"], n["name"]) for n in self.corpus.neighbourhoods_of_kind(kind)
                ]
                lines.append(f"- {title} : {', '.join(names)}")
            return "\n".join(lines) + "\n"
        raise ValueError(what)

    def _link(self, kind, ident, text) -> str:
        # A link's label is its words only: a link inside a link is neither valid HTML nor wanted.
        return f"[{title_html(text)}]({self.links(kind, ident)})" if self.links else str(md(text))

    # --- portrait blocks -----------------------------------------------------------------------
    def indicator_card(self, ind: dict) -> str:
        obs = latest(ind)
        value = fr_value(obs["value"], ind["unit"], obs.get("explicit_sign", False))
        prefix = f"{inline_html(ind['prefix'])} " if ind.get("prefix") else ""
        territory = self.corpus.contract["territory"]
        compare = []
        if "commune" in obs:
            compare.append(f"{fr_value(obs['commune'], ind['unit'])} {inline_html(territory['commune'])}")
        if "epci" in obs:
            name = territory.get("epci_short") or territory["epci"]
            compare.append(f"{fr_value(obs['epci'], ind['unit'])} {inline_html(name)}")
        parts = [
            f'<span class="cdv-card__value">{prefix}{value}</span>',
            f'<span class="cdv-card__label">{inline_html(ind["label"])}</span>',
        ]
        if compare:
            parts.append(f'<span class="cdv-card__compare">({" / ".join(compare)})</span>')
        if len(ind["observations"]) > 1:
            parts.append(f'<span class="cdv-card__trend">{trend(ind)}</span>')
        if obs.get("note"):
            parts.append(f'<span class="cdv-card__note">{inline_html(obs["note"])}</span>')
        parts.append(f'<span class="cdv-card__source">Source : {inline_html(source_with_period(obs))}</span>')
        # Spaces between the parts keep "15 378 habitants" one phrase for screen readers and search.
        return f'<div class="cdv-card" id="{self.id_prefix}indicateur-{ind["id"]}">' + " ".join(parts) + "</div>"

    def _indicators(self, b):
        from .charts import comparison_chart, series_chart

        cards = "".join(self.indicator_card(self.indicators[i]) for i in b["indicators"])
        charts = []
        for ident in b["indicators"]:
            ind = self.indicators[ident]
            for chart in (
                comparison_chart(ind, self.place or "Quartier", self.corpus.contract["territory"], self.id_prefix),
                series_chart(ind, self.place or "Quartier", self.id_prefix),
            ):
                if chart:
                    charts.append(str(chart))
        figures = f'<div class="cdv-charts">{"".join(charts)}</div>' if charts else ""
        return f'<div class="cdv-cards">{cards}</div>\n{figures}\n'

    def _figure(self, b):
        f = b["figure"]
        kind = "Carte" if f["kind"] == "carte" else "Graphique"
        return (
            f'<p class="cdv-figure-lost"><strong>{kind} du document signé</strong> : '
            f"« {inline_html(f['title'])} ». Ses valeurs ne sont pas reprises ici.</p>\n"
        )

    def _schools(self, b):
        rows = []
        for level in b["schools"]["levels"]:
            singular, plural_form, title = SCHOOL_LABELS[level["level"]]
            names = level["establishments"]
            label = level.get("label") or plural(len(names), singular, plural_form)
            pupils = []
            for ref in level.get("pupils", []):
                ind = self.indicators[ref]
                obs = latest(ind)
                prefix = f"{inline_html(ind['prefix'])} " if ind.get("prefix") else ""
                pupils.append(
                    f"{prefix}<strong>{fr_value(obs['value'], ind['unit'])}</strong> {inline_html(ind['label'])}"
                )
            listed = f" : {', '.join(str(inline_html(n)) for n in names)}" if names else ""
            parts = [
                f'<span class="cdv-school__level">{title}</span>',
                f'<span class="cdv-school__count">{len(names)} {inline_html(label)}{listed}</span>',
            ]
            if pupils:
                parts.append(f'<span class="cdv-school__pupils">{", ".join(pupils)}</span>')
            rows.append(
                f'<div class="cdv-school" id="{self.id_prefix}ecoles-{level["level"]}">' + " ".join(parts) + "</div>"
            )
        return f'<div class="cdv-schools">{"".join(rows)}</div>\n'

    def _ranking(self, b):
        r = b["ranking"]
        pop = r["population"]
        head = f"**{md(r['title'])}** — classement national ({md(pop['label'])} : {fr_number(pop['count'])})"
        rows = "\n".join(f"| {md(e['name'])} | {fr_number(e['rank'])}e |" for e in r["entries"])
        source = f'\n<p class="cdv-source">Source : {inline_html(r["source"])}</p>\n' if r.get("source") else ""
        return f"{head}\n\n| Établissement | Rang |\n|---|---|\n{rows}\n{source}"

    def _transit(self, b):
        t = b["transit"]
        rows = "\n".join(f"| {md(line['line'])} | {md(line['route'])} |" for line in t["lines"])
        return f"**{md(t['title'])}**\n\n| Ligne | Trajet |\n|---|---|\n{rows}\n"
