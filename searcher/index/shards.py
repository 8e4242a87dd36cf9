"""A sharded index: ordinary indexes under one folder, named by a manifest.

Layout of a sharded index folder:

- `SHARDS.json`, the manifest: the schema version, the shard count, and for each shard its
  folder (`shard-01-of-04`), the Whoosh index live in it, that index's generation and its
  counts; replaced atomically;
- one folder per shard, each an ordinary index (see :mod:`.store`);
- `update.lock`, held by the one process updating any shard.

An article goes to the shard a stable hash of its id names, so an update touches only the
shards whose articles changed. Readers open each shard at the generation the manifest names,
so the manifest switch is the commit of the whole index: they see the old state or the new
one, never a mix. Until the switch, shard updates delete nothing (the stores keep their
files, see :class:`~.store.IndexStore`); the files of the old state are removed after it.
An interrupted update therefore leaves the previous manifest answering, and the next update
starts from the shards as they are.

A folder without a manifest is a single index: a sharded index of one shard is today's
index, with nothing to migrate. ``--shards N`` on an index of another layout builds the
new layout beside the old one and switches when it is complete.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..corpus import Listing, list_corpus
from ..errors import IndexDamaged, SearcherError
from .indexer import UpdateReport, update_index
from .store import POINTER, SHARD_FOLDER, IndexStore

MAX_SHARDS = 256
SHARD_LOCK_WAIT = 600.0  # seconds a shard's update waits for a writer of it still running

ProgressFn = Callable[[int, int], None]


def shard_of(article: str, count: int) -> int:
    """The shard of an article: a hash of its id that no process, machine or Python
    version changes."""
    digest = hashlib.blake2b(article.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % count


def shard_folder(i: int, count: int) -> str:
    return f"shard-{i + 1:02d}-of-{count:02d}"


def check_count(count: int) -> None:
    if not 1 <= count <= MAX_SHARDS:
        raise SearcherError(f"--shards takes a number from 1 to {MAX_SHARDS}, not {count}")


def update_layout(corpus: Path, store: IndexStore, shards: int | None = None,
                  rebuild: bool = False, progress: ProgressFn | None = None,
                  warn: Callable[[str], None] | None = None,
                  procs: int | None = None, run: "ShardRunner | None" = None) -> UpdateReport:
    """Bring the index at ``store`` in line with the corpus, as ``shards`` shards (None:
    as many as it has now, one for a new index). One shard is a single index, built here.
    ``run`` updates the shards (on a Dask cluster: see :mod:`.cluster`); by default they are
    updated one after the other here, each with this machine's worker processes."""
    manifest = _manifest_or_none(store)
    sharded = store.sharded()
    count = shards if shards is not None else (len(manifest["shards"]) if manifest else
                                                _folder_count(store.path) if sharded else 1)
    check_count(count)
    if count == 1:
        report = update_index(corpus, store, rebuild=rebuild or sharded,
                              progress=progress, warn=warn, procs=procs)
        if sharded:  # the single index is live: the shards can go
            with store.update_lock():
                store.unpublish_manifest()
                _remove_shards(store.path, keep=())
        return report
    if run is not None:
        report = _update_shards(corpus, store, count, manifest, rebuild, progress, run)
        for path, why in report.skipped:  # where the shards were updated, nobody heard it
            if warn:
                warn(f"skipped {path}: {why}")
        return report
    return _update_shards(corpus, store, count, manifest, rebuild, progress,
                          _in_this_process(warn, procs))


def _manifest_or_none(store: IndexStore) -> dict | None:
    try:
        return store.manifest()
    except IndexDamaged:
        return None  # rebuilt below: every shard folder is read again from its own pointer


def _folder_count(path: Path) -> int:
    """The shard count of the shard folders there (a damaged manifest's layout), else 1."""
    counts = [int(name.rsplit("-", 1)[1]) for name in os.listdir(path) if SHARD_FOLDER.match(name)]
    return max(counts, default=1)


@dataclass(frozen=True)
class ShardJob:
    """One shard's part of an update: what a process (or a Dask task) needs to do it."""

    corpus: Path
    folder: Path  # the shard's index folder
    files: list  # the corpus files (FileStat) whose articles go to this shard
    corpus_bytes: int  # the whole corpus's size, which sizes every shard's bigram sketch
    rebuild: bool


def update_shard(job: ShardJob, progress: ProgressFn | None = None,
                 warn: Callable[[str], None] | None = None,
                 procs: int | None = None) -> UpdateReport:
    """Update one shard, leaving its previous generation's files for the manifest switch.
    The whole index's update lock is held, so another writer of the shard can only be a
    task of this update run twice, or of an earlier one cancelled but still running (Dask
    runs a task at least once, and cannot stop one that has started): it is waited for."""
    store = IndexStore(job.folder, keep_files=True, lock_wait=SHARD_LOCK_WAIT)
    return update_index(job.corpus, store, rebuild=job.rebuild,
                        progress=progress, warn=warn, procs=procs,
                        listing=Listing(job.files, []), bigram_bytes=job.corpus_bytes)


ShardRunner = Callable[[list[ShardJob], "ProgressFn | None"], list[UpdateReport]]


def _in_this_process(warn, procs: int | None) -> ShardRunner:
    """Shards one after the other, each with this machine's worker processes."""
    def run(jobs: list[ShardJob], progress: ProgressFn | None) -> list[UpdateReport]:
        parts, done = [], 0
        for i, job in enumerate(jobs):
            later = sum(len(j.files) for j in jobs[i + 1:])

            def shard_progress(n: int, total: int, before: int = done, later: int = later) -> None:
                if progress:
                    progress(before + n, before + total + later)

            part = update_shard(job, shard_progress, warn, procs)
            done += part.added + part.updated + len(part.skipped)
            parts.append(part)
        return parts
    return run


def _update_shards(corpus: Path, store: IndexStore, count: int, manifest: dict | None,
                   rebuild: bool, progress: ProgressFn | None, run: ShardRunner) -> UpdateReport:
    t0 = time.perf_counter()
    listing = list_corpus(Path(corpus))
    groups: list[list] = [[] for _ in range(count)]
    for f in listing.files:
        groups[shard_of(f.article, count)].append(f)
    total_bytes = sum(max(f.size, 0) for f in listing.files)
    store.check_folder()
    report = UpdateReport(ignored=[str(p) for p in listing.ignored])
    report.rebuilt = rebuild or (manifest is not None and len(manifest["shards"]) != count) or (
        manifest is None and (store.path / POINTER).exists())
    with store.update_lock():
        jobs = [ShardJob(Path(corpus), store.path / shard_folder(i, count), files, total_bytes, rebuild)
                for i, files in enumerate(groups)]
        shards = []
        for job, part in zip(jobs, run(jobs, progress)):
            for name in ("added", "updated", "removed", "unchanged", "articles", "paragraphs"):
                setattr(report, name, getattr(report, name) + getattr(part, name))
            report.skipped += part.skipped
            report.still_skipped += part.still_skipped
            report.decoded += part.decoded
            shards.append({"folder": job.folder.name, "name": part.name, "generation": part.generation,
                           "articles": part.articles, "paragraphs": part.paragraphs})
        store.publish_manifest(shards, corpus=str(Path(corpus).resolve()),
                               articles=report.articles, paragraphs=report.paragraphs)
        # The new state is live: what only the old one used can go.
        for s in shards:
            IndexStore(store.path / s["folder"]).remove_unused()
        _remove_shards(store.path, keep={s["folder"] for s in shards})
        store.remove_single()
    report.seconds = time.perf_counter() - t0
    return report


def _remove_shards(path: Path, keep) -> None:
    """Delete the shard folders not in ``keep`` (an older layout's)."""
    for name in os.listdir(path):
        if SHARD_FOLDER.match(name) and name not in keep:
            shutil.rmtree(path / name, ignore_errors=True)
