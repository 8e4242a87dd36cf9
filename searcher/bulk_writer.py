"""Analyzed documents -> a new Whoosh segment, written in bulk.

Whoosh's own writer sends every posting through a chain of Python calls: the analyzer's
token generators, a posting pool that sorts all postings of a segment (spilling sorted runs to
disk and merging them back), then one ``add_posting`` call per posting. That was three
quarters of a build's time, against a quarter for word segmentation (cProfile, 1,000 VNTC
articles). Documents reach a segment in document-number order, so each term's postings are
already sorted when they are appended to that term's own arrays: only terms get sorted, not
postings. Past a memory bound the arrays go to disk as a run sorted by term, and the runs are
merged term by term (a term's arrays from consecutive runs just concatenate). The segment is
written term by term, a block of 128 postings at a time, through Whoosh's own block encoder, so the files are the ones Whoosh writes (a test compares every posting, length and
stored field with Whoosh's writer on the same documents).

Text fields come in pre-analyzed (term -> count, from :func:`searcher.analysis.index_terms`);
other indexed fields (ids, dates) go through their Whoosh field as usual. The schema's
indexed fields must record frequencies or existence only, at boost 1 (ours do).
"""
from __future__ import annotations

import ctypes
import heapq
import os
import struct
from array import array
from operator import itemgetter
from typing import Iterator, Mapping

from whoosh.codec import default_codec
from whoosh.formats import Existence, Frequency

from .whoosh_compact import SegmentLengths, dump_chunked, load_chunked

# Postings held in memory before a sorted run goes to disk: with the term dictionary, about
# 100 MB per process.
SPILL_POSTINGS = 6_000_000
RUN_CHUNK_POSTINGS = 100_000  # postings pickled together in a run file (the merge holds one
                              # chunk of each run)
_NATIVE_BIG_ENDIAN = struct.pack("=I", 1) == struct.pack("!I", 1)  # pack_uint is "!I"


class UnsupportedField(ValueError):
    """A schema field the bulk writer cannot write exactly as Whoosh would."""


def _check_schema(schema) -> None:
    for name, field in schema.items():
        if not field.indexed:
            continue
        fmt = field.format
        if type(fmt) not in (Existence, Frequency) or fmt.field_boost != 1.0:
            raise UnsupportedField(f"field {name!r}: {type(fmt).__name__} "
                                   f"(boost {fmt.field_boost}) is not supported")
        if field.vector or field.separate_spelling():
            raise UnsupportedField(f"field {name!r}: vectors and spelling are not supported")


def _frequency_bytes(freqs: array) -> bytes:
    """Whoosh's value bytes of a Frequency block: each count as a big-endian uint32."""
    out = array("I", freqs)
    if not _NATIVE_BIG_ENDIAN:
        out.byteswap()
    return out.tobytes()


def _write_term(postwriter, existence: bool, ids: array, freqs: array | None,
                lengths: array) -> None:
    """One term's postings through Whoosh's block encoder (block statistics as its
    ``add_posting`` keeps them), the last block by ``finish_postings`` as Whoosh does."""
    limit = postwriter._blocklimit
    n = len(ids)
    for start in range(0, n, limit):
        block = ids[start:start + limit]
        if existence:
            weights = array("f", [1.0]) * len(block)
            values = []
        else:
            counts = freqs[start:start + limit]
            weights = array("f", counts)
            values = [_frequency_bytes(counts)]
        postwriter._ids = block
        postwriter._weights = weights
        postwriter._values = values
        postwriter._maxweight = max(0, max(weights))
        lens = list(map(lengths.__getitem__, block))
        postwriter._minlength = min(filter(None, lens), default=None)
        postwriter._maxlength = max(0, max(lens))
        if start + limit < n:
            postwriter._write_block()


def _add_existence(table: dict, docnum: int, terms) -> None:
    for term in terms:
        ids = table.get(term)
        if ids is None:
            ids = table[term] = array("I")
        ids.append(docnum)


def _add_frequencies(table: dict, docnum: int, terms: Mapping[str, int]) -> None:
    for term, freq in terms.items():
        entry = table.get(term)
        if entry is None:
            entry = table[term] = (array("I"), array("H"))
        entry[0].append(docnum)
        try:
            entry[1].append(freq)
        except OverflowError:  # more than 65,535 in one document: widen
            table[term] = (entry[0], array("I", entry[1]))
            table[term][1].append(freq)


def _return_free_memory() -> None:
    """Give the freed arrays' memory back to the system (glibc keeps it otherwise, and a
    worker's resident size would creep up run after run); a no-op elsewhere."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _sorted_entries(terms: dict) -> Iterator[tuple[str, str, object]]:
    for name in sorted(terms):
        table = terms[name]
        for term in sorted(table):  # str order is UTF-8 byte order, Whoosh's term order
            yield name, term, table[term]


def _entry_size(entry: tuple) -> int:
    postings = entry[2]
    return 1 + len(postings if isinstance(postings, array) else postings[0])


def _read_run(path: str) -> Iterator[tuple[str, str, object]]:
    with open(path, "rb") as f:
        yield from load_chunked(f)


def _concat(parts: list):
    """One term's postings from consecutive runs (document numbers keep increasing)."""
    if len(parts) == 1:
        return parts[0]
    if isinstance(parts[0], array):  # existence: document numbers only
        ids = array("I")
        for p in parts:
            ids.extend(p)
        return ids
    ids, freqs = array("I"), array("I" if any(p[1].typecode == "I" for p in parts) else "H")
    for p_ids, p_freqs in parts:
        ids.extend(p_ids)
        freqs.extend(p_freqs)
    return ids, freqs


def _merged(sources: list[Iterator]) -> Iterator[tuple[str, str, object]]:
    """Sorted runs merged term by term (not posting by posting)."""
    key, parts = None, []
    for name, term, entry in heapq.merge(*sources, key=itemgetter(0, 1)):
        if (name, term) != key:
            if parts:
                yield key[0], key[1], _concat(parts)
            key, parts = (name, term), []
        parts.append(entry)
    if parts:
        yield key[0], key[1], _concat(parts)


class SegmentBuilder:
    """Documents added in order become one new segment of the index when finished.

    Postings are held in memory (about 15 bytes each with the term dictionary) up to
    ``spill_postings``; then they go to disk as a run sorted by term, and :meth:`finish`
    merges the runs term by term, so one segment of any size fits in bounded memory.
    """

    def __init__(self, storage, indexname: str, schema, codec=None,
                 spill_postings: int = SPILL_POSTINGS):
        _check_schema(schema)
        self.codec = codec or default_codec()
        self.storage = storage
        self.schema = schema
        self.segment = self.codec.new_segment(storage, indexname)
        self._perdoc = self.codec.per_document_writer(storage, self.segment)
        # field -> term -> document numbers (existence fields) or (numbers, counts)
        self._terms: dict[str, dict[str, array | tuple[array, array]]] = {}
        self._docnum = 0
        self._held = 0
        self._spill_postings = spill_postings
        self._runs: list[str] = []

    def add_document(self, fields: Mapping[str, object],
                     terms: Mapping[str, Mapping[str, int]] | None = None) -> None:
        """Like Whoosh's ``add_document(**fields)``; ``terms`` gives the analyzed terms (and
        counts) of text fields, which are then not analyzed again."""
        terms = terms or {}
        schema, perdoc, docnum = self.schema, self._perdoc, self._docnum
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                given = terms.get(name)
                if given is None:
                    given = {t.decode("utf-8"): f for t, f, _, _ in field.index(value)}
                table = self._terms.get(name)
                if table is None:
                    table = self._terms[name] = {}
                if isinstance(field.format, Existence):
                    _add_existence(table, docnum, given)
                    length = len(given)
                else:
                    _add_frequencies(table, docnum, given)
                    length = sum(given.values())
                self._held += len(given)
                if not field.scorable:
                    length = 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._docnum += 1
        if self._held >= self._spill_postings:
            self._spill()

    def _spill(self) -> None:
        """The postings held so far to a run file (named as a file of this segment, so a
        crash leaves nothing that cleanup misses), sorted by field and term."""
        path = os.path.join(self.storage.folder,
                            self.segment.make_filename(f".run{len(self._runs)}"))
        self._runs.append(path)
        with open(path, "wb") as f:
            dump_chunked(_sorted_entries(self._terms), f, RUN_CHUNK_POSTINGS, _entry_size)
        self._terms = {}
        self._held = 0
        _return_free_memory()

    def _remove_runs(self) -> None:
        for path in self._runs:
            try:
                os.remove(path)
            except OSError:
                pass
        self._runs = []

    def finish(self):
        """Write the postings, close the files, assemble them into one compound file as
        Whoosh does; return the segment for the table of contents."""
        perdoc = self._perdoc
        perdoc.close()
        self.segment.set_doc_count(self._docnum)
        reader = self.codec.per_document_reader(self.storage, self.segment)
        lengths = SegmentLengths(reader)
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        sources = [_read_run(path) for path in self._runs] + [_sorted_entries(self._terms)]
        try:
            current = None
            for name, term, entry in _merged(sources):
                if name != current:
                    if current is not None:
                        fieldwriter.finish_field()
                    current, field = name, self.schema[name]
                    existence = isinstance(field.format, Existence)
                    field_lengths = lengths.field(name)
                    fieldwriter.start_field(name, field)
                    postwriter = fieldwriter._postwriter
                ids, freqs = (entry, None) if existence else entry
                fieldwriter.start_term(term.encode("utf-8"))
                _write_term(postwriter, existence, ids, freqs, field_lengths)
                fieldwriter.finish_term()
            if current is not None:
                fieldwriter.finish_field()
        finally:
            reader.close()
            fieldwriter.close()
            self._terms = {}
            self._remove_runs()  # before assembling: the compound file takes every file
        if self.segment.should_assemble():
            self.segment.create_compound_file(self.storage)
        return self.segment

    def cancel(self) -> None:
        """Close the files; the segment is never listed, so the next commit's cleanup (or
        the store's) deletes them."""
        if not self._perdoc.is_closed:
            self._perdoc.close()
        self._terms = {}
        self._remove_runs()


def commit_with_segments(writer, segments: list, merge: bool = True) -> None:
    """Commit a Whoosh ``SegmentWriter`` (its deletions, its own documents, its merging of
    small segments unless ``merge`` is False) with ``segments`` listed in the same new table
    of contents: one atomic switch for readers."""
    writer._check_state()
    final = writer._merge_segments(None, False, merge)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + list(segments))
    writer._finish()
