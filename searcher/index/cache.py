"""One bounded cache for what a search session keeps: least recently used entries go first,
past a bound on their total size (each entry's size given by ``size``: 1 by default, or the
bytes or documents it holds)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")


def shared(capacity: int, share: float) -> int:
    """``share`` of a cache's usual ``capacity`` (at least one entry): for one of several
    shards held in one process, each of which sees its share of a query's documents."""
    return max(1, int(capacity * share))


class LRUCache(Generic[V]):
    """A mapping that keeps at most ``capacity`` in entry sizes; an entry larger than the
    whole capacity is not kept (it would empty the cache and still overrun it)."""

    __slots__ = ("capacity", "_size_of", "_entries", "used")

    def __init__(self, capacity: int, size: Callable[[V], int] | None = None):
        self.capacity = capacity
        self._size_of = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self.used = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` for ``key``, dropping the least recently used past the capacity;
        returns ``value``."""
        size = self._size(value)
        if size > self.capacity:
            return value
        entries = self._entries
        if key in entries:
            self.used -= self._size(entries.pop(key))
        while entries and self.used + size > self.capacity:
            self.used -= self._size(entries.popitem(last=False)[1])
        entries[key] = value
        self.used += size
        return value

    def _size(self, value: V) -> int:
        return 1 if self._size_of is None else self._size_of(value)

    def clear(self) -> None:
        self._entries.clear()
        self.used = 0
