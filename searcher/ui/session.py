"""What the command line and the REPL share: the settings in force, opening the engine,
running an index update with its progress line and warnings."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from .terminal import safe


@dataclass
class Settings:
    """Where the corpus and the index are, from the global options or the environment."""

    corpus: Path
    index: Path

    @classmethod
    def resolve(cls, corpus: Path | None, index: Path | None) -> "Settings":
        """The options given, else the environment's, else the defaults."""
        return cls(corpus or Path(os.environ.get("SEARCHER_CORPUS") or "seeds"),
                   index or Path(os.environ.get("SEARCHER_INDEX") or "index"))


def open_engine(settings: Settings):
    """Open the index for searching, building it first when there is none."""
    from ..index import IndexStore
    from ..search import SearchEngine

    if not IndexStore(settings.index).exists():
        click.echo(f"searcher: no index at {safe(str(settings.index))}; building it from "
                   f"{safe(str(settings.corpus))}", err=True)
        report = run_update(settings)
        click.echo(f"searcher: {report.summary()}", err=True)
    return SearchEngine(settings.index)


def run_update(settings: Settings, rebuild: bool = False):
    """Run an index update with a progress line and warnings on stderr."""
    from ..index import IndexStore, update_index
    from .progress import ProgressLine

    progress = ProgressLine()

    def warn(message: str) -> None:
        progress.close()
        click.echo(f"searcher: warning: {safe(message)}", err=True)

    try:
        return update_index(settings.corpus, IndexStore(settings.index), rebuild=rebuild,
                            progress=progress, warn=warn)
    finally:
        progress.close()
