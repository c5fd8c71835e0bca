"""Nothing the editors typed is lost: every string of every source is in the site and in the PDF, and two
builds of the same commit are byte-identical."""
from __future__ import annotations

import hashlib
import re
import subprocess

import pytest

from cdv.build import build_site
from cdv.sources import FOLLOW_UP_DIRS

from conftest import ROOT
from sitetext import normalise, visible_text
from sourcestrings import is_shown_only_with_its_subject, shown_only_with_their_subject, source_strings

pytestmark = pytest.mark.slow  # Reads the built site and PDF, and builds them again.


def letters(text: str) -> str:
    """Text as a sequence of characters, spaces and hyphens aside: PDF line breaks cannot tell a real
    hyphen from French hyphenation, so neither counts."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", normalise(text))


def test_every_string_of_the_sources_is_in_the_site(built_site):
    html = normalise(" ".join(visible_text(p.read_text(encoding="utf-8")) for p in built_site.rglob("*.html")))
    strings = source_strings(ROOT)
    assert len(strings) > 1500
    skipped = shown_only_with_their_subject(ROOT)
    missing = [(f, p, t) for f, p, t in strings if normalise(t) not in html and not is_shown_only_with_its_subject(skipped, p)]
    assert missing == []


def test_every_string_of_the_sources_is_in_the_pdf(built_site):
    # The body of each A4 page only (x, y, width, height in points): running headers and footers would
    # otherwise cut a paragraph that continues on the next page.
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-x", "0", "-y", "58", "-W", "596", "-H", "726",
                           str(built_site / "contrat.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pdf = letters(text)
    skipped = shown_only_with_their_subject(ROOT, pdf=True)
    # The PDF is the signed contract: the follow-up (actions/, reports/) is on the site, never in it.
    missing = [(f, p, t) for f, p, t in source_strings(ROOT, skip_kinds=FOLLOW_UP_DIRS)
               if letters(t) not in pdf and not is_shown_only_with_its_subject(skipped, p, f)]
    assert missing == []


def tree_digest(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_commit_are_byte_identical(built_site, tmp_path):
    again = build_site(ROOT, tmp_path / "site")
    assert tree_digest(again) == tree_digest(built_site)


def test_compiled_templates_kept_between_runs_change_no_byte(built_site, tmp_path):
    """A build that compiles every template into a fresh cache gives the same site as the session's build,
    which may have reused compiled templates; CDV_TEMPLATE_CACHE=off turns the cache off."""
    import os
    import subprocess
    import sys

    from cdv.templatecache import _cache

    cache = tmp_path / "gabarits"
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-c", f"from pathlib import Path; from cdv.build import build_site; "
                    f"build_site(Path({str(ROOT)!r}), Path({str(site)!r}))"],
                   check=True, env={**os.environ, "CDV_TEMPLATE_CACHE": str(cache)}, cwd=ROOT)
    assert len(list(cache.glob("__jinja2_*.cache"))) > 50  # Material's templates, ours, the print ones
    assert tree_digest(site) == tree_digest(built_site)
    assert _cache("off") is None
