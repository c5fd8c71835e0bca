"""Errors that carry what an editor needs to fix the sources: file, line, column, path, reason."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

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

    # Between the location and the message (cdv.reporters.text_line).
    separator = ": "

    def location(self) -> str:
        file = visible(self.file)
        return f"{file}:{self.line}:{self.column}" if self.line else file

    # The formats themselves live in cdv.reporters; these two are kept for callers that format one error.
    def format_text(self) -> str:
        from .reporters import text_line

        return text_line(self)

    def format_github(self) -> str:
        from .reporters import github_line

        return github_line(self)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
        }


@dataclass(frozen=True, order=True)
class CellError(SourceError):
    """One problem in one cell of a spreadsheet (cdv actions import): its row as the spreadsheet numbers
    it (header = 1), its column's header and letter. Said as a spreadsheet user reads it: « actions.csv,
    ligne 7, colonne « Montant (€) » (O) : … »."""

    header: str = ""  # the column's header, "" for a problem of the row or of the file
    letter: str = ""  # the column's letter (A, B… AA), "" when unknown

    separator = " : "

    def location(self) -> str:
        where = [visible(self.file)]
        if self.line:
            where.append(f"ligne {self.line}")
        if self.header:
            where.append(f"colonne « {self.header} »" + (f" ({self.letter})" if self.letter else ""))
        elif self.letter:
            where.append(f"colonne {self.letter}")
        return ", ".join(where)


# --- the errors a command ends with ---------------------------------------------------------------
#
# Every error told to a user is a CdvError: its message is French and says what and where, and its class
# says the exit status. `cdv.cli.main` prints it as one line (a list of SourceError for InvalidSources)
# and exits with `status`; anything else reaching main is an internal error (see cdv.cli).
# Statuses: 1 = the sources or the environment are wrong, or an operation was refused or failed;
# 2 = the command line is wrong (usage); 130 = interrupted (Ctrl-C, handled in cdv.cli).


class CdvError(Exception):
    """Base class of every error the toolkit reports to a user."""

    status = 1


class UsageError(CdvError):
    """The command was called wrongly: a path, a name or a value given on the command line."""

    status = 2


class InvalidSources(CdvError):
    """The sources do not validate; carries every error found, not only the first."""

    def __init__(self, errors: list[SourceError] | None = None):
        super().__init__(errors if errors is not None else [])

    @property
    def errors(self) -> list[SourceError]:
        return self.args[0]

    def __str__(self) -> str:
        from .reporters import error_summary, text_line  # the wording lives with the other reports

        return "\n".join([*(text_line(e) for e in self.errors), error_summary(self.errors)])


class YamlError(InvalidSources):
    """A file that cannot be read as strict YAML (cdv.yamlload); carries its located errors."""


class GitError(CdvError):
    """A git command failed (git missing where a revision must be read, a repository git refuses to read).

    `reason` is the French sentence; `revision` the revision named, if any; `detail` what git said, of
    which the message keeps the one line that gives the cause (git adds hints on the lines after it)."""

    def __init__(self, reason: str, revision: str | None = None, detail: str = ""):
        super().__init__(reason, revision, detail)
        self.reason, self.revision, self.detail = reason, revision, detail

    def __str__(self) -> str:
        cause = git_cause(self.detail)
        return visible(f"{self.reason} : {cause}" if cause else self.reason)


class UnknownRevision(GitError):
    """A revision named on the command line does not exist here (or there is no repository to hold it):
    the command line names nothing, as a path that does not exist does, hence a usage status."""

    status = 2


class UnsafeTarget(CdvError):
    """A command was asked to write where it could destroy what cdv did not make (cdv.safety)."""


class FormatError(CdvError):
    """A file could not be put in canonical form without changing its data (cdv.fmt; a bug worth reporting)."""


class BuildFailed(CdvError):
    """MkDocs refused to build: a warning in strict mode, a macro error, a broken link (cdv.build)."""


class MissingReport(CdvError):
    """An annual report asked for a year whose reports/<year>.yml does not exist (cdv.report)."""


def git_cause(detail: str) -> str:
    """The line of git's message that gives the cause (« fatal: … », « error: … »), on one line."""
    lines = [line.strip() for line in detail.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith(("fatal:", "error:", "erreur", "fatal :")):
            return visible(line)
    return visible(lines[0]) if lines else ""
