"""`cdv serve` rebuilds the preview when a YAML source changes (live reload)."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_editing_a_yaml_file_updates_the_served_page(project):
    port = free_port()
    url = f"http://127.0.0.1:{port}/quartiers/amitie/"
    server = subprocess.Popen([sys.executable, "-m", "cdv.cli", "serve", str(project), "--dev-addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: "Cité de l&#39;Amitié" in (fetch(url) or "") or "Cité de l'Amitié" in (fetch(url) or ""), 90)
        source = project / "neighbourhoods" / "amitie.yml"
        source.write_text(source.read_text(encoding="utf-8").replace("Cité de l'Amitié", "Cité de l'Amitié rénovée"),
                          encoding="utf-8")
        assert wait_for(lambda: "rénovée" in (fetch(url) or ""), 60)
    finally:
        server.terminate()
        server.wait(timeout=30)


import pytest

pytestmark = pytest.mark.slow  # Serves the site with live reload and rebuilds it.


@pytest.mark.parametrize("added, expect", [
    ("neighbourhoods/lien.yml", "lien symbolique"),
    ("neighbourhoods/autre-quartier.yaml", "voulez-vous dire « neighbourhoods/autre-quartier.yml »"),
    ("neighbourhoods/Autre Quartier.yml", "fichier ignoré"),
    ("quartiers/autre.yml", "fichier ignoré"),
    ("neighbourhood/autre.yml", "fichier ignoré"),
])
def test_the_preview_cache_sees_a_file_that_is_not_a_source(added, expect, tmp_path):
    """`cdv serve` reuses the corpus while nothing changed: a file added that is not read as a source
    (a link, a misnamed file, a file in a misspelt folder) changes the state, and is reported."""
    from test_invalid_inputs import make_project

    from cdv.corpus import load_corpus_cached
    from cdv.errors import InvalidSources

    project = make_project(tmp_path)
    corpus = load_corpus_cached(project)
    assert load_corpus_cached(project) is corpus  # nothing changed: the cache answers
    path = project / added
    path.parent.mkdir(exist_ok=True)
    if "lien" in added:
        outside = tmp_path / "ailleurs.yml"
        outside.write_text("id: secret\n", encoding="utf-8")
        path.symlink_to(outside)
    else:
        path.write_bytes((project / "neighbourhoods" / "quartier.yml").read_bytes())
    with pytest.raises(InvalidSources) as exc:
        load_corpus_cached(project)
    assert any(expect in e.message for e in exc.value.errors), exc.value
    path.unlink()
    assert load_corpus_cached(project).neighbourhoods == corpus.neighbourhoods
