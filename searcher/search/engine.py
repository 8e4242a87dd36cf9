"""Query -> ranked hits: the library API behind `searcher search` and the REPL.

A facade over the pieces of one open index: :class:`~.documents.Documents` (stored text,
kept for the session), :class:`~.shard.ShardSearch` (the steps of ranking: stage one and
stage two, which :mod:`.merge` runs over this index, or over its shards on a cluster), and
the index's :class:`~searcher.index.Lexicon`, which suggestions and completion read.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ..analysis.abbreviations import Table
from ..errors import IndexDamaged, SearcherError
from whoosh.searching import Searcher

from ..index import BigramFrequencies, IndexStore, Lexicon, PostingReader, open_snapshot
from . import merge
from .articles import ARTICLE_CANDIDATES
from .documents import Documents
from .features import ArticleFeatures
from .keystrokes import interpret
from .query import ParsedQuery, mark_exact, parse_query
from .results import SearchResult
from .shard import ShardSearch
from .suggest import Suggestion
from .stats import CorpusStats
from .variants import Typos, known_abbreviations, respell

SORTS = ("relevance", "newest", "oldest")


class SearchEngine:
    """An open index, ready to answer many queries (open once, query often)."""

    def __init__(self, index: Path, parts: Callable[["SearchEngine"], merge.Parts] | None = None):
        """``parts``: what a query is fanned out to, made for the engine as opened (default:
        this process's one reader)."""
        self.store = IndexStore(index)
        self._make_parts = parts
        self._open()

    def _open(self) -> None:
        snapshot = open_snapshot(self.store)
        self.shards = snapshot.shards
        self.manifest = snapshot.summary if snapshot.shards > 1 else None  # a sharded index's
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
        self.part = ShardSearch(self.documents, self.lexicon, self.stats, self.bigrams)
        self.parts: merge.Parts = (self._make_parts(self) if self._make_parts
                                   else merge.LocalParts([self.part]))
        self._abbreviations: Table | None = None
        self.typos = Typos(self.lexicon, self.stats.paragraphs, self.bigrams)

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
        if getattr(self, "parts", None) is not None:
            self.parts.close()
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
        suggestion: Suggestion | None = None

        def accents(total: int) -> list[str] | None:
            nonlocal suggestion
            suggestion = Suggestion(self.lexicon, q, total, self.typos.doubtful)
            return suggestion.accents

        found = merge.answer(self.parts, q, limit, page, articles, sort, facets,
                             accents if suggest and q.units else None)
        offered = suggestion.offer(found.accents) if suggestion else None
        return SearchResult(text, found.total, page, (time.perf_counter() - t0) * 1000, offered,
                            found.hits, total_exact=found.exact, facets=found.facets,
                            articles=articles, interpreted=interpreted)

    def _held(self, term: str) -> int:
        """Paragraphs holding ``term`` as a syllable or as a whole code (`a4`, `u23`)."""
        return self.postings.doc_frequency("syl", term) + self.postings.doc_frequency("wordf", term)

    def article_features(self, text: str, k: int = ARTICLE_CANDIDATES) -> list[tuple[str, ArticleFeatures, bool]]:
        """What ``searcher search --articles`` weighs for its ``k`` candidate articles:
        (article, features, whether it holds every query word), in stage-one order. For
        fitting the weights (scripts/fit_article_weights.py) and for explaining a ranking."""
        q = self.prepare_query(text)
        if not q.units:
            return []
        token = "features"
        need = (k + 1) // 2
        opened = merge.start(self.parts, token, q, need, True, "relevance")
        found = merge.rank(self.parts, token, q, need, True, "relevance", opened)
        return [(r.ref, r.features, r.all_matched) for r in found.scored[:k]]
