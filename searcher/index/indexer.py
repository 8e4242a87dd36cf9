"""Corpus -> index: full builds and incremental updates, safe against crashes.

The update compares the corpus with what the index holds (size and mtime first, then the
content hash) and adds, updates and deletes only what changed. Articles are written into new
segments by :mod:`.article_writer` (in worker processes for big jobs, one segment
each; in this process for small ones); a Whoosh writer makes the deletions and commits
everything at once. See :mod:`.store` for why an interruption never leaves the index unusable.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh.query import And, Term

from ..analysis import syllable_surfaces
from ..corpus import FileStat, Listing, list_corpus
from ..errors import IndexDamaged
from ..text import plural
from .article_writer import SKIPPED, TOUCHED, UPDATED, Task, Written, write_articles
from . import vocabulary
from .bigrams import BigramCounts, article_bigrams, size_for
from .lexicon import folded_syllables
from .postings import PostingReader
from .schema import ARTICLE_DOC, SCHEMA_VERSION
from .store import IndexStore, stored_paragraphs
from .whoosh.bulk_writer import commit_with_segments

# Updates touching at least this many articles use worker processes.
PARALLEL_THRESHOLD = 200
WRITER_MB = 128  # Whoosh's posting pool when the commit merges small segments

ProgressFn = Callable[[int, int], None]
WarnFn = Callable[[str], None]


@dataclass
class UpdateReport:
    """What an update did, for the closing summary line."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    articles: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why), this time
    still_skipped: list[tuple[str, str]] = field(default_factory=list)  # unchanged since
    ignored: list[str] = field(default_factory=list)  # files that are not .txt
    decoded: list[tuple[str, str]] = field(default_factory=list)  # (path, legacy encoding), this time
    name: str = ""  # the Whoosh index updated, and its generation now
    generation: int = -1

    def summary(self) -> str:
        head = f"+{self.added:,} added, {self.updated:,} updated, {self.removed:,} removed"
        if self.rebuilt:
            head = f"rebuilt from scratch, {head}"
        skipped = f", {len(self.skipped):,} skipped" if self.skipped else ""
        line = (f"{head}{skipped}: {plural(self.articles, 'article')}, "
                f"{plural(self.paragraphs, 'paragraph')} in {self.seconds:.1f} s")
        if self.still_skipped:
            n = len(self.still_skipped)
            line += f"; {plural(n, 'file')} still skipped (--verbose lists {'it' if n == 1 else 'them'})"
        if self.ignored:
            n = len(self.ignored)
            line += f"; ignored {plural(n, 'file')} that {'is' if n == 1 else 'are'} not .txt"
        return line


def indexed_articles(ix) -> dict[str, dict]:
    """Article id -> stored metadata, for every live article in the index."""
    out: dict[str, dict] = {}
    with ix.searcher() as s:
        for docnum in s.document_numbers(kind=ARTICLE_DOC):
            meta = s.stored_fields(docnum)["meta"]
            out[meta["article"]] = meta
    return out


def _indexed_bigrams(searcher, article: str) -> set[int]:
    """The bigrams of an article as indexed (to uncount them)."""
    return article_bigrams(syllable_surfaces(text) for _, text in stored_paragraphs(searcher, article))


def count_bigrams(ix, corpus_bytes: int) -> BigramCounts:
    """Count the bigram sketch from the index's stored text. An article's documents are
    consecutive (added together, into one segment), so this streams."""
    with ix.searcher() as s:
        counts = BigramCounts(size_for(corpus_bytes))
        article_of = PostingReader(s.reader()).article_of
        current, texts = None, []
        for docnum, fields in s.reader().iter_docs():
            if "text" not in fields:
                continue
            article = article_of(docnum)
            if article != current:
                if texts:
                    counts.add(article_bigrams(texts))
                current, texts = article, []
            texts.append(syllable_surfaces(fields["text"]))
        if texts:
            counts.add(article_bigrams(texts))
    return counts


def _save_vocabulary(store: IndexStore, name: str, ix) -> None:
    """Write the index's folded vocabulary unless the file is already the current one's."""
    path, generation = store.vocabulary_path(name), ix.latest_generation()
    if not vocabulary.is_current(path, generation):
        with ix.reader() as reader:
            vocabulary.save(path, generation, folded_syllables(reader))


def _current_bigrams(store: IndexStore, name: str, ix, articles: int,
                     corpus_bytes: int) -> tuple[BigramCounts, bool]:
    """The live sketch, or a new count when it is missing, damaged, counted for another
    generation (a crash after a commit) or too small for the corpus now; True when new."""
    loaded = BigramCounts.load(store.bigrams_path(name))
    if loaded is not None:
        counts, generation = loaded
        if (generation == ix.latest_generation() and counts.articles == articles
                and counts.size * 4 >= size_for(corpus_bytes)):
            return counts, False
    return count_bigrams(ix, corpus_bytes), True


def _apply(writer, removed: list[str], written: Written, stats: dict[str, FileStat],
           known: dict[str, dict], report: UpdateReport, warn: WarnFn, bigrams: BigramCounts,
           before, skipped: dict[str, list]) -> bool:
    """Delete what the written articles replace and what left the corpus (``before``
    searches the index as it was, to uncount their bigrams); ``known``, ``report`` and
    ``skipped`` (article -> size, mtime and why, of files that could not be read) follow.
    True when anything changed."""
    changed = False
    for article in removed:
        bigrams.remove(_indexed_bigrams(before, article))
        writer.delete_by_term("article", article)
        report.removed += 1
        changed = True
    for outcome in written.outcomes:
        article = outcome.article
        if outcome.status == SKIPPED:
            report.skipped.append((str(stats[article].path), outcome.error))
            skipped[article] = [stats[article].size, stats[article].mtime_ns, outcome.error]
            warn(f"skipped {stats[article].path}: {outcome.error}")
            if article in known:
                report.unchanged += 1
            continue
        if outcome.status == TOUCHED:  # its new article document replaces the old one
            writer.delete_by_query(And([Term("kind", ARTICLE_DOC), Term("article", article)]))
            report.unchanged += 1
        elif outcome.status == UPDATED:
            bigrams.remove(_indexed_bigrams(before, article))
            writer.delete_by_term("article", article)
            report.updated += 1
        else:
            report.added += 1
        known[article] = {"paragraphs": outcome.paragraphs}  # all that is read from here on
        if outcome.encoding and outcome.status != TOUCHED:
            report.decoded.append((str(stats[article].path), outcome.encoding))
        changed = True
    return changed


def update_index(corpus: Path, store: IndexStore, rebuild: bool = False,
                 progress: ProgressFn | None = None, warn: WarnFn | None = None,
                 procs: int | None = None, listing: Listing | None = None,
                 bigram_bytes: int | None = None) -> UpdateReport:
    """Bring the index in line with the corpus folder; from scratch with ``rebuild``.
    ``listing``: the corpus files to hold (a shard's share, see :mod:`.shards`), else all;
    ``bigram_bytes``: the corpus size the bigram sketch is sized for, else the listing's.

    Raises :class:`~searcher.errors.IndexBusy` when another update runs and
    :class:`~searcher.errors.CorpusError` for a missing corpus; a file that cannot be read
    is reported through ``warn`` and skipped (an already indexed version is kept).
    """
    t0 = time.perf_counter()
    report = UpdateReport()
    warn = warn or (lambda message: None)
    if listing is None:
        listing = list_corpus(Path(corpus))  # fails early on a bad corpus path
    stats = {s.article: s for s in listing.files}
    report.ignored = [str(p) for p in listing.ignored]
    corpus_bytes = bigram_bytes or sum(s.size for s in stats.values())
    store.check_folder()
    with store.update_lock():
        if not store.keep_files:
            store.remove_unused()
        try:
            current = store.pointer()
        except IndexDamaged:
            current = {"name": "main_0000", "schema": None}
        fresh = rebuild or current is None or current.get("schema") != SCHEMA_VERSION
        known: dict[str, dict] = {}
        if not fresh:
            name = current["name"]
            try:
                ix = store.open_writable(name)
                known = indexed_articles(ix)
            except Exception as exc:  # damaged files: start again rather than fail
                warn(f"the index is damaged ({type(exc).__name__}); rebuilding it from scratch")
                fresh = True
        report.rebuilt = fresh and current is not None
        if fresh:
            name = store.new_name()
            ix = store.create(name)
            known = {}
            bigrams, recounted = BigramCounts(size_for(corpus_bytes)), True
        else:
            bigrams, recounted = _current_bigrams(store, name, ix, len(known), corpus_bytes)

        removed = [a for a in known if a not in stats]
        candidates = [s for a, s in stats.items()
                      if a not in known or known[a]["size"] != s.size
                      or known[a]["mtime_ns"] != s.mtime_ns]
        # Files skipped before and unchanged since are not read again, only counted.
        was_skipped = {} if fresh else current.get("skipped") or {}
        skipped: dict[str, list] = {}
        to_read = []
        for s in candidates:
            record = was_skipped.get(s.article)
            if record and record[:2] == [s.size, s.mtime_ns]:
                skipped[s.article] = record
                report.still_skipped.append((str(s.path), record[2]))
            else:
                to_read.append(s)
        candidates = to_read
        report.unchanged = len(stats) - len(candidates)

        if fresh or removed or candidates:  # nothing to do: no writer at all
            parallel = len(candidates) >= PARALLEL_THRESHOLD
            nprocs = (procs or min(os.cpu_count() or 1, 4)) if parallel else 1
            before = ix.searcher()
            writer = ix.writer(limitmb=WRITER_MB)  # deletions, and merging small segments
            try:
                written = write_articles([Task(s, known.get(s.article)) for s in candidates],
                                         ix.storage, ix.indexname, ix.schema, bigrams, nprocs,
                                         progress)
                changed = _apply(writer, removed, written, stats, known, report, warn, bigrams,
                                 before, skipped)
                if changed or fresh:
                    commit_with_segments(writer, written.segments, merge=not fresh)
                    recounted = True
                else:
                    writer.cancel()
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise
            finally:
                before.close()
        if recounted:  # after the commit: see the module docstring of searcher.bigrams
            bigrams.save(store.bigrams_path(name), ix.latest_generation())
        _save_vocabulary(store, name, ix)
        for article in removed:
            known.pop(article, None)
        report.articles = len(known)
        report.paragraphs = sum(m["paragraphs"] for m in known.values())
        summary = {"corpus": str(Path(corpus).resolve()), "articles": report.articles,
                   "paragraphs": report.paragraphs, "skipped": skipped}
        store.publish(name, **summary)
        if fresh and not store.keep_files:
            store.remove_unused()
        report.name, report.generation = name, ix.latest_generation()
    report.seconds = time.perf_counter() - t0
    return report
