"""Reading a memory-mapped compound segment in place.

Whoosh maps a compound segment file (a segment's postings, terms and columns in one file)
and hands out each part as a ``BufferFile``, whose ``io.BytesIO`` copies the part into the
process's memory: opening an index reads all of it from disk and holds it twice (once in
the system's file cache, once copied). :class:`MappedFile` reads the same bytes through a
``memoryview`` of the map instead, so only the pages a query touches are read, and they
stay shared with the file cache (and with every process that maps the same segment).
"""
from __future__ import annotations

import os

from whoosh.codec import base
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile


class _View:
    """The file interface Whoosh's ``StructFile`` reads through (read, seek, tell), over a
    ``memoryview``; ``read`` copies only what it returns."""

    def __init__(self, buf: memoryview):
        self.buf, self.pos, self.size = buf, 0, len(buf)

    def read(self, n: int = -1) -> bytes:
        start = self.pos
        end = self.size if n is None or n < 0 else min(start + n, self.size)
        self.pos = end
        return self.buf[start:end].tobytes()

    def readline(self, limit: int = -1) -> bytes:
        start = self.pos
        end = self.size if limit is None or limit < 0 else min(start + limit, self.size)
        for i in range(start, end):
            if self.buf[i] == 10:
                end = i + 1
                break
        self.pos = end
        return self.buf[start:end].tobytes()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base_ = {os.SEEK_SET: 0, os.SEEK_CUR: self.pos, os.SEEK_END: self.size}[whence]
        self.pos = max(0, base_ + offset)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.buf.release()


class MappedFile(BufferFile):
    """A part of a mapped compound segment, read in place (see the module's docstring)."""

    def __init__(self, buf, name=None, onclose=None):
        self._buf = memoryview(buf)
        self._name = name
        self.file = _View(self._buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position, length, name=None):
        return MappedFile(self._buf[position:position + length], name=name or self._name)

    def get(self, position, length):
        return self._buf[position:position + length].tobytes()


class MappedCompoundStorage(CompoundStorage):
    """Whoosh's compound storage, its parts handed out as :class:`MappedFile` when mapped."""

    def open_file(self, name, *args, **kwargs):
        if self.is_closed or not self._source:  # Whoosh's errors, or its unmapped parts
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return MappedFile(memoryview(self._source)[offset:offset + length], name=name)


def install() -> None:
    """Open every compound segment from now on with :class:`MappedCompoundStorage`
    (idempotent; Whoosh's version is checked by :func:`.compact.install`)."""
    base.CompoundStorage = MappedCompoundStorage
