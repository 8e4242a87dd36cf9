"""Query -> ranked hits: the library API behind `searcher search` and the REPL.

A facade over the pieces of one open index: :class:`~.documents.Documents` (stored text,
kept for the session), :class:`~.retrieval.Retriever` (stage one),
:class:`~.paragraphs.ParagraphRanker` and :class:`~.articles.ArticleRanker` (stage two),
and the index's :class:`~searcher.index.Lexicon`, which suggestions and completion read.
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from ..analysis.abbreviations import Table
from ..errors import IndexDamaged, SearcherError
from whoosh.searching import Searcher

from ..index import BigramFrequencies, IndexStore, Lexicon, PostingReader, open_snapshot
from .articles import ARTICLE_CANDIDATES, ArticleRanker
from .documents import Documents
from .features import ArticleFeatures
from .keystrokes import interpret
from .matching import excluded, wanted_terms
from .paragraphs import ParagraphRanker
from .query import ParsedQuery, mark_exact, parse_query
from .results import Hit, Order, Ranking, SearchResult
from .retrieval import Retriever
from .stats import CorpusStats
from .variants import Typos, known_abbreviations, respell

SORTS = ("relevance", "newest", "oldest")


class SearchEngine:
    """An open index, ready to answer many queries (open once, query often)."""

    def __init__(self, index: Path):
        self.store = IndexStore(index)
        self._open()

    def _open(self) -> None:
        snapshot = open_snapshot(self.store)
        self.shards = snapshot.shards
        try:
            self.searcher = Searcher(snapshot.reader)
            reader = snapshot.reader
            self.postings = PostingReader(reader)
            self.lexicon = Lexicon(reader, self.postings, snapshot.vocabularies)
            pointer = snapshot.summary
            self.stats = CorpusStats.of(reader, pointer)
            self.bigrams = BigramFrequencies(snapshot.bigrams)
        except Exception as exc:
            raise IndexDamaged(f"the index at {self.store.path} is damaged "
                               f"({type(exc).__name__}); run `searcher index --rebuild`") from None
        self.documents = Documents(self.searcher, self.postings, pointer.get("corpus"))
        self.retriever = Retriever(self.documents, self.postings, self.lexicon, self.stats)
        self.paragraph_ranker = ParagraphRanker(self.documents, self.retriever, self.stats.avg_len)
        self.article_ranker = ArticleRanker(self.documents, self.retriever, self.stats, self.bigrams)
        self._abbreviations: Table | None = None
        self.typos = Typos(self.lexicon, self.stats.paragraphs)

    @property
    def articles(self) -> int:
        """Articles in the index."""
        return self.stats.articles

    @property
    def paragraphs(self) -> int:
        """Paragraphs in the index."""
        return self.stats.paragraphs

    def clear_caches(self) -> None:
        """Forget what the session has read (paragraphs, joined articles, common words'
        bitmaps), to measure latency as a first query sees it."""
        self.documents.clear()
        self.postings.forget()

    def refresh(self) -> None:
        """Reopen after an update so new articles are seen."""
        self.close()
        self._open()

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:
            pass
        if getattr(self, "bigrams", None) is not None:
            self.bigrams.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def article_meta(self, article: str) -> dict:
        """Title, date, byline... of an article."""
        return self.documents.meta(article)

    def article_paragraphs(self, article: str) -> list[tuple[int, str]]:
        """All paragraphs of an article, in order (for `:open`)."""
        return self.documents.paragraphs_of(article)

    def prepare_query(self, text: str) -> ParsedQuery:
        """``text`` read as a query, its words typed with marks told apart by whether the
        index holds them so spelled (see :func:`searcher.search.query.mark_exact`), each
        with its other spellings (see :mod:`.variants`)."""
        def share(term: str) -> float:
            held = self.postings.doc_frequency("syl", term)
            return held / max(self.lexicon.folded_df(term), held, 1)

        return respell(mark_exact(parse_query(text), share), self.abbreviations, self.typos)

    @property
    def abbreviations(self) -> Table:
        """The built-in abbreviations and those the index's articles define (read once)."""
        if self._abbreviations is None:
            self._abbreviations = known_abbreviations(self.lexicon.definitions())
        return self._abbreviations

    def search(self, text: str, limit: int = 10, page: int = 1, articles: bool = False,
               suggest: bool = True, sort: str = "relevance", facets: bool = False,
               literal: bool = False) -> SearchResult:
        """Rank paragraphs (or articles) for ``text``; ``page`` counts from 1. ``sort``:
        relevance, newest or oldest (by the articles' date; undated ones last). ``facets``:
        count the matching articles per year and per top-level folder too. Words typed as
        Telex or VNI key strokes are searched as the syllables meant (see
        :mod:`.keystrokes`), unless ``literal``."""
        if sort not in SORTS:
            raise SearcherError(f"--sort takes {', '.join(SORTS)}, not {sort!r}")
        t0 = time.perf_counter()
        interpreted = None if literal else interpret(text, self._held)
        q = self.prepare_query(interpreted.text if interpreted else text)
        limit = max(1, limit)
        page = max(1, page)
        ranking = self._rank(q, need=limit * page, articles=articles, order=self._order(sort, articles))
        ranked, total = ranking.candidates, ranking.total
        first = (page - 1) * limit
        docs = self.documents
        page_of = ranked[first:first + limit]
        for c in page_of:
            for p in (c, *c.others):
                docs.show(p)
        hits = [Hit.of(rank, c, docs.meta(c.article), docs.location(c.article), articles)
                for rank, c in enumerate(page_of, start=first + 1)]
        suggestion = None
        if suggest and q.units:
            from .suggest import suggest_for  # a one-shot search without it loads less

            suggestion = suggest_for(self.lexicon, q, total, ranking.evidence)
        counts = self._facets(ranking, articles) if facets else None
        return SearchResult(text, total, page, (time.perf_counter() - t0) * 1000, suggestion, hits,
                            total_exact=ranking.exact, facets=counts, articles=articles,
                            interpreted=interpreted)

    def _held(self, term: str) -> int:
        """Paragraphs holding ``term`` as a syllable or as a whole code (`a4`, `u23`)."""
        return self.postings.doc_frequency("syl", term) + self.postings.doc_frequency("wordf", term)

    def _order(self, sort: str, articles: bool) -> Order | None:
        """The sort key of a matching article (or paragraph document) with its stage-one
        score, by date: newest or oldest first, undated last, ties by relevance."""
        if sort == "relevance":
            return None
        sign = -1 if sort == "newest" else 1
        meta, article_of = self.documents.meta, self.postings.article_of

        def key(item, score: float) -> tuple:
            article = item if articles else article_of(item)
            date = meta(article).get("date")
            parts = tuple(sign * int(p) for p in date.split("-")) if date else ()
            return (not parts, parts, -score, article, item)
        return key

    def _facets(self, ranking: Ranking, articles: bool) -> dict[str, dict[str, int]]:
        """Matching articles per year (`undated` without a date) and per top-level folder
        (`.` at the corpus's top)."""
        ids = ranking.matching if articles else set(map(self.postings.article_of, ranking.matching))
        keys = Counter(map(self.documents.facet_keys, ids))
        years: Counter = Counter()
        folders: Counter = Counter()
        for (year, folder), n in keys.items():
            years[year] += n
            folders[folder] += n
        return {"year": dict(sorted(years.items())), "folder": dict(sorted(folders.items()))}

    def article_features(self, text: str, k: int = ARTICLE_CANDIDATES) -> list[tuple[str, ArticleFeatures, bool]]:
        """What ``searcher search --articles`` weighs for its ``k`` candidate articles:
        (article, features, whether it holds every query word), in stage-one order. For
        fitting the weights (scripts/fit_article_weights.py) and for explaining a ranking."""
        q = self.prepare_query(text)
        if not q.units:
            return []
        plan = self.retriever.plan(q, self.retriever.filter_docs(q), with_docs=False)
        found = self.article_ranker.scored(q, plan, k, wanted_terms(q))
        return [(s.id, s.features, s.scored.all_matched) for s in found.articles]

    def _rank(self, q: ParsedQuery, need: int, articles: bool, order: Order | None = None) -> Ranking:
        allowed = self.retriever.filter_docs(q)
        if not q.units:
            return self._filtered_only(q, allowed, articles)
        plan = self.retriever.plan(q, allowed, with_docs=not articles)
        if articles:
            return self.article_ranker.rank(q, plan, need, wanted_terms(q), order)
        return self.paragraph_ranker.rank(q, plan, need, order)

    def _filtered_only(self, q: ParsedQuery, allowed: set[int] | None, articles: bool) -> Ranking:
        """A query of filters only: the paragraphs they allow, in article order."""
        if allowed is None:
            return Ranking([], 0, True, [])
        cands = [c for c in (self.documents.candidate(d) for d in sorted(allowed)) if c]
        cands = [c for c in cands if not excluded(c.pt, q)]
        cands.sort(key=lambda c: (c.article, c.para))
        if articles:
            cands = list({c.article: c for c in reversed(cands)}.values())[::-1]
        return Ranking(cands, len(cands), True, [],
                       [c.article for c in cands] if articles else [c.docnum for c in cands])
