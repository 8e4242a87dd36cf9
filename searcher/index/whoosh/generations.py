"""Opening a Whoosh index at a generation that is not its latest: a sharded index's
manifest names each shard's generation (see :mod:`searcher.index.shards`), and until the
manifest moves on, a shard's newer commit must not be seen. Whoosh opens only the latest
table of contents; the older one is read here, and its segments opened as Whoosh would."""
from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex


def open_generation(folder: Path, indexname: str, generation: int, mmap: bool = True):
    """A reader of the index ``indexname`` in ``folder`` as generation ``generation`` left
    it; OSError when its table of contents or a segment is gone (a later update cleaned
    them up). Without ``mmap`` segments are read through their files: Whoosh copies each
    part of a memory-mapped compound segment (its postings, its terms) into memory."""
    storage = FileStorage(str(folder), readonly=True, supports_mmap=mmap)
    toc = TOC.read(storage, indexname, gen=generation)
    return FileIndex._reader(storage, toc.schema, toc.segments, toc.generation)
