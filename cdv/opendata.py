"""Open data of a version: the whole contract as one JSON file valid against the published schemas, the
indicators of every neighbourhood as CSV, and a data dictionary generated from the schemas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .corpus import Corpus
from .indicators import comparisons, observation_source
from .labels import UNIT_LABELS

BUNDLE_SCHEMA = "bundle.schema.json"
# The columns of indicateurs.csv; the comparison columns come between "valeur" and "periode", one per
# comparison territory of the contract (csv_columns).
CSV_COLUMNS = [
    "quartier_id",
    "quartier",
    "type_quartier",
    "commune",
    "indicateur_id",
    "libelle",
    "unite",
    "unite_libelle",
    "valeur",
    "periode",
    "source",
]
# Column names the open data has always had, kept for its users; another comparison is "valeur_<id>".
_COMPARISON_COLUMNS = {"commune": "valeur_commune", "epci": "valeur_intercommunalite"}


def bundle(corpus: Corpus) -> dict:
    """Every source document of the version, as validated, in one object (see schemas/bundle.schema.json)."""
    return {
        "contract": corpus.contract,
        "articles": corpus.articles,
        "objectives": corpus.objectives,
        "signatories": {"groups": corpus.signatory_groups, "signatories": corpus.signatories},
        "commitments": corpus.commitments,
        "devices": corpus.devices,
        "social_centres": corpus.social_centres,
        "neighbourhoods": corpus.neighbourhoods,
        "glossary": {"terms": corpus.glossary} if corpus.glossary else None,
    }


def bundle_json(corpus: Corpus) -> str:
    data = {k: v for k, v in bundle(corpus).items() if v is not None}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _comparison_column(ident: str) -> str:
    return _COMPARISON_COLUMNS.get(ident) or "valeur_" + ident.replace("-", "_")


def csv_columns(corpus: Corpus) -> list[str]:
    """The header of indicateurs.csv: a value column for each comparison territory, in display order."""
    at = CSV_COLUMNS.index("valeur") + 1
    ids = [_comparison_column(ident) for ident, _ in comparisons(corpus.contract)]
    return CSV_COLUMNS[:at] + ids + CSV_COLUMNS[at:]


def indicators_csv(corpus: Corpus) -> str:
    """One row per observation of every indicator (a time series keeps all its rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(corpus))
    ids = [ident for ident, _ in comparisons(corpus.contract)]
    for n in corpus.neighbourhoods:
        for ind in (n.get("portrait") or {}).get("indicators", []):
            unit = ind["unit"]
            symbol, label = (unit, UNIT_LABELS[unit]) if isinstance(unit, str) else (unit["symbol"], unit["label"])
            for obs in ind["observations"]:
                writer.writerow(
                    [
                        n["id"],
                        n["name"],
                        n["kind"],
                        n["commune"],
                        ind["id"],
                        ind["label"],
                        symbol,
                        label,
                        obs["value"],
                        *(obs.get(ident, "") for ident in ids),
                        obs["period"],
                        observation_source(obs),
                    ]
                )
    return out.getvalue()


def data_dictionary(schema_dir: Path) -> list[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """For each published schema: (file, title, rows of (path, title, type, description))."""
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(schema_dir.glob("*.schema.json"))}
    out = []
    for name, schema in schemas.items():
        if name == BUNDLE_SCHEMA:
            continue
        rows: list[tuple[str, str, str, str]] = []
        if name == "common.schema.json":
            for def_name, definition in schema["$defs"].items():
                _walk(schemas, definition, name, def_name, rows, set(), depth=0)
        else:
            _walk(schemas, schema, name, "", rows, set(), depth=0)
        out.append((name, schema.get("title", name), rows))
    return out


def _type_of(node: dict) -> str:
    if "$ref" in node:
        return "voir « " + node["$ref"].split("/")[-1] + " »"
    if "enum" in node:
        return "une valeur parmi : " + ", ".join(str(v) for v in node["enum"])
    if "oneOf" in node and "type" not in node:
        return "plusieurs formes"
    names: dict[str, str] = {
        "string": "texte",
        "integer": "entier",
        "number": "nombre",
        "boolean": "vrai/faux",
        "object": "objet",
        "array": "liste",
    }
    kinds = node.get("type", "")
    # A field of several forms (an indicator's unit: a keyword or {symbol, label}) lists them.
    if isinstance(kinds, list):
        return " ou ".join(names.get(str(k), str(k)) for k in kinds)
    return names.get(str(kinds), str(kinds))


def _walk(schemas, node, file, path, rows, seen, depth):
    if depth > 8:
        return
    if path:
        rows.append((path, node.get("title", ""), _type_of(node), node.get("description", "")))
    if "$ref" in node:
        return  # shared definitions are described once, under common.schema.json
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        _walk(schemas, node["items"], file, f"{path}[]", rows, seen, depth + 1) if "$ref" not in node["items"] else None
    for key, prop in (node.get("properties") or {}).items():
        _walk(schemas, prop, file, f"{path}.{key}" if path else key, rows, seen, depth + 1)
