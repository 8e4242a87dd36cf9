"""What the command line and the REPL share: opening the engine for the settings in force
(one index, one corpus), running an index update with its progress line and warnings."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import IndexDamaged, SearcherError
from .config import INDEX, Settings
from .terminal import safe

__all__ = ["Settings", "CorpusMismatch", "shown_path", "check_corpus", "open_engine", "run_update"]


class CorpusMismatch(SearcherError):
    """The index was built from another corpus than the one given."""


def shown_path(path: Path | str, dot: bool = True) -> str:
    """A path as messages show it: relative under the working directory (`./`-relative, or
    without ``dot`` as `rg` names files), else absolute."""
    path = Path(path).resolve()
    try:
        rel = path.relative_to(Path.cwd())
    except ValueError:
        return str(path)
    if not dot:
        return str(rel)
    return "." if rel == Path(".") else f"./{rel}"


def check_corpus(settings: Settings, rebuild: bool = False) -> None:
    """One index, one corpus: an index records the corpus it was built from. A corpus given
    explicitly must be that one (unless ``rebuild`` replaces the index); without one, the
    recorded corpus is used."""
    from ..index import IndexStore

    store = IndexStore(settings.index)
    try:
        pointer = store.summary() if store.exists() else None
    except IndexDamaged:  # searching says so; an update rebuilds it
        return
    recorded = (pointer or {}).get("corpus")
    if not recorded:
        return
    if not settings.explicit("corpus"):
        settings.corpus = Path(recorded)
        settings.sources["corpus"] = INDEX
        return
    if rebuild or Path(recorded) == settings.corpus.resolve():
        return
    index, corpus = shown_path(settings.index), shown_path(settings.corpus)
    raise CorpusMismatch(
        f"the index at {index} was built from {shown_path(Path(recorded))}, not {corpus}: "
        f"give --index DIR for an index of {corpus} (or `searcher --corpus {corpus} index "
        f"--rebuild` to replace this one)")


def open_engine(settings: Settings, fan_out: bool = False):
    """Open the index for searching, building it first when there is none; ``fan_out``:
    with a cluster set, a sharded index's queries go to Dask actors holding its shards."""
    from ..index import IndexStore
    from ..search import SearchEngine

    check_corpus(settings)
    if not IndexStore(settings.index).exists():
        click.echo(f"searcher: no index at {safe(shown_path(settings.index))}; building it from "
                   f"{safe(shown_path(settings.corpus))}", err=True)
        report = run_update(settings)
        click.echo(f"searcher: {safe(report.summary())}", err=True)
    if fan_out and settings.cluster:
        from ..search.remote import cluster_parts

        return SearchEngine(settings.index, parts=cluster_parts(settings.cluster))
    return SearchEngine(settings.index)


def run_update(settings: Settings, rebuild: bool = False, verbose: bool = False,
               shards: int | None = None):
    """Run an index update with a progress line and warnings on stderr; ``shards``: the
    layout to build (None keeps the index's)."""
    from ..index import IndexStore, update_layout
    from .progress import ProgressLine

    check_corpus(settings, rebuild)
    progress = ProgressLine()

    def warn(message: str) -> None:
        progress.close()
        click.echo(f"searcher: warning: {safe(message)}", err=True)

    try:
        if settings.cluster:
            from ..index.cluster import on_cluster

            with on_cluster(settings.cluster) as run:
                report = update_layout(settings.corpus, IndexStore(settings.index), shards=shards,
                                       rebuild=rebuild, progress=progress, warn=warn, run=run)
        else:
            report = update_layout(settings.corpus, IndexStore(settings.index), shards=shards,
                                   rebuild=rebuild, progress=progress, warn=warn)
    finally:
        progress.close()
    for path, encoding in report.decoded:
        click.echo(f"searcher: note: {safe(path)}: decoded from {encoding}", err=True)
    if verbose:
        for path, why in report.still_skipped:
            warn(f"still skipped {path}: {why}")
        for path in report.ignored:
            warn(f"ignored {path}: not a .txt file")
    if not report.articles:
        warn(f"no articles in {shown_path(settings.corpus)} (searcher reads *.txt files)")
    return report

