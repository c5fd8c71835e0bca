"""Errors that carry what an editor needs to fix the sources: file, line, column, path, reason."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

# Shown instead of a character that would break a message's one line or hide in it.
_VISIBLE = {"\n": "⏎", "\r": "␍", "\t": "⇥"}


def visible(text: str) -> str:
    """The text on one line, every invisible character made visible: a line break as « ⏎ », a tab as
    « ⇥ », any other control, format, separator or unassigned character as its code <U+XXXX>."""
    if text.isprintable() and "\u00a0" not in text:
        return text
    out = []
    for ch in text:
        if ch in _VISIBLE:
            out.append(_VISIBLE[ch])
        elif ch != " " and (not ch.isprintable() or unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cf")):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


def shown(value: str, limit: int = 60) -> str:
    """A value quoted in a message: on one line, invisible characters visible, shortened to `limit`."""
    text = visible(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, order=True)
class SourceError:
    """One problem in one source file, located as precisely as the loader allows."""

    file: str
    line: int = 0
    column: int = 0
    pointer: str = ""  # path inside the document, e.g. /project/themes/0/priorities/2/id
    message: str = ""  # French sentence: what is wrong and what was expected

    def __post_init__(self):
        # A message is one line whatever value it quotes: a raw line break would make the rest of it
        # look like another error (or like nothing), an invisible character would hide in it.
        object.__setattr__(self, "message", visible(self.message))

    def location(self) -> str:
        file = visible(self.file)
        return f"{file}:{self.line}:{self.column}" if self.line else file

    def format_text(self) -> str:
        where = f" (à l'emplacement {visible(self.pointer)})" if self.pointer else ""
        return f"{self.location()}: {self.message}{where}"

    def format_github(self) -> str:
        # GitHub workflow commands: properties and data need %-escaping.
        def esc(value: str, props: bool = False) -> str:
            value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            if props:
                value = value.replace(":", "%3A").replace(",", "%2C")
            return value

        props = f"file={esc(self.file, True)}"
        if self.line:
            props += f",line={self.line},col={self.column}"
        title = f"Erreur dans {self.pointer}" if self.pointer else "Erreur de source"
        props += f",title={esc(title, True)}"
        return f"::error {props}::{esc(self.message)}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
        }


class CdvError(Exception):
    """Base class of every error the toolkit reports to a user."""


@dataclass
class InvalidSources(CdvError):
    """The sources do not validate; carries every error found, not only the first."""

    errors: list[SourceError] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.errors)
        head = f"{n} erreur{'s' if n > 1 else ''} dans les sources"
        return head + ":\n" + "\n".join(e.format_text() for e in self.errors)


class UsageError(CdvError):
    """The command was called wrongly (exit status 2)."""
