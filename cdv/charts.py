"""Charts drawn at build time as accessible inline SVG: a title and description for screen readers,
and the figures as a table beside them. Only figures the sources give are drawn."""

from __future__ import annotations

from markupsafe import Markup, escape

from .corpus import latest
from .indicators import Shared, compared, gap_series, observation_source
from .labels import BASELINE, GAP_WITH, TARGET
from .text import fr_change, fr_value, plain_text, unit_label

WIDTH, BAR_H, GAP, LABEL_W = 360, 18, 8, 130


def _bars(
    chart_id: str,
    title: str,
    description: str,
    rows: list[tuple[str, float, str]],
    highlight: int = 0,
    unit: str | None = None,
    mark: tuple[float, str] | None = None,
    table: Markup | None = None,
) -> Markup:
    """Horizontal bars; rows are (label, value, formatted value); `unit` names a declared unit; `mark` is a
    value drawn as a dashed line across the bars with its words (a target); `table` replaces the default
    two-column data table (its body rows)."""
    top = max([v for _, v, _ in rows] + ([mark[0]] if mark else [])) or 1
    marked = GAP + BAR_H if mark else 0  # room under the bars for the mark's words
    height = len(rows) * (BAR_H + GAP) + GAP + marked
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
    if mark:
        x = LABEL_W + max(1.0, usable * mark[0] / top)
        bottom = height - marked
        shapes.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{bottom}" class="cdv-chart-target"></line>'
            f'<text x="{x:.1f}" y="{bottom + BAR_H - 4}" text-anchor="end" class="cdv-chart-label">{escape(mark[1])}</text>'
        )
    rows_html = table or Markup("<tbody>{}</tbody>").format(
        Markup("").join(
            Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(label, shown) for label, _, shown in rows
        )
    )
    caption = "Données du graphique" + (f" (en {unit})" if unit else "")
    # Out of the search index (Material's data-search-exclude): the card beside the chart already says its
    # figures in words, and the chart said them three times more (title, bars, table) in every section.
    return Markup(
        f'<figure class="cdv-chart" id="{chart_id}" data-search-exclude="true">'
        f'<svg role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-titre">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(shapes)
        + "</svg>"
        f"<figcaption>{escape(title)}</figcaption>"
        f'<table class="cdv-chart-data"><caption>{escape(caption)}</caption>{rows_html}</table>'
        "</figure>"
    )


def _shown(value, unit) -> str:
    return fr_value(value, unit).replace("\u00a0", " ")


def _change(delta, unit) -> str:
    return fr_change(delta, unit).replace("\u00a0", " ")


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


def series_chart(ind: dict, place: str, contract: dict, id_prefix: str = "") -> Markup | None:
    """Every observation of an indicator, oldest first, when there are several or a target: the target as a
    dashed line, and in the data table the baseline, the target and the gap to each comparison territory
    at each observation."""
    observations = ind["observations"]
    target, baseline = ind.get("target"), ind.get("baseline")
    if len(observations) < 2 and target is None:
        return None
    unit = ind["unit"]
    rows = [(plain_text(o["period"]), o["value"], _shown(o["value"], unit)) for o in observations]
    title = f"{place} — {_title(ind)} : évolution"
    description = "; ".join(f"{r[0]} : {r[2]}" for r in rows) + "."
    mark = None
    if target is not None:
        words = f"{TARGET} {target['year']} : {_shown(target['value'], unit)}"
        description += f" {words}."
        mark = (target["value"], words)
    series = gap_series(ind, contract)
    head = Markup("").join(
        Markup('<th scope="col">{}</th>').format(f"{GAP_WITH} {plain_text(label)}") for _, label, _ in series
    )
    body = []
    for i, (period, _, shown) in enumerate(rows):
        cells = Markup("").join(
            Markup("<td>{}</td>").format("" if gaps[i] is None else _change(gaps[i], unit)) for _, _, gaps in series
        )
        body.append(Markup('<tr><th scope="row">{}</th><td>{}</td>{}</tr>').format(period, shown, cells))
    blank = Markup("").join(Markup("<td></td>") for _ in series)
    for word, point in ((BASELINE, baseline), (TARGET, target)):
        if point is not None:
            body.append(
                Markup('<tr class="cdv-chart-mark"><th scope="row">{} ({})</th><td>{}</td>{}</tr>').format(
                    word, point["year"], _shown(point["value"], unit), blank
                )
            )
    table = Markup(
        '<thead><tr><th scope="col">Période</th><th scope="col">Valeur</th>{}</tr></thead><tbody>{}</tbody>'
    ).format(head, Markup("").join(body))
    return _bars(
        f"{id_prefix}evolution-{ind['id']}",
        title,
        description,
        rows,
        highlight=len(rows) - 1,
        unit=unit_label(unit),
        mark=mark,
        table=table,
    )


def neighbourhoods_chart(shared: Shared) -> Markup | None:
    """The latest value of an indicator in each neighbourhood that gives it, as bars; None when they do not
    all measure it in the same unit (bars of different units would not compare)."""
    units = [ind["unit"] for _, ind in shared.entries]
    if any(u != units[0] for u in units):
        return None
    unit = units[0]
    rows = [
        (plain_text(n["name"]), latest(ind)["value"], _shown(latest(ind)["value"], unit)) for n, ind in shared.entries
    ]
    named = unit_label(unit)
    label = plain_text(shared.label)
    title = f"{label}{f' ({plain_text(named)})' if named else ''} : dernière valeur de chaque quartier"
    description = (
        "; ".join(
            f"{r[0]} : {r[2]} ({plain_text(latest(ind)['period'])})"
            for r, (_, ind) in zip(rows, shared.entries, strict=True)
        )
        + "."
    )
    return _bars(f"comparaison-{shared.ident}", title, description, rows, highlight=-1, unit=named)
