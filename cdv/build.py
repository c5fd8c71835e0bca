"""Build the site: validate first, build into a fresh folder, then swap it in.

A failed validation or build never leaves a half-written site: the previous site/ stays as it was.
The site folder is replaced only if cdv made it (see cdv.safety): never the project, its sources, docs/,
.git or a folder of someone else's; one build at a time per site folder; a killed build's staging folder
is removed by the next build; the site gets ordinary permissions (0755/0644 under the usual umask).
"""

from __future__ import annotations

import gc
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .corpus import load_corpus, load_corpus_cached
from .errors import BuildFailed  # defined with the other errors, imported from here too
from .mkdocs_warnings import collected_warnings, source_error
from .safety import STAGING_INFIX, build_lock, check_site_dir, new_staging, ordinary_permissions, remove_stale_staging
from .versions import DRAFT_ALIAS, IN_FORCE_ALIAS


def _mkdocs_config(root: Path, site_dir: Path, with_pdf: bool, version: str | None = None):
    """mkdocs.yml loaded as `mkdocs build` loads it, with this build's options given the way MkDocs's own
    command line gives them: as values of the configuration (the cdv plugin's `pdf`, Material's `extra`).
    `version`: the build is that version of a site mike publishes (one folder per version)."""
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    config_file = root / "mkdocs.yml"
    overrides: dict[str, Any] = {}
    if not with_pdf or version:
        with open(config_file, "rb") as fd:
            raw = yaml_load(fd) or {}  # mkdocs's own reading: !ENV, !relative and INHERIT resolved
        plugin_options: dict = {} if with_pdf else {"pdf": False}
        if version:
            # Published with mike: Material's version selector and its "replaced version" banner, shown on
            # neither the version in force nor the draft under review (a draft replaces nothing yet).
            overrides["extra"] = {
                **(raw.get("extra") or {}),
                "version": {"provider": "mike", "default": [IN_FORCE_ALIAS, DRAFT_ALIAS]},
            }
            site_url = raw.get("site_url")
            if site_url:
                # Each version is published in its own folder: canonical links and the sitemap name the
                # pages there; the feed links to the versions from the site's root.
                root_url = site_url.rstrip("/") + "/"
                overrides["site_url"] = f"{root_url}{version}/"
                plugin_options["site_root"] = root_url
        if plugin_options and raw.get("plugins"):
            overrides["plugins"] = _with_plugin_options(raw["plugins"], "cdv", **plugin_options)
    return load_config(str(config_file), site_dir=str(site_dir), strict=True, **overrides)


def _with_plugin_options(plugins, name: str, **options):
    """mkdocs.yml's `plugins` (a list of names and {name: options}, or a mapping) with `options` set on
    the plugin `name`, wherever it is listed."""
    if isinstance(plugins, dict):
        return {key: ({**(value or {}), **options} if key == name else value) for key, value in plugins.items()}
    out = []
    for item in plugins:
        if item == name:
            item = {name: dict(options)}
        elif isinstance(item, dict) and name in item:
            item = {**item, name: {**(item[name] or {}), **options}}
        out.append(item)
    return out


@contextmanager
def _reproducible_dates(root: Path):
    """MkDocs dates the sitemap with the build's day; SOURCE_DATE_EPOCH (else the commit's date) makes
    two builds of one commit identical whatever the day."""
    from .provenance import provenance, source_date_epoch

    if source_date_epoch() is not None:  # a French error if it is not a number
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(provenance(root).generated.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _located(problems: list[str], root: Path, config) -> list[str]:
    """MkDocs's warnings in French, on the YAML source or the page of docs/ that holds the link."""
    from .siteplan import page_sources

    sources = page_sources(load_corpus_cached(root))
    docs = Path(config.docs_dir).resolve().relative_to(root).as_posix()
    return [source_error(message, root, docs, sources.get).format_text().rstrip(".") for message in problems]


def _theme_folders(config) -> tuple[Path, ...]:
    """The folders of the project MkDocs reads: a site must not touch them, whatever their names."""
    folders = [Path(config.docs_dir)]
    custom = getattr(config.theme, "custom_dir", None)
    if custom:
        folders.append(Path(custom))
    return tuple(folders)


_BUILDING = False  # build_site is running: what is frozen for the build, it unfreezes at its end


def keep_until_built() -> None:
    """The site plan, made, lives until the build ends: out of the collector's full passes too, as the
    sources are (the gap between ours and bare MkDocs's collections grew with the corpus). Only inside
    build_site, which unfreezes; a garbage cycle of the planning is collected first, never kept."""
    if _BUILDING:
        gc.collect()
        gc.freeze()


def build_site(root: Path, site_dir: Path | None = None, with_pdf: bool = True, version: str | None = None) -> Path:
    """Build the site into site_dir (site/ by default); `version`: as that version of the site mike publishes."""
    from .provenance import source_date_epoch

    root = Path(root).resolve()
    source_date_epoch()  # refused before anything is read or written
    load_corpus_cached(root)  # raises InvalidSources before anything is written; the plugin reuses it
    # The validated sources live until the build ends: the collector's full passes while MkDocs renders
    # thousands of pages need not walk them again and again.
    global _BUILDING
    gc.freeze()
    _BUILDING = True
    try:
        return _build(root, site_dir, with_pdf, version)
    finally:
        _BUILDING = False
        gc.unfreeze()


def _check_nav(config, root: Path) -> None:
    """An unknown `cdv:` marker in mkdocs.yml's nav is a located InvalidSources, raised before MkDocs
    starts: MkDocs would say the plugin's error as one line of its own."""
    from .corpus import load_corpus_cached
    from .pages import expand_nav, navigation

    if config.nav:
        expand_nav(config.nav, navigation(load_corpus_cached(root)), config.config_file_path)


def _build(root: Path, site_dir: Path | None, with_pdf: bool, version: str | None) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    shown = Path(site_dir) if site_dir is not None else root / "site"
    target = check_site_dir(shown, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(target):
        remove_stale_staging(target)
        check_site_dir(shown, root)  # again, now that no other build can change it
        staging = new_staging(target)
        try:
            try:
                config = _mkdocs_config(root, staging, with_pdf, version)
                check_site_dir(shown, root, extra=_theme_folders(config))
                _check_nav(config, root)
                with _reproducible_dates(root), collected_warnings() as problems:
                    try:
                        build(config)
                    except (MkDocsException, SystemExit) as exc:
                        raise BuildFailed(
                            "la construction du site a échoué : "
                            + (" ; ".join(_located(problems, root, config)) or str(exc))
                        ) from None
            except (MkDocsException, SystemExit) as exc:
                raise BuildFailed(f"la construction du site a échoué : {exc}") from None
            except OSError as exc:
                if not exc.filename:  # a write that failed half-way (full disk) names no file: name the site
                    exc.filename = str(target)
                raise
            ordinary_permissions(staging)
            previous = target.with_name(f".{target.name}{STAGING_INFIX}previous")
            if target.exists():
                target.rename(previous)
            try:
                staging.rename(target)
            except BaseException:
                if previous.exists() and not target.exists():
                    previous.rename(target)
                raise
            if previous.exists():
                shutil.rmtree(previous)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    return target


def serve(root: Path, dev_addr: str = "127.0.0.1:8000") -> None:
    """Preview with live reload; mkdocs.yml's `watch` makes YAML edits rebuild the pages."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .sources import FOLLOW_UP_DIRS

    root = Path(root).resolve()
    load_corpus(root)
    # The follow-up folders (actions/, reports/) are watched when they exist: mkdocs.yml cannot list a
    # folder a project may not have yet (MkDocs refuses a `watch` path that does not exist).
    follow_up = [str(root / d) for d in FOLLOW_UP_DIRS if (root / d).is_dir()]
    # Previews are served at the root of dev_addr, whatever the public site_url's path.
    mkdocs_serve(
        config_file=str(root / "mkdocs.yml"),
        dev_addr=dev_addr,
        livereload=True,
        site_url=f"http://{dev_addr}/",
        watch=follow_up,
    )
