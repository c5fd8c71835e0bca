"""Charts drawn at build time as accessible inline SVG: a title and description for screen readers,
and the figures as a table beside them. Only figures the sources give are drawn."""

from __future__ import annotations

from markupsafe import Markup, escape

from .corpus import latest
from .text import fr_value, plain_text

WIDTH, BAR_H, GAP, LABEL_W = 360, 18, 8, 130


def _bars(
    chart_id: str, title: str, description: str, rows: list[tuple[str, float, str]], highlight: int = 0
) -> Markup:
    """Horizontal bars; rows are (label, value, formatted value)."""
    top = max(v for _, v, _ in rows) or 1
    height = len(rows) * (BAR_H + GAP) + GAP
    usable = WIDTH - LABEL_W - 70
    shapes = []
    for i, (label, value, shown) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        w = max(1.0, usable * value / top)
        cls = "cdv-bar cdv-bar--main" if i == highlight else "cdv-bar"
        shapes.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 5}" text-anchor="end" class="cdv-chart-label">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" class="{cls}"></rect>'
            f'<text x="{LABEL_W + w + 6:.1f}" y="{y + BAR_H - 5}" class="cdv-chart-value">{escape(shown)}</text>'
        )
    rows_html = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{escape(shown)}</td></tr>' for label, _, shown in rows
    )
    return Markup(
        f'<figure class="cdv-chart" id="{chart_id}">'
        f'<svg role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-titre">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(shapes)
        + "</svg>"
        f"<figcaption>{escape(title)}</figcaption>"
        f'<table class="cdv-chart-data"><caption>Données du graphique</caption><tbody>{rows_html}</tbody></table>'
        "</figure>"
    )


def comparison_chart(ind: dict, place: str, territory: dict, id_prefix: str = "") -> Markup | None:
    """The neighbourhood against the commune and the intercommunality, where the source gives both or one."""
    obs = latest(ind)
    if "commune" not in obs and "epci" not in obs:
        return None
    rows = [(place, obs["value"], fr_value(obs["value"], ind["unit"]).replace("\u00a0", " "))]
    if "commune" in obs:
        rows.append(
            (territory["commune"], obs["commune"], fr_value(obs["commune"], ind["unit"]).replace("\u00a0", " "))
        )
    if "epci" in obs:
        name = territory.get("epci_short") or territory["epci"]
        rows.append((name, obs["epci"], fr_value(obs["epci"], ind["unit"]).replace("\u00a0", " ")))
    label = plain_text(ind["label"])
    title = f"{label} : {place} comparé à {', '.join(r[0] for r in rows[1:])}"
    description = "; ".join(f"{r[0]} : {r[2]}" for r in rows) + f". Source : {obs['source']} ({obs['period']})."
    return _bars(f"{id_prefix}graphique-{ind['id']}", title, description, rows)


def series_chart(ind: dict, place: str, id_prefix: str = "") -> Markup | None:
    """The latest observations of an indicator, oldest first, when there are several."""
    if len(ind["observations"]) < 2:
        return None
    rows = [
        (o["period"], o["value"], fr_value(o["value"], ind["unit"]).replace("\u00a0", " "))
        for o in ind["observations"][-6:]
    ]
    label = plain_text(ind["label"])
    title = f"{place} — {label} : évolution"
    description = "; ".join(f"{r[0]} : {r[2]}" for r in rows) + "."
    return _bars(f"{id_prefix}evolution-{ind['id']}", title, description, rows, highlight=len(rows) - 1)
