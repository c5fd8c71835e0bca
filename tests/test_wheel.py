"""The wheel works on its own: built from the sources, installed into a fresh environment, it makes a new
territory's contract, its site and its PDF from a folder outside any checkout (cdv.toolkit, setup.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

# What building the wheel reads: the package, its build configuration and the toolkit files it ships.
BUILD_INPUTS = ("cdv", "pyproject.toml", "setup.py", "MANIFEST.in")


def run(cmd, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    from cdv.toolkit import ENTRIES

    src = tmp_path_factory.mktemp("sources")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "_toolkit")
    for name in (*BUILD_INPUTS, *ENTRIES):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    # No index, no isolation: the build backend is the dev environment's pinned setuptools, nothing is downloaded.
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
         "-w", str(dist), str(src)], cwd=dist, env=dict(os.environ))
    [built] = dist.glob("cdv-*.whl")
    return built


def test_the_wheel_ships_templates_and_toolkit_files(wheel):
    from cdv.toolkit import ENTRIES

    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cdv" / "templates").rglob("*") if p.is_file()}
    assert templates and templates <= names  # print/ included
    for entry in ENTRIES:
        shipped = {p.relative_to(ROOT).as_posix() for p in [ROOT / entry, *(ROOT / entry).rglob("*")] if p.is_file()}
        assert {f"cdv/_toolkit/{name}" for name in shipped} <= names, entry
    assert not [n for n in names if n.startswith(("contract/", "neighbourhoods/", "cdv/_toolkit/contract"))]


def test_an_installed_wheel_makes_a_new_contract_its_site_and_its_pdf(wheel, tmp_path):
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from the dev environment (appended to sys.path, its own .pth files, among them
    # the editable install of this checkout, left unread); cdv itself only from the wheel.
    (purelib / "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet",
         str(wheel)], cwd=tmp_path, env=env)

    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    where = run([str(python), "-c", "import cdv; print(cdv.__file__)"], cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(purelib), where

    cdv = str(venv / "bin" / "cdv")
    run([cdv, "new", "contract", "exempleville", "--territoire", "Exempleville", "--periode", "2024-2030"], cwd=elsewhere, env=env)
    project = elsewhere / "exempleville"
    run([cdv, "build", str(project)], cwd=elsewhere, env=env)
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Exempleville" in home
    run([cdv, "pdf", str(project), "--output", str(elsewhere / "contrat.pdf")], cwd=elsewhere, env=env)
    text = subprocess.run(["pdftotext", str(elsewhere / "contrat.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Exempleville" in text
