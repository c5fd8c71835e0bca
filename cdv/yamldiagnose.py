"""Name the real cause of a YAML syntax error, where it is, and what to type instead.

libyaml says where it gave up, in its own terms ("did not find expected key"), often a few characters or
a line after the mistake: an apostrophe that closed a quoted text, a field one space off, a missing
colon on the line above. Here the offending line and its neighbours are read as an editor typed them,
and each likely cause comes with the text as it would be once fixed. A cause is named only when the
parser, given that fixed text, gets past the place where it stopped: a wrong explanation is worse than a
vague one, so when no fix is proven the caller keeps its general message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

try:
    from yaml.cyaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Diagnosis:
    line: int  # 1-based, of the cause
    column: int
    message: str  # French, without the final full stop


@dataclass(frozen=True)
class _Failure:
    line: int  # 0-based: how far the parser got
    column: int
    problem: str
    context: str
    stop: tuple[int, int] = (0, 0)  # where the parser gave up (0-based), when that is not (line, column)


def _failure(exc) -> _Failure:
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    # An unclosed quote or bracket fails at the end of the file: the parser only reached its opening.
    if exc.context_mark and re.match(r"while (scanning a quoted scalar|parsing a flow)", context):
        mark = exc.context_mark
    stop = (exc.problem_mark.line, exc.problem_mark.column) if exc.problem_mark else (0, 0)
    return _Failure(mark.line if mark else 0, mark.column if mark else 0, exc.problem or "", context, stop)


def _parse(text: str) -> _Failure | None:
    """Where the parser stops on this text, or None when it reads to the end."""
    try:
        documents = 0
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:  # the loader wants a single document
                    return _Failure(event.start_mark.line, event.start_mark.column, "document", "")
    except yaml.MarkedYAMLError as exc:
        return _failure(exc)
    except yaml.YAMLError:
        return _Failure(0, 0, "", "")
    return None


def _s(n: int) -> str:
    return "une espace" if n == 1 else f"{n} espaces"


def _start(n: int) -> str:
    return "commencez la ligne sans espace" if n == 0 else f"commencez la ligne par {_s(n)}"


def _by(n: int) -> str:
    return "d'une espace" if n == 1 else f"de {n} espaces"


# One line as an editor sees it: indentation, list dashes, a field name and its value.
_LINE = re.compile(
    r"^(?P<indent> *)(?P<dashes>(?:-(?: +|$))*)"
    r"(?:(?P<key>[A-Za-z_][\w-]*|\"[^\"]*\"|'[^']*')[ ]*:(?=[ ]|$)[ ]*)?(?P<value>.*)$"
)


@dataclass
class _Line:
    number: int  # 0-based
    text: str
    indent: int
    dash: int | None  # column of the last list dash, if any
    key: str | None
    key_col: int
    value: str
    value_col: int

    @property
    def content_col(self) -> int:
        """Column where the line's own content (after indentation and dashes) starts."""
        return self.key_col if self.key is not None else self.value_col


def _read(lines: list[str], number: int) -> _Line:
    text = lines[number]
    m = _LINE.match(text)
    dashes = m.group("dashes")
    dash = m.end("indent") + dashes.rstrip().rfind("-") if dashes else None
    return _Line(
        number,
        text,
        len(m.group("indent")),
        dash,
        m.group("key"),
        m.start("key") if m.group("key") else m.end("dashes"),
        m.group("value").rstrip(" "),
        m.start("value"),
    )


def _content(lines: list[str], number: int) -> bool:
    stripped = lines[number].strip()
    return bool(stripped) and not stripped.startswith("#")


def _replace_line(lines: list[str], number: int, new: str) -> str:
    return "\n".join(lines[:number] + [new] + lines[number + 1 :])


def _quote(value: str) -> str:
    """The value as it must be typed to be read as text, whatever it contains."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _short(value: str, limit: int = 50) -> str:
    """A long text shown by its first and last words."""
    if len(value) <= limit:
        return value
    head, tail = value[:32], value[-18:]
    head = head[: head.rfind(" ")] if " " in head.strip() else head
    tail = tail[tail.find(" ") + 1 :] if " " in tail.strip() else tail
    return f"{head.rstrip()} … {tail.lstrip()}"


def _with_key(line: _Line, value: str) -> str:
    return f"{line.key}: {value}" if line.key is not None else f"- {value}"


def _strip_comment(value: str) -> str:
    # Only in plain text: " #" starts a comment.
    at = value.find(" #")
    return value[:at].rstrip() if at >= 0 else value


_KEY_LINE = re.compile(r"^ *(?:- +)*([A-Za-z_][\w-]*) *:(?: |$)", re.M)


@lru_cache(maxsize=1)
def _schema_keys() -> frozenset:
    """Every field name the schemas next to the toolkit accept: tells « title Objet » (a field whose colon
    was forgotten) from « fixe les priorités » (text that went on to a new line)."""
    names: set = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(k for k in node.get("properties", {}) if isinstance(node.get("properties"), dict))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    from .toolkit import toolkit_dir

    for path in sorted((toolkit_dir() / "schemas").glob("*.schema.json")):
        try:
            walk(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return frozenset(names)


class _Diagnoser:
    def __init__(self, text: str, failure: _Failure):
        self.text = text
        self.lines = text.split("\n")
        self.failure = failure
        self.keys = _schema_keys() | set(_KEY_LINE.findall(text))

    # --- proof ---------------------------------------------------------------------------------------
    def proven(self, fixed: str) -> bool:
        """The parser, given the fixed text, reads past the place where it gave up."""
        after = _parse(fixed)
        return after is None or after.line > max(self.failure.line, self.failure.stop[0])

    def previous_content(self, number: int) -> int | None:
        for n in range(number - 1, -1, -1):
            if _content(self.lines, n):
                return n
        return None

    def line(self, number: int) -> _Line:
        return _read(self.lines, number)

    # --- candidates ----------------------------------------------------------------------------------
    def candidates(self):
        f = self.failure
        if f.line >= len(self.lines):
            return
        p = f.line
        yield from self.quotes(p)
        yield from self.open_quote(p)
        yield from self.escape(p)
        yield from self.indicator(p)
        yield from self.flow(p)
        yield from self.colon_in_text(p)
        yield from self.block_scalar(p)
        yield from self.misaligned(p)
        yield from self.list_level(p)
        yield from self.missing_colon(p)
        yield from self.continuation(p)
        q = self.previous_content(p)
        if q is not None:
            yield from self.block_scalar(q)
            yield from self.missing_space(q)
            yield from self.missing_colon(q)
            yield from self.continuation(q)
            yield from self.colon_in_text(q)
            yield from self.indicator(q)
            yield from self.misaligned(q)

    def quotes(self, p: int):
        """A quoted text closed before its end (apostrophe, inner quote) or never closed."""
        f = self.failure
        if f.context.startswith("while scanning a quoted scalar"):
            line = self.line(p)
            quote = self.lines[p][f.column] if f.column < len(self.lines[p]) else '"'
            for end in range(p, min(p + 30, len(self.lines))):
                fixed = _replace_line(self.lines, end, self.lines[end].rstrip() + quote)
                if self.proven(fixed):
                    where = "à la fin de cette ligne" if end == p else f"à la fin du texte (ligne {end + 1})"
                    yield (
                        p,
                        f.column,
                        f"le guillemet {quote} ouvert ici n'est jamais fermé : ajoutez {quote} {where}",
                        None,
                    )
                    return
            return
        line = self.line(p)
        value = line.value
        if not value or value[0] not in "'\"":
            return
        quote = value[0]
        close = self.closing(value)
        if close is None or close == len(value) - 1:
            return
        rest = value[close + 1 :]
        if rest.lstrip().startswith("#"):
            return
        col = line.value_col + close
        inner = value[1:-1] if value.endswith(quote) and len(value) > 1 else value[1:]
        before, after = value[close - 1 : close], rest[:1]
        if quote == "'" and before.isalpha() and after.isalpha():
            word = re.search(r"[\w’']*$", value[1:close]).group() + "'" + re.match(r"[\w’']*", rest).group().rstrip("'")
            several = inner.count("'") > 1
            fix = "'" + inner.replace("'", "''") + "'"
            alt = f'"{inner}"' if '"' not in inner and "\\" not in inner else None
            msg = (
                f"l'apostrophe de « {word} » ferme le texte commencé par ' (colonne {line.value_col + 1}) : "
                f"{'doublez chaque apostrophe' if several else 'doublez-la'} ({word.replace(chr(39), chr(39) * 2)})"
            )
            msg += f" ou entourez le texte de guillemets doubles ({_short(alt)})" if alt else ""
            yield (p, col, msg, _replace_line(self.lines, p, line.text[: line.value_col] + fix))
            if alt:
                yield (p, col, msg, _replace_line(self.lines, p, line.text[: line.value_col] + alt))
            return
        if value.rstrip().endswith(quote):
            # A quote inside the text closes it: the text was meant to hold a quotation.
            fix = "'" + inner.replace("'", "''") + "'" if quote == '"' else '"' + inner.replace('"', '\\"') + '"'
            other = "simples (')" if quote == '"' else 'doubles (")'
            msg = (
                f"le guillemet {quote} avant « {_short(rest.split(quote)[0] or rest, 30)} » ferme le texte "
                f"commencé par {quote} (colonne {line.value_col + 1}) : pour une citation, utilisez les "
                f"guillemets français « … », ou entourez tout le texte de guillemets {other} : "
                f"{_with_key(line, _short(fix, 60))}"
            )
        else:
            fix = _quote(value)
            msg = (
                f"du texte suit le guillemet fermant (« {_short(rest.strip(), 30)} ») : un texte qui commence "
                f"par {quote} doit finir par {quote} ; mettez tout le texte entre guillemets : "
                f"{_with_key(line, _short(fix, 60))}"
            )
        yield (p, col, msg, _replace_line(self.lines, p, line.text[: line.value_col] + fix))

    def open_quote(self, p: int):
        """A quote opened on a line above and not closed there: the text ran on until the next quote."""
        for n in range(p, max(-1, p - 200), -1):
            if not _content(self.lines, n):
                continue
            line = self.line(n)
            if line.value[:1] in ("'", '"') and self.closing(line.value) is None:
                quote = line.value[0]
                if self.proven(_replace_line(self.lines, n, self.lines[n].rstrip() + quote)):
                    yield (
                        n,
                        line.value_col,
                        f"le guillemet {quote} ouvert ici n'est jamais fermé : ajoutez {quote} à la fin de cette ligne",
                        None,
                    )
                return

    @staticmethod
    def matching(value: str) -> int | None:
        """Index of the bracket that closes the one value starts with, ignoring quoted texts."""
        depth, quote = 0, None
        for i, c in enumerate(value):
            if quote:
                quote = None if c == quote else quote
            elif c in "'\"" and (i == 0 or value[i - 1] in "[{, "):
                quote = c
            elif c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    return i
        return None

    @staticmethod
    def closing(value: str) -> int | None:
        quote, i = value[0], 1
        while i < len(value):
            c = value[i]
            if quote == '"' and c == "\\":
                i += 2
                continue
            if c == quote:
                if quote == "'" and value[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i
            i += 1
        return None

    def escape(self, p: int):
        f = self.failure
        if "escape" not in f.problem:
            return
        line = self.line(p)
        at = self.lines[p].rfind("\\", 0, f.column + 1)
        if at < 0 or not line.value.startswith('"'):
            return
        inner = line.value[1:-1] if line.value.endswith('"') else line.value[1:]
        single = "'" + inner.replace("'", "''") + "'"
        yield (
            p,
            at,
            "barre oblique inversée « \\ » dans un texte entre guillemets doubles : doublez-la (\\\\) "
            f"ou entourez le texte de guillemets simples ({_short(single)})",
            _replace_line(self.lines, p, line.text[: line.value_col] + single),
        )

    _INDICATORS = {
        "*": "« * »",
        "&": "« & »",
        "@": "« @ »",
        "`": "« ` »",
        "%": "« % »",
        "|": "« | »",
        ">": "« > »",
        "!": "« ! »",
        "[": "un crochet « [ »",
        "{": "une accolade « { »",
        "-": "un tiret « - »",
        "?": "« ? »",
        ",": "une virgule",
        ":": "un deux-points",
    }

    def indicator(self, p: int):
        """A text starting with a character that YAML reads as syntax."""
        line = self.line(p)
        value = line.value
        if not value or value[0] not in self._INDICATORS:
            return
        if value[0] in "-?:" and value[1:2] not in (" ", ""):
            return
        if value[0] in "[{" and self.in_open_flow(p):
            return
        if value[0] in "[{":
            end = self.matching(value)
            if end is not None and value[end + 1 :].lstrip()[:1] in ("]", "}"):
                at = line.value_col + end + 1 + len(value[end + 1 :]) - len(value[end + 1 :].lstrip())
                fixed = _replace_line(self.lines, p, line.text[:at] + line.text[at + 1 :])
                yield (p, at, f"« {self.lines[p][at]} » en trop : retirez-le", fixed)
                return
        start = re.match(r"(\*+|`+|-|\[|\{|.)", value).group()
        what = self._INDICATORS[value[0]] if start == value[0] or value[0] in "[{-" else f"« {start} »"
        fix = _quote(value)
        extra = ""
        if value[0] in "|>":
            extra = f" (pour un texte sur plusieurs lignes, passez à la ligne après « {value[0]} »)"
        elif value[0] in "[{":
            extra = f" (« {value[0]} » ouvre une liste ou un ensemble de champs)"
        yield (
            p,
            line.value_col,
            f"un texte qui commence par {what} doit être entre guillemets{extra} : écrivez "
            f"{_with_key(line, _short(fix, 60))}",
            _replace_line(self.lines, p, line.text[: line.value_col] + fix),
        )

    def in_open_flow(self, p: int) -> bool:
        """True when the error is inside an unclosed [ or { that opened on this line (not text after it)."""
        return self.failure.context.startswith("while parsing a flow") and self.failure.line == p

    def flow(self, p: int):
        f = self.failure
        if not f.context.startswith("while parsing a flow"):
            return
        opening = self.lines[p][f.column]
        closing = "]" if opening == "[" else "}"
        name = "crochet « [ »" if opening == "[" else "accolade « { »"
        line_text = self.lines[p]
        hash_at, close_at = line_text.find(" #", f.column), line_text.find(closing, f.column)
        if hash_at >= 0 and not 0 <= close_at < hash_at:
            yield (
                p,
                hash_at + 1,
                f"« # » précédé d'une espace commence un commentaire : la fin de la ligne, "
                f"« {closing} » compris, est ignorée ; mettez ce texte entre guillemets",
                None,
            )
            return
        # A missing comma between two elements: the parser stops at the second one.
        line, col = f.stop
        if f.problem.startswith("did not find expected ','") and line == p:
            fixed = _replace_line(self.lines, p, line_text[:col] + ", " + line_text[col:])
            if self.proven(fixed):
                element = _short(line_text[col:].split(",")[0].rstrip(closing + " "), 30)
                yield (p, col, f"virgule manquante avant « {element} » : séparez les éléments par des virgules", None)
                return
        for end in range(p, min(p + 30, len(self.lines))):
            fixed = _replace_line(self.lines, end, self.lines[end].rstrip() + closing)
            if self.proven(fixed):
                where = "à la fin de cette ligne" if end == p else f"à la fin de la ligne {end + 1}"
                done = "ouvert ici et jamais fermé" if opening == "[" else "ouverte ici et jamais fermée"
                yield (p, f.column, f"{name} {done} : ajoutez « {closing} » {where}", None)
                return

    def colon_in_text(self, p: int):
        """Plain text holding ': ', which YAML reads as the start of a field."""
        line = self.line(p)
        value = line.value
        if not value or value[0] in "'\"[{|>" or line.key is None and line.dash is None:
            return
        m = re.search(r"(?<=[^\s\u00a0\u202f])[ \u00a0\u202f]?:(?= |$)", value)
        if not m:
            return
        colon = line.value_col + m.end() - 1
        fix = _quote(_strip_comment(value))
        yield (
            p,
            colon,
            "le texte contient « : » (deux-points suivi d'une espace), que YAML prend pour un nouveau "
            f"champ : mettez tout le texte entre guillemets : {_with_key(line, _short(fix, 60))}",
            _replace_line(self.lines, p, line.text[: line.value_col] + fix),
        )

    def block_scalar(self, p: int):
        """A line of a | or > text indented less than the text's first line."""
        line = self.line(p)
        for b in range(p - 1, max(-1, p - 500), -1):
            if not _content(self.lines, b):
                continue
            head = self.line(b)
            if re.fullmatch(r"[|>][-+]?[0-9]?", head.value) and (head.key is not None or head.dash is not None):
                first = next((n for n in range(b + 1, p) if self.lines[n].strip()), None)
                if first is None:
                    return
                want = self.line(first).indent
                owner = head.key_col if head.key is not None else head.dash
                # A line at the owner's column is text too when it cannot be a field (no « : »).
                text_line = line.key is None and line.dash is None and line.indent == owner
                if not (owner < line.indent < want or text_line):
                    return
                fixed = _replace_line(self.lines, p, " " * want + self.lines[p].lstrip(" "))
                if self.proven(fixed):
                    yield (
                        p,
                        line.indent,
                        f"cette ligne du texte commencé par « {head.value[0]} » (ligne {b + 1}) "
                        f"est décalée {_by(want - line.indent)} vers la gauche par rapport "
                        f"à sa première ligne (ligne {first + 1}) : commencez chaque ligne du "
                        f"texte par {_s(want)}",
                        None,
                    )
                return
            if head.indent <= line.indent:
                return

    def levels(self, p: int) -> list[tuple[int, int, str]]:
        """Columns where a field or a list dash may start on line p, from the lines above: (column, line, what)."""
        stack: list[tuple[int, int, str]] = []
        opens = True
        for n in range(p):
            if not _content(self.lines, n):
                continue
            ln = self.line(n)
            was_opening, opens = opens, ln.value == "" or bool(re.fullmatch(r"[|>][-+]?[0-9]?", ln.value))
            col = ln.dash if ln.dash is not None else ln.content_col
            while stack and stack[-1][0] > ln.indent:
                stack.pop()
            if stack and stack[-1][0] == ln.indent:
                stack.pop()
            if ln.dash is not None:
                stack.append((ln.indent, n, "-"))
                if ln.key is not None:
                    stack.append((ln.key_col, n, ln.key))
            elif ln.key is not None:
                stack.append((ln.key_col, n, ln.key))
            elif stack and col > stack[-1][0] and not was_opening:
                continue  # continuation of a text
            else:
                stack.append((ln.indent, n, ""))
        return stack

    def misaligned(self, p: int):
        """A field or list item whose indentation matches no level of the lines above."""
        line = self.line(p)
        if line.key is None and line.dash is None:
            return
        prev = self.previous_content(p)
        if prev is None:
            return
        above = self.line(prev)
        opens = above.value == "" or re.fullmatch(r"[|>][-+]?", above.value)
        levels = self.levels(p)
        if any(col == line.indent for col, _, _ in levels):
            return
        if opens and line.indent > (above.key_col if above.key is not None else above.indent):
            return  # first line of a new level
        for col, n, key in sorted(levels, key=lambda lv: (abs(lv[0] - line.indent), -lv[0])):
            # A list item aligns on another item, or on the fields of the field that holds the list.
            if line.dash is not None and key == "" and not any(k == "-" and c == col for c, _, k in levels):
                continue
            delta = line.indent - col
            fixed = self.shift(p, -delta)
            if not self.proven(fixed):
                continue
            side = "droite" if delta > 0 else "gauche"
            ref = self.line(n)
            if line.dash is not None and key == "-":
                what = (
                    f"cet élément de liste est décalé {_by(abs(delta))} vers la {side} par rapport à celui "
                    f"de la ligne {n + 1}"
                )
            else:
                name = ref.key if key not in ("-", "") else ref.value[:20]
                subject = (
                    f"le champ « {line.key} » est décalé"
                    if line.key is not None and line.dash is None
                    else "cet élément de liste est décalé"
                )
                what = f"{subject} {_by(abs(delta))} vers la {side} par rapport à « {name} » (ligne {n + 1})"
            yield (p, line.indent, f"{what} : {_start(col)}, comme la ligne {n + 1}", None)
            return

    def siblings(self, p: int, dash: bool) -> int:
        """How many lines of the block around line p, at its indentation, are list items (or fields)."""
        indent, count = self.line(p).indent, 0
        for step in (-1, 1):
            n = p if step == 1 else p - 1
            while 0 <= n < len(self.lines):
                if _content(self.lines, n):
                    ln = self.line(n)
                    if ln.indent < indent:
                        break
                    if ln.indent == indent and (ln.dash is not None) == dash:
                        count += 1
                n += step
        return count

    def shift_below(self, text: str, start: int, indent: int, stop: int) -> str:
        """After a dash is added on line start, its other fields (lines start+1 to stop-1 at indent) move by 2."""
        lines = text.split("\n")
        for n in range(start + 1, stop):
            if lines[n].strip():
                lines[n] = "  " + lines[n]
        return "\n".join(lines)

    def shift(self, p: int, delta: int) -> str:
        """The text with line p and the lines below that belong to it moved by delta columns."""
        lines = list(self.lines)
        indent = self.line(p).indent
        lines[p] = " " * (indent + delta) + lines[p].lstrip(" ")
        for n in range(p + 1, len(lines)):
            if not lines[n].strip():
                continue
            ind = len(lines[n]) - len(lines[n].lstrip(" "))
            if ind <= indent:
                break
            lines[n] = " " * max(0, ind + delta) + lines[n].lstrip(" ")
        return "\n".join(lines)

    def list_level(self, p: int):
        """A field at the column of a list's dashes: the dash was forgotten, or the field belongs to the item."""
        line = self.line(p)
        prev = self.previous_content(p)
        if line.dash == line.indent and prev is not None and self.failure.column == line.indent:
            above = self.line(prev)
            if above.dash is None and above.key is not None and above.key_col == line.indent:
                start = prev
                while start > 0 and _content(self.lines, start - 1) and self.line(start - 1).indent > line.indent:
                    start -= 1  # the field may have fields below it: the dash goes before the first
                for first in range(prev, -1, -1):
                    ln = self.line(first)
                    if _content(self.lines, first) and ln.indent < line.indent:
                        break
                    if _content(self.lines, first) and ln.indent == line.indent and ln.dash is None:
                        start = first
                    elif _content(self.lines, first) and ln.indent == line.indent:
                        break
                fixed = _replace_line(
                    self.lines, start, self.lines[start][: line.indent] + "- " + self.lines[start][line.indent :]
                )
                if self.siblings(p, dash=True) >= self.siblings(p, dash=False) and self.proven(
                    self.shift_below(fixed, start, line.indent, p)
                ):
                    yield (
                        start,
                        line.indent,
                        f"il manque le tiret « - » devant « {self.line(start).key} » : les autres "
                        f"éléments de cette liste (ligne {p + 1}) commencent par « - » ; écrivez "
                        f"« - {self.line(start).key}: … »",
                        None,
                    )
                    return
            if above.dash is None and above.key is not None and above.key_col == line.indent and above.value:
                yield (
                    p,
                    line.indent,
                    f"élément de liste « - » au même niveau que le champ « {above.key} » "
                    f"(ligne {prev + 1}), qui a déjà une valeur : une liste se place sous un "
                    "champ qui finit par « : », ses tirets décalés de 2 espaces",
                    None,
                )
                return
        if line.key is None or line.dash is not None:
            return
        item = None
        for n in range(p - 1, -1, -1):
            if not _content(self.lines, n):
                continue
            ln = self.line(n)
            if ln.indent < line.indent:
                break
            if ln.dash is not None and ln.indent == line.indent:
                item = ln
                break
        if item is None:
            return
        options = []
        with_dash = _replace_line(self.lines, p, self.lines[p][: line.indent] + "- " + self.lines[p][line.indent :])
        if self.proven(with_dash):
            options.append("ajoutez « - » devant pour commencer un nouvel élément de la liste")
        inner = (item.key_col if item.key is not None else item.value_col) - line.indent
        if inner > 0 and self.proven(self.shift(p, inner)):
            options.append(
                f"décalez-le {_by(inner)} vers la droite pour le rattacher à l'élément de la ligne {item.number + 1}"
            )
        if options:
            yield (
                p,
                line.indent,
                f"le champ « {line.key} » est au niveau des tirets « - » de la liste (ligne "
                f"{item.number + 1}) : " + ", ou ".join(options),
                None,
            )

    def missing_space(self, q: int):
        text = self.lines[q]
        m = re.match(r"^( *(?:- +)*)([A-Za-z_][\w-]*):(?=[^\s:/])", text)
        if m:
            fixed = _replace_line(self.lines, q, text[: m.end()] + " " + text[m.end() :])
            if self.proven(fixed):
                yield (
                    q,
                    m.end() - 1,
                    f"espace manquante après « : » dans « {_short(text[m.start(2) :].strip(), 30)} » : "
                    f"écrivez « {m.group(2)}: {_short(text[m.end() :].strip(), 30)} »",
                    None,
                )
                return
        m = re.match(r"^( *)-(?=[^\s-])", text)
        if m:
            fixed = _replace_line(self.lines, q, text[: m.end()] + " " + text[m.end() :])
            if self.proven(fixed):
                yield (
                    q,
                    m.end() - 1,
                    "espace manquante après le tiret « - » d'un élément de liste : écrivez "
                    f"« - {_short(text[m.end() :].strip(), 30)} »",
                    None,
                )

    def missing_colon(self, q: int):
        text = self.lines[q]
        m = re.match(r"^( *(?:- +)*)([A-Za-z_][\w-]*)(?= +[^\s:#])", text)
        if not m or ":" in text[m.end() : m.end() + 2] or m.group(2) not in self.keys:
            return
        fixed = _replace_line(self.lines, q, text[: m.end()] + ":" + text[m.end() :])
        if self.proven(fixed):
            yield (
                q,
                m.end(),
                f"deux-points manquant après le nom du champ « {m.group(2)} » : écrivez "
                f"« {m.group(2)}: {_short(text[m.end() :].strip(), 30)} »",
                None,
            )

    def continuation(self, p: int):
        """A text that went on to a new line starting too far left: YAML reads that line as a field."""
        line = self.line(p)
        q = self.previous_content(p)
        if line.key is not None or line.dash is not None or q is None:
            return
        above = self.line(q)
        if not above.value or above.value[0] in "'\"[{|>" or (above.key is None and above.dash is None):
            return
        joined = "\n".join(
            self.lines[:q] + [self.lines[q].rstrip() + " " + self.lines[p].strip()] + self.lines[p + 1 :]
        )
        if self.proven(joined) or self.proven(
            _replace_line(self.lines, p, " " * above.value_col + self.lines[p].lstrip())
        ):
            yield (
                p,
                line.indent,
                f"cette ligne continue le texte de la ligne {q + 1} mais commence trop à gauche : "
                f"mettez-la à la suite de la ligne {q + 1}, "
                f"ou commencez-la par {_s(above.value_col)}",
                None,
            )


def diagnose(text: str, exc: yaml.MarkedYAMLError) -> Diagnosis | None:
    """The proven cause of a syntax error (1-based line and column), or None."""
    if "single document" in f"{exc.context} {exc.problem}":
        return None  # the parser read both documents: nothing to diagnose
    mark = exc.problem_mark or exc.context_mark
    lines = text.split("\n")
    if mark is None or mark.line >= len(lines):
        return None
    near = "\n".join(lines[max(0, mark.line - 2) : mark.line + 1])
    if _ODD_INDENT.search(near):
        return None  # an invisible or unusual space in the indentation is named by the character checks
    try:
        failure = _failure(exc)
        if "undefined alias" in (exc.problem or "") and exc.problem_mark:
            failure = _Failure(exc.problem_mark.line, exc.problem_mark.column, exc.problem, "")
            line = _read(text.split("\n"), failure.line)
            if line.value.startswith("*"):
                return _alias_as_text(line)
            return None
        diagnoser = _Diagnoser(text, failure)
        for number, col, message, fixed in diagnoser.candidates():
            if fixed is None or diagnoser.proven(fixed):
                return Diagnosis(number + 1, col + 1, message)
    except Exception:  # noqa: BLE001 - a diagnosis is best effort: the caller's general message stands
        return None
    return None


_ODD_INDENT = re.compile("^[ \t]*[\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]", re.M)


def _alias_as_text(line: _Line) -> Diagnosis:
    start = re.match(r"\*+", line.value).group()
    return Diagnosis(
        line.number + 1,
        line.value_col + 1,
        f"un texte qui commence par « {start} » doit être entre guillemets (YAML y lirait un "
        f"alias) : écrivez {_with_key(line, _short(_quote(line.value), 60))}",
    )


# --- texts YAML reads without error but not as typed ---------------------------------------------------


def continued_list_item(text: str, node) -> tuple[int, int, str] | None:
    """A plain text over several lines whose next line starts with « - »: a list item indented one space too
    far, or a list typed under a text, that YAML silently joins to the text above."""
    body = text[node.start_mark.index : node.end_mark.index].split("\n")
    if re.match(r"-[^\s-]", body[0]):
        return (
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            f"espace manquante après le tiret « - » : écrivez « - {_short(body[0][1:], 30)} », un élément par ligne",
        )
    for offset, line in enumerate(body[1:], start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") or stripped == "-":
            n = node.start_mark.line + offset
            col = len(line) - len(stripped)
            return (
                n + 1,
                col + 1,
                f"cette ligne commence par « - » mais YAML la lit comme la suite du texte de la "
                f"ligne {node.start_mark.line + 1}, car elle est plus décalée : pour un nouvel "
                "élément de liste, alignez son tiret sur celui de l'élément précédent ; si c'est "
                "la suite du texte, mettez tout le texte entre guillemets",
            )
    return None
