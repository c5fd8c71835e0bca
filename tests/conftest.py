"""Shared fixtures: the real project, and throwaway copies of it to break or extend."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLKIT_FILES = ("schemas", "docs", "overrides", "mkdocs.yml", "macros.py")
PROJECT_FILES = ("contract", "neighbourhoods", *TOOLKIT_FILES)


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


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh copy of the real sources, safe to modify."""
    return copy_project(tmp_path / "projet")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real sources built once into a temporary site folder."""
    from cdv.build import build_site

    return build_site(ROOT, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def corpus():
    from cdv.corpus import load_corpus

    return load_corpus(ROOT)
