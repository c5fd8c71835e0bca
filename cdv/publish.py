"""`cdv publish`: deploy one version of the site and its PDF to the local gh-pages branch with mike.

Versions are years (mike sorts them), titled "2024 (signée)" or "2027 (projet)"; the version in force
carries the alias `en-vigueur`, written as redirects, and is the site's default. Only a signed version can
be in force: a draft is published for review under the alias `projet`, never the default. Each version
records in versions.json the commit it was built from (`properties.commit`): cdv.versions reads it back."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

from . import labels
from .build import build_site
from .corpus import load_corpus
from .errors import CdvError, UsageError
from .provenance import git_output, head_commit
from .safety import TemporaryFolder
from .versions import COMMIT_PROPERTY, DRAFT_ALIAS
from .versions import IN_FORCE_ALIAS as IN_FORCE


@contextmanager
def _cwd(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def version_title(contract: dict) -> str:
    return labels.version_title(contract["version"], contract["status"])


def _check_branch(root: Path, branch: str) -> None:
    """mike commits the site onto `branch`: never the branch checked out, nor one holding the sources."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", branch) or ".." in branch or branch.endswith((".lock", "/")):
        raise UsageError(f"branche « {branch} » invalide : un nom de branche git simple, ex. gh-pages.")
    if git_output(root, "rev-parse", "--git-dir") is None:
        raise CdvError(
            f"{root} n'est pas dans un dépôt git (ou git est introuvable) : cdv publish écrit sur une "
            "branche git ; lancez « git init » ou publiez depuis le dépôt du contrat."
        )
    current = (git_output(root, "symbolic-ref", "--quiet", "--short", "HEAD") or "").strip()
    if branch == current:
        raise UsageError(
            f"branche « {branch} » refusée : c'est la branche en cours, qui porte les sources. "
            "Publiez sur une branche à part (par défaut gh-pages)."
        )
    if git_output(root, "cat-file", "-e", f"refs/heads/{branch}:contract/contract.yml") is not None:
        raise UsageError(
            f"branche « {branch} » refusée : elle contient les sources du contrat "
            "(contract/contract.yml) ; la publication les mélangerait au site. Publiez sur une "
            "branche à part (par défaut gh-pages)."
        )


def _draft_replaced(versions, version: str) -> bool:
    """Whether mike's alias `projet` names `version` or an older one."""
    return any(DRAFT_ALIAS in info.aliases and str(info.version) <= version for info in versions)


def publish(root: Path, version: str, aliases: list[str], branch: str = "gh-pages") -> str:
    from mike import commands
    from mike.commands import AliasType
    from mike.git_utils import GitError

    root = Path(root).resolve()
    if not re.fullmatch(r"[0-9]{4}", version):
        raise UsageError(
            f"version « {version} » : une version est une année (ex. 2024), pour que les versions se trient."
        )
    corpus = load_corpus(root)
    if corpus.contract["version"] != version:
        raise UsageError(
            f"les sources sont la version {corpus.contract['version']}, pas {version} : "
            "changez « version » dans contract/contract.yml ou publiez la bonne version."
        )
    title = version_title(corpus.contract)
    draft = corpus.contract["status"] != "signed"
    if draft and IN_FORCE in aliases:
        raise UsageError(
            f"la version {version} est un projet (status: draft) : elle ne peut pas être publiée comme version "
            f"en vigueur (« {IN_FORCE} »). Publiez-la pour relecture sans cet alias (cdv publish {version}, "
            f"alias « {DRAFT_ALIAS} »), puis comme version en vigueur une fois l'avenant signé."
        )
    if draft:
        aliases = [*dict.fromkeys([*aliases, DRAFT_ALIAS])]
    elif DRAFT_ALIAS in aliases:
        raise UsageError(
            f"la version {version} est signée : l'alias « {DRAFT_ALIAS} » est celui d'un projet en relecture."
        )
    if IN_FORCE in aliases:
        # The version in force only moves forward: a newer signed version already published stays in force.
        try:
            with _cwd(root):
                published = list(commands.list_versions(branch))
        except GitError:
            published = []  # nothing published yet
        newer = [str(i.version) for i in published if IN_FORCE in i.aliases and str(i.version) > version]
        if newer:
            raise UsageError(
                f"la version {newer[0]} est déjà publiée comme version en vigueur : la version {version}, plus "
                f"ancienne, ne peut pas la remplacer. Publiez-la sans l'alias « {IN_FORCE} »."
            )
    _check_branch(root, branch)
    commit = head_commit(root)
    try:
        with TemporaryFolder("cdv-publish-") as tmp, _cwd(root):
            site_dir = Path(tmp) / "site"
            cfg = {"site_dir": str(site_dir), "use_directory_urls": True}
            with commands.deploy(
                cfg,
                version,
                title,
                aliases,
                update_aliases=True,
                alias_type=AliasType.redirect,
                branch=branch,
                message=f"Publication de la version {title}",
                set_props=[(COMMIT_PROPERTY, commit)] if commit else [],
            ):
                build_site(root, site_dir, version=version)
            if IN_FORCE in aliases:
                commands.set_default(IN_FORCE, branch=branch, message=f"Version en vigueur : {title}", allow_empty=True)
            if not draft and _draft_replaced(commands.list_versions(branch), version):
                # The draft reviewed under `projet` is now this signed version (or an older one): the alias
                # would send readers to a superseded draft.
                commands.delete([DRAFT_ALIAS], branch=branch, message=f"Fin du projet : {title} publiée")
    except GitError as exc:
        raise CdvError(f"la publication sur la branche « {branch} » a échoué (git) : {exc}") from None
    return title
