"""`cdv fmt`: one canonical form for every source, so that a diff shows only real changes.

Key order follows the schema (a content block's, the registry of block kinds: cdv.blocks), strings are plain when YAML reads them back unchanged and double-quoted
otherwise, short lists of names are written inline, nothing is wrapped, and comments are kept.
A file is only rewritten when the strict loader reads the new text back as exactly the same data.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .blocks import KEY_ORDER
from .errors import FormatError, InvalidSources, SourceError  # FormatError: imported from here too
from .safety import write_whole
from .schemas import SCHEMA_FILES
from .sources import classify, discover
from .yamlload import YamlError, load_yaml

FLOW_MAX = 90
# Plain scalars that other YAML readers (YAML 1.1, spreadsheets) could misread are quoted too.
_AMBIGUOUS = re.compile(
    r"^(?:[-+]?[0-9][0-9_:.,eExXoObB+-]*|\.(?:inf|nan|Inf|NaN|INF|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|"
    r"FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<)$"
)
_NEEDS_QUOTES = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |\s#|[\s:]$|[\x00-\x1f\u2028\u2029\ufeff]")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


@dataclass
class FormatResult:
    rel: str
    changed: bool


def _needs_quotes(text: str, in_flow: bool = False) -> bool:
    return (
        not text
        or bool(_AMBIGUOUS.match(text))
        or bool(_NEEDS_QUOTES.search(text))
        or (in_flow and bool(_FLOW_UNSAFE.search(text)))
    )


def _eol_comment(container, key, slot: int) -> bool:
    """Whether ruamel keeps a comment on the same line after this key's (or item's) value."""
    entry = container.ca.items.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    return token is not None and token.value.startswith("#")


class _SchemaWalker:
    def __init__(self, schema_dir: Path):
        self.schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema_dir.glob("*.schema.json")}
        # A content block's keys follow the registry of block kinds (id, main key, the kind's fields).
        self.block_schema = self.schemas.get("common.schema.json", {}).get("$defs", {}).get("block")

    def resolve(self, schema: dict | None, file: str) -> tuple[dict, str]:
        while schema and "$ref" in schema:
            target, _, pointer = schema["$ref"].partition("#")
            file = target or file
            schema = self.schemas[file]
            for part in filter(None, pointer.split("/")):
                schema = schema[part]
        return schema or {}, file

    def object_branch(self, schema: dict, file: str) -> tuple[dict, str]:
        schema, file = self.resolve(schema, file)
        if "properties" in schema or "oneOf" not in schema:
            return schema, file
        for branch in schema["oneOf"]:
            branch, branch_file = self.resolve(branch, file)
            if branch.get("type") == "object":
                return branch, branch_file
        return schema, file

    def apply(self, node, schema: dict | None, file: str, in_flow: bool = False, commented: bool = False):
        if isinstance(node, CommentedMap):
            schema, file = self.object_branch(schema, file)
            props = schema.get("properties", {})
            order = list(KEY_ORDER) if schema is self.block_schema else list(props)
            for key in sorted(node, key=lambda k: (order.index(k) if k in order else len(order), str(k))):
                node.move_to_end(key)
            for key in list(node):
                node[key] = self.apply(node[key], props.get(key), file, commented=_eol_comment(node, key, 2))
            return node
        if isinstance(node, CommentedSeq):
            schema, file = self.resolve(schema, file)
            items = schema.get("items")
            flow = self.flow(node)
            node.fa.set_flow_style() if flow else node.fa.set_block_style()
            for i, item in enumerate(node):
                node[i] = self.apply(item, items, file, in_flow=flow, commented=_eol_comment(node, i, 0))
            return node
        if isinstance(node, str):
            text = str(node)
            # A plain text followed by a comment on its line is refused (YAML may have cut the text there):
            # a text that carries a comment stays between quotes.
            return DoubleQuotedScalarString(text) if commented or _needs_quotes(text, in_flow) else text
        return node

    @staticmethod
    def flow(seq: CommentedSeq) -> bool:
        if not seq:
            return True
        if not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in seq):
            return False
        texts = [str(x) for x in seq]
        if any(_needs_quotes(t, in_flow=True) for t in texts):
            return False
        return sum(len(t) + 2 for t in texts) <= FLOW_MAX


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100000  # never wrap: one value, one line
    yaml.allow_unicode = True
    yaml.preserve_quotes = False
    return yaml


def canonical_text(text: str, kind: str, schema_dir: Path, name: str = "source.yml") -> str:
    yaml = _yaml()
    data = yaml.load(text)
    walker = _SchemaWalker(schema_dir)
    data = walker.apply(data, {"$ref": SCHEMA_FILES[kind]}, SCHEMA_FILES[kind])
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    if load_yaml(result, name).data != load_yaml(text, name).data:
        raise FormatError(f"{name} : la mise en forme changerait les données ; fichier laissé tel quel.")
    return result


def format_project(root: Path, check: bool = False, only: set[str] | None = None) -> list[FormatResult]:
    """Put every source in canonical form (or, with check, only say which are not).

    A file the strict loader refuses is reported as `cdv validate` reports it (file, line, column, French
    cause) and nothing is rewritten, not even the valid files: InvalidSources carries every such error."""
    root = Path(root)
    results = []
    errors: list[SourceError] = []
    pending: list[tuple[Path, str]] = []
    for rel in discover(root):
        kind, _ = classify(rel)
        if kind is None or (only is not None and rel not in only):
            continue
        path = root / rel
        raw = path.read_bytes()
        try:
            load_yaml(raw, rel)
            text = raw.decode("utf-8")
            formatted = canonical_text(text, kind, root / "schemas", rel)
        except YamlError as exc:
            errors.extend(exc.errors)
            continue
        except RuamelError as exc:  # read by the strict loader, not by ruamel: say where, never a traceback
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            errors.append(
                SourceError(
                    rel,
                    line,
                    column,
                    "",
                    "YAML que la mise en forme ne sait pas relire à cet "
                    "endroit : fichier laissé tel quel ; simplifiez l'écriture de cette valeur.",
                )
            )
            continue
        changed = formatted != text
        if changed and not check:
            pending.append((path, formatted))
        results.append(FormatResult(rel, changed))
    if errors:
        raise InvalidSources(sorted(errors))
    for path, formatted in pending:
        _replace(path, formatted)
    return results


def _replace(path: Path, text: str) -> None:
    """Write a source whole or not at all (a crash or a full disk never leaves half a file), in place of
    the file itself: never through a symlink, keeping the file's permissions."""
    if path.is_symlink() or not path.is_file():
        raise FormatError(f"{path} n'est pas un fichier ordinaire (lien symbolique ?) : fichier laissé tel quel.")
    write_whole(path, text.encode("utf-8"))
