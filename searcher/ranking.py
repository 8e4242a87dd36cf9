"""Re-ranking a candidate paragraph: how well its text answers the query.

Candidates come from the index cheaply (see :mod:`searcher.search`); here each one's text is
split into syllables again (no segmentation needed, so it is fast) and scored on what a
reader sees: every query word present, with the diacritics typed, adjacent as typed, the
words forming the compounds the query forms, in few syllables (BM25 saturation and length
normalization).
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Sequence
from functools import lru_cache
from itertools import chain, compress, count

from .syllables import syllable_spans, syllable_surfaces
from .normalize import TERM_CACHE, fold_term, normalize_term
from .query import Clause, ParsedQuery

# Tuned on the relevance sets with scripts/eval_relevance.py.
K1 = 1.2
B = 0.75
FOLD_WEIGHT = 0.35      # a match of the folded form only, when the query has marks
ADJACENT_WEIGHT = 0.6   # consecutive query words found consecutive, per pair (x idf)
COMPOUND_WEIGHT = 0.5   # a query compound (`an_ninh`) that is a word of the paragraph (x idf)
COVERAGE_WEIGHT = 1.0   # fraction of the query's idf mass matched, x total idf
# Articles (BM25 over the whole article, article-level idf):
BIGRAM_WEIGHT = 0.5     # consecutive query words found consecutive, x the bigram's idf
UNTYPED_BIGRAM_BOOST = 1.4  # more, for words typed without marks: their folded syllables
                            # are ambiguous alone, much less so in pairs
LEAD_WEIGHT = 0.3       # matches in the first paragraph (the title, or the lead), again
# Articles, evidence beside BM25, fitted together on the VietNews tune split (3,000 queries
# in each form; scripts/eval_relevance.py --split tune) and checked on the eval sample:
STAGE_ONE_WEIGHT = 0.45       # the article holds the query word at all (stage one's idf sum), again
BEST_PARAGRAPH_WEIGHT = 0.2   # the idf of the query words one paragraph holds together
RUN_DISCOUNT = 0.9            # long queries (headlines): a run of consecutive query words
RUN_DISCOUNT_CAP = 0.8        # counts through each of its bigrams; the longest run's idf is
                              # taken back, never more than this share of the bigrams' part
LONG_QUERY = 5                # queries of more units than this are long: headlines, questions
NAME_WEIGHT = 0.15            # share of the query's names (capitalized words) held, x total idf
NUMBER_WEIGHT = 0.15          # share of the query's numbers held, x total idf


def idf(df: int, n: int) -> float:
    """Whoosh's BM25F idf, log(N / (df + 1)) + 1: common words keep some weight, which
    suits long queries (headlines) better than BM25's near-zero (measured on VietNews)."""
    return math.log(n / (df + 1)) + 1.0 if df < n else 1.0


def article_idf(df: float, n: int) -> float:
    """Robertson's BM25 idf, for articles as documents (measured on VietNews). A folded
    word's df adds up its spellings' and can pass ``n``: it counts as ``n`` (a weight near
    zero, never below)."""
    df = min(df, n)
    return math.log((n - df + 0.5) / (df + 0.5) + 1.0)


def saturate(tf: float, norm: float) -> float:
    """BM25's term-frequency saturation; ``norm`` is K1 times the length normalization."""
    return tf * (K1 + 1) / (tf + norm) if tf else 0.0


@lru_cache(maxsize=TERM_CACHE)
def fold_surface(surface: str) -> str:
    return fold_term(normalize_term(surface))


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

    def find(self, clause: Clause) -> tuple[Sequence[int], Sequence[int]]:
        """Start positions where the clause matches folded, and those that also match the
        typed diacritics (every syllable the user typed with marks matches exactly)."""
        first = clause.terms[0]
        starts = self.by_fold.get(first.folded, ())
        n = len(clause.terms)
        if n == 1:  # the common case, quickly
            if not first.exact:  # (the lists are never changed: no copies)
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

    @property
    def typed(self) -> bool:
        """Some syllable of the clause must match as typed to count as exact."""
        return any(t.exact for t in self.clause.terms)

    @classmethod
    def of(cls, clause: Clause, df_exact: dict[str, int], df_folded: dict[str, int], n: int,
           idf_of: Callable[[int, int], float] = idf):
        folded = sum(idf_of(df_folded.get(t.folded, 0), n) for t in clause.terms)
        exact = sum(idf_of(df_exact.get(t.term, 0) if t.exact else df_folded.get(t.folded, 0), n)
                    for t in clause.terms)
        return cls(clause, exact, folded)


@dataclass
class QueryWeights:
    """Per-query constants of the re-ranking: each unit's alternatives with their idf."""

    units: list[list[ClauseWeight]]
    total_idf: float

    @classmethod
    def of(cls, query: ParsedQuery, df_exact: dict[str, int], df_folded: dict[str, int],
           n: int, idf_of: Callable[[int, int], float] = idf) -> "QueryWeights":
        units = [[ClauseWeight.of(c, df_exact, df_folded, n, idf_of) for c in u.alternatives]
                 for u in query.units]
        return cls(units, sum(max(w.exact for w in alts) for alts in units))


# What a text holds of a query: per unit, per alternative, the start positions matching
# folded and those matching as typed (see ParagraphTerms.find), in increasing order.
Hits = list[list[tuple[list[int], list[int]]]]


def unit_hits(pt: ParagraphTerms, weights: QueryWeights) -> Hits:
    """Where each query unit's alternatives occur in ``pt``."""
    return [[pt.find(w.clause) for w in alternatives] for alternatives in weights.units]


_NO_HITS = ((), ())


def hits_within(hits: Hits, start: int, end: int) -> Hits:
    """The hits in positions [start, end) of a joined text (an article's paragraphs in one
    sequence, an empty syllable between two), counted from ``start``: a paragraph's hits
    without matching it again."""
    out: Hits = []
    for alternatives in hits:
        row = []
        for fold_hits, exact_hits in alternatives:
            lo = bisect_left(fold_hits, start)
            hi = bisect_left(fold_hits, end, lo)
            if lo == hi:
                row.append(_NO_HITS)
                continue
            elo = bisect_left(exact_hits, start)
            ehi = bisect_left(exact_hits, end, elo)
            if start:
                row.append(([p - start for p in fold_hits[lo:hi]], [p - start for p in exact_hits[elo:ehi]]))
            else:
                row.append((fold_hits[lo:hi], exact_hits[elo:ehi]))
        out.append(row)
    return out


def paragraphs_holding(hits: Hits, paragraph_at: Sequence[int]) -> list[set[int]]:
    """For each query unit, the paragraphs of a joined text (``paragraph_at``: the
    paragraph of each position) that hold it."""
    at = paragraph_at.__getitem__
    return [set(map(at, alternatives[0][0])) if len(alternatives) == 1 else
            set(map(at, chain.from_iterable(fold_hits for fold_hits, _ in alternatives)))
            for alternatives in hits]


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
        best: UnitMatch | None = None
        for k, (w, (fold_hits, exact_hits)) in enumerate(zip(alternatives, found)):
            if not fold_hits:
                continue
            if exact_hits:  # as typed: the exact term's idf; other spellings count a little
                tf = len(exact_hits) + FOLD_WEIGHT * (len(fold_hits) - len(exact_hits))
                c_idf = w.exact
            else:           # only other diacritics than typed: the folded idf, discounted
                tf = FOLD_WEIGHT * len(fold_hits)
                c_idf = w.folded
            m = UnitMatch(fold_hits, len(w.clause.terms), tf, c_idf, bool(exact_hits), k, exact_hits)
            if best is None or tf * c_idf > best.tf * best.idf:
                best = m
        matches.append(best)
        if best is not None:
            matched_idf += best.idf
            score += best.idf * best.tf * (K1 + 1) / (best.tf + norm)
    # Consecutive query units found consecutive in the text.
    adjacent, adjacent_exact, adjacent_at = adjacency(matches)
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
        out_exact.append(len(set(map(after, a.exact_starts)).intersection(b.exact_starts))
                         if joined and a.exact_starts and b.exact_starts else 0)
    return out, out_exact, at


_NOWHERE: set[int] = set()  # shared: never changed


@dataclass
class PairWeight:
    """Two consecutive query words as a bigram: its article-level idf with any diacritics,
    and as typed (``typed`` when either word must match as typed)."""

    folded: float
    exact: float
    typed: bool


def _typed_score(w: ClauseWeight | PairWeight, tf_exact: float, tf_folded: float, norm: float,
                 untyped: float = 1.0) -> float:
    """A word's or a pair's BM25 part: as typed, plus any spelling discounted; or, typed
    without marks, any spelling (weighed ``untyped``)."""
    if w.typed:
        return w.exact * saturate(tf_exact, norm) + FOLD_WEIGHT * w.folded * saturate(tf_folded, norm)
    return untyped * w.folded * saturate(tf_folded, norm)


def score_article(article: Scored, weights: QueryWeights, pairs: list[PairWeight | None],
                  length: int, avg_len: float, lead_end: int = 0) -> tuple[float, float, float]:
    """An article's score as one document: BM25 over the whole article (``article``: the
    matches of its paragraphs joined into one sequence) with article-level
    idf (``weights``) of the query words and of the bigrams consecutive query words form
    (``pairs``), as typed and with any diacritics, plus the same for the first paragraph
    (the title, or the lead: positions before ``lead_end``) without length normalization.
    Returns the three parts, unweighted (the words', the bigrams', the lead's; see
    :class:`ArticleFeatures`)."""
    n_units = len(weights.units)
    tf_exact = [0] * n_units
    tf_folded = [0] * n_units
    alternative = [0] * n_units
    for i, m in enumerate(article.matches):
        if m is not None:
            tf_folded[i] = len(m.starts)
            tf_exact[i] = len(m.exact_starts)
            alternative[i] = m.alternative
    pair_folded, pair_exact = article.adjacent, article.adjacent_exact
    norm = K1 * (1 - B + B * max(length, 1) / max(avg_len, 1.0))
    words = sum(_typed_score(weights.units[i][alternative[i]], tf_exact[i], tf_folded[i], norm)
                for i in range(n_units) if tf_folded[i])
    bigrams = sum(_typed_score(p, pair_exact[i], pair_folded[i], norm, UNTYPED_BIGRAM_BOOST)
                  for i, p in enumerate(pairs) if p is not None and pair_folded[i])
    lead = 0.0
    if lead_end:
        lead = sum(weights.units[i][m.alternative].folded * saturate(bisect_left(m.starts, lead_end), K1)
                   for i, m in enumerate(article.matches) if m is not None)
        lead += BIGRAM_WEIGHT * sum(
            p.folded * saturate(sum(1 for q in article.adjacent_at[i] if q < lead_end), K1)
            for i, p in enumerate(pairs) if p is not None and pair_folded[i])
    return words, bigrams, lead


@dataclass
class QueryTraits:
    """Which query units are names (typed capitalized: not the first word, which a headline
    capitalizes anyway, unless the second is too) and which are numbers: a known item's
    headline names its people, places and figures, and its body repeats them."""

    names: list[int]
    numbers: list[int]

    @classmethod
    def of(cls, query: ParsedQuery) -> "QueryTraits":
        texts = [u.alternatives[0].text for u in query.units]
        capital = [t[:1].isupper() for t in texts]
        names = [i for i, c in enumerate(capital)
                 if c and (i > 0 or (len(capital) > 1 and capital[1]))]
        numbers = [i for i, t in enumerate(texts) if any(ch.isdigit() for ch in t)]
        return cls(names, numbers)


def matched_idf(article: Scored, weights: QueryWeights) -> list[float]:
    """Each query unit's idf as the text matched it: as typed, or discounted when only
    other diacritics than typed were found; 0 when absent."""
    out = []
    for alternatives, m in zip(weights.units, article.matches):
        if m is None:
            out.append(0.0)
        else:
            w = alternatives[m.alternative]
            out.append(w.exact if m.exact_starts or not w.typed else FOLD_WEIGHT * w.folded)
    return out


def longest_run_idf(matches: list[UnitMatch | None], unit_idf: list[float],
                    adjacent_at: list[set[int]]) -> float:
    """The idf of the longest (by idf) run of two or more consecutive query units found
    consecutive in the text (``adjacent_at``: see :func:`adjacency`); 0 when there is none."""
    best = 0.0
    runs: dict[int, float] = {}  # runs so far: where each ends (exclusive) -> its idf
    for i, joined in enumerate(adjacent_at, start=1):
        if not joined:
            if runs:
                runs = {}
            continue
        first, v, length = unit_idf[i - 1], unit_idf[i], matches[i].length
        runs = {p + length: runs.get(p, first) + v for p in joined}
        best = max(best, *runs.values())
    return best


class ArticleFeatures(NamedTuple):
    """The evidence an article's score adds up, each part unweighted: BM25 over the whole
    article (see :func:`score_article`) of the query's words, of its bigrams and of the first
    paragraph's matches; the stage-one score (each query word held at all, by idf); the idf
    of the query words that one paragraph holds together; for a long query, the longest run
    of consecutive query words (a headline's many bigrams otherwise count one run several
    times over), capped by the bigrams' part; the query's names and its numbers held, as
    shares of the query's idf. The score is their sum weighted by :data:`ARTICLE_WEIGHTS`;
    scripts/fit_article_weights.py reads them to fit those weights."""

    words: float
    bigrams: float
    lead: float
    stage_one: float
    best_paragraph: float
    run: float
    names: float
    numbers: float


# Fitted on the VietNews tune sample (scripts/fit_article_weights.py), checked on the eval one.
ARTICLE_WEIGHTS = ArticleFeatures(words=1.0, bigrams=BIGRAM_WEIGHT, lead=LEAD_WEIGHT,
                                  stage_one=STAGE_ONE_WEIGHT, best_paragraph=BEST_PARAGRAPH_WEIGHT,
                                  run=-1.0, names=NAME_WEIGHT, numbers=NUMBER_WEIGHT)


def article_evidence(article: Scored, weights: QueryWeights, pairs: list[PairWeight | None],
                     length: int, avg_len: float, lead_end: int, holding: list[set[int]],
                     paragraphs: int, stage_one: float, traits: QueryTraits) -> ArticleFeatures:
    """The :class:`ArticleFeatures` of an article whose paragraphs joined matched as
    ``article`` (``holding``: see :func:`paragraphs_holding`)."""
    words, bigrams, lead = score_article(article, weights, pairs, length, avg_len, lead_end)
    unit_idf = matched_idf(article, weights)
    best_paragraph = max(paragraph_sums(holding, unit_idf, paragraphs), default=0.0)
    run = 0.0
    if len(weights.units) > LONG_QUERY and bigrams:
        run = min(RUN_DISCOUNT * longest_run_idf(article.matches, unit_idf, article.adjacent_at),
                  RUN_DISCOUNT_CAP * BIGRAM_WEIGHT * bigrams)
    total = weights.total_idf
    names = numbers = 0.0
    if traits.names:
        typed = sum(max(w.exact for w in weights.units[i]) for i in traits.names)
        if typed:
            names = total * sum(unit_idf[i] for i in traits.names) / typed
    if traits.numbers:
        held = sum(1 for i in traits.numbers if article.matches[i] is not None)
        numbers = total * held / len(traits.numbers)
    return ArticleFeatures(words, bigrams, lead, stage_one, best_paragraph, run, names, numbers)


def weighted(features: ArticleFeatures, weights: Sequence[float] = ARTICLE_WEIGHTS) -> float:
    """An article's score: its features weighted."""
    return sum(w * f for w, f in zip(weights, features))


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
    marked = sorted({p + j for m in matches if m for p in m.starts for j in range(m.length)})
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
