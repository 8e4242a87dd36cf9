"""An article as one document: the evidence its score adds up (BM25 over the whole article,
its bigrams, its lead, what stage one found, one paragraph holding the query, names and
numbers), each part a feature, weighted by :data:`ARTICLE_WEIGHTS`.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from .matching import paragraph_sums
from .query import ParsedQuery
from .scoring import (B, FOLD_WEIGHT, K1, LONG_QUERY, PREFER_WEIGHT, ClauseWeight, QueryWeights,
                      Scored, UnitMatch, saturate)

# Articles (BM25 over the whole article, article-level idf):
BIGRAM_WEIGHT = 0.5     # consecutive query words found consecutive, x the bigram's idf
UNTYPED_BIGRAM_BOOST = 1.4  # more, for words typed without marks: their folded syllables
                            # are ambiguous alone, much less so in pairs
LEAD_WEIGHT = 0.3       # matches in the first paragraph (the title, or the lead), again
# Evidence beside BM25, fitted together on the VietNews tune split
# (scripts/fit_article_weights.py) and checked on the eval sample:
STAGE_ONE_WEIGHT = 0.45       # the article holds the query word at all (stage one's idf sum), again
BEST_PARAGRAPH_WEIGHT = 0.2   # the idf of the query words one paragraph holds together
RUN_DISCOUNT = 0.9            # long queries (headlines): a run of consecutive query words
RUN_DISCOUNT_CAP = 0.8        # counts through each of its bigrams; the longest run's idf is
                              # taken back, never more than this share of the bigrams' part
NAME_WEIGHT = 0.15            # share of the query's names (capitalized words) held, x total idf
NUMBER_WEIGHT = 0.15          # share of the query's numbers held, x total idf


@dataclass
class PairWeight:
    """Two consecutive query words as a bigram: its article-level idf with any diacritics,
    and as typed (``typed`` when either word must match as typed)."""

    folded: float
    exact: float
    typed: bool
    prefers = False  # (a pair is never preferred unmarked: see ClauseWeight.prefers)


def _typed_score(w: ClauseWeight | PairWeight, tf_exact: float, tf_folded: float, norm: float,
                 untyped: float = 1.0) -> float:
    """A word's or a pair's BM25 part: as typed, plus any spelling discounted; or, typed
    without marks, any spelling (weighed ``untyped``)."""
    if w.typed:
        return w.exact * saturate(tf_exact, norm) + FOLD_WEIGHT * w.folded * saturate(tf_folded, norm)
    score = untyped * w.folded * saturate(tf_folded, norm)
    if w.prefers:
        score += PREFER_WEIGHT * w.folded * saturate(tf_exact, norm)
    return score


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
