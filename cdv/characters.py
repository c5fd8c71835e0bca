"""Characters an editor cannot see, or cannot tell from another: each one named in French, where it stands.

A zero-width space, a direction override or a Cyrillic « а » inside a Latin word look like nothing or like
an ordinary letter in GitHub's editor, yet they change what a reader's browser shows, what search finds,
and whether two ids are the same. They are refused with their French name, their code and their place.

Places are counted as an editor counts them: only LF ends a line (CR is refused earlier), so U+2028,
U+2029 and U+0085, which YAML readers take for line breaks, stay on their line; columns count characters.
A non-breaking space is ordinary French typography (before « : ; ! ? », inside « 15 378 ») and stays
accepted in text; it is refused only where it breaks the YAML structure (indentation, around a key's
colon) or inside an identifier. Text must be in Unicode NFC: a letter typed as a base letter plus a
combining accent is refused rather than silently recomposed, so what is published is what was typed and
two ids or keys that look alike are the same string.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import SourceError

MAX_REPORTED = 20  # per file: a file full of invisible characters is one problem, not a million lines

# One C-level scan of the whole file: exact in the BMP (a bitmap test per character), every astral
# character is a candidate, decided by _ASTRAL (few texts hold any).
_SUSPECT = re.compile(
    "[\u0085\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufb00-\ufb06\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\ue000-\uf8ff\U00010000-\U0010ffff]"
)
_ASTRAL = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff\U000f0000-\U0010ffff]"
)


def _refused(ch: str) -> bool:
    return ord(ch) < 0x10000 or bool(_ASTRAL.match(ch))


_INVISIBLE_NAMES = {
    0x200B: "espace sans chasse",
    0x200C: "antiliant sans chasse",
    0x200D: "liant sans chasse",
    0x2060: "gluon de mots",
    0xFEFF: "espace insécable sans chasse (BOM)",
    0x00AD: "trait d'union conditionnel",
    0x034F: "graphème combinant invisible",
    0x2061: "application de fonction invisible",
    0x2062: "multiplication invisible",
    0x2063: "séparateur invisible",
    0x2064: "plus invisible",
    0x180E: "séparateur de voyelles mongol",
}
_DIRECTION_NAMES = {
    0x200E: "marque gauche-à-droite",
    0x200F: "marque droite-à-gauche",
    0x061C: "marque de lettre arabe",
    0x202A: "enchâssement gauche-à-droite",
    0x202B: "enchâssement droite-à-gauche",
    0x202C: "fin d'enchâssement",
    0x202D: "forçage gauche-à-droite",
    0x202E: "forçage droite-à-gauche",
    0x2066: "isolat gauche-à-droite",
    0x2067: "isolat droite-à-gauche",
    0x2068: "isolat à direction détectée",
    0x2069: "fin d'isolat",
}
_LINE_NAMES = {0x2028: "séparateur de ligne", 0x2029: "séparateur de paragraphe", 0x0085: "passage à la ligne NEL"}

# Spaces other than U+0020: text, but never indentation, nor part of a key or an identifier.
SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
OTHER_SPACE = re.compile(f"[{SPACES}]")
_SPACE_NAMES = {
    0x00A0: "espace insécable",
    0x202F: "espace fine insécable",
    0x2009: "espace fine",
    0x200A: "espace ultrafine",
    0x2007: "espace tabulaire",
    0x2008: "espace de ponctuation",
    0x3000: "espace idéographique",
    0x205F: "espace moyenne mathématique",
}

# Letters of another script that look like Latin ones. Fullwidth and mathematical letters always do.
FOREIGN_LETTER = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u1f00-\u1fff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U0001d400-\U0001d7ff]"
)
_LOOKALIKE_OF = dict(
    zip(
        "аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХІЈЅҮаΑΒΕΖΗΙΚΜΝΟΡΤΥΧαονρυικχτ",
        "aeopcyxijshdqwlABEKMHOPCTXIJSYaABEZHIKMNOPTYXaovpuikxt",
        strict=True,
    )
)
_LATIN_WORD_CHAR = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")
_WORD = re.compile(r"[\w\u00ad\u200b-\u200d\u2060-]+")


def position(text: str, index: int) -> tuple[int, int]:
    """Line and column (1-based) of text[index] as an editor shows them: only LF starts a line."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def describe(ch: str) -> str | None:
    """French name and code of a character that has no place in a source (« caractère invisible (U+200B) »)."""
    cp = ord(ch)
    if cp in _LINE_NAMES:
        return f"{_LINE_NAMES[cp]} ({_code(ch)})"
    if cp in _DIRECTION_NAMES:
        return f"caractère de direction du texte ({_code(ch)})"
    if 0xFB00 <= cp <= 0xFB06:
        return f"ligature « {ch} » ({_code(ch)})"
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return f"caractère à usage privé ({_code(ch)})"
    if _SUSPECT.match(ch) and _refused(ch):
        return f"caractère invisible ({_code(ch)})"
    return None


def _detail(ch: str) -> str:
    cp = ord(ch)
    if cp in _DIRECTION_NAMES:
        return f"« {_DIRECTION_NAMES[cp]} », invisible dans l'éditeur, qui peut changer l'ordre des lettres affichées"
    if cp in _INVISIBLE_NAMES:
        return f"« {_INVISIBLE_NAMES[cp]} », qui ne se voit pas dans l'éditeur"
    return "il ne se voit pas dans l'éditeur"


def space_name(ch: str) -> str:
    return f"{_SPACE_NAMES.get(ord(ch), 'espace spéciale')} ({_code(ch)})"


def letter_name(ch: str) -> str:
    """« lettre cyrillique а (U+0430) » and the Latin letter it imitates, if any."""
    uname = unicodedata.name(ch, "")
    if uname.startswith("CYRILLIC"):
        kind = "lettre cyrillique"
    elif uname.startswith("GREEK"):
        kind = "lettre grecque"
    elif uname.startswith("FULLWIDTH"):
        kind = "caractère pleine chasse"
    else:
        kind = "lettre mathématique"
    latin = _LOOKALIKE_OF.get(ch) or unicodedata.normalize("NFKC", ch)
    fix = (
        f" à la place de « {latin} » : retapez « {latin} » au clavier"
        if latin.isascii() and latin != ch
        else " : remplacez-la par une lettre de l'alphabet latin"
    )
    return f"{kind} {ch} ({_code(ch)}){fix}"


def _context(text: str, index: int) -> str:
    """The visible text just before index on its line, to find the place in an editor."""
    start = text.rfind("\n", 0, index) + 1
    before = "".join(c for c in text[max(start, index - 25) : index] if not (_SUSPECT.match(c) and _refused(c))).strip()
    return f"juste après « {before} »" if before else "en début de ligne"


def _limit(errors: list[SourceError], name: str) -> list[SourceError]:
    if len(errors) <= MAX_REPORTED:
        return errors
    last = errors[MAX_REPORTED - 1]
    more = len(errors) - MAX_REPORTED
    return errors[:MAX_REPORTED] + [
        SourceError(name, last.line, last.column, "", f"… et {more} autre(s) caractère(s) de ce genre dans le fichier.")
    ]


def text_errors(text: str, name: str) -> list[SourceError]:
    """Invisible, direction, line-separator and look-alike characters, and non-NFC text, in a whole file."""
    errors: list[SourceError] = []
    for match in _SUSPECT.finditer(text):
        ch, at = match.group(), match.start()
        if not _refused(ch):
            continue
        where = _context(text, at)
        if at == 0 and ch == "\ufeff":
            message = (
                "marque d'ordre des octets (BOM, U+FEFF) en début de fichier : enregistrez le fichier "
                "en UTF-8 sans BOM."
            )
        elif ch in "\u2028\u2029\u0085":
            message = (
                f"{describe(ch)} refusé, {where} : il ressemble à un passage à la ligne mais n'en est pas un "
                "pour l'éditeur ; supprimez ce caractère et, si un passage à la ligne est voulu, appuyez sur Entrée."
            )
        elif 0xFB00 <= ord(ch) <= 0xFB06:
            message = (
                f"{describe(ch)} refusée, {where} : retapez « {unicodedata.normalize('NFKC', ch)} » "
                "lettre par lettre (la recherche du site ne trouverait pas le mot)."
            )
        elif 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) >= 0xF0000:
            message = (
                f"{describe(ch)} refusé, {where} : souvent une puce ou un symbole copié depuis un traitement "
                "de texte, qui ne s'affiche pas chez les lecteurs ; supprimez ce caractère."
            )
        else:
            message = (
                f"{describe(ch)} refusé : {_detail(ch)} ; il se trouve {where}. Supprimez ce caractère "
                "(curseur juste après ce texte, puis une fois la touche Suppr)."
            )
        line, col = position(text, at)
        errors.append(SourceError(name, line, col, "", message))
    errors += lookalike_errors(text, name)
    errors += nfc_errors(text, name)
    errors.sort(key=lambda e: (e.line, e.column))
    return _limit(errors, name)


def lookalike_errors(text: str, name: str, always: bool = False) -> list[SourceError]:
    """Greek, Cyrillic, fullwidth or mathematical letters inside a word that also has Latin letters or digits
    (« Plаnoise » with a Cyrillic а). With `always`, every such letter (ids and keys are Latin only)."""
    errors = []
    for match in FOREIGN_LETTER.finditer(text):
        ch, at = match.group(), match.start()
        word = _word_around(text, at)
        fullwidth = unicodedata.name(ch, "").startswith(("FULLWIDTH", "MATHEMATICAL"))
        if not (always or fullwidth or _LATIN_WORD_CHAR.search(text, word[0], word[1])):
            continue
        line, col = position(text, at)
        shown = text[word[0] : word[1]]
        errors.append(SourceError(name, line, col, "", f"{letter_name(ch)} (dans « {shown} »)."))
    return errors


def _word_around(text: str, at: int) -> tuple[int, int]:
    start = at
    while start > 0 and _WORD.match(text[start - 1]):
        start -= 1
    end = at + 1
    while end < len(text) and _WORD.match(text[end]):
        end += 1
    return start, end


def nfc_errors(text: str, name: str) -> list[SourceError]:
    """A letter written as a base letter followed by a combining accent (as some Mac and PDF copies give)."""
    if unicodedata.is_normalized("NFC", text):
        return []
    errors = []
    for match in re.finditer(r"[^\W\d_]?[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+", text):
        run = match.group()
        composed = unicodedata.normalize("NFC", run)
        if composed == run:
            continue
        at = match.start()
        marks = ", ".join(_code(c) for c in run if unicodedata.combining(c))
        line, col = position(text, at)
        base = run[0] if not unicodedata.combining(run[0]) else ""
        errors.append(
            SourceError(
                name,
                line,
                col,
                "",
                f"lettre accentuée écrite en deux caractères (« {base} » suivi "
                f"de l'accent {marks}) : retapez « {composed} » au clavier, d'un seul caractère.",
            )
        )
    return errors


def structure_space_errors(
    text: str, name: str, interior_lines: set[int] | None = None, up_to_line: int | None = None
) -> list[SourceError]:
    """Non-ASCII spaces where YAML expects an ordinary space: in the indentation, after « - », around the colon
    that ends a key. `interior_lines`: lines inside a multi-line text, where such a space is text."""
    errors: list[SourceError] = []
    if not OTHER_SPACE.search(text):
        return errors
    for number, line in enumerate(text.split("\n"), start=1):
        if up_to_line is not None and number > up_to_line:
            break
        if interior_lines and number in interior_lines or not OTHER_SPACE.search(line):
            continue
        i = 0
        while i < len(line) and (
            line[i] == " "
            or OTHER_SPACE.match(line[i])
            or line[i] in "-?"
            and (i + 1 == len(line) or line[i + 1] == " " or OTHER_SPACE.match(line[i + 1]))
        ):
            if OTHER_SPACE.match(line[i]):
                errors.append(
                    SourceError(
                        name,
                        number,
                        i + 1,
                        "",
                        f"{space_name(line[i])} dans l'indentation : "
                        "YAML ne la compte pas comme une espace ; remplacez-la par une espace "
                        "ordinaire (effacez-la, puis appuyez sur la barre d'espace).",
                    )
                )
                break
            i += 1
        if errors and errors[-1].line == number or i >= len(line) or line[i] in "\"'#|>[{":
            continue
        colon = _key_colon(line, i)
        if colon is None:
            continue
        if colon > i and OTHER_SPACE.match(line[colon - 1]):
            j = colon - 1
            while j > i and OTHER_SPACE.match(line[j - 1]):
                j -= 1
            head = line[i:j].strip()
            errors.append(
                SourceError(
                    name,
                    number,
                    j + 1,
                    "",
                    f"{space_name(line[j])} avant le deux-points de "
                    f"« {head} » : YAML lit « {head} » suivi de cette espace comme un nom de champ. "
                    f"Si c'est un nom de champ, supprimez l'espace (« {head}: ») ; si c'est un texte, "
                    "mettez-le entre guillemets.",
                )
            )
        elif colon + 1 < len(line) and OTHER_SPACE.match(line[colon + 1]):
            errors.append(
                SourceError(
                    name,
                    number,
                    colon + 2,
                    "",
                    f"{space_name(line[colon + 1])} après le "
                    f"deux-points du champ « {line[i:colon].strip()} » : YAML attend une espace "
                    "ordinaire après « : » ; remplacez-la par une espace ordinaire.",
                )
            )
    return errors


def _key_colon(line: str, start: int) -> int | None:
    """Index of the colon that ends the key starting at `start`, if the line looks like `key: value`."""
    for m in re.finditer(f":(?=[ {SPACES}]|$)", line[start:]):
        head = line[start : start + m.start()]
        if " #" in head or not head.strip() or re.search(r"[\[\]{},\"']", head):
            return None
        return start + m.start()
    return None


def key_space_errors(key: str, line: int, column: int, name: str, pointer: str) -> list[SourceError]:
    """A key holding a non-ASCII space (quoted, or escaped): a field name never does."""
    m = OTHER_SPACE.search(key)
    if not m:
        return []
    return [
        SourceError(
            name,
            line,
            column + m.start(),
            pointer,
            f"{space_name(m.group())} dans le nom du champ « {key.strip()} » : YAML la lit comme une partie "
            "du nom ; supprimez-la (un nom de champ n'a pas d'espace). Si c'est un texte et non un champ, "
            "mettez toute la ligne entre guillemets.",
        )
    ]


def value_char_problem(value: str) -> str | None:
    """For a value decoded from escapes ("\\u200b", "\\L", "\\N"): the name of the first refused character."""
    for m in _SUSPECT.finditer(value):
        if _refused(m.group()):
            return describe(m.group())
    if not unicodedata.is_normalized("NFC", value):
        return "lettre accentuée écrite en deux caractères"
    return None
