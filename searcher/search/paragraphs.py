"""Stage two for paragraphs: the best candidates of stage one re-ranked on their text."""
from __future__ import annotations

from .documents import Documents
from .matching import Hits, excluded, unit_hits, wanted_terms
from .query import ParsedQuery
from .results import Candidate, Order, Ranking
from .phrases import most_frequent, phrase_tier, spelling_counts
from .retrieval import TOGETHER_FIRST, best_scored, Plan, Retriever, holding_every_unit, matches
from .scoring import rank_key, score_hits

CANDIDATES = 300     # paragraphs re-ranked per query (more when paging deep)
TITLE_WEIGHT = 0.3   # weight of the article title's match in a paragraph's score
VERIFY_LIMIT = 2000  # matches of a phrase checked in the text; past it, the count is estimated
EVIDENCE = 50        # best candidates whose spellings suggestions learn from


def score_paragraph(c: Candidate, plan: Plan, avg_len: float, hits: Hits | None = None) -> None:
    """Score a candidate paragraph; ``hits``: its matches when already known."""
    if hits is None:
        hits = unit_hits(c.pt, plan.weights.clauses)
    scored = score_hits(hits, plan.weights, len(c.pt), avg_len, plan.compound_docs.get(c.docnum, 0.0))
    c.take(scored)
    c.tier, c.spellings = phrase_tier(scored, plan.weights, c.pt)


def rank_spellings(cands: list[Candidate]) -> None:
    """Give each candidate the count of its most frequent spelling of a short query's run
    among them (see :func:`~.scoring.rank_key`)."""
    counts = spelling_counts(c.spellings for c in cands)
    if counts:
        for c in cands:
            c.spelling = most_frequent(c.spellings, counts)


class ParagraphRanker:
    """Ranks paragraphs for a query, each on its own text and its article's title.

    The paragraphs that match: for a short query, those holding every query word, when any
    does; otherwise (and for long queries) those holding any distinctive one. Those are
    what ``total`` counts and what the pages reach."""

    def __init__(self, documents: Documents, retriever: Retriever, avg_len: float):
        self.documents = documents
        self.retriever = retriever
        self.avg_len = avg_len

    def rank(self, q: ParsedQuery, plan: Plan, need: int, order: Order | None = None) -> Ranking:
        """The ranked paragraphs (at least the best ``need``) and how many match; ``order``
        sorts them instead of relevance (by date)."""
        scores: dict[int, float] = {}
        for unit_docs in plan.units:
            for d, v in unit_docs.items():
                scores[d] = scores.get(d, 0.0) + v
        for d, w in plan.compound_docs.items():
            if d in scores:
                scores[d] += 0.5 * w
        for d in plan.together or ():
            if d in scores:
                scores[d] += TOGETHER_FIRST
        if plan.allowed is not None:
            scores = {d: v for d, v in scores.items() if d in plan.allowed}
        for d in plan.dropped:
            scores.pop(d, None)
        if self.documents.reader.has_deletions():
            is_deleted = self.documents.is_deleted
            scores = {d: v for d, v in scores.items() if not is_deleted(d)}
        wanted = wanted_terms(q)
        keys, total, exact, every = matches(
            q, lambda: holding_every_unit(plan, q, self.retriever, "p", scores), scores,
            lambda every: self._check(q, plan, wanted, every), VERIFY_LIMIT, self.documents.order_key)
        pool = scores if len(keys) == len(scores) else {d: scores[d] for d in keys}
        k = max(CANDIDATES, need * 3)
        top = (best_scored(pool, k, self.documents.order_key) if order is None else
               sorted(pool.items(), key=lambda item: order(*item))[:k])
        cands: list[Candidate] = []
        for d, _ in top:
            c = self.documents.candidate(d, wanted)
            if c is None or excluded(c.pt, q):
                continue
            score_paragraph(c, plan, self.avg_len)
            if c.matched and (c.all_matched or not every):
                cands.append(c)
        # The article's title counts: the title paragraph's score lifts its article's paragraphs.
        titles = {c.article: c.score for c in cands if c.para == 0}
        for c in cands:
            if c.para != 0 and c.article in titles:
                c.score += TITLE_WEIGHT * titles[c.article]
        rank_spellings(cands)
        if order is None:
            cands.sort(key=rank_key(q), reverse=True)
        else:
            cands.sort(key=lambda c: order(c.docnum, c.score))
        return Ranking(cands, max(total, len(cands)), exact, [c.pt for c in cands[:EVIDENCE]], keys)

    def _check(self, q: ParsedQuery, plan: Plan, wanted: frozenset[str], every: bool):
        """A look at a paragraph's text: it holds every query unit (``every``) or one, with
        phrases consecutive, and no excluded phrase."""
        def check(d: int) -> bool:
            c = self.documents.candidate(d, wanted)
            if c is None or excluded(c.pt, q):
                return False
            held = sum(1 for alts in unit_hits(c.pt, plan.weights.clauses) if any(f for f, _ in alts))
            return held == len(q.units) if every else held > 0
        return check
