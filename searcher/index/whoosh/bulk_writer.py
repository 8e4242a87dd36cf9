"""Analyzed documents -> a new Whoosh segment, written in bulk.

Whoosh's own writer sends every posting through a chain of Python calls: the analyzer's
token generators, a posting pool that sorts all postings of a segment (spilling sorted runs to
disk and merging them back), then one ``add_posting`` call per posting, which costs more
than the word segmentation itself. Documents reach a segment in document-number order, so
each term's postings are
already sorted when they are appended to that term's own arrays: only terms get sorted, not
postings. Past a memory bound the arrays go to disk as a run sorted by term, and the runs are
merged term by term (a term's arrays from consecutive runs just concatenate). The segment is
written term by term, a block of 128 postings at a time, encoded as Whoosh's W3 codec
encodes them but a term at a time rather than a method call per posting and block: the
files are byte for byte the ones Whoosh writes (a test compares them, and every posting,
length and stored field, with Whoosh's writer on the same documents).

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
from collections import defaultdict
from functools import partial
from itertools import chain
from operator import itemgetter, sub
from typing import Iterator, Mapping

from whoosh import index as whoosh_index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from .compact import dump_chunked, encode_block, load_chunked

# Postings held in memory before a sorted run goes to disk (the memory bound of a writer).
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


# W3TermInfo's fields (flags, weight, df, min/max length bytes, max weight, first/last id)
# followed by the postings' extent (offset, length), as its ``to_bytes`` packs them.
_TERM_INFO = struct.Struct(W3TermInfo._struct.format + "qi")


def _term_bytes(existence: bool, ids: array, freqs: array | None, lengths: array,
                limit: int, compression: int) -> tuple[bytes, tuple]:
    """One term's postings as Whoosh's ``W3PostingsWriter`` writes them (blocks of ``limit``
    postings, through :func:`.compact.encode_block`, as it does), and the
    term's statistics as its ``W3TermInfo`` sums them block by block: Whoosh's bytes
    exactly (a test compares the files), without its per-posting and per-block calls."""
    parts = [WHOOSH3_HEADER_MAGIC]
    n = len(ids)
    weight, minlength, maxlength, maxweight = 0, None, 0, 0
    for start in range(0, n, limit):
        block = ids[start:start + limit]
        lens = list(map(lengths.__getitem__, block))
        block_min = min(filter(None, lens), default=None)
        block_max = max(0, max(lens))
        if existence:
            block_weight, weights, values = 1.0, None, None
            weight += float(len(block))
        else:
            counts = freqs[start:start + limit]
            top = max(counts)
            block_weight = float(top)
            weight += float(sum(counts))
            if top == 1:
                weights = None
            elif min(counts) == top:
                weights = block_weight
            else:
                weights = tuple(counts)  # whole numbers pickled as ints (see .compact)
            values = _frequency_bytes(counts)
        parts.append(encode_block(tuple(map(sub, block, chain((0,), block))), weights, values,
                                  len(block), block[-1], block_weight, block_min, block_max,
                                  compression, start + limit >= n))
        if minlength is None:
            minlength = block_min
        elif block_min is not None:
            minlength = min(minlength, block_min)
        maxlength = max(maxlength, block_max)
        maxweight = max(maxweight, block_weight)
    stats = (0, weight, n, 0 if minlength is None else length_to_byte(minlength),
             length_to_byte(maxlength), maxweight, ids[0], ids[-1])
    return b"".join(parts), stats


def _add_existence(table: dict, docnum: int, terms) -> None:
    for term in terms:
        table[term].append(docnum)


def _add_frequencies(table: dict, docnum: int, terms: Mapping[str, int]) -> None:
    # One 64-bit value per posting, the document number above the count: one append, and a
    # term's postings split into numbers and counts at C speed when written (_postings).
    base = docnum << 32
    for term, freq in terms.items():
        table[term].append(base | freq)


def _postings(packed: array) -> tuple[array, array]:
    """A frequency term's (document numbers, counts) from its packed values."""
    halves = array("I", packed.tobytes())
    if _NATIVE_BIG_ENDIAN:
        return halves[0::2], halves[1::2]
    return halves[1::2], halves[0::2]


def _pad(lengths: array, n: int) -> None:
    """Lengths of 0 up to document ``n`` (documents without the field)."""
    if len(lengths) < n:
        lengths.frombytes(bytes(lengths.itemsize * (n - len(lengths))))


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
    return 1 + len(entry[2])


def _read_run(path: str) -> Iterator[tuple[str, str, object]]:
    with open(path, "rb") as f:
        yield from load_chunked(f)


def _concat(parts: list[array]) -> array:
    """One term's postings from consecutive runs (document numbers keep increasing)."""
    if len(parts) == 1:
        return parts[0]
    out = array(parts[0].typecode)
    for p in parts:
        out.extend(p)
    return out


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

    Postings are held in memory (8 bytes each, or 4 without counts, plus the term dictionary) up to
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
        # field -> term -> document numbers (existence fields: array "I") or packed
        # (number << 32 | count) values (frequency fields: array "Q")
        self._terms: dict[str, defaultdict[str, array]] = {}
        self._lengths: dict[str, array] = {}  # field -> length of each document's value
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
                existence = isinstance(field.format, Existence)
                table = self._terms.get(name)
                if table is None:
                    table = self._terms[name] = defaultdict(
                        partial(array, "I" if existence else "Q"))
                if existence:
                    _add_existence(table, docnum, given)
                    length = len(given)
                else:
                    _add_frequencies(table, docnum, given)
                    length = sum(given.values())
                self._held += len(given)
                if not field.scorable:
                    length = 0
                elif length:
                    self._record_length(name, docnum, length)
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._docnum += 1
        if self._held >= self._spill_postings:
            self._spill()

    def _record_length(self, name: str, docnum: int, length: int) -> None:
        """Kept for the postings' block statistics (Whoosh reads them back from the length
        column it just wrote, a call per document and field)."""
        lengths = self._lengths.get(name)
        if lengths is None:
            lengths = self._lengths[name] = array("I")
        _pad(lengths, docnum)
        lengths.append(length)

    def _field_lengths(self, name: str) -> array:
        lengths = self._lengths.get(name, array("I"))
        _pad(lengths, self._docnum)
        return lengths

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

    @property
    def runs_spilled(self) -> int:
        """Sorted runs written to disk so far (past the memory bound)."""
        return len(self._runs)

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
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        sources = [_read_run(path) for path in self._runs] + [_sorted_entries(self._terms)]
        try:
            current = None
            postfile, terms = fieldwriter._postfile, fieldwriter._tindex
            for name, term, entry in _merged(sources):
                if name != current:
                    if current is not None:
                        fieldwriter.finish_field()
                    current, field = name, self.schema[name]
                    existence = isinstance(field.format, Existence)
                    field_lengths = self._field_lengths(name)
                    fieldwriter.start_field(name, field)
                    key = pack_ushort(fieldwriter._fieldid)
                    limit = fieldwriter._postwriter._blocklimit
                    compression = fieldwriter._postwriter._compression
                ids, freqs = (entry, None) if existence else _postings(entry)
                offset = postfile.tell()
                data, stats = _term_bytes(existence, ids, freqs, field_lengths, limit,
                                          compression)
                postfile.write(data)
                terms.add(key + term.encode("utf-8"), _TERM_INFO.pack(*stats, offset, len(data)))
            if current is not None:
                fieldwriter.finish_field()
        finally:
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


def remove_unlisted_segments(storage, indexname: str) -> None:
    """Delete the segment files of index ``indexname`` that its table of contents does not
    list (what a killed or failed writer left behind)."""
    ix = storage.open_index(indexname=indexname)
    whoosh_index.clean_files(storage, indexname, ix.latest_generation(), ix._segments())
