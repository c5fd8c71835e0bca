"""Charts drawn at build time as accessible inline SVG: a title and description for screen readers,
and the figures as a table beside them. Only figures the sources give are drawn."""

from __future__ import annotations

from markupsafe import Markup, escape

from .corpus import latest
from .indicators import compared, observation_source
from .text import fr_value, plain_text, unit_label

WIDTH, BAR_H, GAP, LABEL_W = 360, 18, 8, 130


def _bars(
    chart_id: str,
    title: str,
    description: str,
    rows: list[tuple[str, float, str]],
    highlight: int = 0,
    unit: str | None = None,
) -> Markup:
    """Horizontal bars; rows are (label, value, formatted value); `unit` names a declared unit."""
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
    caption = "Données du graphique" + (f" (en {unit})" if unit else "")
    return Markup(
        f'<figure class="cdv-chart" id="{chart_id}">'
        f'<svg role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-titre">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(shapes)
        + "</svg>"
        f"<figcaption>{escape(title)}</figcaption>"
        f'<table class="cdv-chart-data"><caption>{escape(caption)}</caption><tbody>{rows_html}</tbody></table>'
        "</figure>"
    )


def _shown(value, unit) -> str:
    return fr_value(value, unit).replace("\u00a0", " ")


def _title(ind: dict) -> str:
    """The indicator's label, and its unit's when it declares one: "Surface de parcs (hectares)"."""
    label = plain_text(ind["label"])
    named = unit_label(ind["unit"])
    return f"{label} ({plain_text(named)})" if named else label


def comparison_chart(ind: dict, place: str, contract: dict, id_prefix: str = "") -> Markup | None:
    """The neighbourhood against the contract's comparison territories the source gives a value for."""
    obs = latest(ind)
    others = compared(obs, contract)
    if not others:
        return None
    rows = [(place, obs["value"], _shown(obs["value"], ind["unit"]))]
    rows += [(plain_text(name), figure, _shown(figure, ind["unit"])) for _, name, figure in others]
    title = f"{_title(ind)} : {place} comparé à {', '.join(r[0] for r in rows[1:])}"
    description = (
        "; ".join(f"{r[0]} : {r[2]}" for r in rows) + f". Source : {observation_source(obs)} ({obs['period']})."
    )
    return _bars(f"{id_prefix}graphique-{ind['id']}", title, description, rows, unit=unit_label(ind["unit"]))


def series_chart(ind: dict, place: str, id_prefix: str = "") -> Markup | None:
    """The latest observations of an indicator, oldest first, when there are several."""
    if len(ind["observations"]) < 2:
        return None
    rows = [(o["period"], o["value"], _shown(o["value"], ind["unit"])) for o in ind["observations"][-6:]]
    title = f"{place} — {_title(ind)} : évolution"
    description = "; ".join(f"{r[0]} : {r[2]}" for r in rows) + "."
    return _bars(
        f"{id_prefix}evolution-{ind['id']}",
        title,
        description,
        rows,
        highlight=len(rows) - 1,
        unit=unit_label(ind["unit"]),
    )
