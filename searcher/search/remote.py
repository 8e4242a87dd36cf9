"""Searching a sharded index on a Dask cluster (`searcher --cluster ADDRESS search|repl`).

Each shard is held open by a Dask actor (:class:`ShardActor`) on a worker: its documents,
read with the whole index's statistics (the term dictionaries of every shard, over the
shared path), so that its scores are the single index's. :mod:`.merge` fans each step of a
query out to the actors and takes every decision across shards here, in the client.

Every call has a bounded wait; an actor that fails or does not answer in time is replaced
on a live worker and the query asked again once, else it fails with one line. Dask is
imported only here, and only with a cluster given.
"""
from __future__ import annotations

import pickle
import uuid
from pathlib import Path
from typing import Callable, Sequence

from ..index.cluster import ClusterError, connect, why
from .engine import SearchEngine
from .merge import LocalParts, PartLost, Parts
from .shard import ShardSearch

STEP_SECONDS = 30.0  # longest wait for one step of a query on the actors
OPEN_SECONDS = 120.0  # longest wait for the actors to open their shards
PROTOCOL = pickle.HIGHEST_PROTOCOL


class ShardActor:
    """One shard of the index at ``index``, as ``manifest`` names it, open on a worker.

    Steps come and go as pickles: Dask's own serialization walks lists element by element,
    which made a step returning a few hundred keys ten times slower."""

    def __init__(self, index: str, manifest: dict, shard: int):
        engine = SearchEngine(Path(index), shard=(manifest, shard))
        self.engine = engine
        self.part = ShardSearch(engine.documents, engine.retriever, engine.paragraph_ranker,
                                engine.article_ranker)

    def step(self, method: str, args: bytes) -> bytes:
        """A step of :class:`~.shard.ShardSearch`, its arguments and reply pickled."""
        return pickle.dumps(getattr(self.part, method)(*pickle.loads(args)), PROTOCOL)

    def ready(self) -> int:
        """The paragraphs this shard holds (answered once it is open)."""
        return self.engine.documents.reader.doc_count()


class ClusterParts:
    """The actors holding an index's shards, one each, spread over the workers."""

    def __init__(self, client, index: Path, manifest: dict):
        self.client = client
        self.index = str(Path(index).resolve())
        self.manifest = manifest
        self.names = [s["folder"] for s in manifest["shards"]]
        self.actors: list = []
        self._futures: list = []
        try:
            self._start()
        except BaseException:
            client.close()
            raise

    def __len__(self) -> int:
        return len(self.names)

    def _start(self) -> None:
        workers = sorted(self.client.scheduler_info().get("workers", {}))
        if not workers:
            raise ClusterError("the Dask cluster has no workers to hold the index's shards")
        self._futures = [
            self.client.submit(ShardActor, self.index, self.manifest, i, actor=True,
                               workers=[workers[i % len(workers)]], allow_other_workers=True,
                               key=f"searcher-{name}-{uuid.uuid4().hex[:12]}")
            for i, name in enumerate(self.names)]
        try:
            with self.client.as_current():  # the client the actors' proxies call through
                self.actors = [f.result(timeout=OPEN_SECONDS) for f in self._futures]
                for opened in [a.ready() for a in self.actors]:
                    opened.result(timeout=OPEN_SECONDS)
        except Exception as exc:
            raise ClusterError(f"the Dask workers could not open the index's shards "
                               f"({why(exc, named=True)}); they must reach {self.index}") from None

    def call(self, method: str, args: Sequence[tuple]) -> list:
        pickled: dict[int, bytes] = {}  # the same arguments for every part: pickled once
        futures = [actor.step(method, pickled.get(id(a)) or pickled.setdefault(id(a), pickle.dumps(a, PROTOCOL)))
                   for actor, a in zip(self.actors, args)]
        out = []
        for name, f in zip(self.names, futures):
            try:
                out.append(pickle.loads(f.result(timeout=STEP_SECONDS)))
            except Exception as exc:
                raise PartLost(f"the Dask actor holding {name} did not answer "
                               f"({why(exc, named=True)})") from None
        return out

    def recover(self) -> None:
        """Open every shard again on the workers alive now."""
        self._release()
        self._start()

    def _release(self) -> None:
        try:
            self.client.cancel(self._futures)
        except Exception:
            pass
        self.actors, self._futures = [], []

    def close(self) -> None:
        self._release()
        self.client.close()


def cluster_parts(address: str) -> Callable[[SearchEngine], Parts]:
    """What :class:`~.engine.SearchEngine` fans a sharded index's queries out to: actors on
    the cluster at ``address``, through a client of their own (a single index is searched
    in this process, with no client)."""
    def make(engine: SearchEngine) -> Parts:
        if engine.manifest is None:
            return LocalParts([engine.part])
        return ClusterParts(connect(address), engine.store.path, engine.manifest)
    return make
