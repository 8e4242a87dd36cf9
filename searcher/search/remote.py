"""Searching a sharded index on a Dask cluster (`searcher --cluster ADDRESS search|repl`).

Each shard is held open by a Dask actor (:class:`ShardActor`) on a worker, which reads
that shard's files only. The client, which opens every shard's term dictionaries over the
shared path, sends with each query the whole index's statistics the shard's steps read
(:func:`gather`: the query's document frequencies at both levels and its bigram counts),
so that a shard's scores are the single index's. :mod:`.merge` fans each step of a query
out to the actors and takes every decision across shards here, in the client.

Every call has a bounded wait; an actor that fails or does not answer in time is replaced
on a live worker and the query asked again once, else it fails with one line. Dask is
imported only here, and only with a cluster given.
"""
from __future__ import annotations

import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from whoosh.searching import Searcher

from ..errors import SearcherError
from ..index import IndexStore, Lexicon, PostingReader, open_snapshot
from ..index.cluster import ClusterError, connect, why
from .articles import ArticleRanker
from .documents import Documents
from .engine import SearchEngine
from .merge import LocalParts, PartLost, Parts
from .query import ParsedQuery
from .retrieval import Retriever
from .shard import ShardSearch
from .stats import CorpusStats

STEP_SECONDS = 30.0  # longest wait for one step of a query on the actors
OPEN_SECONDS = 120.0  # longest wait for the actors to open their shards
PROTOCOL = pickle.HIGHEST_PROTOCOL


@dataclass
class Statistics:
    """The whole index's statistics a shard reads for one query (gathered by the client,
    as Elasticsearch's `dfs_query_then_fetch` does): document frequencies by (field, term)
    and article counts of folded bigrams by (first, second)."""

    frequencies: dict[tuple[str, str], int]
    bigrams: dict[tuple[str, str], int]


class Recorder:
    """Document frequencies and bigram counts read from the whole index, each remembered."""

    def __init__(self, postings: PostingReader, bigrams):
        self.postings, self.sketch = postings, bigrams
        self.seen = Statistics({}, {})

    def doc_frequency(self, field: str, term: str) -> int:
        n = self.seen.frequencies[field, term] = self.postings.doc_frequency(field, term)
        return n

    def df(self, first: str, second: str) -> int:
        n = self.seen.bigrams[first, second] = self.sketch.df(first, second)
        return n


def gather(engine: SearchEngine, q: ParsedQuery) -> Statistics:
    """What a shard's steps for ``q`` read of the whole index: found by working out, on
    the client's reader of every shard, the weights those steps work out (both levels,
    the query's compounds and bigrams; no posting list is read)."""
    recorder = Recorder(engine.postings, engine.bigrams)
    postings = PostingReader(engine.postings.reader, recorder)
    retriever = Retriever(engine.documents, postings, Lexicon(engine.postings.reader, postings),
                          engine.stats)
    retriever.plan(q, None, "p", with_docs=False)
    aplan = retriever.plan(q, None, "a", with_docs=False)
    retriever.compounds(q)
    ArticleRanker(engine.documents, retriever, engine.stats, recorder).pairs(
        q, aplan.df_exact, aplan.df_folded)
    return recorder.seen


class Given:
    """A shard's document frequencies and bigram counts: the whole index's, as the query
    being answered brought them (see :func:`gather`)."""

    def __init__(self):
        self.current = Statistics({}, {})

    def use(self, statistics: Statistics) -> None:
        self.current = statistics

    def doc_frequency(self, field: str, term: str) -> int:
        try:
            return self.current.frequencies[field, term]
        except KeyError:
            raise SearcherError(f"the query brought no document frequency of {term!r} "
                                f"in {field}") from None

    def df(self, first: str, second: str) -> int:
        try:
            return self.current.bigrams[first, second]
        except KeyError:
            raise SearcherError(f"the query brought no count of the bigram {first} {second}") from None


class ShardActor:
    """The shards ``shards`` of the index at ``index``, as ``manifest`` names them, open on
    one worker; ``stats``: the whole index's counts and mean length. Each shard reads its
    own files only: the rest of the whole index's statistics come with each query. Each
    sees its share of each query's candidates, so it keeps that share of the session caches
    a whole index keeps.

    One actor holds all the shards a worker holds, so that a step of a query is one message
    a worker (the client sends them one after another), not one a shard. Steps come and go
    as pickles: Dask's own serialization walks lists element by element, which made a step
    returning a few hundred keys ten times slower."""

    def __init__(self, index: str, manifest: dict, shards: list[int], stats: CorpusStats):
        share = 1 / len(manifest["shards"])  # of the session caches a whole index keeps
        self.parts: list[ShardSearch] = []
        self.paragraphs = 0
        for shard in shards:
            snapshot = open_snapshot(IndexStore(Path(index)),
                                     dict(manifest, shards=[manifest["shards"][shard]]))
            reader = snapshot.reader
            given = Given()
            postings = PostingReader(reader, given, share)
            documents = Documents(Searcher(reader), postings, manifest.get("corpus"), share)
            self.parts.append(ShardSearch(documents, Lexicon(reader, postings), stats, given, given))
            self.paragraphs += reader.doc_count()

    def step(self, method: str, args: bytes) -> bytes:
        """A step of :class:`~.shard.ShardSearch` on each shard held: the pickled list of
        each one's arguments in, the pickled list of their replies out."""
        return pickle.dumps([getattr(part, method)(*a) for part, a in zip(self.parts, pickle.loads(args))],
                            PROTOCOL)

    def ready(self) -> int:
        """The paragraphs these shards hold (answered once they are open)."""
        return self.paragraphs


class ClusterParts:
    """The actors holding an index's shards, one a worker, the shards dealt out over the
    workers in turn."""

    distant = True

    def __init__(self, client, engine: SearchEngine, step_seconds: float = STEP_SECONDS,
                 open_seconds: float = OPEN_SECONDS):
        """``step_seconds``, ``open_seconds``: the longest wait for one step of a query, and
        for the actors to open their shards."""
        self.client = client
        self.step_seconds, self.open_seconds = step_seconds, open_seconds
        self.engine = engine
        self.index = str(Path(engine.store.path).resolve())
        self.manifest = manifest = engine.manifest
        self.names = [s["folder"] for s in manifest["shards"]]
        self.actors: list = []
        self.held: list[list[int]] = []  # the shards each actor holds
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
        ids = list(range(len(self.names)))
        self.held = [ids[w::len(workers)] for w in range(min(len(workers), len(ids)))]
        self._futures = [
            self.client.submit(ShardActor, self.index, self.manifest, shards, self.engine.stats,
                               actor=True, workers=[worker], allow_other_workers=True,
                               key=f"searcher-shards-{uuid.uuid4().hex[:12]}")
            for worker, shards in zip(workers, self.held)]
        try:
            with self.client.as_current():  # the client the actors' proxies call through
                self.actors = [f.result(timeout=self.open_seconds) for f in self._futures]
                for opened in [a.ready() for a in self.actors]:
                    opened.result(timeout=self.open_seconds)
        except Exception as exc:
            raise ClusterError(f"the Dask workers could not open the index's shards "
                               f"({why(exc, named=True)}); they must reach {self.index}") from None

    def call(self, method: str, args: Sequence[tuple]) -> list:
        if method == "start":  # the query's statistics go with it
            statistics = gather(self.engine, args[0][1])
            args = [(*args[0], statistics)] * len(args)
        futures = [actor.step(method, pickle.dumps([args[i] for i in shards], PROTOCOL))
                   for actor, shards in zip(self.actors, self.held)]
        out: list = [None] * len(args)
        for shards, f in zip(self.held, futures):
            try:
                replies = pickle.loads(f.result(timeout=self.step_seconds))
            except Exception as exc:
                held = ", ".join(self.names[i] for i in shards)
                raise PartLost(f"the Dask actor holding {held} did not answer "
                               f"({why(exc, named=True)})") from None
            for i, reply in zip(shards, replies):
                out[i] = reply
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
        self.actors, self.held, self._futures = [], [], []

    def close(self) -> None:
        self._release()
        self.client.close()


def cluster_parts(address: str, step_seconds: float = STEP_SECONDS,
                  open_seconds: float = OPEN_SECONDS) -> Callable[[SearchEngine], Parts]:
    """What :class:`~.engine.SearchEngine` fans a sharded index's queries out to: actors on
    the cluster at ``address``, through a client of their own, waiting as
    :class:`ClusterParts` says (a single index is searched in this process, with no
    client)."""
    def make(engine: SearchEngine) -> Parts:
        if engine.manifest is None:
            return LocalParts([engine.part])
        return ClusterParts(connect(address), engine, step_seconds, open_seconds)
    return make
