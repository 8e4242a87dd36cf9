"""Stage two for paragraphs: the best candidates of stage one re-ranked on their text."""
from __future__ import annotations

from .documents import Documents
from .matching import Hits, cheap_first, excluded, holds, unit_hits, wanted_terms
from .query import ParsedQuery
from .results import Candidate
from .phrases import most_frequent, phrase_tier, spelling_counts
from .retrieval import TOGETHER_FIRST, Plan, Pool, Retriever, holding_every_unit, needs_text
from .scoring import score_hits, short_query

CANDIDATES = 300     # paragraphs re-ranked per query (more when paging deep)
TITLE_WEIGHT = 0.3   # weight of the article title's match in a paragraph's score
VERIFY_LIMIT = 2000  # matches of a phrase checked in the text; past it, the count is estimated


def score_paragraph(c: Candidate, plan: Plan, avg_len: float, hits: Hits | None = None) -> None:
    """Score a candidate paragraph; ``hits``: its matches when already known."""
    if hits is None:
        hits = unit_hits(c.pt, plan.weights.clauses)
    scored = score_hits(hits, plan.weights, len(c.pt), avg_len, plan.compound_docs.get(c.docnum, 0.0))
    c.take(scored)
    c.tier, c.spellings = phrase_tier(scored, plan.weights, c.pt, hits)


def rank_spellings(cands: list) -> None:
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
    what ``total`` counts and what the pages reach. :mod:`.merge` runs the steps over one
    index or over its shards: :meth:`pool`, then :meth:`stage_two` on the best of them."""

    def __init__(self, documents: Documents, retriever: Retriever, avg_len: float):
        self.documents = documents
        self.retriever = retriever
        self.avg_len = avg_len

    def pool(self, q: ParsedQuery, plan: Plan) -> Pool:
        """Stage one: the paragraphs that may match, with their scores."""
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
        holding = (list(holding_every_unit(plan, q, self.retriever, "p", scores))
                   if short_query(q) else [])
        wanted = wanted_terms(q)
        check = (lambda every: self._check(q, plan, wanted, every)) if needs_text(q) else None
        return Pool(scores, holding, check, self.documents.postings.article_of,
                    plan.proven.__contains__ if plan.proven else None)

    def stage_two(self, q: ParsedQuery, plan: Plan, docs: list[int], every: bool) -> list[Candidate]:
        """The paragraphs ``docs`` (the best of stage one, in its order) scored on their
        text, those that match (holding every unit, if ``every``) kept, each lifted by its
        article's title when the title is among them."""
        wanted = wanted_terms(q)
        cands: list[Candidate] = []
        for d in docs:
            c = self.documents.candidate(d, wanted)
            if c is None or excluded(c.pt, q):
                continue
            score_paragraph(c, plan, self.avg_len)
            if c.matched and (c.all_matched or not every):
                cands.append(c)
        titles = {c.article: c.score for c in cands if c.para == 0}
        for c in cands:
            if c.para != 0 and c.article in titles:
                c.score += TITLE_WEIGHT * titles[c.article]
        return cands

    def _check(self, q: ParsedQuery, plan: Plan, wanted: frozenset[str], every: bool):
        """A look at a paragraph's text: it holds every query unit (``every``) or one, with
        phrases consecutive, and no excluded phrase."""
        units = cheap_first(plan.weights.clauses)

        def check(d: int) -> bool:
            c = self.documents.candidate(d, wanted)
            return c is not None and not excluded(c.pt, q) and holds(c.pt, units, every)
        return check
