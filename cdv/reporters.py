"""How errors in the sources are shown: each SourceError on one line, in the format asked for, then one
summary sentence.

A format is a function of a Report writing to two streams (`out`: the report itself; `err`: what a person
reads beside a machine report), listed in REPORTERS: `cdv validate --format` offers exactly those, and
cdv.cli prints the errors a failed command ends with through `text`. A new format is one function and
one line in REPORTERS.

The json format is read by programs: its shape is stable and documented in README (« Validation »):
{"valid": bool, "files": int | null, "errors": [{"file", "line", "column", "pointer", "message"}]}.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from .errors import SourceError, visible
from .messages import count


@dataclass(frozen=True)
class Report:
    errors: Sequence[SourceError]
    files_read: int | None = None  # how many source files were read, when the whole project was
    outcome: str = ""  # what the failed command did not do, e.g. « rien n'a été construit, … »


def error_summary(errors: Sequence[SourceError], files_read: int | None = None, outcome: str = "") -> str:
    """The one sentence that sums up a list of errors: « 2 erreurs dans 1 fichier ; 57 fichiers lus. »,
    « 1 erreur dans 1 fichier : rien n'a été construit, … », « Sources valides : 57 fichiers lus, aucune
    erreur. »"""
    if not errors:
        return f"Sources valides : {count(files_read or 0, 'fichier lu', 'fichiers lus')}, aucune erreur."
    files = len({e.file for e in errors})
    text = f"{count(len(errors), 'erreur', 'erreurs')} dans {count(files, 'fichier', 'fichiers')}"
    if files_read is not None:
        text += f" ; {count(files_read, 'fichier lu', 'fichiers lus')}"
    return f"{text} : {outcome}" if outcome else text + "."


# --- one error, one line --------------------------------------------------------------------------


def text_line(error: SourceError) -> str:
    """`file:line:column: message (à l'emplacement /pointer)`, on one line whatever the values quoted."""
    where = f" (à l'emplacement {visible(error.pointer)})" if error.pointer else ""
    return f"{error.location()}{error.separator}{error.message}{where}"


def _escape(value: str, props: bool = False) -> str:
    # GitHub workflow commands: data and property values are %-escaped, properties also ':' and ','.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if props:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github_line(error: SourceError) -> str:
    """A GitHub Actions annotation: `::error file=…,line=…,col=…,title=…::message`."""
    props = f"file={_escape(error.file, True)}"
    if error.line:
        props += f",line={error.line},col={error.column}"
    title = f"Erreur dans {error.pointer}" if error.pointer else "Erreur de source"
    props += f",title={_escape(title, True)}"
    return f"::error {props}::{_escape(error.message)}"


# --- the formats ----------------------------------------------------------------------------------


def text(report: Report, out: TextIO, err: TextIO) -> None:
    """For people: one line per error, then the summary, all on `out`."""
    for error in report.errors:
        print(text_line(error), file=out)
    print(error_summary(report.errors, report.files_read, report.outcome), file=out)


def github(report: Report, out: TextIO, err: TextIO) -> None:
    """For GitHub Actions: the annotations on `out` (the workflow turns them into comments on the
    lines), the summary on `err`, read in the job's log."""
    for error in report.errors:
        print(github_line(error), file=out)
    print(error_summary(report.errors, report.files_read, report.outcome), file=err)


def as_json(report: Report) -> dict:
    """The json format's document (its shape is stable: README, « Validation »)."""
    return {
        "valid": not report.errors,
        "files": report.files_read,
        "errors": [e.as_dict() for e in report.errors],
    }


def json_(report: Report, out: TextIO, err: TextIO) -> None:
    """For programs: one JSON document on `out`, nothing else."""
    print(json.dumps(as_json(report), ensure_ascii=False, indent=2), file=out)


REPORTERS: dict[str, Callable[[Report, TextIO, TextIO], None]] = {"text": text, "github": github, "json": json_}


def write(fmt: str, report: Report, out: TextIO | None = None, err: TextIO | None = None) -> None:
    """Write `report` in format `fmt` (a key of REPORTERS) to `out` (default stdout) and `err` (stderr)."""
    REPORTERS[fmt](report, out or sys.stdout, err or sys.stderr)
