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
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from . import characters
from .errors import SourceError, YamlError  # YamlError: an InvalidSources (cdv.errors)
from .yamldiagnose import continued_list_item, diagnose

try:  # libyaml is several times faster; the pure-Python parser gives the same result.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

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

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


_YAML11_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$"
)


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


_CoreSchemaResolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreSchemaResolver.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_CoreSchemaResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?|(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+)$"),
    list("-+0123456789"),
)
_CoreSchemaResolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


_RESOLVER = _CoreSchemaResolver()  # what a plain scalar means without an explicit tag


class _StrictLoader(_Parser, _CoreSchemaResolver):
    def __init__(self, stream):
        _Parser.__init__(self, stream)
        _CoreSchemaResolver.__init__(self)


Pointer = tuple  # path of keys and indexes inside a document
_RECORDS = ("value_marks", "key_marks", "scalar_text", "plain_dates", "quoted")


@dataclass
class LoadedYaml:
    """A parsed document with where each value and key came from (1-based lines and columns)."""

    data: object
    value_marks: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    scalar_text: dict[Pointer, str] = field(default_factory=dict)
    plain_dates: set = field(default_factory=set)  # unquoted values that YAML 1.1 readers take for dates
    quoted: set = field(default_factory=set)  # values written between quotes (a column is then one further)
    source: tuple[str, str] | None = field(default=None, repr=False, compare=False)  # (text, name) read

    def __getstate__(self) -> dict:
        """What goes to another process (cdv.validate's workers send their files back): the data and the
        text it was read from. The records of places, several times bigger, are made again from that text
        if they are ever asked for there, which only an error needs."""
        if self.source is None:
            return dict(self.__dict__)
        return {"data": self.data, "source": self.source}

    @classmethod
    def deferred(cls, path: Path, name: str, digest: str, may_cite: bool = True) -> LoadedYaml:
        """A file already checked with these exact bytes (cdv.checkcache, `digest` their sha256): read and
        parsed only when its data or a record of places is asked for. `may_cite`: whether a text of it
        can hold « [[ »."""
        loaded = cls.__new__(cls)
        loaded.__dict__.update(deferred=(Path(path), name, digest), may_cite=may_cite)
        return loaded

    def __getattr__(self, name: str):
        # Only called for an attribute missing from the object: a record left behind by __getstate__, or
        # everything of a deferred file.
        deferred = self.__dict__.get("deferred")
        if deferred is not None and (name in _RECORDS or name in ("data", "source")):
            import hashlib

            path, rel, digest = deferred
            raw = read_regular_file(path, rel)
            if hashlib.sha256(raw).hexdigest() != digest:
                # Saved again since its bytes were known: what was found of them is not what it says now.
                raise YamlError(
                    [
                        SourceError(
                            rel,
                            0,
                            0,
                            "",
                            "fichier modifié pendant la validation : enregistrez-le, puis relancez la validation.",
                        )
                    ]
                )
            again = load_yaml(raw, rel)
            del self.__dict__["deferred"]
            self.__dict__.update(again.__dict__)
            return getattr(self, name)
        source = self.__dict__.get("source")
        if name not in _RECORDS or source is None:
            raise AttributeError(name)
        again = load_yaml(*source)
        for record in _RECORDS:
            setattr(self, record, getattr(again, record))
        return getattr(self, name)

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


def _pointer_text(pointer: Pointer) -> str:
    return "/" + "/".join(str(p) for p in pointer) if pointer else ""


def _decode(raw: bytes, name: str) -> str:
    def fail(line: int, col: int, msg: str):
        raise YamlError([SourceError(name, line, col, "", msg)])

    if len(raw) > MAX_FILE_BYTES:
        fail(
            1,
            1,
            f"fichier trop volumineux ({len(raw)} octets) : une source ne doit pas dépasser "
            f"{MAX_FILE_BYTES} octets ; découpez-la en plusieurs fichiers.",
        )
    if not raw.strip():
        fail(1, 1, "fichier vide : un document YAML est attendu.")
    if raw.startswith(b"\xef\xbb\xbf"):
        fail(1, 1, "le fichier commence par une marque d'ordre des octets (BOM) : enregistrez-le en UTF-8 sans BOM.")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        len(raw) > 1 and b"\0" in raw[:2] and raw.count(b"\0") * 3 >= len(raw)
    ):
        fail(1, 1, "fichier enregistré en UTF-16 (« Unicode » dans le Bloc-notes ou Word) : enregistrez-le en UTF-8.")
    if b"\0" in raw:
        at = raw.index(b"\0")
        line = raw.count(b"\n", 0, at) + 1
        fail(line, at - raw.rfind(b"\n", 0, at), "octet nul (NUL) dans le fichier : seul du texte UTF-8 est accepté.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        fail(
            line,
            col,
            "octets invalides en UTF-8 (fichier enregistré en Latin-1 ou Windows-1252 ?) : "
            "enregistrez le fichier en UTF-8.",
        )
    control = _CONTROL.search(text)
    if control:
        at = control.start()
        fail(
            text.count("\n", 0, at) + 1,
            at - text.rfind("\n", 0, at),
            f"caractère de contrôle U+{ord(control.group()):04X} interdit : seul du texte imprimable est accepté.",
        )
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        fail(line, 1, "fins de ligne Windows (CRLF) : enregistrez le fichier avec des fins de ligne Unix (LF).")
    # Before parsing: YAML readers count U+2028, U+2029 and U+0085 as line breaks, so every place they
    # would give after one of them is wrong; these are named at the place an editor sees them.
    invisible = characters.text_errors(text, name)
    if invisible:
        raise YamlError(invisible)
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
    (
        "while parsing a flow sequence",
        "crochet « [ » ouvert ici et jamais fermé : ajoutez « ] » (et une virgule entre deux éléments)",
        True,
    ),
    (
        "while parsing a flow mapping",
        "accolade « { » ouverte ici et jamais fermée : ajoutez « } » (et une virgule entre deux champs)",
        True,
    ),
    ("while scanning a quoted scalar", "guillemet ouvert ici et jamais fermé : ajoutez le guillemet de fin", True),
    (
        "while parsing a block",
        "indentation incohérente : alignez ce champ sur les autres champs du même niveau (avec des espaces)",
        False,
    ),
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
    return (
        "YAML illisible à cet endroit : vérifiez l'indentation, les guillemets, les crochets et les deux-points"
    ), False


def _check_depth(text: str, name: str) -> None:
    """Refuse deep nesting from the parser's events, before the (recursive) composer sees it."""
    # An upper bound of the nesting depth: every flow collection opens with a bracket or a brace; in block
    # style, two nested levels never start in the same column, and a block collection starts after the
    # spaces and indicators of its line. So 2 * (widest such prefix + 1) + brackets + braces, which stays
    # within SAFE_COMPOSER_DEPTH when no line's prefix is wider than the brackets leave room for.
    room = (SAFE_COMPOSER_DEPTH - text.count("[") - text.count("{")) // 2 - 1
    if room >= 0 and not re.search(f"^[ \\t?:-]{{{room + 1}}}", text, re.M):
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
                    raise YamlError(
                        [
                            SourceError(
                                name,
                                mark.line + 1,
                                mark.column + 1,
                                "",
                                f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux).",
                            )
                        ]
                    )
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
        _raise_space_cause(text, name, exc)
        _raise_comment_cut(text, name, exc)
        mark = exc.problem_mark or exc.context_mark
        at_tab = mark is not None and text[mark.index : mark.index + 1] == "\t"
        diagnosis = None if at_tab else diagnose(text, exc)  # the real cause, when a fix proves it
        if diagnosis:
            raise YamlError(
                [SourceError(name, diagnosis.line, diagnosis.column, "", diagnosis.message + ".")]
            ) from None
        if at_tab:
            problem, at_context = _YAML_PROBLEMS["found character '\\t' that cannot start any token"], False
        else:
            problem, at_context = _translate_yaml_problem(exc.problem or str(exc), exc.context)
        if at_context and exc.context_mark:
            mark = exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError([SourceError(name, line, col, "", problem + ".")]) from None
    except yaml.YAMLError as exc:
        raise YamlError([SourceError(name, 1, 1, "", _translate_yaml_problem(str(exc))[0] + ".")]) from None
    if node is None:
        only_comments = all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
        raise YamlError(
            [
                SourceError(
                    name,
                    1,
                    1,
                    "",
                    "fichier vide : il ne contient que des commentaires "
                    "(lignes commençant par « # »), que YAML ne lit pas ; écrivez les champs du "
                    "document sous les commentaires."
                    if only_comments
                    else "fichier vide : un document YAML est attendu.",
                )
            ]
        )
    result = LoadedYaml(data=None, source=(text, name))
    errors: list[SourceError] = []
    builder = _Builder(name, result, errors, text)
    result.data = builder.build(node)
    errors += [e for node_id, e in builder.anchored if node_id not in builder.reused]
    spaces = characters.structure_space_errors(text, name, builder.interior_lines)
    lines = {e.line for e in spaces}
    errors += spaces + [e for e in builder.key_spaces if e.line not in lines]
    if errors:
        errors.sort(key=lambda e: (e.line, e.column))
        raise YamlError(errors)
    return result


# A line that is a field or a list item, not the continuation of a text.
_STARTS_ITEM = re.compile(r"^\s*(?:-(?:\s|$)|[^\s#'\"][^:#]*:(?:\s|$)|#|$)")
_TEXT_THEN_COMMENT = re.compile(r"^(?P<head>\s*(?:-\s+)*(?:[\w.-]+:\s+)?)(?P<text>[^\s#'\"|>&!*\[{][^#]*?)[ \t]+#")


def _comment_message(lost: str, full: str | None) -> str:
    shown = lost if len(lost) <= 60 else lost[:59] + "…"
    quoted = f' ("{full[:60]}{"…" if len(full) > 60 else ""}")' if full else ""
    return (
        f"le texte s'arrête avant « # » : YAML lit « {shown} » comme un commentaire, qui ne serait pas publié. "
        f"Si ce texte fait partie de la valeur, mettez toute la valeur entre guillemets{quoted} ; si c'est un "
        "commentaire, mettez-le sur sa propre ligne, au-dessus."
    )


def _raise_comment_cut(text: str, name: str, exc: yaml.MarkedYAMLError) -> None:
    """`p: un texte\n  sur # deux\n  lignes`: the comment ends the text, so its next line is a syntax error
    one line below the cause."""
    mark = exc.problem_mark
    if mark is None or mark.line == 0:
        return
    lines = text.split("\n")
    if mark.line >= len(lines) or _STARTS_ITEM.match(lines[mark.line]):
        return
    before = mark.line - 1
    while before > 0 and not lines[before].strip():
        before -= 1
    m = _TEXT_THEN_COMMENT.match(lines[before])
    if m is None:
        return
    at = m.end() - 1
    raise YamlError([SourceError(name, before + 1, at + 1, "", _comment_message(lines[before][at:].strip(), None))])


def _raise_space_cause(text: str, name: str, exc: yaml.MarkedYAMLError) -> None:
    """A non-breaking space in the indentation or around a key's colon is the real cause of many syntax
    errors: the parser stops a line or two after it, on something that looks fine."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    found = characters.structure_space_errors(text, name, up_to_line=line)
    if line is not None:
        found = [e for e in found if e.line >= line - 3]
    if found:
        raise YamlError(found[:1])


def read_regular_file(path: Path, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a source, only if it is a regular file: never through a symbolic link, never blocking
    on a named pipe or a device; read up to just past `limit` bytes (longer is the caller's to refuse).
    Errors name the path, never the content."""
    import errno
    import os
    import stat

    def fail(message: str):
        raise YamlError([SourceError(name, 0, 0, "", message)])

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            fail(
                "lien symbolique refusé : une source doit être un fichier ordinaire du dépôt ; "
                "remplacez le lien par le fichier lui-même."
            )
        if exc.errno in (errno.EACCES, errno.EPERM):
            fail(
                "fichier illisible (droits insuffisants) : donnez le droit de lecture sur ce fichier "
                "(chmod a+r), puis relancez."
            )
        if exc.errno == errno.ENOENT:
            fail("fichier disparu pendant la lecture : relancez la commande.")
        fail(
            f"fichier illisible (erreur système {errno.errorcode.get(exc.errno, exc.errno)}) : vérifiez le disque et "
            "les droits de ce fichier."
        )
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            fail(
                "ce n'est pas un fichier ordinaire (tube nommé, périphérique ou socket) : une source doit être "
                "un fichier texte du dépôt ; supprimez-le."
            )
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError as exc:
                fail(
                    f"fichier illisible (erreur système {errno.errorcode.get(exc.errno, exc.errno)}) : vérifiez "
                    "le disque et les droits de ce fichier."
                )
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_yaml_file(path: Path, name: str | None = None) -> LoadedYaml:
    name = name or str(path)
    return load_yaml(read_regular_file(Path(path), name), name)


# After a plain text: a comment on the same line, or a next line, more indented, that is « #» glued to a word.
_AFTER_PLAIN = re.compile(r"[ \t]+(?P<same>#)|[ \t]*\n(?P<indent> *)#(?P<next>[^ #\n])")


_TYPOGRAPHIC_QUOTES = "\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a"
_BULLETS = "\u2022\u25cf\u25aa\u25e6\u2023\u2043\u2013\u2014\u00b7\uf0b7"


class _Builder:
    """Turns the node graph into plain Python data, refusing what a contract source must not contain."""

    def __init__(self, name: str, result: LoadedYaml, errors: list[SourceError], text: str):
        self.name = name
        self.text = text
        self.result = result
        self.errors = errors
        self.seen: set[int] = set()
        # Only an anchor (« &nom ») lets the composer give the same node twice: without one, no alias.
        self.may_alias = "&" in text
        self.alias_marks: Iterator[tuple[int, int]] | None = None
        self.interior_lines: set[int] = set()  # lines inside a multi-line text (1-based)
        self.key_spaces: list[SourceError] = []  # reported unless the line's indentation already is
        self.anchored: list[tuple[int, SourceError]] = []  # an anchor no alias uses: it only ate text
        self.reused: set[int] = set()

    def error(self, node, pointer: Pointer, message: str) -> None:
        self.errors.append(
            SourceError(
                self.name, node.start_mark.line + 1, node.start_mark.column + 1, _pointer_text(pointer), message
            )
        )

    def properties_ok(self, node, pointer: Pointer) -> bool:
        """A value written `! Attention` or `&nbsp; texte`: YAML takes « ! » for a tag and « &nom » for an
        anchor and removes them from the text. Explicit YAML tags (« !! ») are refused apart, below."""
        start = node.start_mark.index
        if self.text.startswith("!!", start):
            return True
        mark = self.text[start]
        end = self.text.find("\n", start)
        typed = self.text[start : end if end >= 0 else len(self.text)].strip()[:60]
        word = typed.split(" ")[0]
        quoted = typed.replace(chr(34), chr(39))
        if mark == "!":
            self.error(
                node,
                pointer,
                f"étiquette YAML « {word} » interdite : un texte qui commence par « ! » perd ce "
                "« ! » (YAML le lit comme une étiquette) ; mettez tout le texte entre guillemets "
                f'("{quoted}").',
            )
            return False
        # An anchor is reported only if no alias uses it: an alias is the error then.
        self.anchored.append(
            (
                id(node),
                SourceError(
                    self.name,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    _pointer_text(pointer),
                    f"ancre YAML « {word} » interdite : un texte qui commence par « & » doit être entre guillemets, sinon "
                    f'YAML lit « {word} » comme une ancre et l\'enlève du texte ; écrivez "{quoted}".',
                ),
            )
        )
        return True

    def key_problems(self, key: str, key_node, pointer: str) -> list[SourceError]:
        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1 + (1 if key_node.style else 0)
        pasted = self.pasted_key(key, line, col, pointer)
        if pasted:
            return [pasted]
        spaced = characters.key_space_errors(key, line, col, self.name, pointer)
        self.key_spaces += spaced
        found = []
        for err in characters.lookalike_errors(key, self.name, always=True):
            found.append(SourceError(self.name, line, col + err.column - 1, pointer, "nom de champ : " + err.message))
        if not found and not spaced and key_node.style == '"':
            escaped = characters.value_char_problem(key)
            if escaped:
                found.append(SourceError(self.name, line, col, pointer, f"{escaped} interdit dans le nom du champ."))
        return found or spaced

    def pasted_key(self, key: str, line: int, col: int, pointer: str) -> SourceError | None:
        """Marks a word processor adds and YAML keeps in a field's name: typographic quotes, a bullet."""
        bare = key.strip(_TYPOGRAPHIC_QUOTES + " \u00a0")
        if bare != key.strip() and key.strip()[:1] in _TYPOGRAPHIC_QUOTES and bare:
            return SourceError(
                self.name,
                line,
                col,
                pointer,
                f"guillemets typographiques « {key.strip()[0]} » autour du nom du champ « {bare} » (collé "
                f"depuis un traitement de texte ?) : un nom de champ s'écrit sans guillemets ({bare}: …).",
            )
        if key[:1] in _BULLETS:
            rest = key[1:].strip()
            return SourceError(
                self.name,
                line,
                col,
                pointer,
                f"puce « {key[0]} » (collée depuis un traitement de texte ?) : un élément de liste "
                f"commence par un tiret et une espace ; remplacez « {key[0]} » par « - »"
                + (f" (- {rest}: …)." if rest else "."),
            )
        return None

    def comment_eats_text(self, node, pointer: Pointer, value: str) -> bool:
        """`p: des Essais # suite` is published as « des Essais »: YAML takes the rest for a comment, and
        whether the editor meant a comment or text cannot be told. So a comment never follows a plain text
        on its line: it goes on its own line, or the text between quotes. Numbers and true/false followed
        by a comment lose nothing and stay allowed (this runs for texts only)."""
        end = node.end_mark.index
        m = _AFTER_PLAIN.match(self.text, end)
        if m is None:
            return False
        if m.group("same") is not None:
            at = m.start("same")
        else:
            # A paragraph continued on the next line with `#…`: that line is a comment, the text ends before.
            line_start = self.text.rfind("\n", 0, node.start_mark.index) + 1
            before = self.text[line_start : node.start_mark.index]
            if len(m.group("indent")) <= len(before) - len(before.lstrip(" -")):
                return False
            at = m.start("next") - 1
        line, col = characters.position(self.text, at)
        line_end = self.text.find("\n", at)
        lost = self.text[at : line_end if line_end >= 0 else len(self.text)].strip()
        full = " ".join(f"{value} {lost}".replace('"', "'").split())
        self.errors.append(SourceError(self.name, line, col, _pointer_text(pointer), _comment_message(lost, full)))
        return True

    def alias_error(self, pointer: Pointer) -> None:
        self.errors.append(
            SourceError(
                self.name,
                *self.alias_mark(),
                _pointer_text(pointer),
                "alias YAML (*nom) interdit : recopiez le texte voulu à cet endroit.",
            )
        )

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
        if self.may_alias:
            if id(node) in self.seen:
                # The same node reached twice means an alias: refuse it, so nothing expands without bound.
                self.reused.add(id(node))
                self.alias_error(pointer)
                return None
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(node, pointer, f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux).")
            return None
        start = node.start_mark
        self.result.value_marks[pointer] = (start.line + 1, start.column + 1)
        if type(node) is ScalarNode:
            # A tag or an anchor is written where the node starts: without « ! » or « & » there, the tag is
            # the one the resolver gave and only the scalar's own checks remain.
            properties = self.text[start.index : start.index + 1] in ("!", "&")
            if properties and not self.properties_ok(node, pointer):
                return None
            return self.scalar(node, pointer, properties)
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
                self.error(
                    key_node,
                    pointer,
                    "une clé doit être un simple texte (un texte qui commence par "
                    "« [ » ou « { » doit être entre guillemets).",
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<" and not key_node.style:
                self.error(key_node, pointer, "clé de fusion YAML « << » interdite : écrivez chaque champ.")
                continue
            key = key_node.value
            key_pointer = pointer + (key,)
            key_line, key_col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not key.isascii():  # an ASCII key is NFC and holds none of the characters key_problems names
                problems = self.key_problems(key, key_node, _pointer_text(key_pointer))
                if problems:
                    self.errors.extend(e for e in problems if e not in self.key_spaces)
                    continue
                # Keys are compared as Unicode NFC, as ids are: two spellings of one name are one key.
                nfc = unicodedata.normalize("NFC", key)
                if nfc != key and nfc in out:
                    key, key_pointer = nfc, pointer + (nfc,)
            if key in out:
                first = self.result.key_marks[key_pointer]
                self.error(
                    key_node,
                    key_pointer,
                    f"clé « {key} » en double (déjà définie ligne {first[0]}) : "
                    "supprimez l'une des deux, YAML ne garderait que la dernière.",
                )
                continue
            self.result.key_marks[key_pointer] = (key_line, key_col)
            out[key] = self.build(value_node, key_pointer, depth + 1)
        return out

    def scalar(self, node: ScalarNode, pointer: Pointer, properties: bool = True):
        tag, text, style = node.tag, node.value, node.style
        start_line, end_line = node.start_mark.line, node.end_mark.line
        joined = None if style or end_line == start_line else continued_list_item(self.text, node)
        if joined:  # a list item one space too far, silently joined to the text above
            self.errors.append(SourceError(self.name, joined[0], joined[1], _pointer_text(pointer), joined[2] + "."))
            return None
        self.result.scalar_text[pointer] = text
        if properties:  # an explicit tag (none without « ! » or « & » where the node starts: see build)
            implicit = _STR if style else _RESOLVER.resolve(ScalarNode, text, (True, False))
            if tag in (_STR, _INT, _FLOAT, _BOOL, _NULL) and tag != implicit:
                self.error(
                    node,
                    pointer,
                    f"étiquette YAML « {tag} » interdite sur « {text[:40]} » : écrivez la "
                    "valeur sans étiquette (entre guillemets si c'est un texte).",
                )
                return None
        if tag == _STR:
            if style:
                self.result.quoted.add(pointer)
            # Only an escape sequence, in double quotes, writes a character the file's scan (_decode) did not see.
            if style == '"':
                control = _CONTROL.search(text)
                if control:
                    self.error(
                        node,
                        pointer,
                        f"caractère de contrôle U+{ord(control.group()):04X} interdit "
                        "(séquence d'échappement) : seul du texte imprimable est accepté.",
                    )
                    return None
                escaped = characters.value_char_problem(text)
                if escaped:
                    self.error(
                        node,
                        pointer,
                        f"{escaped} interdit (écrit par une séquence d'échappement « \\ ») : "
                        "supprimez cette séquence du texte.",
                    )
                    return None
            if end_line > start_line:
                last = end_line + (1 if node.end_mark.column else 0)
                self.interior_lines.update(range(start_line + 2, last + 1))
            if not style:
                if _AFTER_PLAIN.match(self.text, node.end_mark.index) and self.comment_eats_text(node, pointer, text):
                    return None
                if _YAML11_TIMESTAMP.match(text):
                    self.result.plain_dates.add(pointer)
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag in (_INT, _FLOAT):
            number = int(text) if tag == _INT and len(text) <= 20 else float(text)
            if len(text) > 20 or not math.isfinite(number):
                self.error(
                    node,
                    pointer,
                    f"nombre hors limites « {text[:20]}{'…' if len(text) > 20 else ''} » : "
                    "20 caractères au plus ; mettez-le entre guillemets si c'est un texte.",
                )
                return None
            return number
        self.error(
            node,
            pointer,
            f"étiquette YAML « {tag} » interdite : seuls du texte, des nombres, "
            "true/false, des listes et des champs sont acceptés.",
        )
        return None
