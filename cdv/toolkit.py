"""Where the toolkit's own files are: the schemas, theme override, site configuration and home page that
`cdv new contract` copies into a new project (and whose field names the YAML diagnosis knows).

An installed wheel carries them inside the package, in `cdv/_toolkit/` (setup.py copies them there when
the wheel is built); a checkout or an editable install reads them from the repository, the one place
they are edited. Nothing else of the repository is shipped: no territory's sources.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

# Paths relative to the repository root; setup.py ships exactly these (it reads this tuple).
ENTRIES = ("schemas", "overrides", "macros.py", "mkdocs.yml", "docs/index.md", "docs/assets")
PACKAGED = "_toolkit"


def toolkit_dir() -> Path:
    """The folder holding ENTRIES: the package's own copy if it has one, else the checkout's root."""
    import cdv

    packaged = importlib.resources.files("cdv") / PACKAGED
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(cdv.__file__).resolve().parents[1]


def missing_entries(root: Path) -> list[str]:
    return [name for name in ENTRIES if not (root / name).exists()]
