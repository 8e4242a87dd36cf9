"""Stage two for paragraphs: the best candidates of stage one re-ranked on their text."""
from __future__ import annotations

import heapq

from .documents import Documents
from .matching import Hits, excluded, unit_hits, wanted_terms
from .query import ParsedQuery
from .results import Candidate
from .retrieval import SCORE_THEN_ID, Plan
from .scoring import rank_key, score_hits

CANDIDATES = 300    # paragraphs re-ranked per query (more when paging deep)
TITLE_WEIGHT = 0.3  # weight of the article title's match in a paragraph's score


def score_paragraph(c: Candidate, plan: Plan, avg_len: float, hits: Hits | None = None) -> None:
    """Score a candidate paragraph; ``hits``: its matches when already known."""
    if hits is None:
        hits = unit_hits(c.pt, plan.weights.clauses)
    c.take(score_hits(hits, plan.weights, len(c.pt), avg_len, plan.compound_docs.get(c.docnum, 0.0)))


class ParagraphRanker:
    """Ranks paragraphs for a query, each on its own text and its article's title."""

    def __init__(self, documents: Documents, avg_len: float):
        self.documents = documents
        self.avg_len = avg_len

    def rank(self, q: ParsedQuery, plan: Plan, need: int) -> tuple[list[Candidate], int]:
        """The ranked paragraphs (at least the best ``need``) and how many matched."""
        scores: dict[int, float] = {}
        for unit_docs in plan.units:
            for d, v in unit_docs.items():
                scores[d] = scores.get(d, 0.0) + v
        for d, w in plan.compound_docs.items():
            if d in scores:
                scores[d] += 0.5 * w
        if plan.allowed is not None:
            scores = {d: v for d, v in scores.items() if d in plan.allowed}
        for d in plan.dropped:
            scores.pop(d, None)
        total = len(scores)
        top = heapq.nlargest(max(CANDIDATES, need * 3), scores.items(), key=SCORE_THEN_ID)
        cands: list[Candidate] = []
        is_deleted = self.documents.is_deleted
        wanted = wanted_terms(q)
        for d, _ in top:
            if is_deleted(d):
                total -= 1
                continue
            c = self.documents.candidate(d, wanted)
            if c is None or excluded(c.pt, q):
                continue
            score_paragraph(c, plan, self.avg_len)
            if c.matched:
                cands.append(c)
        # The article's title counts: the title paragraph's score lifts its article's paragraphs.
        titles = {c.article: c.score for c in cands if c.para == 0}
        for c in cands:
            if c.para != 0 and c.article in titles:
                c.score += TITLE_WEIGHT * titles[c.article]
        cands.sort(key=rank_key(q), reverse=True)
        return cands, max(total, len(cands))
