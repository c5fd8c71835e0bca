"""Shared fixtures: the real project, and throwaway copies of it to break or extend.

The real site (and its PDF, and the PDF's text) is built once per test session (`built_site`,
`site_pdf`, `site_pdf_text`): a test that only reads them takes one of these fixtures and never builds
again. Such a test is marked slow by construction (see pytest_collection_modifyitems), so that
`make check` (-m "not slow") builds nothing of the real site.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLKIT_FILES = ("schemas", "docs", "overrides", "mkdocs.yml", "macros.py")
# The sources of the real project: the contract and its follow-up (actions/; reports/ once one is written).
PROJECT_FILES = ("contract", "neighbourhoods", "actions", *TOOLKIT_FILES)


def load_manifest(path: Path) -> dict:
    """A corpus manifest (cases.yml): a case listed twice is an error, never a case silently dropped (a
    plain YAML loader keeps the last of two equal keys)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        keys = [loader.construct_object(k) for k, _ in node.value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"{path.name}: cases listed twice: {', '.join(twice)}")
        return loader.construct_mapping(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def copy_files(names, dest: Path) -> Path:
    """Copy these files and folders of the repository into dest."""
    for name in names:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    return dest


def copy_project(dest: Path) -> Path:
    return copy_files(PROJECT_FILES, dest)


MINIMAL = ROOT / "tests" / "invalid" / "minimal"


def copy_minimal_project(dest: Path) -> Path:
    """The minimal valid sources (one neighbourhood, one article) and the toolkit files they need: a
    project that builds in a few seconds, for tests about the build itself rather than the content."""
    shutil.copytree(MINIMAL, dest)
    return name_site_after_contract(copy_files(TOOLKIT_FILES, dest))


def name_site_after_contract(project: Path) -> Path:
    """The toolkit's mkdocs.yml names Besançon's site; cdv validate wants it to name this contract's."""
    import json
    import re

    import yaml

    from cdv.shape import site_metadata

    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    contract = yaml.safe_load((project / "contract" / "contract.yml").read_text(encoding="utf-8"))
    for key, value in site_metadata(contract).items():
        text = re.sub(rf"^{key}:.*$", lambda _: f"{key}: {json.dumps(value, ensure_ascii=False)}", text, flags=re.M)
    config.write_text(text, encoding="utf-8")
    return project


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the real sources, safe to modify."""
    return copy_project(tmp_path / "projet")


# The fixtures that build the real site: any test using one (directly or through another fixture) is slow.
SITE_FIXTURES = frozenset({"built_site", "site_pdf", "site_pdf_text"})


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks (--dist loadgroup)
def pytest_collection_modifyitems(config, items):
    """Mark slow every test that reads the built real site, and group tests for pytest-xdist: a file
    with a test reading the built site runs on that site's worker (one build per run), any other file on
    one worker (its module fixtures built once)."""
    reading = {item for item in items if SITE_FIXTURES & set(getattr(item, "fixturenames", ()))}
    site_files = {item.nodeid.split("::")[0] for item in reading}
    for item in items:
        if item in reading:
            item.add_marker(pytest.mark.slow)
        file = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group("built-site" if file in site_files else file))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real sources built once into a temporary site folder (with the PDF: mkdocs.yml asks for it)."""
    from cdv.build import build_site

    return build_site(ROOT, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def site_pdf(built_site) -> Path:
    """The printable contract, as `cdv build` writes it into the site."""
    pdf = built_site / "contrat.pdf"
    assert pdf.is_file(), "cdv build doit écrire le PDF dans le site"
    return pdf


@pytest.fixture(scope="session")
def site_pdf_text(site_pdf) -> str:
    """The PDF's text as pdftotext reads it (reading order, no layout), once per session."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(site_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="session")
def corpus():
    from cdv.corpus import load_corpus

    return load_corpus(ROOT)
