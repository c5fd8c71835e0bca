"""`cdv publish`: deploy one version of the site and its PDF to the local gh-pages branch with mike.

Versions are years (mike sorts them), titled "2024 (signée)" or "2027 (projet)"; the version in force
carries the alias `en-vigueur`, written as redirects, and is the site's default."""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .build import build_site
from .corpus import load_corpus
from .errors import UsageError

IN_FORCE = "en-vigueur"


@contextmanager
def _cwd(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def version_title(contract: dict) -> str:
    return f"{contract['version']} ({'signée' if contract['status'] == 'signed' else 'projet'})"


def publish(root: Path, version: str, aliases: list[str], branch: str = "gh-pages") -> str:
    from mike import commands
    from mike.commands import AliasType

    root = Path(root).resolve()
    if not re.fullmatch(r"[0-9]{4}", version):
        raise UsageError(f"version « {version} » : une version est une année (ex. 2024), pour que les versions se trient.")
    corpus = load_corpus(root)
    if corpus.contract["version"] != version:
        raise UsageError(f"les sources sont la version {corpus.contract['version']}, pas {version} : "
                         "changez « version » dans contract/contract.yml ou publiez la bonne version.")
    title = version_title(corpus.contract)
    with tempfile.TemporaryDirectory(prefix="cdv-publish-") as tmp, _cwd(root):
        site_dir = Path(tmp) / "site"
        cfg = {"site_dir": str(site_dir), "use_directory_urls": True}
        with commands.deploy(cfg, version, title, aliases, update_aliases=True, alias_type=AliasType.redirect,
                             branch=branch, message=f"Publication de la version {title}"):
            build_site(root, site_dir, versioned=True)
        if IN_FORCE in aliases:
            commands.set_default(IN_FORCE, branch=branch, message=f"Version en vigueur : {title}", allow_empty=True)
    return title
