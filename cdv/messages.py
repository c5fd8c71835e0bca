"""French sentences for JSON Schema errors: what is wrong, and what to type, in an editor's words.

An editor knows fields ("titre: …"), lists (lines starting with « - »), texts, numbers and true/false;
never the words of JSON or YAML for them. Adjectives agree with the noun they qualify: « partie …
inconnue », « une liste est attendue ».
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from .errors import shown
from .text import plural

if TYPE_CHECKING:  # only invalid files reach this module: jsonschema is imported when one is met
    from jsonschema.exceptions import ValidationError

# Head nouns (first word of a field's title or of what a message names) that are feminine in French.
_FEMININE = {
    "action",
    "adresse",
    "annexe",
    "association",
    "carte",
    "catégorie",
    "cellule",
    "citation",
    "clé",
    "collectivité",
    "commune",
    "convention",
    "coordonnées",
    "date",
    "définition",
    "description",
    "desserte",
    "étiquette",
    "fin",
    "forme",
    "intercommunalité",
    "introduction",
    "légende",
    "licence",
    "ligne",
    "lignes",
    "liste",
    "mention",
    "mesure",
    "mesures",
    "note",
    "observation",
    "observations",
    "orientation",
    "page",
    "partie",
    "parties",
    "période",
    "personne",
    "personnes",
    "phrase",
    "position",
    "préfecture",
    "priorité",
    "priorités",
    "rubrique",
    "rubriques",
    "section",
    "signature",
    "source",
    "sous-liste",
    "structure",
    "thématique",
    "unité",
    "valeur",
    "version",
    "ville",
}
_ARTICLES = {"le", "la", "les", "un", "une", "des", "l'", "l’"}


def feminine(noun: str) -> bool:
    """Whether a French noun phrase (« partie », « Bloc de contenu », « l'unité ») is feminine."""
    words = re.findall(r"[\w’'-]+", noun.lower())
    while words and words[0] in _ARTICLES:
        words = words[1:]
    if words and re.match(r"l['’]", words[0]):
        words[0] = words[0][2:]
    return bool(words) and words[0] in _FEMININE


def agree(noun: str, adjective: str) -> str:
    """The adjective (« inconnu », « manquant », « attendu ») agreeing with the noun's gender."""
    return adjective + "e" if feminine(noun) else adjective


# What each JSON type is called for an editor, and whether that phrase is feminine.
_TYPES = {
    "string": ("un texte", False),
    "integer": ("un nombre entier", False),
    "number": ("un nombre", False),
    "boolean": ("true (oui) ou false (non)", False),
    "object": ("un ensemble de champs (nom: valeur, un par ligne)", False),
    "array": ("une liste (éléments précédés de « - »)", True),
    "null": ("une valeur vide", True),
}


def describe_value(value) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"la valeur {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte « {shown(value)} »"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        names = ", ".join(f"« {shown(k, 40)} »" for k in list(value)[:3]) + (", …" if len(value) > 3 else "")
        return f"des champs ({names})" if len(value) > 1 else f"un champ ({names})"
    return repr(value)


def _expected_type(expected) -> str:
    kinds = expected if isinstance(expected, list) else [expected]
    phrases = [_TYPES.get(t, (str(t), False)) for t in kinds]
    text = " ou ".join(p for p, _ in phrases)
    return f"{text} est {'attendue' if all(f for _, f in phrases) else 'attendu'}"


def _field_title(error: ValidationError) -> str:
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    return f"« {title} » : " if title else ""


def _text_read_as_field(instance, known: set, typed: str | None = None) -> str | None:
    """A list item or a value typed as text with « : » inside, that YAML read as a field: what to type.
    `typed` is the line as the editor wrote it from the key on, when known: quoted back unchanged."""
    if not isinstance(instance, dict) or len(instance) != 1:
        return None
    [(key, value)] = instance.items()
    if key in known or not isinstance(key, str) or not isinstance(value, (str, int, float, type(None))):
        return None
    text = f"{key}:" if value is None else f"{key}: {value}"
    if typed and typed.startswith(key) and ":" in typed and "#" not in typed:
        text = typed  # "Savoir-faire : thématiques" keeps its space before « : »
    short = shown(text, 60)
    quoted = f'"{short}"' if '"' not in text else f"'{short}'"
    return (
        f"le texte « {short} » contient « : » (deux-points suivi d'une espace) : YAML l'a lu comme un "
        f"champ « {key} ». Mettez tout le texte entre guillemets : {quoted}"
    )


def _properties(schema: dict) -> set:
    names = set(schema.get("properties", {}))
    for key in ("oneOf", "anyOf"):
        for branch in schema.get(key, []):
            if isinstance(branch, dict):
                names |= set(branch.get("properties", {}))
    return names


def _looks_like_text(key) -> bool:
    return isinstance(key, str) and not re.fullmatch(r"[a-z_][a-z0-9_]*", key)


def _suggest(word, choices) -> str:
    """« Voulez-vous dire … ? » for a near miss: a typo, a capital, an accent, a French name."""
    if not isinstance(word, str):
        return ""
    choices = [c for c in choices if isinstance(c, str)]
    by_lower = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower().replace(" ", "_"), list(by_lower), n=1, cutoff=0.6)
    return f" Voulez-vous dire « {by_lower[close[0]]} » ?" if close else ""


_FRENCH_NUMBER = re.compile(r"^\s*[+-]?[0-9][0-9\s\u00a0\u202f.]*(,[0-9]+)?\s*(€|euros?|%)?\s*$", re.I)


def _number_hint(text: str) -> str:
    """How to write a number typed as a spreadsheet shows it (« 12 000 € », « 12,5 », « "2025" »)."""
    if not _FRENCH_NUMBER.match(text):
        return ""
    digits = re.sub(r"[\s\u00a0\u202f]|€|euros?|%", "", text, flags=re.I)
    if digits.count(".") and "," not in digits and re.fullmatch(r"[+-]?[0-9]{1,3}(\.[0-9]{3})+", digits):
        digits = digits.replace(".", "")  # « 12.000 »: a thousands separator, not a decimal point
    number = digits.replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", number):
        return ""
    return (
        f" Écrivez le nombre en chiffres, sans espace, sans symbole ni guillemets, avec un point pour les "
        f"décimales : {number}."
    )


def _date_hint(text) -> str:
    """A date typed the French way (« 31/01/2023 ») written as the sources hold it."""
    m = (
        re.fullmatch(r"\s*([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]((?:19|20)[0-9]{2})\s*", text)
        if isinstance(text, str)
        else None
    )
    if not m:
        return ""
    day, month, year = (int(g) for g in m.groups())
    return f" Écrivez « {year}-{month:02d}-{day:02d} » (année-mois-jour), entre guillemets."


def french_message(error: ValidationError, raw_text: str | None = None) -> str:
    """One sentence for one schema error. `raw_text` is the scalar as typed in the YAML, if any."""
    v = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    title = _field_title(error)
    if v == "required" and "then" in error.relative_schema_path and schema.get("description"):
        # A field required only in some case (JSON Schema if/then): the `then` branch says which case, in
        # its own description, since « champ obligatoire » alone would read as always required.
        return f"{title}{schema['description']}"
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        prop = schema.get("properties", {}).get(missing, {})
        hint = f" ({prop.get('description')})" if prop.get("description") else ""
        return f"{title}champ obligatoire « {missing} » manquant{hint} : ajoutez une ligne « {missing}: … »."
    if v == "additionalProperties":
        props = schema.get("properties", {})
        unknown = sorted(set(error.instance) - set(props))
        if len(error.instance) == 1 and unknown and _looks_like_text(unknown[0]):
            read_as_field = _text_read_as_field(error.instance, set(props), raw_text)
            if read_as_field:
                return f"{title}{read_as_field}."
        allowed = ", ".join(props)
        names = ", ".join(f"« {shown(u, 40)} »" for u in unknown)
        word = "champs inconnus" if len(unknown) > 1 else "champ inconnu"
        return f"{title}{word} {names} ; champs acceptés : {allowed}.{_suggest(unknown[0], props) if unknown else ''}"
    if v == "type":
        expected = error.validator_value
        read_as_field = (
            _text_read_as_field(error.instance, _properties(schema), raw_text) if "string" in str(expected) else None
        )
        if read_as_field:
            return f"{title}{read_as_field}."
        got = describe_value(error.instance)
        hint = ""
        if raw_text is not None and isinstance(error.instance, (int, float, bool)) and "string" in str(expected):
            hint = f' YAML a lu « {raw_text} » comme {got} : mettez-le entre guillemets ("{raw_text}").'
        elif (
            isinstance(error.instance, dict)
            and "array" in str(expected)
            and any(isinstance(k, str) and k.startswith("-") for k in error.instance)
        ):
            dashed = next(k for k in error.instance if isinstance(k, str) and k.startswith("-"))
            hint = f" Il manque une espace après le tiret : écrivez « - {dashed[1:]}: … » au lieu de « {dashed}: »."
        elif isinstance(error.instance, dict) and "array" in str(expected):
            first = next(iter(error.instance), "…")
            hint = f" Chaque élément d'une liste commence par « - » : écrivez « - {first}: … »."
        elif isinstance(error.instance, str) and "array" in str(expected):
            if error.instance.startswith("-"):
                hint = " Il manque une espace après le tiret : écrivez « - élément », un élément par ligne."
            else:
                hint = " Écrivez chaque élément sur sa ligne, précédé de « - » (ou entre crochets : [a, b])."
        elif (
            isinstance(error.instance, str)
            and "object" in str(expected)
            and re.match(r"[a-z_]+:[^\s/]", error.instance)
            and error.instance.split(":")[0] in schema.get("properties", {})
        ):
            key, _, rest = error.instance.partition(":")
            hint = f" Il manque une espace après « {key}: » : écrivez « {key}: {rest[:40]}{'…' if len(rest) > 40 else ''} »."
        elif isinstance(error.instance, str) and "object" in str(expected) and "p" in schema.get("properties", {}):
            hint = " Pour un paragraphe, écrivez « p: » devant le texte (- p: …)."
        elif error.instance in ("true", "false") and "boolean" in str(expected):
            hint = " Écrivez-le sans guillemets."
        elif isinstance(error.instance, str) and ("number" in str(expected) or "integer" in str(expected)):
            hint = _number_hint(error.instance)
        return f"{title}{_expected_type(expected)}, pas {got}.{hint}"
    if v == "enum":
        allowed = ", ".join(f"« {a} »" for a in error.validator_value)
        typed = f"« {shown(error.instance)} »" if isinstance(error.instance, str) else describe_value(error.instance)
        return (
            f"{title}{typed} n'est pas une valeur acceptée ; valeurs possibles : {allowed}."
            f"{_suggest(error.instance, error.validator_value)}"
        )
    if v == "pattern":
        desc = schema.get("description", "")
        return f"{title}{describe_value(error.instance)} n'a pas la forme attendue. {desc}{_date_hint(error.instance)}".strip()
    if v == "format":
        desc = schema.get("description", "")
        what = (
            "date attendu : une date qui existe, écrite AAAA-MM-JJ"
            if error.validator_value == "date"
            else f"{error.validator_value} attendu"
        )
        return f"{title}{describe_value(error.instance)} n'est pas au format {what}. {desc}".strip()
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
        read_as_field = _text_read_as_field(error.instance, _properties(schema), raw_text)
        if read_as_field and _looks_like_text(next(iter(error.instance))):
            return f"{title}{read_as_field}."
        if isinstance(error.instance, dict) and schema.get(v) and all("required" in s for s in schema[v]):
            keys = [s["required"][0] for s in schema[v]]
            present = [k for k in keys if k in error.instance]
            keys_text = ", ".join(keys)
            if present:
                return (
                    f"{title}un bloc ne peut contenir qu'un seul de ces champs : {keys_text} "
                    f"(ici : {', '.join(present)}) ; faites-en plusieurs blocs."
                )
            found = ", ".join(f"« {shown(k, 40)} »" for k in error.instance)
            return f"{title}un bloc doit contenir l'un de ces champs : {keys_text} (ici : {found}).{_suggest(next(iter(error.instance), None), keys)}"
        forms = [_TYPES[b["type"]][0] for b in schema.get(v, []) if isinstance(b, dict) and b.get("type") in _TYPES]
        expected = f" ; attendu : {' ou '.join(forms)}" if forms else ""
        return (
            f"{title}{describe_value(error.instance)} ne correspond à aucune des formes acceptées{expected}. "
            f"{schema.get('description', '')}"
        ).strip()
    return f"{title}{describe_value(error.instance)} n'est pas accepté ici ({v})."


def count(n: int, singular: str, plural_form: str) -> str:
    """« 0 fichier », « 1 erreur », « 2 erreurs »: French takes the plural from 2 on (cdv.text.plural)."""
    return f"{n} {plural(n, singular, plural_form)}"
