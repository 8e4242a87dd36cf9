"""Fast reads of posting lists, for candidate retrieval.

Whoosh's matcher API costs several Python calls per posting; candidate retrieval only needs
the document numbers of a term, so this reads them a block at a time from each segment.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import OrderedDict

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

# Documents whose article id is remembered (about 100 bytes each); emptied when full, so a
# long session on a big index stays bounded (clearing only costs looking ids up again).
ARTICLE_CACHE = 1 << 18
# Common words recur in query after query: their documents are kept as bitmaps (one bit a
# document: compact, and as fast as a set to test), least recently used dropped past this.
BITMAP_CACHE_BYTES = 32 << 20
# Distinctive words recur too (a session's queries share their subject): their documents are
# kept as arrays (8 bytes a document, and nothing for the garbage collector to walk, unlike
# sets), least recently used dropped past this many documents in all.
SET_CACHE_DOCS = 1 << 20


class PostingReader:
    """Document numbers and frequencies of terms, across the segments of one reader."""

    def __init__(self, reader):
        self.reader = reader
        leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        self.leaves = list(leaves)
        self._offsets = [offset for _, offset in self.leaves]
        self._columns: list | None = None
        self._df_cache: dict[tuple[str, str], int] = {}
        self._article_cache: dict[int, str] = {}
        self._bitmaps: OrderedDict[tuple[str, tuple[str, ...]], bytes] = OrderedDict()
        self._bitmap_bytes = 0
        self._sets: OrderedDict[tuple[str, tuple[str, ...]], array] = OrderedDict()
        self._set_docs = 0

    def forget(self) -> None:
        """Drop the remembered bitmaps and sets (to measure what a first query costs)."""
        self._bitmaps.clear()
        self._bitmap_bytes = 0
        self._sets.clear()
        self._set_docs = 0

    def article_of(self, docnum: int) -> str:
        """The article id of a document, from the `article` column (no stored-field read)."""
        got = self._article_cache.get(docnum)
        if got is not None:
            return got
        if self._columns is None:
            self._columns = [leaf.column_reader("article") for leaf, _ in self.leaves]
        i = bisect_right(self._offsets, docnum) - 1
        value = self._columns[i][docnum - self._offsets[i]]
        value = value.decode("utf-8") if isinstance(value, bytes) else value
        if len(self._article_cache) >= ARTICLE_CACHE:
            self._article_cache.clear()
        self._article_cache[docnum] = value
        return value

    def doc_frequency(self, field: str, term: str) -> int:
        key = (field, term)
        df = self._df_cache.get(key)
        if df is None:
            try:
                df = self.reader.doc_frequency(field, term)
            except (TermNotFound, KeyError, ValueError):
                df = 0
            self._df_cache[key] = df
        return df

    def docs(self, field: str, term: str) -> list[int]:
        """Document numbers holding ``term`` in ``field`` (deleted ones included)."""
        out: list[int] = []
        for leaf, offset in self.leaves:
            try:
                m = leaf.postings(field, term)
            except (TermNotFound, KeyError, ValueError):
                continue
            if isinstance(m, W3LeafMatcher):
                while m.is_active():
                    if m._ids is None:
                        m._read_ids()
                    ids = m._ids
                    out.extend([offset + i for i in ids] if offset else ids)
                    m._next_block()
            else:
                out.extend(offset + i for i in m.all_ids())
        return out

    def doc_set(self, term: str, *fields: str) -> frozenset[int]:
        """Documents holding ``term`` in any of ``fields``. Remembered (SET_CACHE_DOCS)."""
        key = (term, fields)
        kept = self._sets.get(key)
        if kept is not None:
            self._sets.move_to_end(key)
            return frozenset(kept)
        got = frozenset(self.docs(fields[0], term))
        for f in fields[1:]:
            got = got.union(self.docs(f, term))
        if len(got) <= SET_CACHE_DOCS:
            while self._set_docs + len(got) > SET_CACHE_DOCS:
                self._set_docs -= len(self._sets.popitem(last=False)[1])
            self._sets[key] = array("q", got)
            self._set_docs += len(got)
        return got

    def doc_bitmap(self, term: str, *fields: str) -> bytes:
        """Documents holding ``term`` in any of ``fields`` as a bitmap: document ``d`` is
        bit ``d & 7`` of byte ``d >> 3``. Remembered (BITMAP_CACHE_BYTES)."""
        key = (term, fields)
        got = self._bitmaps.get(key)
        if got is not None:
            self._bitmaps.move_to_end(key)
            return got
        bits = bytearray((self.reader.doc_count_all() + 7) >> 3)
        for f in fields:
            for d in self.docs(f, term):
                bits[d >> 3] |= 1 << (d & 7)
        got = bytes(bits)
        while self._bitmaps and self._bitmap_bytes + len(got) > BITMAP_CACHE_BYTES:
            self._bitmap_bytes -= len(self._bitmaps.popitem(last=False)[1])
        self._bitmaps[key] = got
        self._bitmap_bytes += len(got)
        return got


def bitmap_and(a: bytes, b: bytes) -> bytes:
    """Documents in both bitmaps."""
    return (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(len(a), "little")
