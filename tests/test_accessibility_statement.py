"""The accessibility statement (docs/accessibilite.md) stays true: its date is computed from git, the
method it describes is the one the browser tests run, and its contact is the site's contact page."""
from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime

import test_browser
from conftest import ROOT
from sitetext import page_text
from test_browser_a11y import PHONE, REFLOW, TABS, WALKED

from cdv.provenance import changed_on
from cdv.text import fr_date

STATEMENT = ROOT / "docs" / "accessibilite.md"


def git(repo, *args, date=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_a_page_is_dated_by_the_last_commit_that_changed_it_and_by_the_build_while_edited(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01: the build's date
    page, other = tmp_path / "docs" / "page.md", tmp_path / "other.md"
    page.parent.mkdir()
    assert changed_on(tmp_path, page).date().isoformat() == "2030-01-01"  # outside git
    git(tmp_path, "init", "-q")
    page.write_text("un\n")
    other.write_text("un\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "un", date="2025-03-04T10:00:00Z")
    other.write_text("deux\n")
    git(tmp_path, "commit", "-qam", "deux", date="2026-05-06T10:00:00Z")
    assert changed_on(tmp_path, page).date().isoformat() == "2025-03-04"  # another file's commit is not its
    page.write_text("deux\n")
    assert changed_on(tmp_path, page).date().isoformat() == "2030-01-01"  # edited since its commit


def test_the_statement_says_what_the_tests_do():
    """The widths, the WCAG versions axe checks, the number of Tab presses and the pages walked: change
    one in the tests, and the statement must follow."""
    statement = re.sub(r"\s+", " ", STATEMENT.read_text(encoding="utf-8"))
    widths = re.findall(r'@pytest.mark.parametrize\("width", \[(\d+), (\d+)\]\)\ndef test_every_page_loads_cleanly',
                        (ROOT / "tests" / "test_browser.py").read_text(encoding="utf-8"))
    assert widths == [(str(PHONE["width"]), "1280")]
    for width in (PHONE["width"], 1280, REFLOW["320 px"]["viewport"]["width"]):
        assert f"{width} pixels" in statement
    zoom = REFLOW["200 %"]
    assert zoom["viewport"]["width"] * zoom["device_scale_factor"] == 1280 and zoom["device_scale_factor"] == 2
    assert "1280 pixels agrandi à 200 %" in statement
    versions = sorted({re.sub(r"wcag(\d)(\d?)a+", lambda m: f"{m[1]}.{m[2] or 0}", tag)
                       for tag in test_browser.AXE_TAGS if tag.startswith("wcag")})
    assert versions == ["2.0", "2.1", "2.2"] and "WCAG 2.0, 2.1 et 2.2 (niveaux A et AA)" in statement
    assert f"pressée {TABS} fois" in statement
    named = {"": "l'accueil", "quartiers/planoise/": "la page du quartier de Planoise",
             "contrat/article-13/": "un article du contrat", "donnees/": "la page des données",
             "glossaire/": "le glossaire"}
    assert set(named) == set(WALKED)
    assert all(words in statement for words in named.values())


def test_the_built_statement_gives_its_date_its_contact_and_the_recourse(built_site):
    text = re.sub(r"\s+", " ", page_text(built_site, "accessibilite"))
    rel = STATEMENT.relative_to(ROOT).as_posix()
    edited = subprocess.run(["git", "status", "--porcelain", "--", rel], cwd=ROOT, capture_output=True, text=True)
    last = subprocess.run(["git", "log", "-1", "--format=%cs", "--", rel], cwd=ROOT, capture_output=True, text=True)
    if last.stdout.strip() and not edited.stdout.strip():
        day = last.stdout.strip()
    else:  # being edited, or a copy outside git: the build's day
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        day = (datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)).date().isoformat()
    assert f"mise à jour le {fr_date(day)}" in text
    html = (built_site / "accessibilite" / "index.html").read_text(encoding="utf-8")
    contact = html[html.index('id="signaler-un-probleme"'):html.index('id="voies-de-recours"')]
    assert 'href="../contact/"' in contact and "github" not in contact.lower()
    assert (built_site / "contact" / "index.html").is_file()
    assert "Défenseur des droits" in text and "Libre réponse 71120, 75342 Paris CEDEX 07" in text
    assert "non conforme" in text and "Non-conformités connues" in text
