"""`python -m cdv`: the same program as `cdv`."""

from .cli import run

run()
