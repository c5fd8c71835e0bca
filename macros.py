"""mkdocs-macros entry point: only wires the cdv package in (see cdv/macros.py)."""
from cdv.macros import define_env  # noqa: F401
