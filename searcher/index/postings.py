"""Fast reads of posting lists, for candidate retrieval.

Whoosh's matcher API costs several Python calls per posting; candidate retrieval only needs
the document numbers of a term, so this reads them a block at a time from each segment.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from functools import lru_cache

from whoosh.reading import TermNotFound

from .cache import LRUCache, shared
from .whoosh.compact import matcher_blocks

# Documents whose article id is remembered (about 100 bytes each).
ARTICLE_IDS = 1 << 18
# Terms whose document frequency is remembered.
FREQUENCIES = 1 << 16
# Common words recur in query after query: their documents are kept as bitmaps (one bit a
# document: compact, and as fast as a set to test), up to this many bytes in all.
BITMAP_CACHE_BYTES = 32 << 20
# Distinctive words recur too (a session's queries share their subject): their documents are
# kept as arrays (8 bytes a document, and nothing for the garbage collector to walk, unlike
# sets), up to this many documents in all.
SET_CACHE_DOCS = 1 << 20


class PostingReader:
    """Document numbers and frequencies of terms, across the segments of one reader."""

    def __init__(self, reader, counts: "PostingReader | None" = None, share: float = 1.0):
        """``counts``: where document frequencies are read, when not from ``reader`` (the
        whole index's, for a reader of one shard); ``share``: the part of the usual
        caches to keep (for one shard among several in a process)."""
        self.reader = reader
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        self.leaves = list(leaves)
        self._offsets = [offset for _, offset in self.leaves]
        self._columns: list | None = None
        self.article_of = lru_cache(maxsize=shared(ARTICLE_IDS, share))(self._read_article_of)
        self.doc_frequency = (counts.doc_frequency if counts is not None else
                              lru_cache(maxsize=FREQUENCIES)(self._read_doc_frequency))
        self._bitmaps: LRUCache[bytes] = LRUCache(shared(BITMAP_CACHE_BYTES, share), len)
        self._sets: LRUCache[array] = LRUCache(shared(SET_CACHE_DOCS, share), len)

    def remembered(self) -> dict[str, int]:
        """What the session keeps: documents in remembered sets, bytes of bitmaps."""
        return {"set_docs": self._sets.used, "bitmap_bytes": self._bitmaps.used}

    def remembers(self, term: str, *fields: str) -> bool:
        """Whether the documents of ``term`` in ``fields`` are remembered (as a set)."""
        return (term, fields) in self._sets

    def forget(self) -> None:
        """Drop the remembered bitmaps and sets (to measure what a first query costs)."""
        self._bitmaps.clear()
        self._sets.clear()

    def _read_article_of(self, docnum: int) -> str:
        """The article id of a document, from the `article` column (no stored-field read)."""
        if self._columns is None:
            self._columns = [leaf.column_reader("article") for leaf, _ in self.leaves]
        i = bisect_right(self._offsets, docnum) - 1
        value = self._columns[i][docnum - self._offsets[i]]
        return value.decode("utf-8") if isinstance(value, bytes) else value

    def _read_doc_frequency(self, field: str, term: str) -> int:
        try:
            return self.reader.doc_frequency(field, term)
        except (TermNotFound, KeyError, ValueError):
            return 0

    def docs(self, field: str, term: str) -> list[int]:
        """Document numbers holding ``term`` in ``field`` (deleted ones included)."""
        out: list[int] = []
        for leaf, offset in self.leaves:
            try:
                m = leaf.postings(field, term)
            except (TermNotFound, KeyError, ValueError):
                continue
            for ids in matcher_blocks(m):
                out.extend([offset + i for i in ids] if offset else ids)
        return out

    def doc_set(self, term: str, *fields: str) -> frozenset[int]:
        """Documents holding ``term`` in any of ``fields``. Remembered (SET_CACHE_DOCS)."""
        key = (term, fields)
        kept = self._sets.get(key)
        if kept is not None:
            return frozenset(kept)
        got = frozenset(self.docs(fields[0], term))
        for f in fields[1:]:
            got = got.union(self.docs(f, term))
        self._sets.put(key, array("q", got))
        return got

    def doc_bitmap(self, term: str, *fields: str) -> bytes:
        """Documents holding ``term`` in any of ``fields`` as a bitmap: document ``d`` is
        bit ``d & 7`` of byte ``d >> 3``. Remembered (BITMAP_CACHE_BYTES)."""
        key = (term, fields)
        got = self._bitmaps.get(key)
        if got is not None:
            return got
        bits = bytearray((self.reader.doc_count_all() + 7) >> 3)
        for f in fields:
            for d in self.docs(f, term):
                bits[d >> 3] |= 1 << (d & 7)
        return self._bitmaps.put(key, bytes(bits))


def bitmap_and(a: bytes, b: bytes) -> bytes:
    """Documents in both bitmaps."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")
