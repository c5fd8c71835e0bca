"""A strict YAML loader for contract sources.

PyYAML follows YAML 1.1 and is lenient in ways that silently change a legal text: it keeps the last of
two duplicated keys, reads `on`/`NO` as booleans, `12:30` as a number of seconds, `2024-03-29` as a
date and `01053` as an octal number. Here scalars follow the YAML 1.2 core schema (only `true`/`false`
are booleans, only plain decimal numbers are numbers, everything else is text), duplicated keys,
aliases, merge keys and unknown tags are errors, and every value keeps its line and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import SourceError

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
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _CoreSchemaResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: no sexagesimal numbers, octals, dates or yes/no/on/off booleans."""


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


def _translate_yaml_problem(problem: str) -> str:
    for english, french in _YAML_PROBLEMS.items():
        if problem and problem.startswith(english):
            return french
    return f"YAML illisible ({problem})"


def load_yaml(raw: bytes | str, name: str) -> LoadedYaml:
    """Parse one YAML document strictly. Raises YamlError with every located problem found."""
    text = _decode(raw.encode("utf-8") if isinstance(raw, str) else raw, name)
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        at_tab = mark is not None and text[mark.index:mark.index + 1] == "\t"
        problem = _YAML_PROBLEMS["found character '\\t' that cannot start any token"] if at_tab else \
            _translate_yaml_problem(exc.problem or str(exc))
        raise YamlError([SourceError(name, line, col, "", problem + ".")])
    except yaml.YAMLError as exc:
        raise YamlError([SourceError(name, 1, 1, "", _translate_yaml_problem(str(exc)) + ".")])
    if node is None:
        raise YamlError([SourceError(name, 1, 1, "", "fichier vide : un document YAML est attendu.")])
    result = LoadedYaml(data=None)
    errors: list[SourceError] = []
    result.data = _Builder(name, result, errors, text).build(node)
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

    def error(self, node, pointer: Pointer, message: str) -> None:
        self.errors.append(SourceError(self.name, node.start_mark.line + 1, node.start_mark.column + 1,
                                       _pointer_text(pointer), message))

    def alias_error(self, pointer: Pointer) -> None:
        if any("alias" in e.message and e.pointer == _pointer_text(pointer) for e in self.errors):
            return
        self.errors.append(SourceError(self.name, *self.alias_mark(), _pointer_text(pointer),
                                       "alias YAML (*nom) interdit : recopiez le texte voulu à cet endroit."))

    def alias_mark(self) -> tuple[int, int]:
        # Composed nodes forget where an alias stood; the parser's events still know (rare path).
        taken = {(e.line, e.column) for e in self.errors}
        for event in yaml.parse(self.text):
            if isinstance(event, yaml.AliasEvent):
                mark = (event.start_mark.line + 1, event.start_mark.column + 1)
                if mark not in taken:
                    return mark
        return (1, 1)

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
                self.error(key_node, pointer, "une clé doit être un simple texte.")
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
        self.result.scalar_text[pointer] = text
        if tag == _STR:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            return int(text)
        if tag == _FLOAT:
            return float(text)
        self.error(node, pointer, f"étiquette YAML « {tag} » interdite : seuls du texte, des nombres, "
                                  "true/false, des listes et des dictionnaires sont acceptés.")
        return None
