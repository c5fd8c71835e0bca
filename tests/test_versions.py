"""Versions: publishing with mike, "Ce qui change", the amendment PDF and the feed, in a throwaway
git repository (never the developer's own branches)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdv.build import build_site

from conftest import copy_project
from sitetext import normalise, page_text
from test_pdf import flat, pdftotext
from update2027 import NEW_SIGNER, apply_2027_update, apply_redline_changes

pytestmark = pytest.mark.slow  # Replays git history, publishes with mike and builds the site.

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True, text=True).stdout


def cdv(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cdv.cli", *args], cwd=repo, env=GIT_ENV, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    """The real sources committed as the signed 2024 version, in a new repository."""
    repo = copy_project(tmp_path / "depot")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé 2024")
    git(repo, "tag", "v2024")
    return repo


def test_publish_versions_with_mike(repo):
    first = cdv(repo, "publish", "2024", "--alias", "en-vigueur")
    assert first.returncode == 0, first.stderr
    assert "2024 (signée)" in first.stdout
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert versions == [{"version": "2024", "title": "2024 (signée)", "aliases": ["en-vigueur"],
                         "properties": {"commit": git(repo, "rev-parse", "HEAD").strip()}}]
    files = git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "2024/index.html" in files and "2024/contrat.pdf" in files and "2024/quartiers/planoise/index.html" in files
    alias = git(repo, "show", "gh-pages:en-vigueur/index.html")
    assert 'url=../2024/' in alias  # a redirect page, not a symlink
    assert "en-vigueur" in git(repo, "show", "gh-pages:index.html")
    # The 2027 update, a draft, cannot be the version in force: it is published for review as "projet".
    apply_2027_update(repo)
    git(repo, "commit", "-q", "-am", "Actualisation 2027")
    refused = cdv(repo, "publish", "2027", "--alias", "en-vigueur")
    assert refused.returncode == 2, refused.stderr
    assert "est un projet (status: draft)" in refused.stderr and "ne peut pas être publiée comme version en vigueur" \
        in refused.stderr
    assert [v["version"] for v in json.loads(git(repo, "show", "gh-pages:versions.json"))] == ["2024"]
    draft = cdv(repo, "publish", "2027")
    assert draft.returncode == 0, draft.stderr
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert [(v["version"], v["title"], v["aliases"]) for v in versions] == [
        ("2027", "2027 (projet)", ["projet"]), ("2024", "2024 (signée)", ["en-vigueur"])]
    assert 'url=../2024/' in git(repo, "show", "gh-pages:en-vigueur/index.html")  # still the default
    draft_changes = git(repo, "show", "gh-pages:2027/ce-qui-change/index.html")
    assert "Cette page compare la version en vigueur, 2024 (signée)" in normalise(draft_changes)
    assert git(repo, "rev-parse", "v2024").strip() in draft_changes  # both versions named by their commits
    assert git(repo, "rev-parse", "HEAD").strip() in draft_changes
    # Signed (its own signature untouched), tagged, then published as the version in force.
    contract = repo / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("status: draft", "status: signed"),
                        encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Avenant n° 1 signé")
    git(repo, "tag", "v2027")
    second = cdv(repo, "publish", "2027", "--alias", "en-vigueur")
    assert second.returncode == 0, second.stderr
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert [(v["version"], v["title"], v["aliases"]) for v in versions] == [
        ("2027", "2027 (signée)", ["en-vigueur"]), ("2024", "2024 (signée)", [])]
    assert versions[0]["properties"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    files = git(repo, "ls-tree", "--name-only", "gh-pages").split()
    assert "projet" not in files  # the draft's alias went with the draft
    assert 'url=../2027/' in git(repo, "show", "gh-pages:en-vigueur/index.html")
    assert "Jeanne EXEMPLE" not in git(repo, "show", "gh-pages:2024/signataires/index.html")
    # The published 2027 keeps what it changed from 2024, never "Rien ne change".
    published = normalise(git(repo, "show", "gh-pages:2027/ce-qui-change/index.html"))
    assert "Cette page compare la version précédente, 2024 (signée), et cette version (2027, signée)" in published
    assert "Rien ne change" not in published and "Priorité ajoutée" in published
    assert git(repo, "branch", "--show-current").strip() == "main"
    # The version in force only moves forward: the 2024 sources cannot take it back.
    old = repo.parent / "v2024"
    git(repo, "worktree", "add", "-q", str(old), "v2024")
    back = cdv(repo, "publish", "2024", "--alias", "en-vigueur", "--path", str(old))
    assert back.returncode == 2 and "la version 2027 est déjà publiée comme version en vigueur" in back.stderr
    assert 'url=../2027/' in git(repo, "show", "gh-pages:en-vigueur/index.html")


def test_publish_refuses_a_version_the_sources_are_not(repo):
    result = cdv(repo, "publish", "2027")
    assert result.returncode == 2 and "les sources sont la version 2024" in result.stderr
    assert cdv(repo, "publish", "v24").returncode == 2


def test_ce_qui_change_page_and_version_labels(repo, tmp_path):
    site = build_site(repo, tmp_path / "avant", with_pdf=False)
    assert "Rien ne change" in page_text(site, "ce-qui-change")
    assert "Version 2024 · en vigueur" in page_text(site, "quartiers/planoise")
    apply_2027_update(repo)
    site = build_site(repo, tmp_path / "apres", with_pdf=False)
    text = page_text(site, "ce-qui-change")
    assert "Cette page compare la version en vigueur, 2024 (signée), et cette version (2027, projet)" in text
    assert "Comment lire cette page" in text
    for expected in ("Priorité ajoutée : Battant", "Priorité supprimée : Montrapon", "Priorité reformulée : Planoise",
                     "15 378 (Recensement de la population 2018) → 15 510 (Recensement de la population 2021)",
                     "Signataire modifié : État - Préfecture du Doubs"):
        assert expected in text
    raw = (site / "ce-qui-change" / "index.html").read_text(encoding="utf-8")
    assert "<del>Rémi BASTILLE</del><ins>Jeanne EXEMPLE</ins>" in raw
    for page in ("index", "quartiers/planoise", "signataires"):
        assert "Version 2027 · projet" in page_text(site, "" if page == "index" else page)


def test_feed_lists_published_versions(repo, tmp_path):
    apply_2027_update(repo)
    git(repo, "commit", "-q", "-am", "Projet 2027")
    site = build_site(repo, tmp_path / "site", with_pdf=False)
    feed = (site / "versions.xml").read_text(encoding="utf-8")
    assert feed.index("Projet de version 2027") < feed.index("Version signée : version 2024, signée le 29 mars 2024")
    assert "<language>fr</language>" in feed
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/rss+xml"' in home and "versions.xml" in home


def test_amendment_pdf_from_its_record_clauses_first_then_signatures_then_information(repo, tmp_path):
    apply_2027_update(repo)
    apply_redline_changes(repo)  # an article's sentence: a clause the signatories sign
    out = tmp_path / "avenant.pdf"
    missing = cdv(repo, "pdf", "--amendment", "v2024..", "--output", str(out))
    assert missing.returncode == 1 and "aucun avenant ne produit la version 2027" in missing.stderr
    assert "Traceback" not in missing.stderr and not out.exists()
    (repo / "contract" / "amendments").mkdir()
    (repo / "contract" / "amendments" / "1.yml").write_text(
        'number: 1\nversion: "2027"\nbase: "2024"\nstatus: draft\nchanges:\n  - element: article-13\n'
        "  - element: article-9-1\n", encoding="utf-8")
    result = cdv(repo, "pdf", "--amendment", "v2024..", "--output", str(out))
    assert result.returncode == 0, result.stderr
    text = flat(pdftotext(out))
    assert "Avenant n° 1 au Contrat de Ville du Grand Besançon" in text
    for expected in ("Ajout d'une priorité : Battant", "marché couvert", "Suppression de la priorité : Montrapon",
                     "Nouvelle rédaction de la priorité : Planoise", "isolement des aînés",
                     "Article 1 - Modification de l'article 9.1 « Les portraits de quartier »",
                     "Article 2 - Modification de l'article 13 « La gouvernance du Contrat de Ville »",
                     "Modification du signataire : État - Préfecture du Doubs",
                     "Il est ajouté à l'indicateur « habitants » du quartier Planoise une observation",
                     "Fait à ........................, le"):
        assert expected in text, expected
    assert text.index("Article 1 - ") < text.index("Signatures") < text.index("Annexe – pour information") \
        < text.index("comité de pilotage (projets") < text.index("Modification du signataire : État - Préfecture")
    assert normalise(NEW_SIGNER[1].split(": ")[1]) in text and "Anne VIGNOT" in text
    assert cdv(repo, "pdf", "--amendment", "v2024").returncode == 2
