"""Shared fixtures: the spaCy pipeline (loaded once per session) and the sample article."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "000_dde437028c99873a.txt"


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline with the quotes component. `load_nlp` is cached per process, so
    CLI commands invoked in-process (CliRunner) reuse this very object."""
    from quotes.extract import load_nlp

    return load_nlp()


@pytest.fixture
def sample_path() -> str:
    """The user's sample article (The National, 2019-01-23)."""
    if not SAMPLE.is_file():
        pytest.skip(f"sample article missing: {SAMPLE}")
    return str(SAMPLE)
