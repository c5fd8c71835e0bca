"""Open data of a version: the whole contract as one JSON file valid against the published schemas, the
indicators of every neighbourhood and the priorities of every project as CSV, and a data dictionary
generated from the schemas (and from the contract's shape for the kinds of neighbourhood).

Every CSV cell goes through `csv_cell`: a text a spreadsheet would run as a formula is neutralised.

Figures: the open data are texts as printed. Every [[id]] reference of the JSON bundle's texts and of the
CSV cells is replaced by the figure's value ("800 €"), as the site and the PDF print it; the bundle also
carries `figures` (contract/figures.yml), each amount as a number with its unit and the article fixing it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .corpus import Corpus
from .flatten import STRATEGY_FIELDS, shown_text, strategy_entries
from .indicators import comparisons, observation_source
from .labels import ACTION_FIELDS, FOLLOW_UP_FIELDS, FOLLOW_UP_STATUS, PER_YEAR, UNIT_LABELS, UNKNOWN_FUNDER
from .text import figures, resolve_figures, resolve_figures_in

BUNDLE_SCHEMA = "bundle.schema.json"
# The columns of indicateurs.csv, one row per observation (an indicator's series, oldest first); the
# comparison columns come between "valeur" and "periode", one per comparison territory of the contract
# (csv_columns); the indicator's baseline and target, if it has them, are repeated on each of its rows.
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
    "reference_valeur",
    "reference_annee",
    "cible_valeur",
    "cible_annee",
]
# One row per priority of every neighbourhood project (its structured fields joined by LIST_SEPARATOR).
PRIORITY_COLUMNS = [
    "quartier_id",
    "quartier",
    "type_quartier",
    "theme_id",
    "theme",
    "priorite_id",
    "priorite",
    "objectifs_socle",
    "dispositifs",
    "pilote",
    "partenaires",
    "leviers",
    "financements",
    "criteres",
    "indicateurs",
    "elements",
]
# One row per funding line of every action (an action whose sources give no amount: one row, its funding
# columns empty), and one row per measure of the devices.
ACTION_COLUMNS = [
    "action_id",
    "action",
    "annee_programmation",
    "quartiers_id",
    "quartiers",
    "priorites",
    "mesures",
    "dispositif",
    "porteur_id",
    "porteur",
    "statut",
    "date_statut",
    "avancement",
    "financeur_id",
    "financeur",
    "montant",
    "annee",
    "par_an",
    "precision",
    "source",
]
MEASURE_COLUMNS = [
    "dispositif_id",
    "dispositif",
    "mesure_id",
    "libelle",
    "mesure",
    "pilote_id",
    "pilote",
    "statut",
    "date_statut",
    "actions",
]
_PRIORITY_FIELDS = dict(zip(STRATEGY_FIELDS, PRIORITY_COLUMNS[9:15], strict=True))
LIST_SEPARATOR = " ; "
# A cell starting so is run as a formula by spreadsheet programs (OWASP, "CSV injection"): it is written
# after a single quote, which they show as text. Numbers are written as numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = (
    "Une cellule de texte qui commencerait par =, +, -, @, une tabulation ou un retour chariot est précédée "
    "d'une apostrophe ('), pour qu'un tableur ne l'exécute pas comme une formule."
)


def csv_cell(value):
    """A value as a CSV cell: a text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _writer() -> tuple[io.StringIO, Any]:  # csv's writer type is private
    out = io.StringIO()
    return out, csv.writer(out, lineterminator="\n")


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
        "figures": {"figures": list(corpus.figures.values())} if corpus.figures else None,
        "actions": corpus.action_files or None,
    }


def bundle_json(corpus: Corpus) -> str:
    with figures(corpus.figures):  # texts as printed: "800 €", never "[[id]]"
        data = {k: resolve_figures_in(v) for k, v in bundle(corpus).items() if v is not None}
    # Without indentation: json's C encoder writes only that (indent falls back to the pure-Python one,
    # 30 s for a national follow-up's half a million actions); a browser shows it indented anyway.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _comparison_column(ident: str) -> str:
    return _COMPARISON_COLUMNS.get(ident) or "valeur_" + ident.replace("-", "_")


def csv_columns(corpus: Corpus) -> list[str]:
    """The header of indicateurs.csv: a value column for each comparison territory, in display order."""
    at = CSV_COLUMNS.index("valeur") + 1
    ids = [_comparison_column(ident) for ident, _ in comparisons(corpus.contract)]
    return CSV_COLUMNS[:at] + ids + CSV_COLUMNS[at:]


def indicators_csv(corpus: Corpus) -> str:
    """One row per observation of every indicator (a time series keeps all its rows)."""
    with figures(corpus.figures):
        return _indicators_csv(corpus)


def _indicators_csv(corpus: Corpus) -> str:
    out, writer = _writer()
    writer.writerow(csv_columns(corpus))
    ids = [ident for ident, _ in comparisons(corpus.contract)]
    for n in corpus.neighbourhoods:
        for ind in (n.get("portrait") or {}).get("indicators", []):
            unit = ind["unit"]
            symbol, label = (unit, UNIT_LABELS[unit]) if isinstance(unit, str) else (unit["symbol"], unit["label"])
            for obs in ind["observations"]:
                _row(
                    writer,
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
                        *_point(ind.get("baseline")),
                        *_point(ind.get("target")),
                    ],
                )
    return out.getvalue()


def _point(point: dict | None) -> tuple:
    """A baseline's or target's (value, year) cells, empty without one."""
    return ("", "") if point is None else (point["value"], point["year"])


def priorities_csv(corpus: Corpus) -> str:
    """One row per priority: where it stands, its text, what it is attached to and its structured fields
    (each entry by its name, as printed), lists joined by " ; "."""
    with figures(corpus.figures):
        return _priorities_csv(corpus)


def _priorities_csv(corpus: Corpus) -> str:
    out, writer = _writer()
    writer.writerow(PRIORITY_COLUMNS)
    for n in corpus.neighbourhoods:
        for theme in (n.get("project") or {}).get("themes", []):
            for p in theme["priorities"]:
                entries = strategy_entries(p, n, corpus)
                _row(
                    writer,
                    [
                        n["id"],
                        n["name"],
                        n["kind"],
                        theme["id"],
                        shown_text(theme["title"]),
                        p["id"],
                        shown_text(p["text"]),
                        LIST_SEPARATOR.join(p.get("objectives", [])),
                        LIST_SEPARATOR.join(p.get("devices", [])),
                        *(LIST_SEPARATOR.join(entries.get(f, [])) for f in STRATEGY_FIELDS),
                        LIST_SEPARATOR.join(shown_text(i["text"]) for i in p.get("items", [])),
                    ],
                )
    return out.getvalue()


def _party_cells(corpus: Corpus, ref) -> tuple[str, str]:
    """(signatory id, name shown) of a porteur, a pilot or a funder; ("", name) for a name typed in place."""
    if ref is None:
        return "", ""
    name, ident = corpus.party(ref)
    return ident or "", shown_text(name)


def actions_csv(corpus: Corpus) -> str:
    """One row per funding line of every action, with the action's place, porteur and status repeated on
    each; an action whose sources give no amount has one row, its funding columns empty."""
    with figures(corpus.figures):
        return _actions_csv(corpus)


def _actions_csv(corpus: Corpus) -> str:
    out, writer = _writer()
    writer.writerow(ACTION_COLUMNS)
    for a in corpus.actions:
        porteur = _party_cells(corpus, a.get("porteur"))
        device = a.get("device")
        head = [
            a["id"],
            shown_text(a["title"]),
            a["year"],
            LIST_SEPARATOR.join(a["neighbourhoods"]),
            LIST_SEPARATOR.join(shown_text(corpus.neighbourhood(n)["name"]) for n in a["neighbourhoods"]),
            LIST_SEPARATOR.join(a.get("priorities", [])),
            LIST_SEPARATOR.join(a.get("measures", [])),
            device or "",
            *porteur,
            FOLLOW_UP_STATUS.get(a.get("status", ""), ""),
            a.get("status_date", ""),
            a.get("progress", ""),
        ]
        for f in a.get("funding") or [None]:
            if f is None:
                tail = ["", "", "", "", "", "", shown_text(a.get("source", ""))]
            else:
                funder = _party_cells(corpus, f.get("funder")) if "funder" in f else ("", UNKNOWN_FUNDER)
                tail = [
                    *funder,
                    f["amount"],
                    f.get("year", ""),
                    "oui" if f.get("per_year") else "",
                    shown_text(f.get("note", "")),
                    shown_text(a.get("source", "")),
                ]
            _row(writer, head + tail)
    return out.getvalue()


def measures_csv(corpus: Corpus) -> str:
    """One row per measure of the devices: its text, its pilot, its status and the actions implementing it."""
    with figures(corpus.figures):
        return _measures_csv(corpus)


def _measures_csv(corpus: Corpus) -> str:
    from .followup import actions_for_measure, measures

    out, writer = _writer()
    writer.writerow(MEASURE_COLUMNS)
    for m in measures(corpus):
        b = m.block
        _row(
            writer,
            [
                m.device["id"],
                shown_text(m.device["name"]),
                m.id,
                shown_text(b.get("label", "")),
                shown_text(b["measure"]),
                *_party_cells(corpus, b.get("pilot")),
                FOLLOW_UP_STATUS.get(b.get("status", ""), ""),
                b.get("status_date", ""),
                LIST_SEPARATOR.join(a["id"] for a in actions_for_measure(corpus, m.id)),
            ],
        )
    return out.getvalue()


def _row(writer, values: list) -> None:
    writer.writerow([csv_cell(resolve_figures(v) if isinstance(v, str) else v) for v in values])


_TEXT = "texte"
_NUMBER = "nombre"


def _kind_column(corpus: Corpus | None) -> tuple[str, str, str, str]:
    kinds = corpus.shape.kinds if corpus is not None else []
    listed = ", ".join(f"{k.id} ({shown_text(k.singular)})" for k in kinds)
    return (
        "type_quartier",
        "Type de quartier",
        _TEXT,
        f"Identifiant du type de quartier : {listed}." if listed else "Identifiant du type de quartier.",
    )


def _comparison_rows(corpus: Corpus | None) -> list[tuple[str, str, str, str]]:
    """One column per comparison territory the contract declares (commune and EPCI without a corpus)."""
    declared = comparisons(corpus.contract) if corpus is not None else [("commune", "la commune"), ("epci", "l'EPCI")]
    return [
        (
            _comparison_column(ident),
            f"Valeur de comparaison : {shown_text(label)}",
            _NUMBER,
            f"Valeur de comparaison pour {shown_text(label)} (vide sinon).",
        )
        for ident, label in declared
    ]


def _csv_columns(corpus: Corpus | None) -> dict[str, list[tuple[str, str, str, str]]]:
    """The columns of each CSV file, as the data dictionary describes them."""
    neutralised = ("toute cellule de texte", "Formules neutralisées", _TEXT, NEUTRALISED)
    return {
        "indicateurs.csv": [
            neutralised,
            ("quartier_id", "Identifiant du quartier", _TEXT, "Identifiant stable du quartier."),
            ("quartier", "Quartier", _TEXT, "Nom du quartier."),
            _kind_column(corpus),
            ("commune", "Commune", _TEXT, "Commune du quartier."),
            ("indicateur_id", "Identifiant de l'indicateur", _TEXT, "Identifiant de l'indicateur dans le portrait."),
            ("libelle", "Libellé", _TEXT, "Ce que mesure l'indicateur."),
            ("unite", "Unité", _TEXT, "Unité de la valeur (nombre, pourcent, euros, ou son symbole : ha…)."),
            ("unite_libelle", "Libellé de l'unité", _TEXT, "L'unité en toutes lettres."),
            ("valeur", "Valeur", _NUMBER, "Valeur observée dans le quartier."),
            *_comparison_rows(corpus),
            ("periode", "Période", _TEXT, "Période de l'observation."),
            ("source", "Source", _TEXT, "Source de l'observation."),
            (
                "reference_valeur",
                "Référence : valeur",
                _NUMBER,
                "Valeur de départ de l'indicateur à laquelle l'évolution est mesurée, si le contrat en fixe une "
                "(vide sinon ; répétée sur chaque ligne de l'indicateur).",
            ),
            ("reference_annee", "Référence : année", _NUMBER, "Année de la référence (vide sans référence)."),
            (
                "cible_valeur",
                "Cible : valeur",
                _NUMBER,
                "Valeur visée pour l'indicateur, si le contrat en fixe une (vide sinon ; répétée sur chaque ligne "
                "de l'indicateur).",
            ),
            ("cible_annee", "Cible : année", _NUMBER, "Année où la cible doit être atteinte (vide sans cible)."),
        ],
        "priorites.csv": [
            neutralised,
            ("quartier_id", "Identifiant du quartier", _TEXT, "Identifiant stable du quartier."),
            ("quartier", "Quartier", _TEXT, "Nom du quartier."),
            _kind_column(corpus),
            ("theme_id", "Identifiant du thème", _TEXT, "Identifiant du thème du projet de quartier."),
            ("theme", "Thème", _TEXT, "Titre du thème."),
            ("priorite_id", "Identifiant de la priorité", _TEXT, "Identifiant stable de la priorité."),
            ("priorite", "Priorité", _TEXT, "Texte de la priorité, sans mise en forme (un lien suivi de son adresse)."),
            (
                "objectifs_socle",
                "Objectifs du socle",
                _TEXT,
                "Identifiants des objectifs du socle commun, séparés par « ; ».",
            ),
            ("dispositifs", "Dispositifs", _TEXT, "Identifiants des dispositifs, séparés par « ; »."),
            ("pilote", "Pilote", _TEXT, "Qui pilote la priorité : le nom de l'organisation."),
            ("partenaires", "Partenaires", _TEXT, "Les organisations partenaires, par leur nom, séparées par « ; »."),
            ("leviers", "Leviers", _TEXT, "Les dispositifs ou leviers mobilisés, par leur nom, séparés par « ; »."),
            ("financements", "Financements", _TEXT, "Les financements, par leur nom, séparés par « ; »."),
            ("criteres", "Critères d'évaluation", _TEXT, "Les critères d'évaluation, séparés par « ; »."),
            (
                "indicateurs",
                "Indicateurs",
                _TEXT,
                "Les indicateurs du portrait suivis, par leur libellé, séparés par « ; ».",
            ),
            ("elements", "Éléments", _TEXT, "Le texte des éléments détaillant la priorité, séparés par « ; »."),
        ],
        "actions.csv": [
            neutralised,
            ("action_id", "Identifiant de l'action", _TEXT, "Identifiant stable de l'action (actions/*.yml)."),
            ("action", "Action", _TEXT, "L'intitulé de l'action."),
            ("annee_programmation", "Année de programmation", _NUMBER, "L'année du fichier de programmation."),
            ("quartiers_id", "Identifiants des quartiers", _TEXT, "Les quartiers de l'action, séparés par « ; »."),
            ("quartiers", "Quartiers", _TEXT, "Leurs noms, dans le même ordre."),
            ("priorites", ACTION_FIELDS["priorities"], _TEXT, "Identifiants des priorités servies, séparés par « ; »."),
            ("mesures", ACTION_FIELDS["measures"], _TEXT, "Identifiants des mesures mises en œuvre (mesures.csv)."),
            ("dispositif", ACTION_FIELDS["device"], _TEXT, "Identifiant du dispositif de l'action."),
            (
                "porteur_id",
                "Identifiant du porteur",
                _TEXT,
                "L'identifiant du signataire qui porte l'action, s'il l'est.",
            ),
            (
                "porteur",
                FOLLOW_UP_FIELDS["porteur"],
                _TEXT,
                "Qui porte l'action, par son nom ; vide si la source ne le dit pas.",
            ),
            (
                "statut",
                FOLLOW_UP_FIELDS["status"],
                _TEXT,
                "Où en est l'action : " + _statuses() + " ; vide si non renseigné.",
            ),
            ("date_statut", "Date du statut", _TEXT, "La date du statut (`AAAA`, `AAAA-MM` ou `AAAA-MM-JJ`)."),
            ("avancement", FOLLOW_UP_FIELDS["progress"], _NUMBER, "L'avancement en pour cent, s'il est donné."),
            ("financeur_id", "Identifiant du financeur", _TEXT, "L'identifiant du signataire qui finance, s'il l'est."),
            (
                "financeur",
                "Financeur",
                _TEXT,
                f"Qui finance, par son nom ; « {UNKNOWN_FUNDER} » si la source ne le dit pas.",
            ),
            ("montant", "Montant", _NUMBER, "Le montant de la ligne de financement, en euros."),
            ("annee", "Année", _NUMBER, "L'année du financement ; vide si la source ne la donne pas."),
            (
                "par_an",
                "Montant annuel",
                _TEXT,
                f"« oui » pour un montant que la source donne « {PER_YEAR} » sans ses années : il n'est à "
                "ajouter au total d'aucune année.",
            ),
            ("precision", "Précision", _TEXT, "Précision sur le financement, telle que la source la donne."),
            ("source", ACTION_FIELDS["source"], _TEXT, "Le document d'où vient l'action."),
        ],
        "mesures.csv": [
            neutralised,
            ("dispositif_id", "Identifiant du dispositif", _TEXT, "Le dispositif dont le texte porte la mesure."),
            ("dispositif", ACTION_FIELDS["device"], _TEXT, "Son nom."),
            ("mesure_id", "Identifiant de la mesure", _TEXT, "Identifiant stable de la mesure (bloc « measure »)."),
            ("libelle", "Libellé", _TEXT, "Le libellé de la mesure (« Mesure 40 »)."),
            ("mesure", "Mesure", _TEXT, "Le texte de la mesure."),
            (
                "pilote_id",
                "Identifiant du pilote",
                _TEXT,
                "L'identifiant du signataire qui pilote la mesure, s'il l'est.",
            ),
            ("pilote", FOLLOW_UP_FIELDS["pilot"], _TEXT, "Qui pilote la mesure ; vide si le texte ne le dit pas."),
            (
                "statut",
                FOLLOW_UP_FIELDS["status"],
                _TEXT,
                "Où en est la mesure : " + _statuses() + " ; vide si non renseigné.",
            ),
            ("date_statut", "Date du statut", _TEXT, "La date du statut."),
            (
                "actions",
                "Actions",
                _TEXT,
                "Identifiants des actions qui la mettent en œuvre (actions.csv), séparés par « ; ».",
            ),
        ],
    }


def _statuses() -> str:
    return ", ".join(f"« {label} »" for label in FOLLOW_UP_STATUS.values())


def data_dictionary(
    schema_dir: Path, corpus: Corpus | None = None, csv_files: tuple[str, ...] = ("indicateurs.csv",)
) -> list[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """For each published schema, then each published CSV file (`csv_files`): (file, title, rows of (path,
    title, type, description)). With the corpus, the kinds of neighbourhood are named after its shape."""
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
    columns = _csv_columns(corpus)
    for name in csv_files:
        out.append((name, CSV_TITLES[name], columns[name]))
    return out


CSV_TITLES = {
    "indicateurs.csv": "Les chiffres des portraits, en CSV",
    "priorites.csv": "Les priorités des projets de quartier, en CSV",
    "actions.csv": "Les actions et leurs financements, en CSV",
    "mesures.csv": "Les mesures suivies des dispositifs, en CSV",
}


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
    # A value of several forms (an id, or an object such as {name: …}): the fields of each object form.
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        for key, prop in (branch.get("properties") or {}).items() if isinstance(branch, dict) else ():
            _walk(schemas, prop, file, f"{path}.{key}" if path else key, rows, seen, depth + 1)
