"""A text against a query: where each query word occurs, as typed and with any diacritics.

Candidates come from the index cheaply (see :mod:`.retrieval`); here each one's text is split
into syllables again (no segmentation needed, so it is fast), and the query's clauses are
found in it by position.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import chain, compress, count
from typing import Sequence

from ..analysis import fold_term, normalize_term, syllable_spans, syllable_surfaces
from .query import Clause, ParsedQuery


def wanted_terms(q: ParsedQuery) -> frozenset[str]:
    """The folded syllables a text is searched for: the query's, excluded ones included."""
    clauses = [*(c for u in q.units for c in u.alternatives), *q.excluded]
    return frozenset(t.folded for c in clauses for t in c.terms)


class ParagraphTerms:
    """A paragraph's syllables as terms (normalized, as the index has them) and folded
    terms by position; character spans are worked out only where needed (highlights)."""

    __slots__ = ("text", "terms", "folded", "_by_fold", "_spans", "_wanted")

    def __init__(self, text: str, wanted: frozenset[str] | None = None,
                 terms: tuple[Sequence[str], Sequence[str]] | None = None):
        """``wanted``: the folded terms positions will be asked for (the query's), so
        only those are indexed; None indexes every term. ``terms``: the syllables' terms
        and folded terms, when already known."""
        self.text = text
        if terms is None:
            self.terms = list(map(normalize_term, syllable_surfaces(text)))
            self.folded = list(map(fold_term, self.terms))
        else:
            self.terms, self.folded = terms
        self._by_fold: dict[str, list[int]] | None = None
        self._spans: list[tuple[int, int]] | None = None
        self._wanted = wanted

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, p: int) -> str:
        """The exact (normalized) term at position ``p``."""
        return self.terms[p]

    @property
    def by_fold(self) -> dict[str, list[int]]:
        if self._by_fold is None:
            index: dict[str, list[int]] = {}
            folded, wanted = self.folded, self._wanted
            # Only the positions of wanted terms, picked at C speed (most are not wanted).
            positions = (range(len(folded)) if wanted is None else
                         compress(count(), map(wanted.__contains__, folded)))
            for p in positions:
                f = folded[p]
                if f in index:
                    index[f].append(p)
                else:
                    index[f] = [p]
            self._by_fold = index
        return self._by_fold

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = syllable_spans(self.text)
        return self._spans

    @spans.setter
    def spans(self, spans) -> None:
        """The character spans, when already known (all of them)."""
        self._spans = spans

    def spans_until(self, n: int) -> list[tuple[int, int]]:
        """The character spans of at least the first ``n`` syllables."""
        if self._spans is None or len(self._spans) < n:
            self._spans = syllable_spans(self.text, n)
        return self._spans

    def find(self, clause: Clause) -> tuple[Sequence[int], Sequence[int]]:
        """Start positions where the clause matches folded, and those that also match the
        typed diacritics (every syllable the user typed with marks matches exactly); for a
        later part of a variant standing for several units, the positions right after it."""
        if clause.part:  # the part of a variant standing for several units: right after it
            fold_hits, exact_hits = self.find(Clause(clause.text, clause.terms, clause.variant))
            n = len(clause.terms)
            return [p + n for p in fold_hits], [p + n for p in exact_hits]
        first = clause.terms[0]
        starts = self.by_fold.get(first.folded, ())
        n = len(clause.terms)
        if n == 1:  # the common case, quickly
            if not first.exact:  # (the lists are never changed: no copies)
                if first.prefer:
                    return starts, [p for p in starts if self.terms[p] == first.term]
                return starts, starts
            terms, term = self.terms, first.term
            return starts, [p for p in starts if terms[p] == term]
        folded, terms = self.folded, self.terms
        fold_hits, exact_hits = [], []
        for p in starts:
            if p + n > len(folded) or any(
                    folded[p + j] != clause.terms[j].folded for j in range(1, n)):
                continue
            fold_hits.append(p)
            if all(not t.exact or terms[p + j] == t.term
                   for j, t in enumerate(clause.terms)):
                exact_hits.append(p)
        return fold_hits, exact_hits


# What a text holds of a query: per unit, per alternative, the start positions matching
# folded and those matching as typed (see ParagraphTerms.find), in increasing order.
Hits = list[list[tuple[list[int], list[int]]]]


def unit_hits(pt: ParagraphTerms, units: Sequence[Sequence[Clause]]) -> Hits:
    """Where each query unit's alternatives (``units``: their clauses) occur in ``pt``
    (most clauses' first syllable is not in a given text: those are passed over unsought)."""
    by_fold = pt.by_fold
    return [[pt.find(c) if c.terms[0].folded in by_fold else _NO_HITS for c in alternatives]
            for alternatives in units]


def cheap_first(units: Sequence[Sequence[Clause]]) -> list[Sequence[Clause]]:
    """The units in the order :func:`holds` best looks for them: one-syllable ones (a scan
    of the text's folded syllables at C speed each) before phrases."""
    return sorted(units, key=lambda alternatives: max(len(c.terms) for c in alternatives))


def holds(pt: ParagraphTerms, units: Sequence[Sequence[Clause]], every: bool) -> bool:
    """Whether ``pt`` holds every unit (``every``) or one (any alternative of it, in any
    marks), looking only until the answer is known (``units``: see :func:`cheap_first`)."""
    folded = pt.folded

    def held(c: Clause) -> bool:
        if len(c.terms) == 1:  # (a later part of a variant is found where its first part is)
            return c.terms[0].folded in folded
        return c.terms[0].folded in pt.by_fold and bool(pt.find(c)[0])
    found = (any(map(held, alternatives)) for alternatives in units)
    return all(found) if every else any(found)


_NO_HITS = ((), ())


def hit_shifts(units: Sequence[Sequence[Clause]]) -> list[list[int]]:
    """How far after its match each alternative's hits are (see Clause.part): what
    :func:`hits_within` and :func:`paragraphs_holding` take, worked out once a query."""
    return [[len(c.terms) if c.part else 0 for c in alternatives] for alternatives in units]


def hits_within(hits: Hits, start: int, end: int, shifts: Sequence[Sequence[int]]) -> Hits:
    """The hits in positions [start, end) of a joined text (an article's paragraphs in one
    sequence, an empty syllable between two), counted from ``start``: a paragraph's hits
    without matching it again (``shifts``: see :func:`hit_shifts`)."""
    out: Hits = []
    for alternatives, unit_shifts in zip(hits, shifts):
        row = []
        for (fold_hits, exact_hits), shift in zip(alternatives, unit_shifts):
            if not fold_hits:
                row.append(_NO_HITS)
                continue
            lo = bisect_left(fold_hits, start + shift)
            hi = bisect_left(fold_hits, end + shift, lo)
            if lo == hi:
                row.append(_NO_HITS)
                continue
            elo = bisect_left(exact_hits, start + shift)
            ehi = bisect_left(exact_hits, end + shift, elo)
            if start:
                row.append(([p - start for p in fold_hits[lo:hi]], [p - start for p in exact_hits[elo:ehi]]))
            else:
                row.append((fold_hits[lo:hi], exact_hits[elo:ehi]))
        out.append(row)
    return out


def paragraphs_holding(hits: Hits, paragraph_at: Sequence[int],
                       shifts: Sequence[Sequence[int]]) -> list[set[int]]:
    """For each query unit, the paragraphs of a joined text (``paragraph_at``: the
    paragraph of each position) that hold it (``shifts``: see :func:`hit_shifts`)."""
    at = paragraph_at.__getitem__
    out = []
    for alternatives, unit_shifts in zip(hits, shifts):
        if len(alternatives) == 1:
            out.append(set(map(at, alternatives[0][0])))
        else:
            out.append(set(map(at, chain.from_iterable(
                (p - shift for p in fold_hits) if shift else fold_hits
                for (fold_hits, _), shift in zip(alternatives, unit_shifts) if fold_hits))))
    return out


def paragraph_sums(holding: list[set[int]], values: Sequence[float], paragraphs: int) -> list[float]:
    """For each paragraph, the sum of ``values`` (one per query unit) over the units it
    holds (``holding``: see :func:`paragraphs_holding`): with 1 a unit, how many query
    units it holds; with their idf, how much of the query it holds."""
    sums = [0] * paragraphs
    for found, v in zip(holding, values):
        if v:
            for k in found:
                sums[k] += v
    return sums


def excluded(pt: ParagraphTerms, query: ParsedQuery) -> bool:
    """True when the paragraph holds an excluded word or phrase (as typed: with the marks
    if the user typed marks, any diacritics otherwise)."""
    for c in query.excluded:
        fold_hits, exact_hits = pt.find(c)
        if exact_hits if any(t.exact for t in c.terms) else fold_hits:
            return True
    return False
