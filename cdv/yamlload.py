"""A strict YAML loader for contract sources.

PyYAML follows YAML 1.1 and is lenient in ways that silently change a legal text: it keeps the last of
two duplicated keys, reads `on`/`NO` as booleans, `12:30` as a number of seconds, `2024-03-29` as a
date and `01053` as an octal number. Here scalars follow the YAML 1.2 core schema (only `true`/`false`
are booleans, only plain decimal numbers are numbers, everything else is text), duplicated keys,
aliases, merge keys and unknown tags are errors, and every value keeps its line and column.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import SourceError
from .yamldiagnose import anchor_errors, continued_list_item, diagnose

try:  # libyaml is several times faster; the pure-Python parser gives the same result.
    from yaml.cyaml import CParser as _Parser

    _LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    _LIBYAML = False

MAX_FILE_BYTES = 2 * 1024 * 1024
# Characters YAML refuses in a stream or that a legal text must not carry (tab, LF and CR are handled apart).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
MAX_DEPTH = 40
# libyaml's composer recurses in C and overflows the stack somewhere past 10,000 levels: below this
# bound it is safe, and the builder reports anything deeper than MAX_DEPTH.
SAFE_COMPOSER_DEPTH = 2000
_BLOCK_PREFIX = re.compile(r"^[ \t?:-]*", re.M)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


_YAML11_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
                               r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$")


class _CoreSchemaResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: no sexagesimal numbers, octals, dates or yes/no/on/off booleans."""

    def resolve(self, kind, value, implicit):
        # BaseResolver.resolve without path resolvers (none is registered): it runs for every node, twice.
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


_CoreSchemaResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreSchemaResolver.add_implicit_resolver(
    _INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_CoreSchemaResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?|(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+)$"),
    list("-+0123456789"),
)
_CoreSchemaResolver.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


_RESOLVER = _CoreSchemaResolver()  # what a plain scalar means without an explicit tag


class _StrictLoader(_Parser, _CoreSchemaResolver):
    def __init__(self, stream):
        _Parser.__init__(self, stream)
        _CoreSchemaResolver.__init__(self)


Pointer = tuple  # path of keys and indexes inside a document


@dataclass
class LoadedYaml:
    """A parsed document with where each value and key came from (1-based lines and columns)."""

    data: object
    value_marks: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    scalar_text: dict[Pointer, str] = field(default_factory=dict)
    plain_dates: set = field(default_factory=set)  # unquoted values that YAML 1.1 readers take for dates

    def mark(self, pointer: Pointer, key: bool = False) -> tuple[int, int]:
        """Line and column of a value (or of its key), falling back to the closest parent."""
        marks = self.key_marks if key else self.value_marks
        pointer = tuple(pointer)
        if pointer in marks:
            return marks[pointer]
        while pointer:
            pointer = pointer[:-1]
            if pointer in self.value_marks:
                return self.value_marks[pointer]
        return (1, 1)


class YamlError(Exception):
    """A file that cannot be read as strict YAML; carries the located errors."""

    def __init__(self, errors: list[SourceError]):
        super().__init__("\n".join(e.format_text() for e in errors))
        self.errors = errors


def _pointer_text(pointer: Pointer) -> str:
    return "/" + "/".join(str(p) for p in pointer) if pointer else ""


def _decode(raw: bytes, name: str) -> str:
    def fail(line: int, col: int, msg: str):
        raise YamlError([SourceError(name, line, col, "", msg)])

    if len(raw) > MAX_FILE_BYTES:
        fail(1, 1, f"fichier trop volumineux ({len(raw)} octets) : une source ne doit pas dépasser "
                   f"{MAX_FILE_BYTES} octets ; découpez-la en plusieurs fichiers.")
    if not raw.strip():
        fail(1, 1, "fichier vide : un document YAML est attendu.")
    if raw.startswith(b"\xef\xbb\xbf"):
        fail(1, 1, "le fichier commence par une marque d'ordre des octets (BOM) : "
                   "enregistrez-le en UTF-8 sans BOM.")
    if b"\0" in raw:
        at = raw.index(b"\0")
        line = raw.count(b"\n", 0, at) + 1
        fail(line, at - raw.rfind(b"\n", 0, at), "octet nul (NUL) dans le fichier : "
             "seul du texte UTF-8 est accepté.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        fail(line, col, "octets invalides en UTF-8 (fichier enregistré en Latin-1 ou Windows-1252 ?) : "
                        "enregistrez le fichier en UTF-8.")
    control = _CONTROL.search(text)
    if control:
        at = control.start()
        fail(text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at),
             f"caractère de contrôle U+{ord(control.group()):04X} interdit : seul du texte imprimable est accepté.")
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        fail(line, 1, "fins de ligne Windows (CRLF) : enregistrez le fichier avec des fins de ligne "
                      "Unix (LF).")
    return text


_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "tabulation interdite : indentez avec des espaces",
    "expected a single document in the stream": "plusieurs documents YAML (séparés par ---) dans un seul "
    "fichier : un seul document est attendu",
    "but found another document": "plusieurs documents YAML (séparés par ---) dans un seul "
    "fichier : un seul document est attendu",
    "found undefined alias": "alias YAML (*nom) sans ancre correspondante",
    "mapping values are not allowed here": "deux-points inattendu : mettez le texte entre guillemets "
    "s'il contient « : »",
}


_YAML_PROBLEMS["mapping values are not allowed in this context"] = _YAML_PROBLEMS["mapping values are not allowed here"]

# (context of the parser, French message, report at the context's mark: where the construct opened)
_YAML_CONTEXTS = (
    ("while parsing a flow sequence", "crochet « [ » ouvert ici et jamais fermé : ajoutez « ] » "
     "(et une virgule entre deux éléments)", True),
    ("while parsing a flow mapping", "accolade « { » ouverte ici et jamais fermée : ajoutez « } » "
     "(et une virgule entre deux champs)", True),
    ("while scanning a quoted scalar", "guillemet ouvert ici et jamais fermé : ajoutez le guillemet de fin", True),
    ("while parsing a block", "indentation incohérente : alignez ce champ sur les autres champs du même "
     "niveau (avec des espaces)", False),
    ("while scanning a simple key", "indentation incohérente ou deux-points manquant après le nom du champ", False),
)


def _translate_yaml_problem(problem: str, context: str | None = None) -> tuple[str, bool]:
    """French message for a parser problem, and whether to report it where the construct opened."""
    for english, french in _YAML_PROBLEMS.items():
        if problem and problem.startswith(english):
            return french, False
    for english, french, at_context in _YAML_CONTEXTS:
        if context and context.startswith(english):
            return french, at_context
    return ("YAML illisible à cet endroit : vérifiez l'indentation, les guillemets, les crochets et les "
            "deux-points"), False


def _nesting_bound(text: str) -> int:
    """An upper bound of a document's nesting depth, from one regular expression and two counts.

    Every flow collection opens with a bracket or a brace; in block style, two nested levels never start
    in the same column, and a block collection starts after the spaces and indicators of its line.
    """
    widest_prefix = max(map(len, _BLOCK_PREFIX.findall(text)), default=0)
    return 2 * (widest_prefix + 1) + text.count("[") + text.count("{")


def _check_depth(text: str, name: str) -> None:
    """Refuse deep nesting from the parser's events, before the (recursive) composer sees it."""
    if _nesting_bound(text) <= SAFE_COMPOSER_DEPTH:
        return
    loader = _StrictLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:
                    mark = event.start_mark
                    raise YamlError([SourceError(name, mark.line + 1, mark.column + 1, "",
                                                 f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux).")])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def load_yaml(raw: bytes | str, name: str) -> LoadedYaml:
    """Parse one YAML document strictly. Raises YamlError with every located problem found."""
    text = _decode(raw.encode("utf-8") if isinstance(raw, str) else raw, name)
    try:
        _check_depth(text, name)
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_tab = mark is not None and text[mark.index:mark.index + 1] == "\t"
        diagnosis = None if at_tab else diagnose(text, exc)  # the real cause, when a fix proves it
        if diagnosis:
            raise YamlError([SourceError(name, diagnosis.line, diagnosis.column, "", diagnosis.message + ".")])
        if at_tab:
            problem, at_context = _YAML_PROBLEMS["found character '\\t' that cannot start any token"], False
        else:
            problem, at_context = _translate_yaml_problem(exc.problem or str(exc), exc.context)
        if at_context and exc.context_mark:
            mark = exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError([SourceError(name, line, col, "", problem + ".")])
    except yaml.YAMLError as exc:
        raise YamlError([SourceError(name, 1, 1, "", _translate_yaml_problem(str(exc))[0] + ".")])
    if node is None:
        raise YamlError([SourceError(name, 1, 1, "", "fichier vide : un document YAML est attendu.")])
    result = LoadedYaml(data=None)
    errors: list[SourceError] = []
    result.data = _Builder(name, result, errors, text).build(node)
    errors += [SourceError(name, line, col, "", message + ".") for line, col, message in anchor_errors(text)]
    if errors:
        raise YamlError(errors)
    return result


def load_yaml_file(path: Path, name: str | None = None) -> LoadedYaml:
    return load_yaml(Path(path).read_bytes(), name or str(path))


class _Builder:
    """Turns the node graph into plain Python data, refusing what a contract source must not contain."""

    def __init__(self, name: str, result: LoadedYaml, errors: list[SourceError], text: str):
        self.name = name
        self.text = text
        self.result = result
        self.errors = errors
        self.seen: set[int] = set()
        self.alias_marks = None

    def error(self, node, pointer: Pointer, message: str) -> None:
        self.errors.append(SourceError(self.name, node.start_mark.line + 1, node.start_mark.column + 1,
                                       _pointer_text(pointer), message))

    def alias_error(self, pointer: Pointer) -> None:
        self.errors.append(SourceError(self.name, *self.alias_mark(), _pointer_text(pointer),
                                       "alias YAML (*nom) interdit : recopiez le texte voulu à cet endroit."))

    def alias_mark(self) -> tuple[int, int]:
        # Composed nodes forget where an alias stood; the parser's events still know. The builder meets
        # the aliases in document order, so the n-th alias met is the n-th alias event: one pass in all.
        if self.alias_marks is None:
            marks = []
            loader = _StrictLoader(self.text)
            try:
                while loader.check_event():
                    event = loader.get_event()
                    if isinstance(event, yaml.AliasEvent):
                        marks.append((event.start_mark.line + 1, event.start_mark.column + 1))
            finally:
                loader.dispose()
            self.alias_marks = iter(marks)
        return next(self.alias_marks, (1, 1))

    def build(self, node, pointer: Pointer = (), depth: int = 0):
        if id(node) in self.seen:
            # The same node reached twice means an alias: refuse it, so nothing expands without bound.
            self.alias_error(pointer)
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(node, pointer, f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux).")
            return None
        self.result.value_marks[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node, pointer)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.error(node, pointer, f"étiquette YAML « {node.tag} » interdite.")
                return None
            return [self.build(child, pointer + (i,), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, pointer, depth)
        self.error(node, pointer, "nœud YAML inattendu.")  # pragma: no cover
        return None

    def mapping(self, node: MappingNode, pointer: Pointer, depth: int) -> dict:
        if node.tag != _MAP:
            self.error(node, pointer, f"étiquette YAML « {node.tag} » interdite.")
            return {}
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
                self.error(key_node, pointer, "une clé doit être un simple texte (un texte qui commence par "
                                             "« [ » ou « { » doit être entre guillemets).")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<" and not key_node.style:
                self.error(key_node, pointer, "clé de fusion YAML « << » interdite : écrivez chaque champ.")
                continue
            key = key_node.value
            key_pointer = pointer + (key,)
            if key in out:
                first = self.result.key_marks[key_pointer]
                self.error(key_node, key_pointer,
                           f"clé « {key} » en double (déjà définie ligne {first[0]}) : "
                           "supprimez l'une des deux, YAML ne garderait que la dernière.")
                continue
            self.result.key_marks[key_pointer] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, key_pointer, depth + 1)
        return out

    def scalar(self, node: ScalarNode, pointer: Pointer):
        tag, text = node.tag, node.value
        joined = None if node.style or node.end_mark.line == node.start_mark.line else continued_list_item(self.text, node)
        if joined:  # a list item one space too far, silently joined to the text above
            self.errors.append(SourceError(self.name, joined[0], joined[1], _pointer_text(pointer), joined[2] + "."))
            return None
        self.result.scalar_text[pointer] = text
        implicit = _STR if node.style else _RESOLVER.resolve(ScalarNode, text, (True, False))
        if tag in (_STR, _INT, _FLOAT, _BOOL, _NULL) and tag != implicit:
            self.error(node, pointer, f"étiquette YAML « {tag} » interdite sur « {text[:40]} » : écrivez la "
                                      "valeur sans étiquette (entre guillemets si c'est un texte).")
            return None
        if tag == _STR:
            control = _CONTROL.search(text)
            if control:
                self.error(node, pointer, f"caractère de contrôle U+{ord(control.group()):04X} interdit "
                                          "(séquence d'échappement) : seul du texte imprimable est accepté.")
                return None
            if not node.style and _YAML11_TIMESTAMP.match(text):
                self.result.plain_dates.add(pointer)
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag in (_INT, _FLOAT):
            number = int(text) if tag == _INT and len(text) <= 20 else float(text)
            if len(text) > 20 or not math.isfinite(number):
                self.error(node, pointer, f"nombre hors limites « {text[:20]}{'…' if len(text) > 20 else ''} » : "
                                          "20 caractères au plus ; mettez-le entre guillemets si c'est un texte.")
                return None
            return number
        self.error(node, pointer, f"étiquette YAML « {tag} » interdite : seuls du texte, des nombres, "
                                  "true/false, des listes et des champs sont acceptés.")
        return None
