"""`searcher stats`: what the index holds."""
from __future__ import annotations

from pathlib import Path

from .store import IndexStore


def index_stats(index: Path, corpus: Path) -> dict:
    """Articles, paragraphs, distinct terms (exact syllables and words), size on disk."""
    store = IndexStore(index)
    ix = store.open()
    pointer = store.pointer() or {}
    with ix.reader() as reader:
        terms = sum(1 for _ in reader.lexicon("syl")) + sum(1 for _ in reader.lexicon("wordf"))
    return {
        "articles": int(pointer.get("articles", 0)),
        "paragraphs": int(pointer.get("paragraphs", 0)),
        "terms": terms,
        "index_bytes": store.size_bytes(),
        "corpus": pointer.get("corpus") or str(Path(corpus).resolve()),
        "index": str(Path(index).resolve()),
        "updated": pointer.get("updated"),
    }
