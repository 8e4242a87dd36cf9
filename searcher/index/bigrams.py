"""Article-level document frequencies of folded syllable bigrams (`cong an`), in a sketch.

Consecutive query words found consecutive in an article count by how informative the pair
is, which needs each bigram's document frequency. As Whoosh terms, bigrams would cost a
term-dictionary entry each, and an article holds hundreds of them. A count-min sketch holds
the counts instead: two rows of 16-bit counters, a bigram counted in one counter per row and
read as the smaller of the two. It is small (a fraction of the corpus size), overestimates
only where bigrams collide (rarely enough not to change rankings), and adding or removing an
article is adding or subtracting one on its bigrams' counters. A counter saturates at its
largest value (such a bigram weighs next to nothing anyway) and then stays there until the
next rebuild.

The file `<index name>.bigrams` sits beside the Whoosh files: a header naming the Whoosh
generation it was counted for, then the counters. It is replaced atomically after each
commit; an update that finds it missing, damaged or counted for another generation (a crash
between the commit and the replacement) counts it again from the index's stored text.
Readers use whatever complete file is there: the counts are ranking statistics, and at worst
one update behind.
"""
from __future__ import annotations

import hashlib
import mmap
import os
import struct
from array import array
from functools import lru_cache
from itertools import repeat, starmap
from pathlib import Path
from typing import Iterable, Sequence

from ..analysis import fold_surface

MAGIC = b"SRCHBG1\n"
_HEADER = struct.Struct("<8sQQQ")  # magic, generation, counters per row, articles counted
ROWS = 2
BYTES_PER_COUNTER = 96  # counters per row: one per this many bytes of corpus
MIN_SIZE = 1 << 16
SATURATED = 0xFFFF
_MASK = (1 << 64) - 1


@lru_cache(maxsize=1 << 16)
def _syllable_hash(folded: str) -> int:
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little")


def bigram_hash(first: str, second: str) -> int:
    """A stable 64-bit hash of a pair of folded syllables."""
    h = ((_syllable_hash(first) * 0x9E3779B97F4A7C15) ^ _syllable_hash(second)) & _MASK
    h = ((h ^ (h >> 29)) * 0xBF58476D1CE4E5B9) & _MASK
    return h ^ (h >> 32)


def article_bigrams(paragraphs: Iterable[Sequence[str]]) -> set[int]:
    """Hashes of the distinct folded bigrams of an article, from each paragraph's
    syllables (:func:`searcher.syllables.syllable_surfaces`): pairs never span paragraphs.
    Each distinct pair is hashed once (news repeats many)."""
    pairs: set[tuple[str, str]] = set()
    for surfaces in paragraphs:
        folded = [f for f in map(fold_surface, surfaces) if f]
        pairs.update(zip(folded, folded[1:]))
    return set(starmap(bigram_hash, pairs))


def size_for(corpus_bytes: int) -> int:
    """Counters per row for a corpus of this size: a power of two."""
    return max(MIN_SIZE, 1 << max(corpus_bytes // BYTES_PER_COUNTER - 1, 1).bit_length())


class BigramCounts:
    """The sketch in memory, for an update: add and remove articles, then save."""

    def __init__(self, size: int, counters: array | None = None, articles: int = 0):
        self.size = size
        self.counters = counters if counters is not None else array("H", bytes(2 * ROWS * size))
        self.articles = articles

    def _slots(self, h: int) -> tuple[int, int]:
        mask = self.size - 1
        return h & mask, self.size + ((h >> 32) & mask)

    def add(self, bigrams: set[int]) -> None:
        """Count an article's bigrams (every article goes through here: kept lean)."""
        c, size = self.counters, self.size
        mask = size - 1
        for h in bigrams:
            slot = h & mask
            if c[slot] != SATURATED:
                c[slot] += 1
            slot = size + ((h >> 32) & mask)
            if c[slot] != SATURATED:
                c[slot] += 1
        self.articles += 1

    def remove(self, bigrams: set[int]) -> None:
        c = self.counters
        for h in bigrams:
            for slot in self._slots(h):
                if c[slot] != SATURATED:
                    c[slot] = max(c[slot] - 1, 0)
        self.articles = max(self.articles - 1, 0)

    def merge(self, other: "BigramCounts") -> None:
        """Add another sketch of the same size (counted from other articles), saturating as
        adding those articles here one by one would."""
        if other.size != self.size:
            raise ValueError("sketches of different sizes")
        self.counters = array("H", map(min, map(int.__add__, self.counters, other.counters),
                                       repeat(SATURATED)))
        self.articles += other.articles

    def save(self, path: Path, generation: int) -> None:
        """Write beside, flush, rename over: readers see the old or the new file."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            f.write(_HEADER.pack(MAGIC, generation, self.size, self.articles))
            self.counters.tofile(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> tuple["BigramCounts", int] | None:
        """The sketch and the generation it was counted for; None if missing or damaged."""
        try:
            data = path.read_bytes()
        except OSError:
            return None
        header = _read_header(data)
        if header is None:
            return None
        generation, size, articles = header
        counters = array("H")
        counters.frombytes(data[_HEADER.size:])
        return cls(size, counters, articles), generation


def _read_header(data) -> tuple[int, int, int] | None:
    if len(data) < _HEADER.size:
        return None
    magic, generation, size, articles = _HEADER.unpack_from(data)
    if magic != MAGIC or size < 1 or size & (size - 1) or len(data) != _HEADER.size + 2 * ROWS * size:
        return None
    return generation, size, articles


class BigramFrequencies:
    """Read-only document frequencies from the files (one per shard: their counters are
    added, as one sketch of the whole corpus would hold them), mapped, not read: opening is
    free."""

    def __init__(self, paths: Path | list[Path]):
        self._maps: list[mmap.mmap] = []
        self._views: list[memoryview] = []
        self.size = 0
        for path in [paths] if isinstance(paths, Path) else paths:
            try:
                with open(path, "rb") as f:
                    mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                continue
            header = _read_header(mm)
            if header is None or (self.size and header[1] != self.size):
                mm.close()
                continue
            self.size = header[1]
            self._maps.append(mm)
            self._views.append(memoryview(mm)[_HEADER.size:].cast("H"))

    def df(self, first: str, second: str) -> int:
        """Articles holding the folded bigram `first second` (an upper bound: collisions)."""
        views = self._views
        if not views:
            return 0
        h = bigram_hash(first, second)
        mask = self.size - 1
        one, two = h & mask, self.size + ((h >> 32) & mask)
        if len(views) == 1:
            return min(views[0][one], views[0][two])
        return min(sum(v[one] for v in views), sum(v[two] for v in views), SATURATED)

    def close(self) -> None:
        for view in self._views:
            view.release()
        for mm in self._maps:
            mm.close()
        self._views, self._maps = [], []
