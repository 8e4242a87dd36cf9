"""Shared fixtures: real seed corpora copied to temp folders, real indexes built on disk."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import SEEDS, Searcher
from searcher.ui.cli import cli


def pytest_configure(config) -> None:
    """Tests never read or write the user's config, history or environment settings."""
    home = Path(tempfile.mkdtemp(prefix="searcher-tests-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    for var in ("SEARCHER_CORPUS", "SEARCHER_INDEX", "SEARCHER_CONFIG", "SEARCHER_CLUSTER", "NO_COLOR", "PAGER", "LESS"):
        os.environ.pop(var, None)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh copy of the bundled seeds."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index) for the seeds, built once for all read-only search tests."""
    root = tmp_path_factory.mktemp("seedindex")
    corpus_dir = root / "corpus"
    shutil.copytree(SEEDS, corpus_dir)
    index_dir = root / "index"
    result = CliRunner().invoke(cli, ["--corpus", str(corpus_dir), "--index", str(index_dir), "index"])
    assert result.exit_code == 0, result.output
    return corpus_dir, index_dir


@pytest.fixture
def seeds(seed_index) -> Searcher:
    return Searcher(*seed_index)
