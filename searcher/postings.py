"""Fast reads of posting lists, for candidate retrieval.

Whoosh's matcher API costs several Python calls per posting; candidate retrieval only needs
the document numbers of a term, so this reads them a block at a time from each segment.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

# Documents whose article id is remembered (about 100 bytes each); emptied when full, so a
# long session on a big index stays bounded (clearing only costs looking ids up again).
ARTICLE_CACHE = 1 << 18
# Long posting lists (common words) recur in query after query: those read lately are kept
# as sets, up to this many document numbers in all (some 60 MB), least recently used dropped.
SET_CACHE_BUDGET = 1_000_000
SET_CACHE_MIN = 512  # shorter lists are cheap to read again


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
        self._sets: OrderedDict[tuple[str, tuple[str, ...]], frozenset[int]] = OrderedDict()
        self._set_sizes = 0

    def forget(self) -> None:
        """Drop the remembered sets (to measure what a first query costs)."""
        self._sets.clear()
        self._set_sizes = 0

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
        """Documents holding ``term`` in any of ``fields`` (:meth:`docs` as a set); long
        ones are remembered (see SET_CACHE_BUDGET)."""
        key = (term, fields)
        got = self._sets.get(key)
        if got is not None:
            self._sets.move_to_end(key)
            return got
        got = frozenset(self.docs(fields[0], term))
        for f in fields[1:]:
            got = got.union(self.docs(f, term))
        if SET_CACHE_MIN <= len(got) <= SET_CACHE_BUDGET:
            while self._set_sizes + len(got) > SET_CACHE_BUDGET:
                self._set_sizes -= len(self._sets.popitem(last=False)[1])
            self._sets[key] = got
            self._set_sizes += len(got)
        return got
