"""What a portrait indicator is compared with and where its figures come from, as every output reads it.

The comparison territories are the contract's (contract.yml `shape.comparisons`, in display order); an
observation gives a territory's value under its id. A contract that declares none compares with the
commune and the intercommunality of its `territory`, under the ids `commune` and `epci`, as before the
list existed.
"""

from __future__ import annotations

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
