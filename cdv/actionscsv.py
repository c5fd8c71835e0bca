"""`cdv actions export` / `cdv actions import`: a year's programmation in a spreadsheet, and back.

The CSV has one row per funding line (an action without funding is one row with empty funding cells), its
headers in French (COLUMNS). The action's own cells are given on its first row; its later rows repeat them
or leave them empty. Export writes UTF-8 with a BOM (Excel reads the accents right), `;` separators, a
decimal comma and CRLF line ends (what Excel and LibreOffice write themselves). Import reads `;`, `,` or
tab separators, UTF-8 with or without BOM, amounts as spreadsheets write them (« 12 500,50 € »).

Import merges by action id into actions/*.yml: what the CSV cannot hold (milestones, results, the file's
own `source` and comments) and every column the CSV leaves out are kept from the YAML, and the YAML keeps
its order (a sorted sheet changes nothing; a new action comes last in its year's file). An action of the
CSV's years that the CSV leaves out is an error naming it unless the caller says to remove or keep it
(`--remove-missing`, `--keep-missing`); the other years' files are untouched. The new YAML goes through
`cdv fmt`'s canonical writer, then the whole project is validated (a temporary copy) before anything is
written: a bad cell, an unknown quartier or priority is a French error naming the CSV's row (as the
spreadsheet numbers it, header = 1) and column, and nothing is written.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .characters import value_char_problem
from .errors import CellError, InvalidSources, SourceError, UsageError, shown
from .labels import FOLLOW_UP_STATUS
from .safety import write_whole

# (key, header), in the order export writes them. The keys of an action's own fields are its YAML keys;
# the funding line's are prefixed (a funding line has its own `year`).
COLUMNS = (
    ("year", "Année"),
    ("id", "Identifiant"),
    ("title", "Intitulé"),
    ("summary", "Description"),
    ("porteur", "Porteur"),
    ("neighbourhoods", "Quartiers"),
    ("priorities", "Priorités"),
    ("measures", "Mesures"),
    ("device", "Dispositif"),
    ("parent", "Action parente"),
    ("status", "Statut"),
    ("status_date", "Date du statut"),
    ("progress", "Avancement (%)"),
    ("funding.funder", "Financeur"),
    ("funding.amount", "Montant (€)"),
    ("funding.year", "Année du financement"),
    ("funding.per_year", "Par an"),
    ("funding.note", "Précision du financement"),
    ("source", "Source"),
)
HEADERS = dict(COLUMNS)
ACTION_KEYS = tuple(k for k, _ in COLUMNS if not k.startswith("funding.") and k != "year")
FUNDING_KEYS = tuple(k for k, _ in COLUMNS if k.startswith("funding."))
LIST_KEYS = ("neighbourhoods", "priorities", "measures")
PARTY_KEYS = ("porteur", "funding.funder")
REQUIRED = ("year", "id")
YES, NO = "oui", "non"
_YES = {"oui", "o", "x", "vrai", "true", "yes", "1"}
_NO = {"non", "n", "faux", "false", "no", "0"}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Spaces a spreadsheet puts in a number: ordinary, non-breaking, narrow non-breaking, thin.
_NUMBER_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_AMOUNT = re.compile(r"^(?P<int>[0-9]+)(?:[.,](?P<dec>[0-9]+))?$")
_FR_DATE = re.compile(r"^(?:(?P<d>[0-9]{1,2})/)?(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})$")


def _fold(text: str) -> str:
    """A header or a word as typed, compared without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_STATUS_BY_WORD = {_fold(w): v for v, w in FOLLOW_UP_STATUS.items()} | {_fold(v): v for v in FOLLOW_UP_STATUS}
_HEADER_BY_FOLD = {_fold(h): k for k, h in COLUMNS}


def column_letter(index: int) -> str:
    """A spreadsheet's name of a column: 0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


# --- export ------------------------------------------------------------------------------------------


# A text cell starting with one of these is a formula to a spreadsheet, run when the file is opened
# (« CSV injection »): export writes it after an apostrophe, which import takes off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _party_cell(ref) -> str:
    return ref if isinstance(ref, str) else _text_cell(ref["name"])


def _amount_cell(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return repr(value).replace(".", ",")
    return str(int(value))


def _bool_cell(value) -> str:
    return "" if value is None else (YES if value else NO)


def _action_cells(action: dict, year: int) -> dict[str, str]:
    cells = {"year": str(year)}
    for key in ACTION_KEYS:
        value = action.get(key)
        if value is None:
            cells[key] = ""
        elif key in LIST_KEYS:
            cells[key] = ", ".join(value)
        elif key in PARTY_KEYS:
            cells[key] = _party_cell(value)
        elif key == "status":
            cells[key] = FOLLOW_UP_STATUS[value]
        else:
            cells[key] = _text_cell(str(value))
    return cells


def _funding_cells(line: dict) -> dict[str, str]:
    return {
        "funding.funder": _party_cell(line["funder"]) if "funder" in line else "",
        "funding.amount": _amount_cell(line["amount"]),
        "funding.year": str(line["year"]) if "year" in line else "",
        "funding.per_year": _bool_cell(line.get("per_year")),
        "funding.note": _text_cell(line.get("note", "")),
    }


def rows(action_files: list[tuple[int, list[dict]]]) -> list[list[str]]:
    """The CSV's rows, header first: one per funding line, one for an action without funding."""
    out = [[h for _, h in COLUMNS]]
    for year, actions in action_files:
        for action in actions:
            own = _action_cells(action, year)
            lines = action.get("funding") or [None]
            for line in lines:
                cells = own | (_funding_cells(line) if line else dict.fromkeys(FUNDING_KEYS, ""))
                out.append([cells[k] for k, _ in COLUMNS])
    return out


def to_csv_bytes(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode("utf-8-sig")


def export_actions(root: Path, output: Path, year: int | None = None) -> int:
    """Write the actions (of `year`, or all) to `output`; return how many actions were written."""
    from .validate import validate_project

    files, errors = validate_project(root)
    if errors:
        raise InvalidSources(errors)
    found = [(f.data["year"], f.data["actions"]) for f in files if f.kind == "actions"]
    years = sorted({y for y, _ in found})
    if year is not None:
        found = [(y, a) for y, a in found if y == year]
        if not found:
            present = ", ".join(map(str, years)) or "aucune (le dossier actions/ est vide)"
            raise UsageError(f"aucune action de l'année {year} ; années présentes : {present}.")
    write_whole(output, to_csv_bytes(rows(found)))
    return sum(len(a) for _, a in found)


# --- reading the CSV ---------------------------------------------------------------------------------


@dataclass
class Parsed:
    """One action as the CSV gives it: its fields (only the columns present), where each came from."""

    id: str
    year: int
    row: int  # its first row
    fields: dict = field(default_factory=dict)
    field_rows: dict = field(default_factory=dict)  # key -> the row its value came from
    funding: list = field(default_factory=list)
    funding_rows: list = field(default_factory=list)


class _Reader:
    def __init__(self, name: str, signatories: set[str], organisations: dict[str, str] | None = None):
        self.name = name
        self.signatories = signatories
        self.organisations = organisations or {}  # a signatory's organisation, casefolded -> its id
        self.errors: list[SourceError] = []
        self.columns: dict[str, int] = {}  # key -> index

    def error(self, row: int, key: str | None, message: str) -> None:
        index = self.columns.get(key, -1) if key else -1
        header = HEADERS.get(key, "") if key else ""
        self.errors.append(CellError(self.name, row, index + 1, "", message, header, column_letter(index)))

    # --- the file as text, then as a table
    def decode(self, raw: bytes) -> str | None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.error(1, None, "fichier enregistré en UTF-16 (« Texte Unicode ») : " + _SAVE_AS)
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            row = raw.count(b"\n", 0, exc.start) + 1
            byte = raw[exc.start : exc.start + 1]
            guess = byte.decode("cp1252", errors="replace")
            self.error(
                row,
                None,
                f"le fichier n'est pas en UTF-8 : l'octet 0x{byte.hex().upper()} (« {guess} » en Windows-1252) "
                f"le montre enregistré en Windows-1252 ou Latin-1 ; rien n'a été lu. {_SAVE_AS}",
            )
            return None
        if "\x00" in text:
            self.error(text.count("\n", 0, text.index("\x00")) + 1, None, "octet nul (NUL) : " + _SAVE_AS)
            return None
        garbled = _MOJIBAKE.search(text)
        if garbled:  # UTF-8 read once as Windows-1252 and saved again: « é » became « Ã© »
            self.error(
                text.count("\n", 0, garbled.start()) + 1,
                None,
                f"accents abîmés (« {garbled[0]} » pour « {_unmangled(garbled[0])} ») : le fichier a été lu une fois "
                "en Windows-1252 puis réenregistré ; rien n'a été lu. Repartez d'un export de cdv, ouvert en UTF-8.",
            )
            return None
        return text

    def table(self, text: str) -> list[list[str]]:
        first, _, rest = text.partition("\n")
        declared = re.fullmatch(r'"?sep=(.)"?[;,\t]*\r?', first)
        if declared:  # Excel's « sep=; » first line, which it shows as no row
            separator, text = declared[1], rest
        else:
            counts = {sep: _outside_quotes(first).count(sep) for sep in (";", "\t", ",")}
            separator = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
        table: list[list[str]] = []
        try:
            table.extend(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True))
        except csv.Error:  # its words are English: say what a spreadsheet user can fix
            self.error(
                len(table) + 1,
                None,
                'guillemet « " » mal placé ou jamais fermé à partir de cette ligne : une cellule qui contient des '
                "guillemets droits s'écrit entre guillemets, chacun doublé (le tableur le fait de lui-même).",
            )
            return []
        return table

    # --- the header row
    def header(self, cells: list[str]) -> bool:
        seen: dict[str, int] = {}
        for index, raw in enumerate(cells):
            text = _clean(raw)
            if not text:
                continue
            key = _HEADER_BY_FOLD.get(_fold(text))
            if key is None:
                close = difflib.get_close_matches(_fold(text), list(_HEADER_BY_FOLD), n=1, cutoff=0.6)
                hint = f"vouliez-vous dire « {HEADERS[_HEADER_BY_FOLD[close[0]]]} » ? " if close else ""
                self.errors.append(
                    CellError(self.name, 1, index + 1, "", f"en-tête « {shown(text)} » inconnu : {hint}"
                              f"en-têtes attendus : {' ; '.join(HEADERS.values())}.", "", column_letter(index))
                )  # fmt: skip
            elif key in seen:
                self.errors.append(
                    CellError(self.name, 1, index + 1, "", f"colonne « {HEADERS[key]} » en double (déjà colonne "
                              f"{column_letter(seen[key])}) : gardez-en une seule.", "", column_letter(index))
                )  # fmt: skip
            else:
                seen[key] = index
        self.columns = seen
        missing = [HEADERS[k] for k in REQUIRED if k not in seen]
        if missing:
            self.error(1, None, f"colonne(s) obligatoire(s) absente(s) : {' ; '.join(missing)} (ligne d'en-tête).")
        funding = [k for k in FUNDING_KEYS if k in seen]
        if funding and len(funding) < len(FUNDING_KEYS) and not self.errors:
            absent = " ; ".join(HEADERS[k] for k in FUNDING_KEYS if k not in seen)
            self.error(
                1,
                None,
                f"les colonnes des financements vont ensemble : il manque {absent}. Donnez-les toutes (même "
                "vides), ou aucune pour garder les financements du YAML.",
            )
        return not self.errors

    # --- the cells
    def value(self, row: int, key: str, text: str):
        """The YAML value of one non-empty cell, or None after reporting why it is not one."""
        if "\n" in text or "\r" in text:
            self.error(row, key, "retour à la ligne dans la cellule : écrivez le texte sur une seule ligne.")
            return None
        if "\t" in text:
            self.error(row, key, "tabulation dans la cellule : remplacez-la par une espace.")
            return None
        problem = value_char_problem(unicodedata.normalize("NFC", text))
        if problem:  # what the sources refuse (cdv.characters), said at its cell rather than in the YAML
            self.error(row, key, f"{problem} dans la cellule : supprimez-le (souvent collé depuis un autre document).")
            return None
        if key in ("year", "funding.year"):
            if re.fullmatch(r"[0-9]{4}", text):
                return int(text)
            self.error(row, key, f"« {shown(text)} » n'est pas une année (ex. 2025).")
        elif key == "funding.amount":
            return self.amount(row, key, text)
        elif key == "progress":
            number = text.removesuffix("%").strip()
            if re.fullmatch(r"[0-9]{1,3}", number) and int(number) <= 100:
                return int(number)
            self.error(row, key, f"« {shown(text)} » n'est pas un avancement : un nombre entier de 0 à 100 (ex. 40).")
        elif key == "funding.per_year":
            folded = _fold(text)
            if folded in _YES or folded in _NO:
                return folded in _YES
            self.error(
                row, key, f"« {shown(text)} » : écrivez « {YES} » (montant annuel sans année), « {NO} » ou rien."
            )
        elif key == "status":
            status = _STATUS_BY_WORD.get(_fold(text))
            if status:
                return status
            words = ", ".join(FOLLOW_UP_STATUS.values())
            self.error(row, key, f"statut « {shown(text)} » inconnu : {words} (ou rien si la source ne le dit pas).")
        elif key == "status_date":
            return self.date(row, key, text)
        elif key in LIST_KEYS:
            return [item.strip() for item in re.split(r"[,;]", text) if item.strip()]
        elif key in PARTY_KEYS:
            return self.party(row, key, text)
        else:
            return text
        return None

    def amount(self, row: int, key: str, text: str):
        number = _NUMBER_SPACES.sub("", text)
        for unit in ("€", "EUR", "euros"):
            number = number.removesuffix(unit).removeprefix(unit)
        match = _AMOUNT.match(number)
        if not match:
            self.error(
                row, key, f"« {shown(text)} » n'est pas un montant : écrivez-le en euros, ex. 12500 ou 12 500,50."
            )
            return None
        if match["dec"] is not None and len(match["dec"]) == 3:
            # « 12.500 » or « 12,500 »: thousands in some spreadsheets, 12,5 in others; never guessed.
            self.error(
                row,
                key,
                f"« {shown(text)} » est ambigu (12 500 € ou 12,50 € ?) : séparez les milliers par une espace et "
                "les centimes par une virgule, ex. 12 500 ou 12,50.",
            )
            return None
        if match["dec"] and len(match["dec"].rstrip("0")) > 2:
            self.error(row, key, f"« {shown(text)} » : un montant a deux décimales au plus (les centimes).")
            return None
        if match["dec"] and match["dec"].strip("0"):
            return float(f"{match['int']}.{match['dec']}")
        return int(match["int"])

    def date(self, row: int, key: str, text: str):
        if re.fullmatch(r"(19|20)[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?", text):
            return text
        french = _FR_DATE.match(text)  # a spreadsheet shows and saves a date as 31/01/2025
        if french and 1 <= int(french["m"]) <= 12 and (french["d"] is None or 1 <= int(french["d"]) <= 31):
            month = f"{french['y']}-{int(french['m']):02d}"
            return f"{month}-{int(french['d']):02d}" if french["d"] else month
        self.error(row, key, f"« {shown(text)} » n'est pas une date : 31/01/2025, 2025-01-31, 2025-01 ou 2025.")
        return None

    def party(self, row: int, key: str, text: str):
        if text in self.signatories:
            return text
        # A signatory typed by its organisation's name (« Ville de Besançon ») or its id in capitals is that
        # signatory: named, it would count apart from its own page and totals.
        if text.casefold() in self.organisations:
            return self.organisations[text.casefold()]
        if text.lower() in self.signatories:
            return text.lower()
        if _ID.match(text):
            # Written like an id: most likely a signatory's id mistyped. A name is written as the source
            # writes it (capitals, spaces); one that is both lowercase and close to an id is refused.
            close = difflib.get_close_matches(text, sorted(self.signatories), n=1, cutoff=0.75)
            if close:
                self.error(
                    row,
                    key,
                    f"« {text} » n'est pas un signataire : vouliez-vous dire « {close[0]} » ? Pour un acteur "
                    "qui n'est pas signataire, écrivez son nom tel que la source l'écrit.",
                )
                return None
        return {"name": text}

    def actions(self, table: list[list[str]]) -> list[Parsed]:
        found: dict[str, Parsed] = {}
        for number, cells in enumerate(table[1:], start=2):
            cells = [_clean(c) for c in cells]
            used = set(self.columns.values())
            stray = [i for i, c in enumerate(cells) if c and i not in used]
            if stray:
                self.errors.append(
                    CellError(self.name, number, stray[0] + 1, "", f"« {shown(cells[stray[0]])} » dans une colonne "
                              "sans en-tête : donnez un en-tête à la colonne, ou déplacez la valeur sous la bonne.",
                              "", column_letter(stray[0]))
                )  # fmt: skip
            given = {k: cells[i] for k, i in self.columns.items() if i < len(cells) and cells[i]}
            if not given:
                continue  # an empty row
            ident = given.get("id")
            if not ident:
                hint = f" (par exemple « {_slug(given['title'])} »)" if given.get("title") else ""
                self.error(number, "id", f"identifiant vide : chaque ligne donne l'identifiant de son action{hint}.")
                continue
            values = {k: self.value(number, k, t) for k, t in given.items()}
            if any(values[k] is None for k in given):
                continue
            action = found.get(ident)
            if action is None:
                if "year" not in values:
                    self.error(number, "year", "année vide : donnez l'année de programmation de l'action (ex. 2025).")
                    continue
                action = found[ident] = Parsed(ident, values["year"], number)
            elif "year" in values and values["year"] != action.year:
                self.error(number, "year", _differs(values["year"], action.year, action.row))
                continue
            for key in ACTION_KEYS:
                if key not in values or key == "id":
                    continue
                if key in action.fields and not _same(action.fields[key], values[key]):
                    self.error(number, key, _differs(given[key], action.fields[key], action.field_rows[key]))
                elif key not in action.fields:
                    action.fields[key] = values[key]
                    action.field_rows[key] = number
            line = {k.removeprefix("funding."): values[k] for k in FUNDING_KEYS if k in values}
            if line:
                if "amount" not in line:
                    self.error(number, "funding.amount", "montant vide : une ligne de financement donne son montant.")
                    continue
                action.funding.append(line)
                action.funding_rows.append(number)
        for action in found.values():
            for key, says in (
                ("title", "intitulé vide : chaque action a son intitulé"),
                ("neighbourhoods", "quartiers vides : chaque action a au moins un quartier"),
            ):
                if key in self.columns and key not in action.fields:
                    self.error(action.row, key, f"{says} (sur sa première ligne).")
        return list(found.values())


_SAVE_AS = (
    "Enregistrez-le en « CSV UTF-8 » : dans LibreOffice, « Enregistrer sous… », type « Texte CSV », cochez "
    "« Éditer les paramètres du filtre » et choisissez le jeu de caractères « Unicode (UTF-8) » ; dans Excel, "
    "« Enregistrer sous » puis « CSV UTF-8 (délimité par des virgules) »."
)


# « é » as UTF-8 bytes read as Windows-1252: « Ã© »; « ’ » gives « â€™ ».
_MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€.|Â[\u00a0-\u00bf]"
)


def _unmangled(text: str) -> str:
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return "?"


def _clean(cell: str) -> str:
    """A cell as the sources hold text: without the spaces around it, in NFC (a Mac may write the
    accents decomposed; the letters are the same)."""
    text = unicodedata.normalize("NFC", cell.strip(" \t\u00a0\u202f"))
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def _differs(typed, kept, row: int) -> str:
    shown_kept = _shown_value(kept)
    return (
        f"« {shown(str(typed))} » diffère de la ligne {row} (« {shown_kept} ») : les lignes d'une même action "
        "répètent ses cellules à l'identique ou les laissent vides."
    )


def _shown_value(value) -> str:
    if isinstance(value, list):
        return shown(", ".join(value))
    if isinstance(value, dict):
        return shown(value["name"])
    return shown(str(value))


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", _fold(text))
    return "-".join(words)[:60].strip("-") or "mon-action"


def _same(a, b, unordered: bool = False) -> bool:
    """Equal as data: 1500 and 1500.0 are the same amount, True is not 1. `unordered`: two lists holding
    the same items in any order (funding lines a sorted spreadsheet gave in another order)."""
    if unordered and isinstance(a, list) and isinstance(b, list):
        rest = list(b)
        for item in a:
            match = next((i for i, other in enumerate(rest) if _same(item, other)), None)
            if match is None:
                return False
            del rest[match]
        return not rest
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def read_csv(
    path: Path, name: str, signatories: set[str], organisations: dict[str, str] | None = None
) -> tuple[list[Parsed], dict[str, int]]:
    """The actions the CSV gives and its columns (key -> index); InvalidSources with every bad cell."""
    reader = _Reader(name, signatories, organisations)
    text = reader.decode(path.read_bytes())
    table = reader.table(text) if text is not None else []
    if text is not None and not reader.errors:
        while table and not any(c.strip() for c in table[-1]):
            table.pop()
        if not table or not any(c.strip() for c in table[0]):
            reader.error(
                1, None, f"fichier vide : la première ligne doit être l'en-tête ({' ; '.join(HEADERS.values())})."
            )
        elif reader.header(table[0]):
            parsed = reader.actions(table)
            if not parsed and not reader.errors:
                reader.error(2, None, "aucune action : le tableau n'a que sa ligne d'en-tête ; rien n'a été importé.")
            if not reader.errors:
                return parsed, reader.columns
    raise InvalidSources(reader.errors)


# --- into the YAML -----------------------------------------------------------------------------------


@dataclass
class _File:
    rel: str
    year: int
    text: str | None  # None for a file the import creates
    data: Any  # the ruamel document
    new_ids: list[str] = field(default_factory=list)  # the actions it will hold, in order, once touched
    touched: bool = False


@dataclass
class Outcome:
    rel: str
    created: bool
    changed: bool
    actions: int
    added: list[str]  # new, or moved here from another year's file
    removed: list[str]
    moved: list[str]  # to another year's file


def import_actions(root: Path, csv_path: Path, missing: str | None = None) -> list[Outcome]:
    """Merge the CSV into actions/*.yml, validate the result, then write it; InvalidSources if anything is
    wrong, with nothing written. `missing` says what becomes of an action of the CSV's years that the CSV
    does not list: "remove", "keep", or None (an error naming them)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .fmt import _yaml, canonical_text
    from .sources import classify, discover
    from .yamlload import YamlError, load_yaml

    name = csv_path.name
    signatories, organisations = _signatories(root)
    parsed, columns = read_csv(csv_path, name, signatories, organisations)

    yaml = _yaml()
    files: dict[str, _File] = {}
    where: dict[str, str] = {}  # action id -> rel
    load_errors: list[SourceError] = []
    for rel in discover(root):
        if classify(rel)[0] != "actions":
            continue
        text = (root / rel).read_bytes()
        try:
            load_yaml(text, rel)
        except YamlError as exc:
            load_errors.extend(exc.errors)
            continue
        data = yaml.load(text.decode("utf-8"))
        if not _readable(data):
            load_errors.append(
                SourceError(
                    rel,
                    1,
                    1,
                    "",
                    "l'import ne sait pas lire ce fichier : il lui faut « year: » (un nombre) et « actions: » (une "
                    "liste d'actions, chacune avec son « id: ») ; corrigez-le d'abord (cdv validate), puis relancez.",
                )
            )
            continue
        files[rel] = _File(rel, data["year"], text.decode("utf-8"), data, [a["id"] for a in data["actions"]])
        for action in data["actions"]:
            where.setdefault(action["id"], rel)
    if load_errors:
        raise InvalidSources(load_errors)

    existing = {a["id"]: a for f in files.values() for a in f.data["actions"]}
    by_id = {p.id: p for p in parsed}
    # A new action in a sheet without its Intitulé or Quartiers column: said in the sheet's words.
    lacking: list[SourceError] = [
        CellError(name, p.row, 0, "", f"nouvelle action « {p.id} » : le tableau n'a pas de colonne « {HEADERS[key]} », "
                  "qu'une nouvelle action remplit ; ajoutez la colonne (ou exportez un tableau complet).")
        for p in parsed if p.id not in existing for key in ("title", "neighbourhoods") if key not in columns
    ]  # fmt: skip
    if lacking:
        raise InvalidSources(lacking)
    years = {p.year for p in parsed}
    # The actions of the CSV's years that it does not list: removed or kept only when asked (a sheet may
    # hold only the actions being updated; a deleted row may be a slip of the mouse).
    absent = {rel: [i for i in f.new_ids if i not in by_id] for rel, f in files.items() if f.year in years}
    absent = {rel: ids for rel, ids in absent.items() if ids}
    if absent and missing is None:
        raise InvalidSources([_absent_error(name, files[rel], ids) for rel, ids in sorted(absent.items())])
    for p in parsed:
        found = where.get(p.id)
        if found is not None and files[found].year == p.year:
            files[found].touched = True  # stays where it is, in its place
            continue
        if found is not None:  # moved to another year: it leaves its file for that year's
            files[found].new_ids.remove(p.id)
            files[found].touched = True
        target = _file_for(files, p.year, CommentedMap)
        files[target].new_ids.append(p.id)  # a new action comes after the others of its year
        files[target].touched = True
    if missing == "remove":
        for rel, ids in absent.items():
            files[rel].new_ids = [i for i in files[rel].new_ids if i not in ids]
            files[rel].touched = True

    texts: dict[str, str] = {}
    outcomes = []
    for f in files.values():
        if not f.touched:
            continue
        seq = CommentedSeq()
        for ident in f.new_ids:
            action = existing.get(ident)
            if ident in by_id:
                action = _merged(action, by_id[ident], columns, CommentedMap)
            seq.append(action)
        old_ids = [a["id"] for a in f.data["actions"]] if f.text is not None else []
        if [id(a) for a in seq] != [id(a) for a in f.data["actions"]]:
            f.data["actions"] = seq
        out = io.StringIO()
        yaml.dump(f.data, out)
        texts[f.rel] = canonical_text(out.getvalue(), "actions", root / "schemas", f.rel)
        outcomes.append(
            Outcome(
                f.rel,
                f.text is None,
                texts[f.rel] != f.text,
                len(f.new_ids),
                added=[i for i in f.new_ids if i not in old_ids],
                removed=[i for i in old_ids if i not in f.new_ids and i not in by_id],
                moved=[i for i in old_ids if i not in f.new_ids and i in by_id],
            )
        )

    errors = _validate_with(root, texts)
    if errors:
        raise InvalidSources(_located(errors, texts, files, by_id, name, columns))
    from .fmt import _replace

    for outcome in outcomes:
        if not outcome.changed:
            continue
        path = root / outcome.rel
        if outcome.created:
            path.parent.mkdir(exist_ok=True)
            write_whole(path, texts[outcome.rel].encode("utf-8"))
        else:
            _replace(path, texts[outcome.rel])
    return outcomes


def _readable(data) -> bool:
    """Whether an actions file has what the merge reads: its year, its actions and their ids."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("year"), int)
        and isinstance(data.get("actions"), list)
        and all(isinstance(a, dict) and isinstance(a.get("id"), str) for a in data["actions"])
    )


def _absent_error(name: str, file: _File, ids: list[str]) -> CellError:
    listed = ", ".join(ids[:10]) + (f" et {len(ids) - 10} autre(s)" if len(ids) > 10 else "")
    return CellError(
        name,
        0,
        0,
        "",
        f"{len(ids)} action(s) de {file.rel} (année {file.year}) absente(s) du tableau : {listed}. Relancez "
        "avec « --remove-missing » pour les retirer de la programmation, ou avec « --keep-missing » pour les "
        "garder telles quelles (un tableau qui ne donne que les actions à mettre à jour).",
    )


def _signatories(root: Path) -> tuple[set[str], dict[str, str]]:
    """The signatories' ids, and their organisations' names (casefolded) -> id."""
    from .yamlload import YamlError, load_yaml_file

    path = root / "contract" / "signatories.yml"
    try:
        data = load_yaml_file(path, "contract/signatories.yml").data if path.is_file() else {}
    except YamlError as exc:
        raise InvalidSources(exc.errors) from None
    entries = data.get("signatories") if isinstance(data, dict) else None
    valid = [s for s in entries or [] if isinstance(s, dict) and isinstance(s.get("id"), str)]
    names = {s["organisation"].casefold(): s["id"] for s in valid if isinstance(s.get("organisation"), str)}
    return {s["id"] for s in valid}, names


def _file_for(files: dict[str, _File], year: int, mapping) -> str:
    """The file a new action of `year` goes in: actions/<year>.yml if it holds that year, else the one
    file of that year, else a new actions/<year>.yml."""
    rel = f"actions/{year}.yml"
    same_year = sorted(r for r, f in files.items() if f.year == year)
    if rel in same_year or (rel not in files and not same_year):
        if rel not in files:
            data = mapping()
            data["year"] = year
            data["actions"] = []
            files[rel] = _File(rel, year, None, data, [], touched=True)
        return rel
    if rel in files:
        raise UsageError(
            f"{rel} est le fichier de l'année {files[rel].year}, pas de {year} : renommez-le, ou donnez à "
            f"ses actions l'année {files[rel].year} dans le tableau."
        )
    return same_year[0]


def _merged(action, parsed: Parsed, columns: dict[str, int], mapping):
    """The action with the CSV's values for the columns it has (an empty cell removes the field), and
    everything else as the YAML holds it; an unchanged value keeps its node (and its comments)."""
    result = action if action is not None else mapping()
    values = dict(parsed.fields)
    values["id"] = parsed.id
    if "funding.amount" in columns and parsed.funding:
        values["funding"] = parsed.funding
    keys = [k for k in ACTION_KEYS if k in columns] + (["funding"] if "funding.amount" in columns else [])
    for key in keys:
        if key not in values:
            result.pop(key, None)
        elif key not in result or not _same(_plain(result[key]), values[key], unordered=key == "funding"):
            result[key] = values[key]
    return result


def _plain(node):
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def _validate_with(root: Path, texts: dict[str, str]) -> list[SourceError]:
    """`cdv validate` on the project as it would be: a temporary copy with the new files."""
    from .safety import TemporaryFolder
    from .sources import SOURCE_DIRS
    from .validate import validate_project

    with TemporaryFolder("cdv-import-") as folder:
        copy = Path(folder) / "sources"
        copy.mkdir()
        for name in (*SOURCE_DIRS, "schemas", "docs", "mkdocs.yml"):
            src = root / name
            if src.is_dir():
                shutil.copytree(src, copy / name, symlinks=True)
            elif src.is_file() or src.is_symlink():
                shutil.copy2(src, copy / name, follow_symlinks=False)
        for rel, text in texts.items():
            (copy / rel).parent.mkdir(exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8")
        _, errors = validate_project(copy)
    return errors


_FIELD_OF_POINTER = re.compile(
    r"^/actions/(?P<index>[0-9]+)(?:/(?P<key>[a-z_]+)(?:/(?P<line>[0-9]+)(?:/(?P<sub>[a-z_]+))?)?)?"
)


def _located(
    errors: list[SourceError],
    texts: dict[str, str],
    files: dict[str, _File],
    by_id: dict[str, Parsed],
    name: str,
    columns: dict[str, int],
) -> list[SourceError]:
    """The validation errors of the files the import writes, said at the CSV's row and column; the others
    (a file it does not touch, a field the CSV does not hold) as `cdv validate` says them."""
    out: list[SourceError] = []
    for e in errors:
        match = _FIELD_OF_POINTER.match(e.pointer) if e.file in texts else None
        parsed = None
        if match:
            ids = files[e.file].new_ids
            index = int(match["index"])
            parsed = by_id.get(ids[index]) if index < len(ids) else None
        if parsed is None or not match:
            if e.file in texts:
                e = SourceError(
                    e.file, e.line, e.column, e.pointer, e.message + " (dans le fichier que l'import écrirait)"
                )
            out.append(e)
            continue
        key = match["key"]
        if key == "funding" and match["line"] is not None and int(match["line"]) < len(parsed.funding_rows):
            row = parsed.funding_rows[int(match["line"])]
            sub = match["sub"] or "amount"
            column = "funding." + ("year" if sub == "year" else sub)
        elif key in ACTION_KEYS:
            row, column = parsed.field_rows.get(key, parsed.row), key
        else:
            row, column = parsed.row, None
        message = e.message
        if key is not None and column not in columns:  # a value the sheet does not hold, kept from the YAML
            message += f" (champ « {key} » gardé du YAML, absent du tableau : corrigez-le dans {e.file})"
            column = None
        index = columns.get(column, -1) if column else -1
        header = HEADERS.get(column, "") if column else ""
        out.append(CellError(name, row, index + 1, "", message, header, column_letter(index)))
    return sorted(out, key=lambda e: (e.file != name, e.file, e.line, e.column, e.message))
