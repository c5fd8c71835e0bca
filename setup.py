"""Ships the toolkit's files (cdv/toolkit.py ENTRIES: schemas, theme override, mkdocs.yml...) inside the
wheel, in cdv/_toolkit/, so that an installed `cdv new contract` needs no checkout. Editable installs
read them from the repository instead. Everything else is in pyproject.toml."""

import ast
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def toolkit_entries() -> tuple:
    # Read from cdv/toolkit.py without importing the package (its dependencies may not be installed).
    tree = ast.parse((HERE / "cdv" / "toolkit.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ENTRIES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError("cdv/toolkit.py: ENTRIES not found")


class BuildPyWithToolkit(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dest = Path(self.build_lib) / "cdv" / "_toolkit"
        shutil.rmtree(dest, ignore_errors=True)
        for name in toolkit_entries():
            src = HERE / name
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(src, dest / name)


setup(cmdclass={"build_py": BuildPyWithToolkit})
