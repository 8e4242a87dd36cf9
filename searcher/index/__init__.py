"""Analyzed articles -> the index on disk, and fast reads of it.

:mod:`.schema` (documents and fields), :mod:`.store` (the pointer to the live index, the
update lock, safe opening), :mod:`.indexer` (incremental updates and rebuilds),
:mod:`.article_writer` (articles -> segments, in worker processes), :mod:`.bigrams` (the
bigram sketch), :mod:`.postings` and :mod:`.lexicon` (what search reads), :mod:`.stats`,
:mod:`.cache` (the bounded cache every session cache uses), :mod:`.shards` (a sharded index:
its layout, manifest and updates), :mod:`.snapshot` (one view of it for searching); Whoosh's on-disk format, which
the writers produce directly, in :mod:`.whoosh`.

Names are imported from their module on first use, so that searching never loads the
writers (worker processes, the bulk writer).
"""
from importlib import import_module

_EXPORTS = {
    "BigramCounts": "bigrams", "BigramFrequencies": "bigrams", "LRUCache": "cache", "shared": "cache",
    "UpdateReport": "indexer", "update_index": "indexer", "Lexicon": "lexicon",
    "PostingReader": "postings", "bitmap_and": "postings", "ARTICLE_DOC": "schema",
    "PARAGRAPH_DOC": "schema", "SCHEMA_VERSION": "schema", "SYLLABLE_FIELDS": "schema",
    "make_schema": "schema", "index_stats": "stats", "POINTER": "store", "IndexStore": "store",
    "OutdatedIndex": "store", "stored_paragraphs": "store", "Snapshot": "snapshot",
    "open_snapshot": "snapshot", "update_layout": "shards", "shard_of": "shards",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
