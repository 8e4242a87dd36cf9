"""One consistent view of an index for searching: a single index, or every shard of a
sharded one (see :mod:`.shards`) at the generation its manifest names, as one reader.

A sharded index searched in this process reads its shards' segments as the segments of one
index: document frequencies, lengths and posting lists are the whole corpus's, so ranking
needs no statistics of its own. The bigram sketches and vocabularies of the shards are
read together (see :class:`~.bigrams.BigramFrequencies`, :class:`~.lexicon.Lexicon`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whoosh.reading import EmptyReader, MultiReader

from .store import IndexStore, opening
from .whoosh.generations import open_generation


@dataclass
class Snapshot:
    """An open reader over the live index, with the files that go with it."""

    reader: object
    summary: dict  # the pointer's (or the manifest's) corpus, counts, skipped files
    vocabularies: list[tuple[Path, int]]  # (file, the generation it must be made for)
    bigrams: list[Path]
    shards: int  # 1 for a single index


def open_snapshot(store: IndexStore, manifest: dict | None = None) -> Snapshot:
    """The live index at ``store``; the errors of :meth:`IndexStore.open`. Of a sharded
    index, ``manifest``: the state to open (default: the live one), such as one shard of
    it."""
    if manifest is not None:
        store.check_schema(manifest)
        return _open_shards(store, manifest)
    if not store.sharded():
        ix, reader, pointer = store.open_reader()
        name = ix.indexname
        return Snapshot(reader, pointer,
                        [(store.vocabulary_path(name), reader.generation())],
                        [store.bigrams_path(name)], 1)

    def attempt(live: dict | None) -> Snapshot:
        if live is None:  # the manifest went while opening: a single index replaced it
            return open_snapshot(store)
        store.check_schema(live)
        return _open_shards(store, live)
    return opening(store.path, store.manifest, attempt)


def _open_shards(store: IndexStore, manifest: dict) -> Snapshot:
    leaves, vocabularies, bigrams, schema = [], [], [], None
    for shard in manifest["shards"]:
        part = IndexStore(store.path / shard["folder"])
        generation = int(shard["generation"])
        reader = open_generation(part.path, shard["name"], generation)
        schema = reader.schema
        leaves.extend(leaf for leaf, _ in reader.leaf_readers() if leaf.doc_count_all())
        vocabularies.append((part.vocabulary_path(shard["name"]), generation))
        bigrams.append(part.bigrams_path(shard["name"]))
    reader = (MultiReader(leaves) if len(leaves) > 1 else leaves[0] if leaves
              else EmptyReader(schema))
    return Snapshot(reader, manifest, vocabularies, bigrams, len(manifest["shards"]))
