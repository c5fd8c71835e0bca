"""French sentences for JSON Schema errors: what is wrong, and what was expected."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only invalid files reach this module: jsonschema is imported when one is met
    from jsonschema.exceptions import ValidationError

_TYPES = {
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "object": "un dictionnaire de champs (clé: valeur)",
    "array": "une liste (éléments précédés de « - »)",
    "null": "une valeur vide",
}


def describe_value(value) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"le booléen {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"le nombre {value}"
    if isinstance(value, str):
        short = value if len(value) <= 60 else value[:57] + "…"
        return f"le texte « {short} »"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un dictionnaire"
    return repr(value)


def _expected_type(expected) -> str:
    if isinstance(expected, list):
        return " ou ".join(_TYPES.get(t, t) for t in expected)
    return _TYPES.get(expected, str(expected))


def _field_title(error: ValidationError) -> str:
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    return f"« {title} » : " if title else ""


def french_message(error: ValidationError, raw_text: str | None = None) -> str:
    """One sentence for one schema error. `raw_text` is the scalar as typed in the YAML, if any."""
    v = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    title = _field_title(error)
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        prop = schema.get("properties", {}).get(missing, {})
        hint = f" ({prop.get('description')})" if prop.get("description") else ""
        return f"{title}champ obligatoire « {missing} » manquant{hint}."
    if v == "additionalProperties":
        unknown = sorted(set(error.instance) - set(schema.get("properties", {})))
        allowed = ", ".join(schema.get("properties", {}))
        names = ", ".join(f"« {u} »" for u in unknown)
        return f"{title}champ inconnu {names} ; champs acceptés : {allowed}."
    if v == "type":
        got = describe_value(error.instance)
        hint = ""
        if raw_text is not None and isinstance(error.instance, (int, float, bool)) and "string" in str(error.validator_value):
            hint = f" YAML a lu « {raw_text} » comme {got} : mettez-le entre guillemets (\"{raw_text}\")."
        return f"{title}{_expected_type(error.validator_value)} est attendu, pas {got}.{hint}"
    if v == "enum":
        allowed = ", ".join(f"« {a} »" for a in error.validator_value)
        shown = f"« {error.instance} »" if isinstance(error.instance, str) else describe_value(error.instance)
        return f"{title}{shown} n'est pas une valeur acceptée ; valeurs possibles : {allowed}."
    if v == "pattern":
        desc = schema.get("description", "")
        return f"{title}{describe_value(error.instance)} n'a pas la forme attendue. {desc}".strip()
    if v == "format":
        desc = schema.get("description", "")
        return f"{title}{describe_value(error.instance)} n'est pas au format {error.validator_value} attendu. {desc}".strip()
    if v == "minLength":
        return f"{title}le texte ne doit pas être vide."
    if v == "maxLength":
        return f"{title}texte trop long ({len(error.instance)} caractères, {error.validator_value} au plus)."
    if v == "minItems":
        return f"{title}la liste doit contenir au moins {error.validator_value} élément(s)."
    if v == "maxItems":
        return f"{title}la liste doit contenir au plus {error.validator_value} élément(s)."
    if v in ("minimum", "maximum"):
        word = "au moins" if v == "minimum" else "au plus"
        return f"{title}la valeur doit être {word} {error.validator_value}, pas {error.instance}."
    if v in ("oneOf", "anyOf"):
        if isinstance(error.instance, dict) and schema.get(v) and all("required" in s for s in schema[v]):
            keys = [s["required"][0] for s in schema[v]]
            present = [k for k in keys if k in error.instance]
            keys_text = ", ".join(keys)
            if present:
                return (f"{title}un bloc ne peut contenir qu'un seul de ces champs : {keys_text} "
                        f"(ici : {', '.join(present)}) ; faites-en plusieurs blocs.")
            return f"{title}un bloc doit contenir l'un de ces champs : {keys_text}."
        return f"{title}{describe_value(error.instance)} ne correspond à aucune des formes acceptées. {schema.get('description', '')}".strip()
    return f"{title}{error.message}"
