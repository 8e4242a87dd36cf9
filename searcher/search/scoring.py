"""How well a text answers a query: BM25 with the diacritics as typed, adjacency, compounds
and coverage of the query, for a paragraph or an article joined into one text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Callable

from .matching import Hits, hit_shifts
from .query import ABBREVIATION, I_Y, TYPO, Clause, ParsedQuery

# Tuned on the relevance sets with scripts/eval_relevance.py.
K1 = 1.2
B = 0.75
FOLD_WEIGHT = 0.35      # a match of the folded form only, when the query has marks
PREFER_WEIGHT = 0.25    # a syllable typed without marks in haste, found without them (x idf)
ADJACENT_WEIGHT = 0.6   # consecutive query words found consecutive, per pair (x idf)
COMPOUND_WEIGHT = 0.5   # a query compound (`an_ninh`) that is a word of the paragraph (x idf)
COVERAGE_WEIGHT = 1.0   # fraction of the query's idf mass matched, x total idf

LONG_QUERY = 5  # queries of more units than this are long: headlines, questions
# A variant of a typed clause (see .variants) weighs this share of the typed clause's idf.
VARIANT_WEIGHTS = {I_Y: 0.95, ABBREVIATION: 0.9, TYPO: 0.5}


def paragraph_idf(df: int, n: int) -> float:
    """Whoosh's BM25F idf, log(N / (df + 1)) + 1: common words keep some weight, which
    suits long queries (headlines) better than BM25's near-zero."""
    return math.log(n / (df + 1)) + 1.0 if df < n else 1.0


def article_idf(df: float, n: int) -> float:
    """Robertson's BM25 idf, for articles as documents. A folded
    word's df adds up its spellings' and can pass ``n``: it counts as ``n`` (a weight near
    zero, never below)."""
    df = min(df, n)
    return math.log((n - df + 0.5) / (df + 0.5) + 1.0)


def saturate(tf: float, norm: float) -> float:
    """BM25's term-frequency saturation; ``norm`` is K1 times the length normalization."""
    return tf * (K1 + 1) / (tf + norm) if tf else 0.0


@dataclass(slots=True)
class UnitMatch:
    """How one query unit matched: where (start positions, each ``length`` syllables
    long) and its weighted frequency."""

    starts: list[int]
    length: int
    tf: float
    idf: float
    exact: bool
    alternative: int = 0  # which of the unit's alternatives matched
    exact_starts: list[int] = field(default_factory=list)  # starts matching as typed
    typed: bool = True  # whether marks were asked for (else any start counts as typed)


@dataclass
class Scored:
    score: float
    all_matched: bool
    matched: int
    matches: list[UnitMatch | None]
    length: int
    adjacent: list[int]  # per pair of consecutive query units: times found consecutive
    adjacent_exact: list[int]  # the same, both spelled as typed
    adjacent_at: list[set[int]]  # per pair: where its second unit starts, found consecutive


@dataclass
class ClauseWeight:
    """A clause's idf as typed (exact terms where the user typed marks) and folded.
    A phrase is as informative as its syllables together."""

    clause: Clause
    exact: float
    folded: float
    # Some syllable of the clause must match as typed to count as exact.
    typed: bool = field(init=False)
    # Any marks match, the unmarked spelling typed preferred (see QTerm.prefer).
    prefers: bool = field(init=False)

    def __post_init__(self) -> None:
        self.typed = any(t.exact for t in self.clause.terms)
        self.prefers = not self.typed and any(t.prefer for t in self.clause.terms)

    @classmethod
    def of(cls, clause: Clause, df_exact: dict[str, int], df_folded: dict[str, int], n: int,
           idf_of: Callable[[int, int], float] = paragraph_idf, twin: Clause | None = None):
        """``twin``: another spelling of the same syllables (`sỹ` for `sĩ`), whose documents
        count as the clause's."""
        others = twin.terms if twin is not None else [None] * len(clause.terms)
        exact = folded = 0.0
        for t, o in zip(clause.terms, others):
            df_f = df_folded.get(t.folded, 0)
            df_e = df_exact.get(t.term, 0)
            if o is not None and o.folded != t.folded:
                df_f += df_folded.get(o.folded, 0)
                df_e += df_exact.get(o.term, 0)
            folded += idf_of(df_f, n)
            exact += idf_of(df_e if t.exact else df_f, n)
        return cls(clause, exact, folded)


@dataclass
class QueryWeights:
    """Per-query constants of the re-ranking: each unit's alternatives with their idf."""

    units: list[list[ClauseWeight]]
    total_idf: float
    clauses: list[list[Clause]]  # each unit's alternatives (see matching.unit_hits)
    # Per unit, the alternatives standing for a run of units with others (see Clause.span);
    # empty when no unit has one.
    spanning: list[list[int]] = field(init=False)
    shifts: list[list[int]] = field(init=False)  # see matching.hit_shifts

    def __post_init__(self) -> None:
        self.shifts = hit_shifts(self.clauses)
        self.spanning = [[k for k, c in enumerate(alts) if c.span > 1] for alts in self.clauses]
        if not any(self.spanning):
            self.spanning = []

    @classmethod
    def of(cls, query: ParsedQuery, df_exact: dict[str, int], df_folded: dict[str, int],
           n: int, idf_of: Callable[[int, int], float] = paragraph_idf) -> "QueryWeights":
        def own(c: Clause, twin: Clause | None = None) -> ClauseWeight:
            return ClauseWeight.of(c, df_exact, df_folded, n, idf_of, twin)

        units = [_unit_weights(u.alternatives, own) for u in query.units]
        return cls(units, sum(max(w.exact for w in alts) for alts in units),
                   [u.alternatives for u in query.units])


def _unit_weights(alternatives: list[Clause], own: Callable[..., ClauseWeight]) -> list[ClauseWeight]:
    """The idf of a unit's alternatives: each typed clause its own, its variants a share of
    it (:data:`VARIANT_WEIGHTS`). The two spellings of `i`/`y` are one word: the typed
    clause's idf counts its twin's documents as its own. A typo weighs its own idf, at most
    the word's (which the index may not hold)."""
    out: list[ClauseWeight] = []
    typed = ClauseWeight(alternatives[0], 0.0, 0.0)  # (the first alternative is typed)
    for k, c in enumerate(alternatives):
        if c.variant is None:
            variants = takewhile(lambda v: v.variant is not None, alternatives[k + 1:])
            twin = next((v for v in variants if v.variant == I_Y and v.text == c.text), None)
            typed = own(c, twin)
            out.append(typed)
            continue
        base = typed
        if c.variant == TYPO:
            mine = own(c)
            base = ClauseWeight(c, min(mine.exact, typed.exact), min(mine.folded, typed.folded))
        share = VARIANT_WEIGHTS[c.variant]
        out.append(ClauseWeight(c, share * base.exact, share * base.folded))
    return out


def hit_matches(hits: Hits, weights: QueryWeights) -> list[UnitMatch | None]:
    """Where each query unit matched (the first of its alternatives found), unscored: what
    highlighting a text needs."""
    out: list[UnitMatch | None] = []
    for alternatives, found in zip(weights.units, hits):
        m = None
        for k, (w, (fold_hits, exact_hits)) in enumerate(zip(alternatives, found)):
            if fold_hits:
                m = UnitMatch(fold_hits, w.clause.length, 0.0, 0.0, bool(exact_hits), k, exact_hits,
                              w.typed)
                break
        out.append(m)
    return out


def score_hits(hits: Hits, weights: QueryWeights, length: int, avg_len: float,
               compounds: float = 0.0) -> Scored:
    """The re-ranking score of a text (a paragraph, or an article joined) of ``length``
    syllables holding ``hits`` (see :func:`unit_hits`); ``compounds`` is the idf mass of
    query compounds that the index says are words of this paragraph."""
    length = max(length, 1)
    norm = K1 * (1 - B + B * length / max(avg_len, 1.0))
    matches: list[UnitMatch | None] = []
    total_idf = weights.total_idf
    score = 0.0
    matched_idf = 0.0
    for alternatives, found in zip(weights.units, hits):
        if len(found) == 1 and not found[0][0]:  # (most units, in most texts)
            matches.append(None)
            continue
        best: UnitMatch | None = None
        for k, (w, (fold_hits, exact_hits)) in enumerate(zip(alternatives, found)):
            if not fold_hits or (best is not None and w.clause.variant is not None
                                 and alternatives[best.alternative].clause.variant is None):
                continue  # a variant counts only where no typed clause matched
            if not w.typed:  # any marks: the folded idf, a little more if spelled as typed
                tf = len(fold_hits)
                c_idf = w.folded * (1 + PREFER_WEIGHT) if exact_hits and w.prefers else w.folded
            elif exact_hits:  # as typed: the exact term's idf; other spellings count a little
                tf = len(exact_hits) + FOLD_WEIGHT * (len(fold_hits) - len(exact_hits))
                c_idf = w.exact
            else:           # only other diacritics than typed: the folded idf, discounted
                tf = FOLD_WEIGHT * len(fold_hits)
                c_idf = w.folded
            m = UnitMatch(fold_hits, w.clause.length, tf, c_idf, bool(exact_hits), k, exact_hits,
                          w.typed)
            if best is None or tf * c_idf > best.tf * best.idf:
                best = m
        matches.append(best)
        if best is not None:
            matched_idf += best.idf
            score += best.idf * best.tf * (K1 + 1) / (best.tf + norm)
    # Consecutive query units found consecutive in the text.
    adjacent, adjacent_exact, adjacent_at = adjacency(matches)
    if weights.spanning:
        _spanning_adjacency(weights, hits, matches, adjacent, adjacent_exact, adjacent_at)
    for times, a, b in zip(adjacent, matches, matches[1:]):
        if times:
            score += ADJACENT_WEIGHT * min(a.idf, b.idf)
    score += COMPOUND_WEIGHT * compounds
    if total_idf:
        score += COVERAGE_WEIGHT * matched_idf * (matched_idf / total_idf)
    matched = len(matches) - matches.count(None)
    return Scored(score, matched == len(weights.units) and matched > 0, matched, matches, length,
                  adjacent, adjacent_exact, adjacent_at)


def adjacency(matches: list[UnitMatch | None]) -> tuple[list[int], list[int], list[set[int]]]:
    """For each pair of consecutive query units, how often the second starts right where
    the first ends: with any diacritics, and with both spelled as typed; and where (with
    any diacritics)."""
    out, out_exact, at = [], [], []
    for a, b in zip(matches, matches[1:]):
        if a is None or b is None:
            out.append(0)
            out_exact.append(0)
            at.append(_NOWHERE)
            continue
        after = a.length.__add__  # where a match of ``a`` ends (positions are distinct)
        joined = set(map(after, a.starts)).intersection(b.starts)
        at.append(joined)
        out.append(len(joined))
        a_typed = a.exact_starts if a.typed else a.starts
        b_typed = b.exact_starts if b.typed else b.starts
        out_exact.append(len(set(map(after, a_typed)).intersection(b_typed))
                         if joined and a_typed and b_typed else 0)
    return out, out_exact, at


_NOWHERE: set[int] = set()  # shared: never changed


def _spanning_adjacency(weights: QueryWeights, hits: Hits, matches: list[UnitMatch | None],
                        adjacent: list[int], adjacent_exact: list[int], adjacent_at: list[set[int]]) -> None:
    """Add to :func:`adjacency` the pairs of units that a short form standing for a run of
    them (`THPT` for `trung học phổ thông`) makes consecutive, where its units matched the
    words typed elsewhere in the text: the short form is the run, spelled as written."""
    for i, (a, b) in enumerate(zip(matches, matches[1:])):
        if a is None or b is None or not (weights.spanning[i] or weights.spanning[i + 1]):
            continue
        ends = {p + a.length for p in a.starts}
        for k in weights.spanning[i]:
            n = weights.units[i][k].clause.length
            ends.update(p + n for p in hits[i][k][0])
        starts = set(b.starts)
        for k in weights.spanning[i + 1]:
            starts.update(hits[i + 1][k][0])
        joined = ends & starts
        if len(joined) > adjacent[i]:
            adjacent_exact[i] += len(joined) - adjacent[i]
            adjacent[i] = len(joined)
            adjacent_at[i] = joined


def short_query(q: ParsedQuery) -> bool:
    """A few words without alternatives (a name, a place, a phrase): what matches it holds
    every word (in any of its spellings); a longer query, or one of alternatives
    (`a OR b`), matches by any word."""
    return len(q.units) <= LONG_QUERY and not any(u.ored for u in q.units)


def rank_key(q: ParsedQuery):
    """The ranking order. Short queries: results holding more of the query's words first;
    among those holding them all, the words as one run spelled as typed, then as one run
    spelled otherwise (the most frequent spelling first), then the score (where closeness
    counts). Long ones (a headline, a question) rank on the score, where matched words and
    closeness already count."""
    if len(q.units) > LONG_QUERY:
        return lambda c: c.score
    return lambda c: (c.matched, c.tier, c.spelling, c.score)
