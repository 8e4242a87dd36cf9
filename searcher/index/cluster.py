"""Building a sharded index on a Dask cluster (`searcher --cluster ADDRESS index`).

Each shard's update is one Dask task (:func:`~.shards.update_shard`), so each shard has
one writer at a time; the shard's update lock (flock) holds even if the scheduler ever
ran a task twice. The workers read the corpus and write the shards through the paths
this process gives, so both must be shared between the machines. The client publishes
the manifest once every task has finished; a task that fails, or workers that all go,
fail the build with one line, and the previous manifest keeps answering.

Dask's scheduler reruns the task of a worker that dies on another worker (its own
retries); the shard's half-written segments are unlisted files that the cleanup after the
next manifest switch deletes. Dask is imported only here, and only with a cluster given.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from ..errors import SearcherError
from .indexer import UpdateReport
from .shards import ProgressFn, ShardJob, ShardRunner, update_shard

CONNECT_SECONDS = 10   # to reach the scheduler
WORKERLESS_SECONDS = 30  # a build waits this long for a worker when none is left
POLL_SECONDS = 0.5


class ClusterError(SearcherError):
    """The cluster is unreachable, or a build on it failed."""


def connect(address: str):
    """A Dask client of the scheduler at ``address``; ClusterError when Dask is missing or
    the scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'searcher[cluster]'") from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({why(exc)})") from None


@contextmanager
def on_cluster(address: str) -> Iterator[ShardRunner]:
    """A shard runner whose shards are tasks on the cluster at ``address``."""
    client = connect(address)
    try:
        yield lambda jobs, progress: _run(client, jobs, progress)
    finally:
        client.close()


def _run(client, jobs: list[ShardJob], progress: ProgressFn | None) -> list[UpdateReport]:
    """Every job as a task, each shard's update done once; their reports in job order."""
    token = uuid.uuid4().hex[:8]
    # One process per task: the worker (one per core) is the unit of parallelism, and a
    # worker's process may not start processes of its own.
    futures = [client.submit(update_shard, job, procs=1, key=f"searcher-{job.folder.name}-{token}",
                             pure=False) for job in jobs]
    total = sum(len(j.files) for j in jobs)
    done: dict[int, UpdateReport] = {}
    workerless = None
    try:
        while len(done) < len(futures):
            for i, f in enumerate(futures):
                if i in done or not f.done():
                    continue
                if f.status != "finished":
                    raise ClusterError(f"the build of {jobs[i].folder.name} failed on the cluster: "
                                       f"{why(f.exception(), named=True)}; the index is as it "
                                       f"was (run it again)")
                done[i] = f.result()
                if progress:
                    progress(sum(len(jobs[k].files) for k in done), total)
            if len(done) == len(futures):
                break
            if not client.scheduler_info().get("workers"):
                workerless = workerless or time.monotonic()
                if time.monotonic() - workerless > WORKERLESS_SECONDS:
                    raise ClusterError(f"the Dask cluster has had no workers for "
                                       f"{WORKERLESS_SECONDS} s; the index is as it was")
            else:
                workerless = None
            time.sleep(POLL_SECONDS)
    except BaseException:
        client.cancel(futures)
        raise
    return [done[i] for i in range(len(futures))]


def why(exc: BaseException, named: bool = False) -> str:
    """An exception in one line: its message's first line (after its type, if ``named``),
    or its type when it has no message."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if not text:
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}" if named else text
