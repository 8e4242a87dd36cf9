"""Opening a Whoosh index at a generation that is not its latest: a sharded index's
manifest names each shard's generation (see :mod:`searcher.index.shards`), and until the
manifest moves on, a shard's newer commit must not be seen. Whoosh opens only the latest
table of contents; the older one is read here, and its segments opened as Whoosh would."""
from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex


def open_generation(folder: Path, indexname: str, generation: int):
    """A reader of the index ``indexname`` in ``folder`` as generation ``generation`` left
    it; OSError when its table of contents or a segment is gone (a later update cleaned
    them up)."""
    storage = FileStorage(str(folder), readonly=True)
    toc = TOC.read(storage, indexname, gen=generation)
    return FileIndex._reader(storage, toc.schema, toc.segments, toc.generation)
