"""A short query's words found together: where they run consecutive, in order, in a text,
whether spelled as typed, and how each such run is spelled.

A name or a place (`Phạm Công`, `Thanh Hóa`) is a few words that mean something only
together: a text holding them as one run answers the query; one holding them apart
(`vi phạm ... công an`) rarely does. Ranking puts runs as typed first, then runs of other
spellings, the most frequent spelling first (see :mod:`.paragraphs`).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from .matching import Hits, ParagraphTerms
from .scoring import LONG_QUERY, QueryWeights, Scored, UnitMatch

NOT_TOGETHER, RESPELLED, TOGETHER, AS_TYPED = 0, 1, 2, 3
Spelling = tuple[str, ...]


def whole_runs(matches: Sequence[UnitMatch | None], adjacent_at: Sequence[set[int]]) -> list[int]:
    """Where every query unit occurs, each right after the one before (``adjacent_at``: see
    :func:`~.scoring.adjacency`): the runs' start positions, in order. Empty for a query of
    one unit."""
    if len(matches) < 2 or any(m is None for m in matches):
        return []
    ends = adjacent_at[0]
    for m, joined in zip(matches[1:], adjacent_at[1:]):
        if not ends:
            return []
        ends = {p + m.length for p in ends} & joined
    before_last = sum(m.length for m in matches[:-1])
    return sorted(p - before_last for p in ends)


def runs_in_any_spelling(hits: Hits, weights: QueryWeights) -> list[tuple[int, int]]:
    """Where every query unit occurs in any of its spellings, each right after the one
    before: the runs' (start, end) positions, in order. A unit's best match (what
    :func:`whole_runs` follows) is its typed word wherever the text holds it, so a run
    written otherwise (`CAND` for `Công an nhân dân`, `chiến sỹ` for `chiến sĩ`) in a
    text that also holds the typed words apart is found only here."""
    if len(hits) < 2:
        return []
    spans: dict[int, int] = {}  # end -> start of the runs so far
    for i, (found, alternatives) in enumerate(zip(hits, weights.units)):
        reached: dict[int, int] = {}
        for (fold_hits, _), w in zip(found, alternatives):
            n = w.clause.length
            for p in fold_hits:
                if i == 0:
                    reached.setdefault(p + n, p)
                elif p in spans:
                    reached.setdefault(p + n, spans[p])
        spans = reached
        if not spans:
            return []
    return sorted((start, end) for end, start in spans.items())


def phrase_tier(scored: Scored, weights: QueryWeights, pt: ParagraphTerms,
                hits: Hits) -> tuple[int, frozenset[Spelling]]:
    """How a text holds the query as one run: :data:`AS_TYPED` (every syllable typed with
    marks matching them), :data:`TOGETHER` (other marks), :data:`RESPELLED` (a word in
    another spelling: see :mod:`.variants`), or :data:`NOT_TOGETHER`; and the
    spellings of its runs (their normalized syllables). ``hits``: the text's matches of
    every alternative, to find runs of other spellings the best matches miss (see
    :func:`runs_in_any_spelling`). Long queries are never together: they rank on the
    score alone (see :func:`~.scoring.rank_key`)."""
    if len(weights.units) > LONG_QUERY:
        return NOT_TOGETHER, frozenset()
    runs = whole_runs(scored.matches, scored.adjacent_at)
    if not runs:
        others = (runs_in_any_spelling(hits, weights)
                  if scored.all_matched and any(len(alternatives) > 1 for alternatives in weights.units)
                  else [])
        if others:
            return RESPELLED, frozenset(tuple(pt.terms[a:b]) for a, b in others)
        return NOT_TOGETHER, frozenset()
    matches = [m for m in scored.matches if m is not None]
    offsets, length = [], 0
    for m in matches:
        offsets.append(length)
        length += m.length
    typed = [(offset, set(m.exact_starts)) for offset, m, alternatives
             in zip(offsets, matches, weights.units) if alternatives[m.alternative].typed]
    respelled = any(alternatives[m.alternative].clause.variant is not None
                    for m, alternatives in zip(matches, weights.units))
    as_typed = any(all(p + offset in exact for offset, exact in typed) for p in runs)
    spellings = frozenset(tuple(pt.terms[p:p + length]) for p in runs)
    return (RESPELLED if respelled else AS_TYPED if as_typed else TOGETHER), spellings


def spelling_counts(held: Iterable[frozenset[Spelling]]) -> Counter:
    """How many texts hold each spelling of the run, over the texts' ``held`` spellings."""
    counts: Counter = Counter()
    for spellings in held:
        counts.update(spellings)
    return counts


def most_frequent(spellings: frozenset[Spelling], counts: Counter) -> int:
    """The count of a text's most frequent spelling of the run (0 when it holds none)."""
    return max((counts[s] for s in spellings), default=0)
