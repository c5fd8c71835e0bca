"""Build the site: validate first, build into a fresh folder, then swap it in.

A failed validation or build never leaves a half-written site: the previous site/ stays as it was.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .corpus import load_corpus, load_corpus_cached
from .errors import CdvError


class BuildFailed(CdvError):
    """MkDocs refused to build (a warning in strict mode, a macro error, a broken link)."""


def _mkdocs_config(root: Path, site_dir: Path, with_pdf: bool, versioned: bool = False):
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    if versioned:
        # Published with mike: Material's version selector and its "replaced version" banner.
        config.extra["version"] = {"provider": "mike", "default": "en-vigueur"}
    if not with_pdf and "cdv" in config.plugins:
        config.plugins["cdv"].config["pdf"] = False
    return config


@contextmanager
def _reproducible_dates(root: Path):
    """MkDocs dates the sitemap with the build's day; SOURCE_DATE_EPOCH (else the commit's date) makes
    two builds of one commit identical whatever the day."""
    from .provenance import provenance

    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(provenance(root).generated.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def build_site(root: Path, site_dir: Path | None = None, with_pdf: bool = True, versioned: bool = False) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    root = Path(root).resolve()
    load_corpus_cached(root)  # raises InvalidSources before anything is written; the plugin reuses it
    target = (site_dir or root / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        try:
            with _reproducible_dates(root):
                build(_mkdocs_config(root, staging, with_pdf, versioned))
        except (MkDocsException, SystemExit) as exc:
            raise BuildFailed(f"la construction du site a échoué : {exc}") from None
        previous = target.with_name(f".{target.name}-previous")
        if target.exists():
            if previous.exists():
                shutil.rmtree(previous)
            target.rename(previous)
        staging.rename(target)
        if previous.exists():
            shutil.rmtree(previous)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def serve(root: Path, dev_addr: str = "127.0.0.1:8000") -> None:
    """Preview with live reload; mkdocs.yml's `watch` makes YAML edits rebuild the pages."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    root = Path(root).resolve()
    load_corpus(root)
    # Previews are served at the root of dev_addr, whatever the public site_url's path.
    mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True,
                 site_url=f"http://{dev_addr}/")
