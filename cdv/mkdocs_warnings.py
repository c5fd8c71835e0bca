"""MkDocs's warnings, said in French and located in the source an editor can fix.

`cdv validate` catches what it can before the build; whatever MkDocs still warns about (a broken link
in a hand-written page of docs/, a missing anchor) aborts the strict build. Its English sentence names a
generated markdown page the editor has never seen: here it becomes a SourceError on the YAML file (or
the page of docs/) that holds the link, at the line where the link is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import SourceError

# MkDocs 1.6's wording (mkdocs/structure/pages.py, nav.py); an unknown warning is kept as said.
_LINK_NOT_FOUND = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']*)', "
    r"but the target(?: '(?P<target>[^']+)')? is not found among documentation files\."
)
_ANCHOR_MISSING = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']*)', but "
    r"(?:the doc '(?P<target>[^']+)' does not contain an anchor '#(?P<anchor>[^']*)'"
    r"|there is no such anchor on this page)"
)
_UNRECOGNISED = re.compile(r"^Doc file '(?P<page>[^']+)' contains an unrecognized relative link '(?P<link>[^']*)'")
_ABSOLUTE = re.compile(r"^Doc file '(?P<page>[^']+)' contains an absolute link '(?P<link>[^']*)'")
_NAV_MISSING = re.compile(
    r"^A reference to '(?P<link>[^']+)' is included in the 'nav' configuration, "
    r"which is not found in the documentation files\."
)
_SUGGESTION = re.compile(r" Did you mean '(?P<suggestion>[^']*)'\?")


def translate(message: str) -> tuple[str | None, str | None, str]:
    """(generated page or None, link or None, French sentence) for one MkDocs warning."""
    suggestion = _SUGGESTION.search(message)
    hint = f" Vouliez-vous dire « {suggestion['suggestion']} » ?" if suggestion else ""
    if m := _ANCHOR_MISSING.match(message):
        where = f"la page « {m['target']} »" if m["target"] else "cette page"
        anchor = m["anchor"] or m["link"].partition("#")[2]
        return (
            m["page"],
            m["link"],
            f"le lien « {m['link']} » vise l'ancre « #{anchor} », absente de {where} : "
            f"corrigez l'ancre ou retirez-la.{hint}",
        )
    if m := _LINK_NOT_FOUND.match(message):
        return (
            m["page"],
            m["link"],
            f"le lien « {m['link']} » vise une page qui n'existe pas dans le site : corrigez-le.{hint}",
        )
    if m := _UNRECOGNISED.match(message):
        return (
            m["page"],
            m["link"],
            f"le lien « {m['link']} » ne vise aucune page du site (une page se termine "
            f"par « .md ») : corrigez-le.{hint}",
        )
    if m := _ABSOLUTE.match(message):
        return (
            m["page"],
            m["link"],
            f"le lien « {m['link']} » commence par « / » : écrivez un lien relatif "
            f"vers la page (ex. « ../quartiers/index.md »).{hint}",
        )
    if m := _NAV_MISSING.match(message):
        return (None, m["link"], f"la navigation de mkdocs.yml cite « {m['link']} », qui n'existe pas dans le site.")
    return None, None, f"avertissement de MkDocs : {message}"


def locate(root: Path, rel: str, needle: str | None) -> tuple[int, int]:
    """Line and column (1-based) of the first occurrence of `needle` in a project file, else (0, 0)."""
    if not needle:
        return 0, 0
    try:
        text = (root / rel).read_text(encoding="utf-8")
    except OSError:
        return 0, 0
    for number, line in enumerate(text.splitlines(), 1):
        col = line.find(needle)
        if col >= 0:
            return number, col + 1
    return 0, 0


def source_error(message: str, root: Path, docs_dir: str, source_of_page: Callable[[str], str | None]) -> SourceError:
    """The warning as an error on the file an editor can fix: a page's YAML source, or the page of docs/."""
    page, link, french = translate(message)
    rel = "mkdocs.yml" if page is None else source_of_page(page) or f"{docs_dir}/{page}"
    line, col = locate(root, rel, link)
    return SourceError(rel, line, col, "", french)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if message and message not in self.messages:
            self.messages.append(message)


@contextmanager
def collected_warnings() -> Iterator[list[str]]:
    """MkDocs's warnings of a build, kept for translation instead of printed in English."""
    logger = logging.getLogger("mkdocs")
    collector = _Collector()
    logger.addHandler(collector)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate
