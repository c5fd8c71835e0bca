"""The site as mike publishes it, served from the gh-pages branch and read in Chromium: the version in
force says a draft is in preparation and links to it; once the draft is signed and in force, the older
version's banner links to the same page in the new one and passes axe's contrast check; the version
selector lists both; every canonical and sitemap address is a page of the published tree."""
from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from conftest import copy_project
from test_browser import AXE, AXE_RUN, AXE_TAGS, CHROMIUM, _QuietHandler
from test_history import AMENDMENT
from test_versions import cdv, git
from update2027 import apply_2027_update

pytestmark = pytest.mark.slow  # Publishes three versions with mike and drives a browser over them.

SITE_URL = "https://grand-besancon.github.io/contrat-de-ville/"
SITE_PATH = urlparse(SITE_URL).path  # served at the same path locally, so the site's addresses map 1:1


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The real sources committed and tagged as the signed 2024 version, in a new repository. The PDF is
    not built (PDF tests have it): three publications with it would take minutes, for nothing read here."""
    repo = copy_project(tmp_path_factory.mktemp("publie") / "depot")
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert f"site_url: {SITE_URL}\n" in text
    config.write_text(text.replace("  - cdv:\n      pdf: true\n", "  - cdv:\n      pdf: false\n"), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Contrat signé 2024")
    git(repo, "tag", "v2024")
    return repo


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A local web server over a folder that `publish` fills with the gh-pages branch, under SITE_PATH."""
    www = tmp_path_factory.mktemp("www")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    server.shutdown()


def publish(repo: Path, www: Path, *args: str) -> Path:
    result = cdv(repo, "publish", *args)
    assert result.returncode == 0, result.stderr
    tree = www / SITE_PATH.strip("/")
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield browser
        browser.close()


def new_page(browser):
    """A fresh context for each state of the site: Material keeps "outdated" in the tab's sessionStorage."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


CONTRAST = """selector => axe.run({include: [[selector]]}, {runOnly: {type: 'rule', values: ['color-contrast']},
  resultTypes: ['violations', 'passes']}).then(r => ({violations: r.violations.map(v => v.nodes.map(n => n.target)),
  checked: r.passes.reduce((n, p) => n + p.nodes.length, 0)}))"""


def assert_contrast(page, selector: str) -> None:
    result = page.evaluate(CONTRAST, selector)
    assert result["violations"] == [], result
    assert result["checked"] > 0  # the text was there and measured, not skipped
    # And the page as a whole, with the notice or banner shown, as test_browser checks every page.
    serious = [v for v in page.evaluate(AXE_RUN, AXE_TAGS) if v["impact"] in ("serious", "critical")]
    assert serious == [], (page.url, serious)


def test_versions_link_to_each_other_and_their_addresses_exist(repo, served, browser):
    www, base = served
    publish(repo, www, "2024", "--alias", "en-vigueur")
    apply_2027_update(repo)
    git(repo, "commit", "-q", "-am", "Projet 2027")
    publish(repo, www, "2027")

    # While 2027 is a draft under review, the version in force says so, on each page, linking to that page
    # in the draft; a status region, readable, reached with the keyboard.
    page, errors = new_page(browser)
    for path, target in (("2024/", "2027/"), ("2024/quartiers/planoise/", "2027/quartiers/planoise/")):
        page.goto(base + path, wait_until="load")
        link = page.locator(".cdv-draft-notice[role=status] a.cdv-draft-link")
        link.wait_for()
        assert " ".join(page.locator(".cdv-draft-notice").inner_text().split()) == \
            "Des modifications sont en préparation : consulter le projet de version 2027."
        assert link.get_attribute("href") == base + target
        assert_contrast(page, ".cdv-draft-notice")
    assert page.locator("[data-md-component=outdated]").is_hidden()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cdv-draft-link')"):
            break
    else:
        pytest.fail("la touche Tab n'atteint pas le lien vers le projet")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "2027/quartiers/planoise/")
    # The draft is not "replaced": no banner there, and no notice of itself.
    assert page.locator("[data-md-component=outdated]").is_hidden()
    assert page.locator(".cdv-draft-notice").inner_text() == ""
    assert errors == []
    page.context.close()

    # 2027 signed (its avenant record signed), tagged and published as the version in force.
    (repo / "contract" / "amendments").mkdir()
    (repo / "contract" / "amendments" / "1.yml").write_text(AMENDMENT, encoding="utf-8")
    contract = repo / "contract" / "contract.yml"
    contract.write_text(contract.read_text(encoding="utf-8").replace("status: draft", "status: signed"),
                        encoding="utf-8")
    # A page 2024 has and 2027 no longer has: the banner of that page goes to 2027's home page.
    (repo / "docs" / "contribuer.md").unlink()
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      - Contribuer: contribuer.md\n", ""),
                      encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Avenant n° 1 signé")
    git(repo, "tag", "v2027")
    tree = publish(repo, www, "2027", "--alias", "en-vigueur")

    page, errors = new_page(browser)
    page.goto(base + "2024/quartiers/planoise/", wait_until="load")
    banner = page.locator("[data-md-component=outdated]")
    banner.wait_for()
    link = banner.locator("a.cdv-in-force-link")
    page.wait_for_function("document.querySelector('.cdv-in-force-link').href.endsWith('/2027/quartiers/planoise/')")
    assert "Cette version du contrat a été remplacée." in banner.inner_text()
    assert link.get_attribute("href") == base + "2027/quartiers/planoise/"
    assert_contrast(page, "[data-md-component=outdated]")
    assert page.locator(".cdv-version-status").inner_text() == "remplacée par 2027"
    assert page.locator(".cdv-draft-notice").inner_text() == ""  # the draft is gone with its alias
    # Material's version selector lists both versions, by their titles.
    page.locator(".md-version__list").wait_for(state="attached")
    assert page.locator(".md-version__list .md-version__link").all_inner_texts() == ["2027 (signée)", "2024 (signée)"]
    link.click()
    page.wait_for_url(base + "2027/quartiers/planoise/")
    assert page.locator("[data-md-component=outdated]").is_hidden()  # the version in force is not replaced
    assert not (tree / "2027" / "contribuer").exists()
    page.goto(base + "2024/contribuer/", wait_until="load")
    page.wait_for_function("document.querySelector('.cdv-in-force-link').href.endsWith('/2027/')")
    assert page.locator(".cdv-in-force-link").get_attribute("href") == base + "2027/"

    # Every page's canonical address and every address of each version's sitemap is a page of the tree.
    addresses = set()
    for version in ("2024", "2027"):
        folder = tree / version
        pages = sorted(folder.rglob("index.html"))
        assert len(pages) > 40
        for html in pages:
            found = re.search(r'<link rel="canonical" href="([^"]+)"', html.read_text(encoding="utf-8"))
            assert found, html
            assert found.group(1) == SITE_URL + html.parent.relative_to(tree).as_posix() + "/"
            addresses.add(found.group(1))
        locs = re.findall(r"<loc>([^<]+)</loc>", (folder / "sitemap.xml").read_text(encoding="utf-8"))
        assert SITE_URL + f"{version}/quartiers/planoise/" in locs
        addresses.update(locs)
    assert all(url.startswith(SITE_URL) for url in addresses)
    # The feed of each version links to the versions from the site's root, not from its own folder.
    feed = (tree / "2027" / "versions.xml").read_text(encoding="utf-8")
    assert f"<link>{SITE_URL}2024/</link>" in feed and f"<link>{SITE_URL}2027/</link>" in feed
    addresses.update(re.findall(r"<link>([^<]+/20[0-9]{2}/)</link>", feed))
    local = [base + url[len(SITE_URL):] for url in addresses]
    statuses = page.evaluate("urls => Promise.all(urls.map(u => fetch(u).then(r => [u, r.status])))", local)
    assert [s for s in statuses if s[1] != 200] == []
    assert errors == []
    page.context.close()
