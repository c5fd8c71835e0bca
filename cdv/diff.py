"""`cdv diff`: two versions of the contract compared, in the words of its governance.

The work is split in three: cdv.gitsource reads a version (a folder, or a git revision through a
temporary copy it removes), cdv.compare compares two versions into typed, language-neutral changes, and
cdv.diffrender says them in French (markdown, the "Ce qui change" page, the avenant). This module is the
facade the CLI, the site plugin and the PDF call."""

from __future__ import annotations

from .compare import ELEMENT_LEVELS, FIELD_LEVELS, Action, Kind, Level
from .compare import compare as compare_versions
from .corpus import Corpus
from .diffrender import (
    ACTIONS,
    FEMININE_KINDS,
    KINDS,
    LEVEL_ORDER,
    LEVELS,
    ORDER_NOUNS,
    Change,
    Diff,
    action_label,
    change_body,
    present,
    redline,
    to_markdown,
)
from .gitsource import load_version
from .text import figures

__all__ = [
    "ACTIONS",
    "ELEMENT_LEVELS",
    "FEMININE_KINDS",
    "FIELD_LEVELS",
    "KINDS",
    "LEVELS",
    "LEVEL_ORDER",
    "ORDER_NOUNS",
    "Action",
    "Change",
    "Diff",
    "Kind",
    "Level",
    "action_label",
    "change_body",
    "compare",
    "load_version",
    "redline",
    "to_markdown",
]


def compare(old: Corpus, new: Corpus, old_label: str = "ancienne version", new_label: str = "nouvelle version") -> Diff:
    """The changes from `old` to `new`, in words, heaviest approval first, each with where `new` shows it."""
    from .pages import change_link

    comparison = compare_versions(old, new)
    with figures(comparison.figures):  # what the changes quote reads with the figures they were compared with
        return present(comparison, old_label, new_label, lambda kind, ident: change_link(new, kind, ident))
