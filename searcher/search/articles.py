"""Ranking articles: stage one by article-level idf, then the best few scored as wholes over
all their paragraphs (:mod:`.features`), each shown by its best paragraph."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..index import BigramFrequencies
from .documents import Documents, JoinedArticle
from .features import ArticleFeatures, PairWeight, QueryTraits, article_evidence
from .matching import (Hits, ParagraphTerms, cheap_first, excluded, hits_within, holds, paragraph_sums,
                       paragraphs_holding, unit_hits)
from .paragraphs import score_paragraph
from .phrases import phrase_tier
from .query import ParsedQuery
from .results import Candidate
from .retrieval import ONE_PARAGRAPH_FIRST, TOGETHER_FIRST, Plan, Pool, Retriever, holding_every_unit, needs_text
from .scoring import FOLD_WEIGHT, Scored, article_idf, hit_matches, score_hits, short_query
from .stats import CorpusStats

ARTICLE_CANDIDATES = 40   # articles scored as wholes per query
ARTICLE_POOL = 300        # articles whose common query words are looked at, to pick those
STAGE_ONE_COMPOUND_WEIGHT = 0.5  # stage one: query compounds in one paragraph, x idf
OTHERS_SHOWN = 2          # matching paragraphs shown beside an article's best one
VERIFY_ARTICLES = 300     # matches of a phrase checked in the text; past it, the count is estimated


@dataclass(slots=True)
class ScoredArticle:
    """A candidate article matched as a whole: what ranking and showing it need."""

    id: str
    article: JoinedArticle
    whole: ParagraphTerms
    hits: Hits
    scored: Scored  # its matches as one text
    holding: list[set[int]]
    features: ArticleFeatures
    tier: int = 0  # how it holds a short query as one run (see phrases.phrase_tier)
    spellings: frozenset = frozenset()


class ArticleRanker:
    """Ranks articles for a query over one open index."""

    def __init__(self, documents: Documents, retriever: Retriever, stats: CorpusStats,
                 bigrams: BigramFrequencies):
        self.documents = documents
        self.retriever = retriever
        self.stats = stats
        self.bigrams = bigrams

    def shown_paragraphs(self, s: ScoredArticle, plan: Plan, wanted: frozenset[str]) -> Candidate:
        """The paragraph that shows an article, with up to :data:`OTHERS_SHOWN` more of its
        matching paragraphs (``others``) and how many match beyond those (``more``). The
        best is the best scored among the paragraphs holding the most query words (only
        they can be, so only they are scored); the others are the next best of those, then
        the first paragraphs holding the next most."""
        art = s.article
        counts = paragraph_sums(s.holding, [1] * len(s.holding), len(art.starts))
        by_count: dict[int, list[int]] = {}
        for k, n in enumerate(counts):
            if n:
                by_count.setdefault(n, []).append(k)
        groups = sorted(by_count, reverse=True)
        shown: list[Candidate] = []
        for k in by_count[groups[0]]:
            p = art.paragraph(k, s.id, wanted)
            start = art.starts[k]
            score_paragraph(p, plan, self.stats.avg_len, hits_within(s.hits, start, start + len(p.pt), plan.weights.shifts))
            shown.append(p)
        shown.sort(key=lambda p: (-p.tier, -p.score))  # stable: earlier paragraphs first on ties
        for n in groups[1:]:
            if len(shown) > OTHERS_SHOWN:
                break
            for k in by_count[n][:OTHERS_SHOWN + 1 - len(shown)]:
                p = art.paragraph(k, s.id, wanted)
                start = art.starts[k]
                p.matches = hit_matches(hits_within(s.hits, start, start + len(p.pt), plan.weights.shifts), plan.weights)
                shown.append(p)
        best = shown[0]
        best.others = sorted(shown[1:OTHERS_SHOWN + 1], key=lambda p: p.para)
        best.more = sum(map(len, by_count.values())) - 1 - len(best.others)
        return best

    def score_articles(self, q: ParsedQuery, plan: Plan, aplan: Plan,
                       top: list[tuple[str, float]], wanted: frozenset[str]) -> list[ScoredArticle]:
        """The articles of ``top`` (with their stage-one scores, best first), each matched
        as a whole, with the features its score weighs (those holding an excluded word, or
        no query word, left out). ``plan``: the query's paragraph-level plan; ``aplan``: its
        article-level one."""
        pairs = self.pairs(q, aplan.df_exact, aplan.df_folded)
        traits = QueryTraits.of(q)
        avg_len, avg_article = self.stats.avg_len, self.stats.avg_article_len
        out: list[ScoredArticle] = []
        for a, stage_one in top:
            art = self.documents.article(a, plan.allowed)
            if art is None:
                continue
            # The whole article at once: one sequence of syllables, matched once; its
            # paragraphs' matches are cut from it.
            whole = art.whole(wanted)
            if excluded(whole, q):
                continue
            hits = unit_hits(whole, plan.weights.clauses)
            scored = score_hits(hits, plan.weights, len(whole), avg_len)
            if not scored.matched:
                continue
            lead_end = art.length(0) if art.paras[0][1] == 0 else 0
            length = len(whole) - (len(art.paras) - 1)
            holding = paragraphs_holding(hits, art.paragraph_at, plan.weights.shifts)
            features = article_evidence(scored, aplan.weights, pairs, length, avg_article, lead_end,
                                        holding, len(art.starts), stage_one, traits)
            tier, spellings = phrase_tier(scored, plan.weights, whole, hits)
            out.append(ScoredArticle(a, art, whole, hits, scored, holding, features, tier, spellings))
        return out

    def pairs(self, q: ParsedQuery, df_exact: dict[str, int],
               df_folded: dict[str, int]) -> list[PairWeight | None]:
        """Each pair of consecutive query units typed without OR as a bigram with its
        article-level idf (of its most frequent spelling, when a word has variants); as
        typed, its df is estimated from the bigram's folded df and how often each word is
        spelled as typed."""
        out: list[PairWeight | None] = []
        articles = self.stats.articles
        for a, b in zip(q.units, q.units[1:]):
            if a.ored or b.ored:
                out.append(None)
                continue
            df, first, second = max(
                ((self.bigrams.df(f.folded, s.folded), f, s)
                 for f in (c.terms[-1] for c in a.alternatives if c.span == 1)
                 for s in (c.terms[0] for c in b.alternatives if c.span == 1)),
                key=lambda found: found[0])
            if not df:
                out.append(None)
                continue
            share = min((df_exact[t.term] / df_folded[t.folded] if t.exact and df_folded[t.folded] else 1.0)
                        for t in (first, second))
            out.append(PairWeight(article_idf(df, articles), article_idf(max(df * share, 1.0), articles),
                                  first.exact or second.exact))
        return out

    def pool(self, q: ParsedQuery, plan: Plan, wanted_terms: frozenset[str]) -> tuple[Pool, Plan, dict[str, int]]:
        """Stage one for articles: those that may match, scored by the article-level idf of
        the distinctive query words they hold and of the query compounds in one of their
        paragraphs, those holding a short query's words in one paragraph (as one
        capitalized run, more) first (:meth:`add_common_words` then tells the best few
        hundred apart). Returns
        the pool, the article-level plan, and each article's article document."""
        aplan = self.retriever.plan(q, None, level="a")
        article_of = self.retriever.postings.article_of
        is_deleted = self.documents.is_deleted
        allowed = None if plan.allowed is None else {article_of(d) for d in plan.allowed}
        dropped = {article_of(d) for d in aplan.dropped}

        def wanted(a: str) -> bool:
            return a not in dropped and (allowed is None or a in allowed)

        by_doc: dict[int, float] = {}  # summed by article document first: the hot loop
        get = by_doc.get
        for unit_docs in aplan.units:
            for d, v in unit_docs.items():
                by_doc[d] = get(d, 0.0) + v
        scores: dict[str, float] = {}
        article_docs: dict[str, int] = {}  # article -> its article document
        for d, v in by_doc.items():
            if not is_deleted(d):
                a = article_of(d)
                if wanted(a):
                    scores[a] = scores.get(a, 0.0) + v
                    article_docs[a] = d
        compounds: dict[str, float] = {}  # the best paragraph's query compounds
        for d, w in aplan.compound_docs.items():
            if not is_deleted(d):
                a = article_of(d)
                if w > compounds.get(a, 0.0) and wanted(a):
                    compounds[a] = w
        for a, w in compounds.items():
            scores[a] = scores.get(a, 0.0) + STAGE_ONE_COMPOUND_WEIGHT * w
        for a in {article_of(d) for d in aplan.together or () if not is_deleted(d)}:
            if a in scores:
                scores[a] += TOGETHER_FIRST
        for a in {article_of(d) for d in self.retriever.in_one_paragraph(q) if not is_deleted(d)}:
            if a in scores:
                scores[a] += ONE_PARAGRAPH_FIRST
        holding = []
        if short_query(q):
            held = holding_every_unit(aplan, q, self.retriever, "a", article_docs.values())
            holding = [a for a, d in article_docs.items() if d in held]
        check = ((lambda every: self._check(q, plan, wanted_terms, every)) if needs_text(q)
                 else None)
        return Pool(scores, holding, check, str, self._proven(q, plan, aplan, article_docs)), \
            aplan, article_docs

    def _proven(self, q: ParsedQuery, plan: Plan, aplan: Plan,
                article_docs: dict[str, int]) -> Callable[[str], bool] | None:
        """Whether the index shows an article to hold a query unit (see Pool.proven): a
        one-syllable alternative of some unit, in any spelling, among the article
        document's syllables, as a look at its text would find it. Stage one's lists
        (``aplan.proven``) answer first; the common units' bitmaps (which
        :meth:`add_common_words` reads too) next; the bitmaps of the words stage one read
        as typed only (their other spellings being common) only if an article is left.
        Which structure answers depends on the statistics; the answer does not. An article
        document proves a unit for the whole article, not for some paragraphs: None under
        filters, and when an excluded phrase must be looked for in every text anyway."""
        if plan.allowed is not None or not needs_text(q) or any(len(c.terms) > 1 for c in q.excluded):
            return None
        proof = aplan.proven
        common = set(aplan.common)
        first = [c for i in common for c in q.units[i].alternatives if len(c.terms) == 1]
        # Stage one read a word as typed only where its other spellings are common.
        past = self.retriever.common_df("a")
        later = [c for i, u in enumerate(q.units) if i not in common for c in u.alternatives
                 if len(c.terms) == 1 and aplan.df_folded.get(c.terms[0].folded, 0) > past]
        if not (proof or first or later):
            return None
        bitmaps = self.retriever.clause_bitmaps
        first_maps = [bitmaps(c)[1] for c in first]
        later_maps: list[bytes] | None = None

        def proven(a: str) -> bool:
            nonlocal later_maps
            d = article_docs.get(a)
            if d is None:  # in the pool by a compound of one of its paragraphs
                d = self.documents.article_doc(a)
                if d is None:
                    return False
            if d in proof:
                return True
            byte, bit = d >> 3, 1 << (d & 7)
            if any(b[byte] & bit for b in first_maps):
                return True
            if later_maps is None:
                later_maps = [bitmaps(c)[1] for c in later]
            return any(b[byte] & bit for b in later_maps)
        return proven

    def _check(self, q: ParsedQuery, plan: Plan, wanted: frozenset[str], every: bool):
        """A look at an article's text: it holds every query unit (``every``) or one, with
        phrases consecutive, and no excluded phrase."""
        units = cheap_first(plan.weights.clauses)

        def check(a: str) -> bool:
            art = self.documents.article(a, plan.allowed)
            if art is None:
                return False
            whole = art.whole(wanted)
            return not excluded(whole, q) and holds(whole, units, every)
        return check

    def add_common_words(self, pool: dict[str, float], article_docs: dict[str, int],
                          aplan: Plan) -> None:
        """Add to the pool's scores what the query's common words bring (tested per article
        in bitmaps, not read as lists)."""
        pool_docs: dict[int, str] = {}  # article document -> article, for the pool
        for a in pool:
            d = article_docs.get(a)
            if d is None:
                d = self.documents.article_doc(a)
            if d is not None:
                pool_docs[d] = a
        # Document d is bit d & 7 of byte d >> 3 in a bitmap: worked out once per article.
        probes = [(d >> 3, 1 << (d & 7), a) for d, a in pool_docs.items()]
        for i in aplan.common:
            gain: dict[str, float] = {}  # the best alternative's, per article
            for w in aplan.weights.units[i]:
                typed, anyway = self.retriever.clause_bitmaps(w.clause)
                other = FOLD_WEIGHT * w.folded
                for byte, bit, a in probes:
                    if anyway[byte] & bit:
                        v = w.exact if typed is None or typed[byte] & bit else other
                        if v > gain.get(a, 0.0):
                            gain[a] = v
            for a, v in gain.items():
                pool[a] += v
