"""Shared fixtures: real seed corpora copied to temp folders, real indexes built on disk."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


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


class Searcher:
    """Drives the real CLI against one corpus and index."""

    def __init__(self, corpus_dir: Path, index_dir: Path):
        self.args = ["--corpus", str(corpus_dir), "--index", str(index_dir)]
        self.runner = CliRunner()

    def run(self, *args: str, input: str | None = None):
        return self.runner.invoke(cli, [*self.args, *args], input=input)

    def json(self, *query: str, extra: tuple[str, ...] = ()) -> dict:
        result = self.run("search", "--json", *extra, *query)
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)


@pytest.fixture
def seeds(seed_index) -> Searcher:
    return Searcher(*seed_index)
