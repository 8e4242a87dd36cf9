"""Smaller posting blocks for Whoosh 2.7.4, in its own file format, and a faster writer.

Whoosh's W3 codec pickles a block's term frequencies as floats (nine bytes each) as soon as
one of them is not 1.0, which in news text is most blocks of common syllables, and makes
the index many times the size of the corpus. Frequencies are whole numbers, so we
pickle them as ints (one to three bytes). The reader already accepts any sequence of numbers
there, so the files stay readable by unmodified Whoosh.

Whoosh also compresses every block, though its own comment says not to bother under 20
bytes: most terms of a news corpus have a posting or two, and zlib makes such a block bigger
and costs a call to write and another to read. We store blocks under 64 bytes as they are, with the compression level
0 that the block header already has a place for, and Whoosh's reader already honours.

Whoosh also spends Python calls per posting where whole lists would do, with the same
results:

- it turns a block's document ids from and to gaps with a generator; `itertools.accumulate`
  and a list comprehension do it at C speed;
- its external sort of postings pickles and unpickles each posting on its own when it
  spills to disk; we pickle sorted runs in chunks of many postings;
- its posting pool checks types and works out each posting's size in a dozen steps; we
  use the same size formula in one;
- writing a segment asks the length column for the document's field length once per
  posting; we read each field's lengths once per segment.
"""
from __future__ import annotations

import pickle
import zlib
from array import array
from itertools import accumulate
from typing import Iterator, Sequence

from whoosh import writing
from whoosh.codec import base, whoosh3
from whoosh.system import pack_int
from whoosh.util.numeric import length_to_byte

from ...errors import SearcherError

# Postings pickled together in a spilled run (Whoosh's writer, now used when a commit merges
# small segments). The merge holds one chunk of every run in memory, so chunks stay small.
RUN_CHUNK = 1_000

_original = whoosh3.W3PostingsWriter._mini_weights


def _mini_weights(self):
    weights = self._weights
    if weights:
        first = weights[0]
        if weights.count(first) == len(weights):
            return None if first == 1.0 else first
        if all(map(float.is_integer, weights)):
            return tuple(map(int, weights))
    return _original(self)


SMALL_BLOCK = 64  # bytes of pickle under which a block is stored uncompressed


def encode_block(gaps, weights, values, count: int, last_id: int, maxweight, minlength,
                 maxlength: int, compression: int, last: bool) -> bytes:
    """A posting block as the W3 codec stores it: its length (negated for a term's last
    block), its pickled statistics (read to skip it), then the pickled minified gaps,
    weights and values, compressed unless small."""
    data = pickle.dumps((gaps, weights, values), 2)
    if len(data) < SMALL_BLOCK:
        compression = 0
    if compression:
        data = zlib.compress(data, compression)
    info = pickle.dumps((count, last_id, maxweight, compression, length_to_byte(minlength),
                         length_to_byte(maxlength)), 2)
    size = len(info) + len(data)
    return pack_int(-size if last else size) + info + data


def _write_block(self, last=False):
    # W3PostingsWriter._write_block, through encode_block
    if not self._blockcount:
        self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
    self._terminfo.add_block(self)
    ids = self._ids
    self._postfile.write(encode_block(
        self._mini_ids(), self._mini_weights(), self._mini_values(), len(ids), ids[-1],
        self._maxweight, self._minlength, self._maxlength, self._compression, last))
    self._blockcount += 1
    self._new_block()


def _delta_encode(ids):
    return [b - a for a, b in zip((0, *ids), ids)]


def dump_chunked(items, f, chunk_size: int, size=None) -> None:
    """Pickle ``items`` to ``f`` a chunk at a time (one pickle per item is slow); a chunk
    holds ``chunk_size`` items, or items of that total ``size(item)``."""
    chunk, held = [], 0
    for item in items:
        chunk.append(item)
        held += size(item) if size else 1
        if held >= chunk_size:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
            chunk, held = [], 0
    if chunk:
        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)


def load_chunked(f):
    """The items :func:`dump_chunked` wrote, in order."""
    while True:
        try:
            chunk = pickle.load(f)
        except EOFError:
            return
        yield from chunk


def _write_run(self, f, items):
    dump_chunked(items, f, RUN_CHUNK)
    f.close()


def _read_run(self, path):
    f = self._open_run(path)
    try:
        yield from load_chunked(f)
    finally:
        f.close()
        self._remove_run(path)


def _pool_add(self, item):
    # item = (fieldname, term bytes, docnum, weight, value bytes), as Whoosh's own
    self.fieldnames.add(item[0])
    self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
    if self.currentsize > self.limit:
        self.save()
    self.current.append(item)


class _SegmentLengths:
    """A segment's field lengths as Whoosh's writer reads them (quantized to a byte and
    back), each field's read once, for writing its postings."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._fields: dict[str, array] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        values = self._fields.get(fieldname)
        if values is None:
            dfl = self._lengths.doc_field_length
            values = self._fields[fieldname] = array("I", (
                dfl(d, fieldname, 0) or 0 for d in range(self._lengths.doc_count_all())))
        return values[docnum] if docnum < len(values) else default


_original_add_postings = base.FieldWriter.add_postings


def _add_postings(self, schema, lengths, items):
    return _original_add_postings(self, schema, _SegmentLengths(lengths) if lengths else lengths, items)


def matcher_blocks(m) -> Iterator[Sequence[int]]:
    """The document numbers of a leaf matcher, a block at a time (a W3 block's ids as the
    codec decoded them; one call, not several, per posting)."""
    if not isinstance(m, whoosh3.W3LeafMatcher):
        yield list(m.all_ids())
        return
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        yield m._ids
        m._next_block()


WHOOSH_VERSION = (2, 7, 4)  # what the replaced functions were written against


class UnsupportedWhoosh(SearcherError):
    """The installed Whoosh is not the version these patches were written for."""


def install() -> None:
    """Use compact weights and small uncompressed blocks for every posting block written
    from now on, and the list-at-a-time steps above for reading and writing (idempotent).
    Raises :class:`UnsupportedWhoosh` for any Whoosh but the one they were written for:
    they replace its private functions, whose bodies another version may have changed."""
    import whoosh

    if tuple(whoosh.__version__[:3]) != WHOOSH_VERSION:
        found = ".".join(map(str, whoosh.__version__))
        wanted = ".".join(map(str, WHOOSH_VERSION))
        raise UnsupportedWhoosh(f"searcher needs Whoosh {wanted}, found {found}: "
                                f"pip install whoosh=={wanted}")
    whoosh3.W3PostingsWriter._mini_weights = _mini_weights
    whoosh3.W3PostingsWriter._write_block = _write_block
    whoosh3.delta_decode = accumulate
    whoosh3.delta_encode = _delta_encode
    writing.PostingPool.add = _pool_add
    writing.PostingPool._write_run = _write_run
    writing.PostingPool._read_run = _read_run
    base.FieldWriter.add_postings = _add_postings
