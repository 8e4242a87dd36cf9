"""Re-ranking a candidate paragraph: how well its text answers the query.

Candidates come from the index cheaply (see :mod:`searcher.search`); here each one's text is
split into syllables again (no segmentation needed, so it is fast) and scored on what a
reader sees: every query word present, with the diacritics typed, adjacent as typed, the
words forming the compounds the query forms, in few syllables (BM25 saturation and length
normalization).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .analysis import syllable_units
from .syllables import syllable_surfaces
from .normalize import fold_term, normalize_term
from .query import Clause, ParsedQuery

# Tuned on the relevance sets with scripts/eval_relevance.py.
K1 = 1.2
B = 0.75
FOLD_WEIGHT = 0.35      # a match of the folded form only, when the query has marks
ADJACENT_WEIGHT = 0.6   # consecutive query words found consecutive, per pair (x idf)
COMPOUND_WEIGHT = 0.5   # a query compound (`an_ninh`) that is a word of the paragraph (x idf)
COVERAGE_WEIGHT = 1.0   # fraction of the query's idf mass matched, x total idf
LEAD_WEIGHT = 0.3       # articles: the same, for matches in the first paragraph


def idf(df: int, n: int) -> float:
    """Whoosh's BM25F idf, log(N / (df + 1)) + 1: common words keep some weight, which
    suits long queries (headlines) better than BM25's near-zero (measured on VietNews)."""
    return math.log(n / (df + 1)) + 1.0 if df < n else 1.0


@lru_cache(maxsize=1 << 18)
def fold_surface(surface: str) -> str:
    return fold_term(normalize_term(surface))


class ParagraphTerms:
    """A paragraph's syllables as folded terms by position; exact terms and character
    spans are worked out only where needed (matches, highlights)."""

    __slots__ = ("text", "surfaces", "folded", "_by_fold", "_spans", "_wanted")

    def __init__(self, text: str, wanted: frozenset[str] | None = None):
        """``wanted``: the folded terms positions will be asked for (the query's), so
        only those are indexed; None indexes every term."""
        self.text = text
        self.surfaces = syllable_surfaces(text)
        self.folded = [fold_surface(s) for s in self.surfaces]
        self._by_fold: dict[str, list[int]] | None = None
        self._spans: list[tuple[int, int]] | None = None
        self._wanted = wanted

    def __len__(self) -> int:
        return len(self.surfaces)

    def term(self, p: int) -> str:
        """The exact (normalized) term at position ``p``."""
        return normalize_term(self.surfaces[p])

    @property
    def by_fold(self) -> dict[str, list[int]]:
        if self._by_fold is None:
            index: dict[str, list[int]] = {}
            wanted = self._wanted
            for p, f in enumerate(self.folded):
                if wanted is None or f in wanted:
                    if f in index:
                        index[f].append(p)
                    else:
                        index[f] = [p]
            self._by_fold = index
        return self._by_fold

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [(u.start, u.end) for u in syllable_units(self.text)]
        return self._spans

    def find(self, clause: Clause) -> tuple[list[int], list[int]]:
        """Start positions where the clause matches folded, and those that also match the
        typed diacritics (every syllable the user typed with marks matches exactly)."""
        first = clause.terms[0]
        starts = self.by_fold.get(first.folded, ())
        n = len(clause.terms)
        folded = self.folded
        fold_hits, exact_hits = [], []
        for p in starts:
            if n > 1:
                if p + n > len(folded) or any(
                        folded[p + j] != clause.terms[j].folded for j in range(1, n)):
                    continue
            fold_hits.append(p)
            if all(not t.exact or self.term(p + j) == t.term
                   for j, t in enumerate(clause.terms)):
                exact_hits.append(p)
        return fold_hits, exact_hits


@dataclass
class UnitMatch:
    """How one query unit matched: positions (start, length) and its weighted frequency."""

    positions: list[tuple[int, int]]
    tf: float
    idf: float
    exact: bool
    alternative: int = 0  # which of the unit's alternatives matched


@dataclass
class Scored:
    score: float
    all_matched: bool
    matched: int
    matches: list[UnitMatch | None]
    length: int
    adjacent: list[int]  # per pair of consecutive query units: times found consecutive


@dataclass
class ClauseWeight:
    """A clause's idf as typed (exact terms where the user typed marks) and folded.
    A phrase is as informative as its syllables together."""

    clause: Clause
    exact: float
    folded: float

    @classmethod
    def of(cls, clause: Clause, df_exact: dict[str, int], df_folded: dict[str, int], n: int):
        folded = sum(idf(df_folded.get(t.folded, 0), n) for t in clause.terms)
        exact = sum(idf(df_exact.get(t.term, 0) if t.exact else df_folded.get(t.folded, 0), n)
                    for t in clause.terms)
        return cls(clause, exact, folded)


@dataclass
class QueryWeights:
    """Per-query constants of the re-ranking: each unit's alternatives with their idf."""

    units: list[list[ClauseWeight]]
    total_idf: float

    @classmethod
    def of(cls, query: ParsedQuery, df_exact: dict[str, int], df_folded: dict[str, int],
           n: int) -> "QueryWeights":
        units = [[ClauseWeight.of(c, df_exact, df_folded, n) for c in u.alternatives]
                 for u in query.units]
        return cls(units, sum(max(w.exact for w in alts) for alts in units))


def score_paragraph(pt: ParagraphTerms, weights: QueryWeights, avg_len: float,
                    compounds: float = 0.0) -> Scored:
    """The re-ranking score of one paragraph; ``compounds`` is the idf mass of query
    compounds that the index says are words of this paragraph."""
    length = max(len(pt), 1)
    norm = K1 * (1 - B + B * length / max(avg_len, 1.0))
    matches: list[UnitMatch | None] = []
    total_idf = weights.total_idf
    score = 0.0
    matched_idf = 0.0
    for alternatives in weights.units:
        best: UnitMatch | None = None
        for k, w in enumerate(alternatives):
            c = w.clause
            fold_hits, exact_hits = pt.find(c)
            if not fold_hits:
                continue
            if exact_hits:  # as typed: the exact term's idf; other spellings count a little
                tf = len(exact_hits) + FOLD_WEIGHT * (len(fold_hits) - len(exact_hits))
                c_idf = w.exact
            else:           # only other diacritics than typed: the folded idf, discounted
                tf = FOLD_WEIGHT * len(fold_hits)
                c_idf = w.folded
            m = UnitMatch([(p, len(c.terms)) for p in fold_hits], tf, c_idf, bool(exact_hits), k)
            if best is None or tf * c_idf > best.tf * best.idf:
                best = m
        matches.append(best)
        if best is not None:
            matched_idf += best.idf
            score += best.idf * best.tf * (K1 + 1) / (best.tf + norm)
    # Consecutive query units found consecutive in the text.
    adjacent = adjacency(matches)
    for count, a, b in zip(adjacent, matches, matches[1:]):
        if count:
            score += ADJACENT_WEIGHT * min(a.idf, b.idf)
    score += COMPOUND_WEIGHT * compounds
    if total_idf:
        score += COVERAGE_WEIGHT * matched_idf * (matched_idf / total_idf)
    matched = sum(1 for m in matches if m is not None)
    return Scored(score, matched == len(weights.units) and matched > 0, matched, matches, length,
                  adjacent)


def adjacency(matches: list[UnitMatch | None]) -> list[int]:
    """For each pair of consecutive query units, how often the second starts right where
    the first ends."""
    out = []
    for a, b in zip(matches, matches[1:]):
        if a is None or b is None:
            out.append(0)
            continue
        ends = {p + ln for p, ln in a.positions}
        out.append(sum(1 for p, _ in b.positions if p in ends))
    return out


def score_article(paragraphs: list[Scored], weights: QueryWeights, length: int, avg_len: float,
                  compounds: float = 0.0, lead: Scored | None = None) -> tuple[float, bool]:
    """An article's score from its paragraphs' matches, as one document: BM25 over the
    whole article with article-level idf (``weights``), consecutive query words anywhere in
    it, its compounds, coverage, and matches in its first paragraph (the title, or the
    lead). Returns (score, all matched)."""
    n_units = len(weights.units)
    tf = [0.0] * n_units
    unit_idf = [0.0] * n_units
    adjacent = [0] * max(n_units - 1, 0)
    for sc in paragraphs:
        for i, m in enumerate(sc.matches):
            if m is not None:
                tf[i] += m.tf
                w = weights.units[i][m.alternative]
                unit_idf[i] = max(unit_idf[i], w.exact if m.exact else w.folded)
        for i, c in enumerate(sc.adjacent):
            adjacent[i] += c
    norm = K1 * (1 - B + B * max(length, 1) / max(avg_len, 1.0))
    score = sum(w * t * (K1 + 1) / (t + norm) for w, t in zip(unit_idf, tf) if t)
    for i, count in enumerate(adjacent):
        if count:
            score += ADJACENT_WEIGHT * min(unit_idf[i], unit_idf[i + 1]) * (2 * count / (count + 1))
    score += COMPOUND_WEIGHT * compounds
    if lead is not None and weights.total_idf:
        lead_idf = sum(unit_idf[i] for i, m in enumerate(lead.matches) if m is not None)
        score += LEAD_WEIGHT * lead_idf * (lead_idf / weights.total_idf)
    return score, all(tf) and n_units > 0


def excluded(pt: ParagraphTerms, query: ParsedQuery) -> bool:
    """True when the paragraph holds an excluded word or phrase (as typed: with the marks
    if the user typed marks, any diacritics otherwise)."""
    for c in query.excluded:
        fold_hits, exact_hits = pt.find(c)
        if exact_hits if any(t.exact for t in c.terms) else fold_hits:
            return True
    return False


def highlight_spans(pt: ParagraphTerms, text: str, matches: list[UnitMatch | None]) -> list[list[int]]:
    """Character spans of matched syllables, consecutive ones (only spaces between) merged:
    whole matched words, in order, never overlapping."""
    marked = sorted({p + j for m in matches if m for p, ln in m.positions for j in range(ln)})
    spans: list[list[int]] = []
    for i in marked:
        start, end = pt.spans[i]
        if spans and (spans[-1][1] == start or not text[spans[-1][1]:start].strip()):
            spans[-1][1] = max(spans[-1][1], end)
        elif spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return spans
