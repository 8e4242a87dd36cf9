"""Whoosh's side of the analysis: a tokenizer and filters for the index schema.

They follow Whoosh's analysis package (a tokenizer yielding one reused :class:`Token`,
composable filters). Whoosh pickles them into the index's schema, under their public path
``searcher.analysis.<name>`` (see ``searcher/analysis/__init__.py``), so an index stays
readable whatever module defines them.
"""
from __future__ import annotations

from typing import Iterator

from whoosh.analysis import Filter, Token, Tokenizer

from .syllables import SYLLABLE
from .tokens import (WORD, folded_index_term, normalize_joined, pair_term, pairs_here, syllable_units,
                     word_spans)

# Whoosh pickles a schema's analyzers by module and class name: these are recorded at the
# package's path (which exports them), the one indexes built before the package was split name.
PICKLED_AT = "searcher.analysis"


class VietnameseTokenizer(Tokenizer):
    """Yields syllable tokens (``unit="syllable"``) or compound-word tokens (``unit="word"``)
    with positions and exact ``startchar``/``endchar`` offsets; token text is the surface
    (compound syllables joined by `_`), left to the filters to normalize."""

    __module__ = PICKLED_AT

    def __init__(self, unit: str = SYLLABLE):
        if unit not in (SYLLABLE, WORD):
            raise ValueError(f"unit must be {SYLLABLE!r} or {WORD!r}")
        self.unit = unit

    def __eq__(self, other):
        return isinstance(other, VietnameseTokenizer) and other.unit == self.unit

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if self.unit == SYLLABLE:
            spans = [(u.surface, u.start, u.end) for u in syllable_units(value)]
        else:
            spans = [(w.joined, w.start, w.end) for w in word_spans(value)]
        for i, (surface, start, end) in enumerate(spans):
            t.text = surface
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = surface
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class NormalizeFilter(Filter):
    """Term normalization: NFC, lowercase, canonical tone placement; drops empty terms."""

    __module__ = PICKLED_AT

    def __eq__(self, other):
        return isinstance(other, NormalizeFilter)

    def __call__(self, tokens):
        for t in tokens:
            t.text = normalize_joined(t.text)
            if t.text:
                yield t


class FoldFilter(Filter):
    """Diacritic-free variant of normalized terms (`đ` -> `d`); drops terms that fold to
    nothing (emoji). With ``changed_only``, also drops terms that folding leaves as they
    are: the index keeps those in the exact field already, so the folded field holds only
    what it adds."""

    __module__ = PICKLED_AT

    def __init__(self, changed_only: bool = False):
        self.changed_only = changed_only

    def __eq__(self, other):
        return isinstance(other, FoldFilter) and other.changed_only == self.changed_only

    def __call__(self, tokens):
        changed_only = self.changed_only
        for t in tokens:
            folded = folded_index_term(t.text, changed_only)
            if folded:
                t.text = folded
                yield t


class PairFilter(Filter):
    """Pairs of consecutive capitalized syllables, folded (`Thanh Hóa`: `thanh hoa`, as its
    hash bucket: see :func:`~.tokens.pair_term`), over syllable tokens as the tokenizer
    yields them: phrase postings for names, so stage one finds the paragraphs holding a
    name's syllables together without reading positions. A syllable that normalizes to
    nothing, or is not capitalized, breaks the sequence."""

    __module__ = PICKLED_AT

    def __eq__(self, other):
        return isinstance(other, PairFilter)

    def __call__(self, tokens):
        before = ""
        for t in tokens:
            term = folded_index_term(normalize_joined(t.text)) if pairs_here(t.text) else ""
            if before and term:
                t.text = pair_term(before, term)
                yield t
            before = term


def syllable_analyzer(folded: bool = False, changed_only: bool = False):
    """Analyzer for a syllable field: exact terms, or folded ones (only those folding
    changes, with ``changed_only``)."""
    chain = VietnameseTokenizer(SYLLABLE) | NormalizeFilter()
    return chain | FoldFilter(changed_only) if folded else chain


def pair_analyzer():
    """Analyzer for the pair field: folded pairs of consecutive syllables."""
    return VietnameseTokenizer(SYLLABLE) | PairFilter()


def word_analyzer(folded: bool = False, changed_only: bool = False):
    """Analyzer for a compound-word field, exact or folded, like :func:`syllable_analyzer`."""
    chain = VietnameseTokenizer(WORD) | NormalizeFilter()
    return chain | FoldFilter(changed_only) if folded else chain


