"""`searcher stats`: what the index holds."""
from __future__ import annotations

from pathlib import Path

from .snapshot import open_snapshot
from .store import IndexStore


def index_stats(index: Path, corpus: Path) -> dict:
    """Articles, paragraphs, distinct terms (exact syllables and words), size on disk, and
    the shards (1 for a single index)."""
    store = IndexStore(index)
    snapshot = open_snapshot(store)
    summary = snapshot.summary
    reader = snapshot.reader
    try:
        terms = sum(1 for _ in reader.lexicon("syl")) + sum(1 for _ in reader.lexicon("wordf"))
    finally:
        reader.close()
    return {
        "articles": int(summary.get("articles", 0)),
        "paragraphs": int(summary.get("paragraphs", 0)),
        "terms": terms,
        "index_bytes": store.size_bytes(),
        "corpus": summary.get("corpus") or str(Path(corpus).resolve()),
        "index": str(Path(index).resolve()),
        "updated": summary.get("updated"),
        "shards": snapshot.shards,
    }
