"""One index's (or one shard's) part in answering a query, step by step, for :mod:`.merge`.

Each step works on the documents of this part only, with the statistics of the whole
index (document frequencies, lengths and bigram counts: the engine reads them over every
shard), and keeps what the later steps need under the query's token. What goes back is
small: counts, sort keys, the ranking fields of the candidates, and the page's hits.
"""
from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from ..index import BigramFrequencies, Lexicon
from .articles import ArticleRanker
from .documents import Documents
from .features import ArticleFeatures, weighted
from .matching import excluded, wanted_terms
from .paragraphs import ParagraphRanker
from .query import ParsedQuery
from .results import Candidate, Hit, Order
from .retrieval import Plan, Pool, Retriever, best_scored
from .stats import CorpusStats
from .scoring import short_query
from .suggest import AccentCounts, count_accents

QUERIES_KEPT = 8  # queries whose state a part keeps between steps (one is usually enough)


@dataclass
class Opening:
    """What a part holds for a query, before any cut."""

    every: int  # keys holding every query unit (short queries), by the index
    anything: int  # keys that may match
    text: bool  # whether matches must be checked in the text (phrases, codes)
    common: bool  # articles: common words to add to the best few hundred's scores
    filtered: list | None = None  # a query of filters only: (article, paragraph, key), in order
    best: dict | None = None  # every -> :meth:`ShardSearch.best`, when no text is to check
    boosted: dict | None = None  # every -> :meth:`ShardSearch.add_common_words` of that best
    unproven: int = 0  # of ``anything``, those the index does not prove (see Pool.unproven)


@dataclass
class Ranked:
    """A candidate scored on its text, as the merge orders it (see
    :func:`~.scoring.rank_key`)."""

    ref: object  # its key in the part: a paragraph document, or an article id
    score: float
    matched: int
    all_matched: bool
    tier: int
    spellings: frozenset
    order: tuple | None  # its sort key by date, when sorted by date
    features: ArticleFeatures | None = None  # articles: what the score weighs
    spelling: int = 0  # set by the merge (see paragraphs.rank_spellings)
    part: int = 0  # set by the merge


@dataclass
class Page:
    """A part's share of the result page."""

    hits: list[Hit]  # for the keys asked, in their order
    accents: AccentCounts | None  # how the candidates asked write the syllables asked
    facets: Counter | None  # (year, folder) -> matching articles


@dataclass
class _Query:
    q: ParsedQuery
    articles: bool
    order: Order | None
    pool: Pool
    plan: Plan | None = None
    every: bool = False
    aplan: Plan | None = None
    article_docs: dict = field(default_factory=dict)
    stage_one: dict = field(default_factory=dict)  # every -> article -> stage-one score
    cands: dict = field(default_factory=dict)  # key -> Candidate
    scored: dict = field(default_factory=dict)  # article -> ScoredArticle
    statistics: object = None  # the whole index's, for a shard


def date_order(sort: str, articles: bool, documents: Documents) -> Order | None:
    """The sort key of a matching article (or paragraph document) with its score, by date:
    newest or oldest first, undated last, ties by relevance; None for relevance."""
    if sort == "relevance":
        return None
    sign = -1 if sort == "newest" else 1
    meta, article_of = documents.meta, documents.postings.article_of

    def key(item, score: float) -> tuple:
        article = item if articles else article_of(item)
        date = meta(article).get("date")
        parts = tuple(sign * int(p) for p in date.split("-")) if date else ()
        return (not parts, parts, -score, article, item)
    return key


class ShardSearch:
    """The steps of :func:`.merge.answer` over one open index (a shard, or a whole index)."""

    def __init__(self, documents: Documents, lexicon: Lexicon, stats: CorpusStats,
                 bigrams: BigramFrequencies, frequencies=None):
        """The steps over ``documents``, ranked with ``stats``, the document frequencies of
        ``lexicon`` and the bigram counts of ``bigrams``. ``frequencies``: for a shard that
        reads the whole index's statistics from each query (see :mod:`.remote`), the object
        its readers ask, which ``use(statistics)`` points at a query's."""
        self.frequencies = frequencies
        self.documents = documents
        self.retriever = Retriever(documents, documents.postings, lexicon, stats)
        self.paragraphs = ParagraphRanker(documents, self.retriever, stats.avg_len)
        self.articles = ArticleRanker(documents, self.retriever, stats, bigrams)
        self._queries: OrderedDict[str, _Query] = OrderedDict()

    def start(self, token: str, q: ParsedQuery, articles: bool, sort: str, k: int,
              ahead: bool = False, statistics=None) -> Opening:
        """Stage one: what may match ``q`` here, and how much of it; when posting lists
        tell what matches, also the ``k`` best either way (see :meth:`best`), and with
        ``ahead``, for articles by relevance, those best with their common words added
        (see :meth:`add_common_words`: worth it where a step costs a message).
        ``statistics``: the whole index's for the query, when this is a shard."""
        self._use(statistics)
        allowed = self.retriever.filter_docs(q)
        order = date_order(sort, articles, self.documents)
        if not q.units:
            cands = self._filtered_only(q, allowed, articles)
            keys = {(c.article if articles else c.docnum): c for c in cands}
            pool = Pool(dict.fromkeys(keys, 0.0), [], None, self.documents.postings.article_of)
            self._keep(token, _Query(q, articles, order, pool, cands=keys, statistics=statistics))
            return Opening(0, len(keys), False, False,
                           [(c.article, c.para, key) for key, c in keys.items()])
        plan = self.retriever.plan(q, allowed, with_docs=not articles)
        if articles:
            pool, aplan, article_docs = self.articles.pool(q, plan, wanted_terms(q))
            st = _Query(q, articles, order, pool, plan, aplan=aplan, article_docs=article_docs)
        else:
            st = _Query(q, articles, order, self.paragraphs.pool(q, plan), plan)
        st.statistics = statistics
        self._keep(token, st)
        opening = Opening(len(st.pool.holding), len(st.pool.scores), st.pool.check is not None,
                          bool(st.aplan and st.aplan.common))
        if opening.text:
            opening.unproven = st.pool.unproven()
        if st.pool.check is None:
            choices = (True, False) if short_query(q) else (False,)
            opening.best = {every: self.best(token, every, k) for every in choices}
            if ahead and articles and order is None:
                opening.boosted = {every: self._boosted(token, every, best)
                                   for every, best in opening.best.items()}
        return opening

    def verify(self, token: str, every: bool, fraction: float | None, k: int,
               ahead: bool = False) -> tuple[int, int, int, list, list | None]:
        """Check the candidates' text (see :meth:`.retrieval.Pool.verify`); then, as the
        merge asks next when this ``every`` is its choice, the ``k`` best that match (see
        :meth:`best`) and, with ``ahead``, for articles by relevance, those with their common
        words added (as :meth:`start` does), else None."""
        st = self._queries[token]
        kept, passed, size = st.pool.verify(every, fraction)
        best = self.best(token, every, k)
        boosted = self._boosted(token, every, best) if ahead and st.articles and st.order is None else None
        return kept, passed, size, best, boosted

    def best(self, token: str, every: bool, k: int) -> list[tuple[tuple, object]]:
        """The ``k`` best keys that match (holding every unit, if ``every``), each with its
        sort key: (score, tie-break) by relevance, highest first; by date, lowest first."""
        st = self._queries[token]
        scores = st.pool.matching_scores(every)
        if st.order is not None:
            found = sorted((st.order(key, score), key) for key, score in scores.items())[:k]
            st.stage_one[every] = {key: scores[key] for _, key in found}
            return found
        tie = str if st.articles else self.documents.order_key
        found = best_scored(scores, k, tie)
        st.stage_one[every] = dict(found)
        return [((score, tie(key)), key) for key, score in found]

    def _boosted(self, token: str, every: bool, best: list[tuple[tuple, str]]) -> list[tuple[tuple, str]]:
        """Articles: ``best`` (of :meth:`best`) with the query's common words added, when it
        has any (the work of :meth:`add_common_words` done ahead)."""
        aplan = self._queries[token].aplan
        if aplan and aplan.common:
            return self.add_common_words(token, every, [key for _, key in best])
        return best

    def add_common_words(self, token: str, every: bool, keys: list[str]) -> list[tuple[tuple, str]]:
        """Articles: the stage-one scores of ``keys`` with what the query's common words
        bring, each as (score, id)."""
        st = self._queries[token]
        pool = {a: st.stage_one[every][a] for a in keys}
        self.articles.add_common_words(pool, st.article_docs, st.aplan)
        st.stage_one[every].update(pool)
        return [((score, a), a) for a, score in pool.items()]

    def stage_two(self, token: str, every: bool, keys: list) -> list[Ranked]:
        """Stage two for ``keys`` (the whole index's best of stage one held here, in its
        order) of what matches (holding every unit, if ``every``): each scored on its
        text; those that cannot match are left out."""
        st = self._queries[token]
        self._use(st.statistics)
        st.every = every
        order = st.order or (lambda key, score: None)
        if st.articles:
            top = [(a, st.stage_one[every][a]) for a in keys]
            scored = self.articles.score_articles(st.q, st.plan, st.aplan, top, wanted_terms(st.q))
            st.scored = {s.id: s for s in scored}
            out = []
            for s in scored:
                score = weighted(s.features)
                out.append(Ranked(s.id, score, s.scored.matched, s.scored.all_matched, s.tier,
                                  s.spellings, order(s.id, score), s.features))
            return out
        cands = self.paragraphs.stage_two(st.q, st.plan, keys, every)
        st.cands = {c.docnum: c for c in cands}
        return [Ranked(c.docnum, c.score, c.matched, c.all_matched, c.tier, c.spellings,
                       order(c.docnum, c.score)) for c in cands]

    def page(self, token: str, keys: list, evidence: list, accents: list[str] | None,
             facets: bool) -> Page:
        """The hits of ``keys``; how the ``evidence`` keys (each with its rank among the
        whole index's best candidates) write the folded syllables ``accents`` (for
        suggestions, :mod:`.suggest`); the facet counts of what matches here. The query's
        state is then let go."""
        st = self._queries.pop(token)
        hits = [self._hit(st, key) for key in keys]
        counts = None
        if accents:
            counts = count_accents(accents, [st.cands[key].pt if key in st.cands
                                             else st.scored[key].whole for _, key in evidence],
                                   [rank for rank, _ in evidence])
        return Page(hits, counts, self._facets(st) if facets else None)

    def _hit(self, st: _Query, key) -> Hit:
        c = st.cands.get(key)
        if c is None:  # an article scored as a whole, shown by its best paragraphs
            s = st.scored[key]
            c = self.articles.shown_paragraphs(s, st.plan, wanted_terms(st.q))
            c.score, c.all_matched, c.tier = weighted(s.features), s.scored.all_matched, s.tier
        docs = self.documents
        for p in (c, *c.others):
            docs.show(p)
        return Hit.of(0, c, docs.meta(c.article), docs.location(c.article), st.articles)

    def _facets(self, st: _Query) -> Counter:
        keys = st.pool.matching(st.every)
        ids = keys if st.articles else set(map(self.documents.postings.article_of, keys))
        return Counter(map(self.documents.facet_keys, ids))

    def _filtered_only(self, q: ParsedQuery, allowed: set[int] | None,
                       articles: bool) -> list[Candidate]:
        """A query of filters only: the paragraphs they allow, in article order (for
        articles, the first of each)."""
        if allowed is None:
            return []
        cands = [c for c in map(self.documents.candidate, sorted(allowed)) if c]
        cands = [c for c in cands if not excluded(c.pt, q)]
        cands.sort(key=lambda c: (c.article, c.para))
        if articles:
            cands = list({c.article: c for c in reversed(cands)}.values())[::-1]
        return cands

    def _use(self, statistics) -> None:
        if statistics is not None:
            self.frequencies.use(statistics)

    def _keep(self, token: str, st: _Query) -> None:
        self._queries[token] = st
        while len(self._queries) > QUERIES_KEPT:
            self._queries.popitem(last=False)
