"""Article files -> new index segments, in this process or in worker processes.

Each process loads its articles, analyzes them (word segmentation is the costly step) and
writes its own segment with :class:`~searcher.index.whoosh.bulk_writer.SegmentBuilder`; the caller lists
the segments in the index's table of contents in one commit, so until then readers see the
index as it was, and an interruption leaves only unlisted files that the next update deletes.

Workers get contiguous shares of the article list (balanced by bytes), so a build gives the
same documents in the same order every time. They ignore Ctrl-C (the parent stops them) and
stop on their own when the parent dies (kill -9), rather than run on unseen.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import queue
import signal
from dataclasses import dataclass
from typing import Callable

from ..analysis import IndexTerms, index_terms
from ..analysis.abbreviations import definitions
from .bigrams import BigramCounts, article_bigrams
from ..corpus import Article, FileStat, SkippedFile, load
from ..errors import SearcherError
from .schema import ARTICLE_DOC, PARAGRAPH_DOC
from .whoosh.bulk_writer import SegmentBuilder

PROGRESS_EVERY = 16  # articles per progress message from a worker

ADDED, UPDATED, TOUCHED, SKIPPED = "added", "updated", "touched", "skipped"

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Task:
    """An article file to (re)index, with what the index holds for it (None if new)."""

    stat: FileStat
    old: dict | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a task: its status and paragraph count, or why it was skipped (kept
    small: a full build sends back one per article)."""

    article: str
    status: str
    paragraphs: int = 0
    error: str | None = None
    encoding: str | None = None  # the legacy encoding the file was decoded from


@dataclass
class Written:
    """All processes' work: new segments in order, their bigram counts, one outcome per task."""

    segments: list
    bigrams: BigramCounts
    outcomes: list[Outcome]


def fingerprint(stat: FileStat, sha1: str) -> dict:
    return {"size": stat.size, "mtime_ns": stat.mtime_ns, "sha1": sha1}


def article_meta(art: Article) -> dict:
    """The stored metadata of an article document."""
    return {"article": art.article, "title": art.title, "date": art.date, "byline": art.byline,
            "paragraphs": len(art.paragraphs), "file": art.file, "lines": art.lines,
            **({"encoding": art.encoding} if art.encoding else {}),
            **fingerprint(art.stat, art.sha1)}


def article_document(art: Article, meta: dict, paragraphs: list[IndexTerms]) -> tuple[dict, dict]:
    """The article document (fields, analyzed terms): metadata, which syllables the
    article holds (from its ``paragraphs``' terms), for article-level df, and the
    abbreviations it defines."""
    exact = dict.fromkeys(t for p in paragraphs for t in p.exact)
    folded = dict.fromkeys(t for p in paragraphs for t in p.folded)
    value = " ".join(exact)  # what the fields' analyzers turn into these terms
    defined = dict.fromkeys(sorted(f"{d.form}\t{d.expansion}" for d in definitions(art.paragraphs)))
    fields = {"kind": ARTICLE_DOC, "article": art.article, "meta": meta, "asyl": value,
              "asylf": value}
    terms = {"asyl": exact, "asylf": folded}
    if defined:
        fields["abbr"] = "\n".join(defined)
        terms["abbr"] = defined
    return fields, terms


def paragraph_documents(art: Article, paragraphs: list[IndexTerms]) -> list[tuple[dict, dict]]:
    """One document (fields, analyzed terms) per paragraph."""
    docs = []
    for n, (text, terms) in enumerate(zip(art.paragraphs, paragraphs)):
        fields = {"kind": PARAGRAPH_DOC, "article": art.article, "para": n, "text": text,
                  "syl": text, "sylf": text, "wordf": text, "pairf": text}
        if art.date:
            fields["date"] = art.date
        docs.append((fields, {"syl": terms.exact, "sylf": terms.folded, "wordf": terms.words,
                              "pairf": terms.pairs}))
    return docs


class ArticleWriter:
    """Writes articles into a new segment of one index, in this process."""

    def __init__(self, storage, indexname: str, schema, bigrams: BigramCounts):
        self._storage, self._indexname, self._schema = storage, indexname, schema
        self._builder: SegmentBuilder | None = None
        self.bigrams = bigrams

    def _add(self, fields: dict, terms: dict) -> None:
        if self._builder is None:
            self._builder = SegmentBuilder(self._storage, self._indexname, self._schema)
        self._builder.add_document(fields, terms)

    def write(self, task: Task) -> Outcome:
        """Index one article file (its article document only when it is unchanged)."""
        try:
            art = load(task.stat)
        except SkippedFile as exc:
            return Outcome(task.stat.article, SKIPPED, error=str(exc))
        old = task.old
        if old is not None and old["sha1"] == art.sha1:
            # Touched, not changed: a new article document with the new fingerprint.
            paragraphs = [index_terms(text, words=False) for text in art.paragraphs]
            self._add(*article_document(art, {**old, **fingerprint(task.stat, art.sha1)},
                                        paragraphs))
            status = TOUCHED
        else:
            paragraphs = [index_terms(text) for text in art.paragraphs]
            self.bigrams.add(article_bigrams(p.surfaces for p in paragraphs))
            self._add(*article_document(art, article_meta(art), paragraphs))
            for fields, terms in paragraph_documents(art, paragraphs):
                self._add(fields, terms)
            status = ADDED if old is None else UPDATED
        return Outcome(art.article, status, len(art.paragraphs), encoding=art.encoding)

    def finish(self) -> list:
        """Write the segment (the builder keeps memory bounded): a list of it, or an empty
        one when nothing was written."""
        builder, self._builder = self._builder, None
        return [builder.finish()] if builder is not None else []

    def cancel(self) -> None:
        if self._builder is not None:
            self._builder.cancel()
            self._builder = None


def _shares(tasks: list[Task], parts: int) -> list[list[Task]]:
    """Contiguous shares of about equal bytes."""
    total = sum(t.stat.size for t in tasks) or 1
    shares: list[list[Task]] = [[] for _ in range(parts)]
    done = 0
    for task in tasks:
        shares[min(parts - 1, done * parts // total)].append(task)
        done += task.stat.size
    return [s for s in shares if s]


def _work(index: int, share: list[Task], storage, indexname: str, schema, bigram_size: int,
          results, parent: int) -> None:
    """A worker process: write its share, report progress, send back what it wrote."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    writer = ArticleWriter(storage, indexname, schema, BigramCounts(bigram_size))
    try:
        outcomes = []
        for task in share:
            if os.getppid() != parent:  # the parent is gone: nobody will commit this
                writer.cancel()
                results.cancel_join_thread()  # nobody reads: do not wait to flush at exit
                return
            outcomes.append(writer.write(task))
            if len(outcomes) % PROGRESS_EVERY == 0:
                results.put((index, "progress", PROGRESS_EVERY))
        segments = writer.finish()
        results.put((index, "done", (outcomes, segments, writer.bigrams)))
    except BaseException as exc:  # the parent raises it
        writer.cancel()
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        results.put((index, "error", exc))


class WorkerDied(SearcherError):
    """A worker process ended without its results (killed, or out of memory)."""


def write_articles(tasks: list[Task], storage, indexname: str, schema, bigrams: BigramCounts,
                   procs: int = 1, progress: ProgressFn | None = None) -> Written:
    """Write ``tasks`` into new segments, with ``procs`` processes; bigrams of written
    articles are added to ``bigrams``. Nothing is committed."""
    if procs <= 1 or len(tasks) < 2:
        writer = ArticleWriter(storage, indexname, schema, bigrams)
        outcomes = []
        try:
            for done, task in enumerate(tasks, 1):
                outcomes.append(writer.write(task))
                if progress:
                    progress(done, len(tasks))
            return Written(writer.finish(), bigrams, outcomes)
        except BaseException:
            writer.cancel()
            raise
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    shares = _shares(tasks, procs)
    workers = [ctx.Process(target=_work, args=(i, share, storage, indexname, schema, bigrams.size,
                                               results, os.getpid()), daemon=True)
               for i, share in enumerate(shares)]
    finished: dict[int, tuple] = {}
    silent = 0  # consecutive empty waits with a worker gone and its results missing
    try:
        for w in workers:
            w.start()
        done = 0
        while len(finished) < len(workers):
            try:
                index, kind, payload = results.get(timeout=0.5)
            except queue.Empty:
                gone = [w.exitcode for i, w in enumerate(workers)
                        if i not in finished and w.exitcode is not None]
                silent = silent + 1 if gone else 0
                if silent > 2:  # its last message would have arrived by now
                    raise WorkerDied(f"an indexing process ended unexpectedly "
                                     f"(exit code {gone[0]})")
                continue
            if kind == "progress":
                done += payload
                if progress:
                    progress(min(done, len(tasks)), len(tasks))
            elif kind == "error":
                raise payload
            else:
                finished[index] = payload
        for w in workers:
            w.join()
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
                w.join()
    segments, outcomes = [], []
    for index in range(len(workers)):  # shares in corpus order
        share_outcomes, share_segments, share_bigrams = finished[index]
        outcomes.extend(share_outcomes)
        segments.extend(share_segments)
        bigrams.merge(share_bigrams)
    if progress:
        progress(len(tasks), len(tasks))
    return Written(segments, bigrams, outcomes)
