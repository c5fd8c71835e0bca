"""Compiled Jinja templates kept between runs.

Jinja parses and compiles every template anew in each process: for the theme's templates and ours that is
a tenth of a build, and `cdv serve` paid it again on every edit. Jinja's own bytecode cache keeps the
compiled code on disk, keyed by the template's name and checked against its source and Jinja's version,
so an edited or upgraded template is compiled again.

The cache lives in Jinja's private per-user folder of the system's temporary directory, or in the folder
named by CDV_TEMPLATE_CACHE; CDV_TEMPLATE_CACHE=off compiles every template in every run.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache


@lru_cache(maxsize=4)
def _cache(setting: str) -> BytecodeCache | None:
    if setting == "off":
        return None
    if setting:
        Path(setting).mkdir(parents=True, exist_ok=True)
        return FileSystemBytecodeCache(setting)
    return FileSystemBytecodeCache()


def bytecode_cache() -> BytecodeCache | None:
    return _cache(os.environ.get("CDV_TEMPLATE_CACHE", ""))
