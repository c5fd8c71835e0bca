"""The reference text the fidelity tests read is the signed contract's extraction, unaltered."""
from __future__ import annotations

import hashlib
from pathlib import Path

from seedtext import CONTRACT, CONTRACT_SHA256


def test_reference_text_is_the_extraction_received():
    assert hashlib.sha256(CONTRACT.read_bytes()).hexdigest() == CONTRACT_SHA256


def test_no_test_reads_outside_the_repository():
    tests = Path(__file__).resolve().parent
    for path in tests.rglob("*.py"):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        assert "shared/seeds" not in text and '"shared"' not in text, f"{path.name} reads outside the repository"
