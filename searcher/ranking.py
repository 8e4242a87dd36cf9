"""Re-ranking a candidate paragraph: how well its text answers the query.

Candidates come from the index cheaply (see :mod:`searcher.search`); here each one's text is
split into syllables again (no segmentation needed, so it is fast) and scored on what a
reader sees: every query word present, with the diacritics typed, adjacent as typed, the
words forming the compounds the query forms, in few syllables (BM25 saturation and length
normalization).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .analysis import syllable_units
from .normalize import fold_term, normalize_term
from .query import Clause, ParsedQuery

# Tuned on the relevance sets with scripts/eval_relevance.py.
K1 = 1.2
B = 0.75
FOLD_WEIGHT = 0.35      # a match of the folded form only, when the query has marks
ADJACENT_WEIGHT = 0.6   # consecutive query words found consecutive, per pair (x idf)
COMPOUND_WEIGHT = 0.5   # a query compound (`an_ninh`) that is a word of the paragraph (x idf)
COVERAGE_WEIGHT = 1.0   # fraction of the query's idf mass matched, x total idf


def idf(df: int, n: int) -> float:
    """BM25's idf, never negative."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class ParagraphTerms:
    """A paragraph's syllables: exact and folded terms, and their character spans."""

    terms: list[str]
    folded: list[str]
    spans: list[tuple[int, int]]
    by_fold: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> "ParagraphTerms":
        terms, folded, spans = [], [], []
        by_fold: dict[str, list[int]] = {}
        for u in syllable_units(text):
            term = normalize_term(u.surface)
            if not term:
                continue
            f = fold_term(term)
            by_fold.setdefault(f, []).append(len(terms))
            terms.append(term)
            folded.append(f)
            spans.append((u.start, u.end))
        return cls(terms, folded, spans, by_fold)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, clause: Clause) -> tuple[list[int], list[int]]:
        """Start positions where the clause matches folded, and those that also match the
        typed diacritics (every syllable the user typed with marks matches exactly)."""
        first = clause.terms[0]
        starts = self.by_fold.get(first.folded, ())
        n = len(clause.terms)
        fold_hits, exact_hits = [], []
        for p in starts:
            if n > 1:
                if p + n > len(self.folded) or any(
                        self.folded[p + j] != clause.terms[j].folded for j in range(1, n)):
                    continue
            fold_hits.append(p)
            if all(not t.accented or self.terms[p + j] == t.term
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


@dataclass
class Scored:
    score: float
    all_matched: bool
    matched: int
    matches: list[UnitMatch | None]
    length: int


def clause_idf(clause: Clause, dfs: dict[str, int], n: int) -> float:
    """A phrase is as informative as its syllables together."""
    return sum(idf(dfs.get(t.folded, 0), n) for t in clause.terms)


def score_paragraph(pt: ParagraphTerms, query: ParsedQuery, dfs: dict[str, int], n: int,
                    avg_len: float, compounds: float = 0.0) -> Scored:
    """The re-ranking score of one paragraph; ``compounds`` is the idf mass of query
    compounds that the index says are words of this paragraph."""
    length = max(len(pt), 1)
    norm = K1 * (1 - B + B * length / max(avg_len, 1.0))
    matches: list[UnitMatch | None] = []
    total_idf = 0.0
    score = 0.0
    matched_idf = 0.0
    for unit in query.units:
        best: UnitMatch | None = None
        unit_idf = 0.0
        for c in unit.alternatives:
            c_idf = clause_idf(c, dfs, n)
            unit_idf = max(unit_idf, c_idf)
            fold_hits, exact_hits = pt.find(c)
            if not fold_hits:
                continue
            tf = len(exact_hits) + FOLD_WEIGHT * (len(fold_hits) - len(exact_hits))
            m = UnitMatch([(p, len(c.terms)) for p in fold_hits], tf, c_idf, bool(exact_hits))
            if best is None or tf * c_idf > best.tf * best.idf:
                best = m
        total_idf += unit_idf
        matches.append(best)
        if best is not None:
            matched_idf += best.idf
            score += best.idf * best.tf * (K1 + 1) / (best.tf + norm)
    # Consecutive query units found consecutive in the text.
    for a, b in zip(matches, matches[1:]):
        if a is None or b is None:
            continue
        ends = {p + ln for p, ln in a.positions}
        if any(p in ends for p, _ in b.positions):
            score += ADJACENT_WEIGHT * min(a.idf, b.idf)
    score += COMPOUND_WEIGHT * compounds
    if total_idf:
        score += COVERAGE_WEIGHT * matched_idf * (matched_idf / total_idf)
    matched = sum(1 for m in matches if m is not None)
    return Scored(score, matched == len(query.units) and matched > 0, matched, matches, length)


def excluded(pt: ParagraphTerms, query: ParsedQuery) -> bool:
    """True when the paragraph holds an excluded word or phrase (as typed: with the marks
    if the user typed marks, any diacritics otherwise)."""
    for c in query.excluded:
        fold_hits, exact_hits = pt.find(c)
        if exact_hits if any(t.accented for t in c.terms) else fold_hits:
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
