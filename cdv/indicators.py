"""What a portrait indicator is compared with and where its figures come from, as every output reads it.

The comparison territories are the contract's (contract.yml `shape.comparisons`, in display order); an
observation gives a territory's value under its id. A contract that declares none compares with the
commune and the intercommunality of its `territory`, under the ids `commune` and `epci`, as before the
list existed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from .labels import NO_SOURCE

# The fields of an observation that are not a comparison value (schemas/common.schema.json observation).
OBSERVATION_FIELDS = frozenset({"value", "explicit_sign", "period", "source", "note"})


def comparisons(contract: dict) -> list[tuple[str, str]]:
    """(id, label) of each comparison territory, in display order."""
    declared = (contract.get("shape") or {}).get("comparisons")
    if declared is not None:
        return [(c["id"], c["label"]) for c in declared]
    territory = contract.get("territory") or {}
    found = []
    if territory.get("commune"):
        found.append(("commune", territory["commune"]))
    if territory.get("epci"):
        found.append(("epci", territory.get("epci_short") or territory["epci"]))
    return found


def compared(obs: dict, contract: dict) -> list[tuple[str, str, float]]:
    """(id, label, value) of each declared territory the observation gives a value for, in display order."""
    return [(ident, label, obs[ident]) for ident, label in comparisons(contract) if ident in obs]


def comparison_ids(obs: dict) -> list[str]:
    """The comparison ids an observation uses (every field that is not one of its own)."""
    return [k for k in obs if k not in OBSERVATION_FIELDS]


def observation_source(obs: dict) -> str:
    """The observation's source, or the words that say the contract gives none."""
    return obs.get("source") or NO_SOURCE


# --- evaluation: the change since the baseline, the gap to each comparison territory ---------------------

_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def period_year(period: str) -> int | None:
    """The year an observation's period ends in ("2020-2021" -> 2021, "juin 2023" -> 2023), if it names one."""
    years = _YEAR.findall(str(period))
    return int(years[-1]) if years else None


def difference(end: float, start: float) -> float:
    """end − start, rounded to the decimals the two values are written with (no 2.0999999999)."""
    places = max(_decimals(end), _decimals(start))
    result = round(end - start, places)
    return int(result) if places == 0 else result


def _decimals(value: float) -> int:
    if isinstance(value, int) or float(value).is_integer():
        return 0
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class Change:
    """The latest observation against the start: the baseline if the indicator has one, else its first
    observation (`from_baseline` says which; `since` is the baseline's year or that observation's period)."""

    since: str
    start: float
    end: float
    end_period: str
    delta: float
    from_baseline: bool


@dataclass(frozen=True)
class Gap:
    """The neighbourhood's value minus a comparison territory's, at the first and at the latest observation
    that gives the territory a value (the same observation when only one does)."""

    ident: str
    label: str
    first_period: str
    first: float
    last_period: str
    last: float

    @property
    def once(self) -> bool:
        return self.first_period == self.last_period and self.first == self.last


def change(ind: dict) -> Change | None:
    """The change since the baseline, or since the first observation; None with neither a baseline nor a
    second observation."""
    observations = ind["observations"]
    last = observations[-1]
    baseline = ind.get("baseline")
    if baseline is not None:
        start, since = baseline["value"], str(baseline["year"])
    elif len(observations) > 1:
        start, since = observations[0]["value"], observations[0]["period"]
    else:
        return None
    return Change(since, start, last["value"], last["period"], difference(last["value"], start), baseline is not None)


def gap_series(ind: dict, contract: dict) -> list[tuple[str, str, list[float | None]]]:
    """(id, label, gap at each observation or None) for each comparison territory some observation gives."""
    out = []
    for ident, label in comparisons(contract):
        gaps = [difference(o["value"], o[ident]) if ident in o else None for o in ind["observations"]]
        if any(g is not None for g in gaps):
            out.append((ident, label, gaps))
    return out


def gaps(ind: dict, contract: dict) -> list[Gap]:
    """The gap to each comparison territory, at the first and at the latest observation that gives it."""
    out = []
    for ident, label, series in gap_series(ind, contract):
        given = [(o["period"], g) for o, g in zip(ind["observations"], series, strict=True) if g is not None]
        (first_period, first), (last_period, last) = given[0], given[-1]
        out.append(Gap(ident, label, first_period, first, last_period, last))
    return out


def target_gap(ind: dict) -> float | None:
    """The latest observation minus the target (negative: below it), None without a target."""
    target = ind.get("target")
    return None if target is None else difference(ind["observations"][-1]["value"], target["value"])


# --- comparing neighbourhoods: an indicator id shared by several ----------------------------------------


@dataclass(frozen=True)
class Shared:
    """An indicator id that several neighbourhoods give: each (neighbourhood, indicator) in the contract's
    order, the label most of them use (the first met on a tie) and the other labels."""

    ident: str
    label: str
    variants: tuple[str, ...]
    entries: tuple[tuple[dict, dict], ...]


def shared_indicators(neighbourhoods: list[dict], minimum: int = 2) -> list[Shared]:
    """The indicator ids present in at least `minimum` neighbourhoods, in order of first appearance."""
    found: dict[str, list[tuple[dict, dict]]] = {}
    for n in neighbourhoods:
        for ind in (n.get("portrait") or {}).get("indicators", []):
            found.setdefault(ind["id"], []).append((n, ind))
    out = []
    for ident, entries in found.items():
        if len(entries) < minimum:
            continue
        labels = Counter(ind["label"] for _, ind in entries)
        order = list(dict.fromkeys(ind["label"] for _, ind in entries))
        label = max(order, key=lambda text: labels[text])  # max keeps the first of equals
        out.append(Shared(ident, label, tuple(t for t in order if t != label), tuple(entries)))
    return out
