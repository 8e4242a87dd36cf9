"""Query -> ranked hits: the library API behind `searcher search` and the REPL.

Two stages keep long queries fast. Candidate retrieval reads posting lists of the query's
distinctive syllables (very common ones such as `của`, `và` are skipped there when rarer ones
exist) and of the compounds the query forms, adding idf per matched query word. The best few
hundred candidates are then re-ranked on their text (:mod:`searcher.ranking`): diacritics as
typed, adjacency, compounds, BM25 saturation, and the article title.
"""
from __future__ import annotations

import heapq
import time
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from whoosh.query import And, Or, Term, TermRange

from .errors import IndexDamaged
from .postings import PostingReader, bitmap_and
from .query import ParsedQuery, mark_exact, parse
from .bigrams import BigramFrequencies
from .ranking import (FOLD_WEIGHT, LONG_QUERY, ArticleFeatures, Hits, PairWeight, ParagraphTerms,
                      QueryTraits, QueryWeights, Scored, article_evidence, article_idf, excluded,
                      highlight_spans, hits_within, idf, paragraph_sums, paragraphs_holding,
                      score_hits, unit_hits, weighted)
from .snippets import make_snippet
from .store import ARTICLE_DOC, PARAGRAPH_DOC, IndexStore, stored_paragraphs

CANDIDATES = 300          # paragraphs re-ranked per query (more when paging deep)
COMMON_FRACTION = 0.08    # syllables in more paragraphs than this are skipped in retrieval...
COMMON_MIN_DF = 2000      # ...if they are also in at least this many paragraphs
ARTICLE_CANDIDATES = 40   # articles scored as wholes per query (--articles)
ARTICLE_POOL = 300        # articles whose common query words are looked at, to pick those
STAGE_ONE_COMPOUND_WEIGHT = 0.5  # articles, stage one: query compounds in one paragraph, x idf
TITLE_WEIGHT = 0.3        # weight of the article title's match in a paragraph's score
PARAGRAPH_CACHE = 20_000  # paragraphs kept split into syllables, least recently used dropped
ARTICLE_CACHE = 4_096     # articles kept joined into one sequence of syllables (--articles)
ARTICLE_DOCS_CACHE = 1 << 16  # articles whose document numbers are remembered (emptied when full)


@dataclass
class Hit:
    rank: int
    score: float
    article: str
    paragraph: int
    title: str
    date: str | None
    text: str
    highlights: list[list[int]]
    snippet: str
    snippet_spans: list[tuple[int, int]] = field(repr=False, default_factory=list)

    def as_dict(self) -> dict:
        return {"rank": self.rank, "score": round(self.score, 4), "article": self.article,
                "paragraph": self.paragraph, "title": self.title, "date": self.date,
                "text": self.text, "highlights": self.highlights, "snippet": self.snippet}


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    took_ms: float
    suggestion: str | None
    hits: list[Hit]

    def as_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "page": self.page,
                "took_ms": round(self.took_ms, 2), "suggestion": self.suggestion,
                "hits": [h.as_dict() for h in self.hits]}


@dataclass
class _Candidate:
    docnum: int
    article: str
    para: int
    text: str
    pt: ParagraphTerms
    score: float = 0.0
    all_matched: bool = False
    matched: int = 0
    matches: list = field(default_factory=list)


@dataclass(slots=True)
class _ScoredArticle:
    """A candidate article matched as a whole: what ranking and showing it need."""

    id: str
    article: "_Article"
    whole: ParagraphTerms
    hits: Hits
    scored: Scored  # its matches as one text
    holding: list[set[int]]
    features: ArticleFeatures


@dataclass
class _Article:
    """An article's live paragraphs in order, their syllables joined into one sequence with
    an empty syllable between two paragraphs (so that no phrase or adjacency spans two): what
    article ranking matches, read once a session."""

    paras: list[tuple[int, int, str]]  # (document, paragraph number, text)
    terms: tuple[str, ...]
    folded: tuple[str, ...]
    starts: list[int]  # where each paragraph starts in the sequence
    paragraph_at: array  # position in the sequence -> paragraph index (see paragraphs_holding)

    @classmethod
    def of(cls, paras: list[tuple[int, int, str, tuple, tuple]]) -> "_Article":
        paras.sort(key=lambda p: p[1])
        terms: list[str] = []
        folded: list[str] = []
        starts = []
        paragraph_at = array("H" if len(paras) < 1 << 16 else "L")
        for i, (_, _, _, t, f) in enumerate(paras):
            if terms:
                terms.append("")
                folded.append("")
                paragraph_at.append(i)  # the separator: never a match
            starts.append(len(terms))
            terms.extend(t)
            folded.extend(f)
            paragraph_at.extend(repeat(i, len(t)))
        return cls([p[:3] for p in paras], tuple(terms), tuple(folded), starts, paragraph_at)

    def whole(self, wanted: frozenset[str]) -> ParagraphTerms:
        """The article as one text to match (no character spans: not for highlighting)."""
        return ParagraphTerms("", wanted, (self.terms, self.folded))

    def length(self, i: int) -> int:
        """Syllables of paragraph ``i``."""
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.terms)
        return end - self.starts[i]

    def paragraph(self, i: int, article: str, wanted: frozenset[str]) -> _Candidate:
        docnum, para, text = self.paras[i]
        start = self.starts[i]
        end = start + self.length(i)
        return _Candidate(docnum, article, para, text,
                          ParagraphTerms(text, wanted, (self.terms[start:end], self.folded[start:end])))


@dataclass
class _Plan:
    """What stage one found: weights, per-unit documents, compounds, exclusions, filters."""

    weights: QueryWeights
    units: list[dict[int, float]]
    compound_docs: dict[int, float]
    dropped: set[int]
    allowed: set[int] | None
    common: list[int]  # units too common to read in stage one
    df_exact: dict[str, int]  # document frequencies of the query's terms, as typed...
    df_folded: dict[str, int]  # ...and folded


# Stage one keeps the best-scored documents (or articles), ties broken by their number (or id):
# never by the order a set happens to hold them in, so answers do not depend on it.
_SCORE_THEN_ID = itemgetter(1, 0)


def _wanted_terms(q: ParsedQuery) -> frozenset[str]:
    clauses = [*(c for u in q.units for c in u.alternatives), *q.excluded]
    return frozenset(t.folded for c in clauses for t in c.terms)


def _runs(q: ParsedQuery) -> list[list[str]]:
    """Runs of consecutive folded query syllables, broken where a unit has alternatives."""
    seq: list[str] = []
    runs: list[list[str]] = []
    for unit in q.units:
        if len(unit.alternatives) == 1:
            seq.extend(t.folded for t in unit.alternatives[0].terms)
        else:
            runs.append(seq)
            seq = []
    runs.append(seq)
    return runs


def _order(q: ParsedQuery):
    """Short queries: results holding every word first. Long ones (a headline, a question)
    rank on the score, where matched words and closeness already count."""
    tiered = len(q.units) <= LONG_QUERY
    return lambda c: (c.all_matched and tiered, c.score)


class SearchEngine:
    """An open index, ready to answer many queries (open once, query often)."""

    def __init__(self, index: Path):
        self.store = IndexStore(index)
        self._open()

    def _open(self) -> None:
        self.ix = self.store.open()
        try:
            self.searcher = self.ix.searcher()
            self.reader = self.searcher.reader()
            self.postings = PostingReader(self.reader)
            pointer = self.store.pointer() or {}
            self.paragraphs = int(pointer.get("paragraphs") or 0) or max(self.reader.doc_count(), 1)
            self.articles = int(pointer.get("articles") or 0) or 1
            self.avg_len = self.reader.field_length("syl") / max(self.paragraphs, 1)
            # Most indexes have no deleted documents: then nothing needs checking.
            self._is_deleted = (self.reader.is_deleted if self.reader.has_deletions()
                                else lambda docnum: False)
            self.bigram_df = BigramFrequencies(self.store.bigrams_path(self.ix.indexname))
        except Exception as exc:
            raise IndexDamaged(f"the index at {self.store.path} is damaged "
                               f"({type(exc).__name__}); run `searcher index --rebuild`") from None
        self._meta: dict[str, dict] = {}
        self._article_doc_set: set[int] | None = None
        # Paragraphs read lately, split into syllables (a session's queries revisit them).
        self._paragraph_cache: OrderedDict[int, tuple] = OrderedDict()
        self._article_cache: OrderedDict[str, _Article] = OrderedDict()
        self._docs_of_article: dict[str, list[int]] = {}
        self.last_candidates: list[_Candidate] = []

    def clear_caches(self) -> None:
        """Forget what the session has read (paragraphs, joined articles, common words'
        bitmaps), to measure latency as a first query sees it."""
        self._paragraph_cache.clear()
        self._article_cache.clear()
        self._docs_of_article.clear()
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
        if getattr(self, "bigram_df", None) is not None:
            self.bigram_df.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- metadata ------------------------------------------------------------------------------
    def article_meta(self, article: str) -> dict:
        """Title, date, byline... of an article (its article document is the one with
        `meta`; it was added first, so it is usually the first one looked at)."""
        meta = self._meta.get(article)
        if meta is None:
            meta = {}
            for docnum in sorted(self._article_docs(article)):
                stored = self.reader.stored_fields(docnum)
                if "meta" in stored:
                    meta = stored["meta"]
                    break
            self._meta[article] = meta
        return meta

    def article_paragraphs(self, article: str) -> list[tuple[int, str]]:
        """All paragraphs of an article, in order (for `:open`)."""
        return stored_paragraphs(self.searcher, article)

    def _article_doc(self, article: str) -> int | None:
        """The live article document of an article."""
        if self._article_doc_set is None:
            self._article_doc_set = set(self.postings.docs("kind", ARTICLE_DOC))
        return next((d for d in self._article_docs(article) if d in self._article_doc_set), None)

    def _article_docs(self, article: str) -> list[int]:
        """Live documents of an article (its article document included); remembered, as
        the same articles come back query after query (a posting list read each)."""
        docs = self._docs_of_article.get(article)
        if docs is None:
            is_deleted = self._is_deleted
            docs = [d for d in self.postings.docs("article", article) if not is_deleted(d)]
            if len(self._docs_of_article) >= ARTICLE_DOCS_CACHE:
                self._docs_of_article.clear()
            self._docs_of_article[article] = docs
        return docs

    # -- retrieval -----------------------------------------------------------------------------
    # Fields holding exact and folded syllables, for paragraph ("p") or article ("a") documents.
    _FIELDS = {"p": ("syl", "sylf"), "a": ("asyl", "asylf")}

    def _df_folded(self, folded: str, level: str = "p") -> int:
        exact_field, folded_field = self._FIELDS[level]
        return (self.postings.doc_frequency(exact_field, folded)
                + self.postings.doc_frequency(folded_field, folded))

    def _folded_docs(self, folded: str, level: str = "p") -> frozenset[int]:
        exact_field, folded_field = self._FIELDS[level]
        return self.postings.doc_set(folded, exact_field, folded_field)

    def _filter_docs(self, q: ParsedQuery) -> set[int] | None:
        """Paragraph documents allowed by the filters, or None when there are none."""
        parts = []
        if q.dates:
            parts.append(Or([TermRange("date", r.start, r.end + "\uffff") for r in q.dates]))
        if q.articles:
            parts.append(Or([Term("article", a) for a in q.articles]))
        allowed = None
        if parts:
            allowed = set(self.searcher.docs_for_query(And([Term("kind", PARAGRAPH_DOC), *parts])))
        if q.title:
            articles = set()
            title_docs = None
            for c in q.title:
                docs = self._clause_docs(c)
                title_docs = docs if title_docs is None else title_docs & docs
            for d in title_docs or ():
                f = self.reader.stored_fields(d)
                if f.get("para") == 0:
                    pt = ParagraphTerms(f["text"])
                    if all(pt.find(c)[1] for c in q.title):
                        articles.add(self.postings.article_of(d))
            docs = set()
            for a in articles:
                docs.update(self.searcher.document_numbers(kind=PARAGRAPH_DOC, article=a))
            allowed = docs if allowed is None else allowed & docs
        return allowed

    def _clause_docs(self, clause, level: str = "p") -> frozenset[int]:
        docs = None
        for t in clause.terms:
            d = self._folded_docs(t.folded, level)
            docs = d if docs is None else docs & d
        return docs or frozenset()

    def _compounds(self, q: ParsedQuery) -> list[tuple[str, float]]:
        """Folded compounds formed by consecutive query syllables that the index knows as
        words (`an ninh` -> `an_ninh`), with their idf."""
        out = []
        for run in _runs(q):
            for n in (2, 3):
                for i in range(len(run) - n + 1):
                    word = "_".join(run[i:i + n])
                    df = self.postings.doc_frequency("wordf", word)
                    if df:
                        out.append((word, idf(df, self.paragraphs)))
        return out

    def _pairs(self, q: ParsedQuery, df_exact: dict[str, int],
               df_folded: dict[str, int]) -> list[PairWeight | None]:
        """Each pair of consecutive single-clause query units as a bigram with its
        article-level idf; as typed, its df is estimated from the bigram's folded df and
        how often each word is spelled as typed."""
        out: list[PairWeight | None] = []
        for a, b in zip(q.units, q.units[1:]):
            if len(a.alternatives) > 1 or len(b.alternatives) > 1:
                out.append(None)
                continue
            first, second = a.alternatives[0].terms[-1], b.alternatives[0].terms[0]
            df = self.bigram_df.df(first.folded, second.folded)
            if not df:
                out.append(None)
                continue
            share = min((df_exact[t.term] / df_folded[t.folded] if t.exact and df_folded[t.folded] else 1.0)
                        for t in (first, second))
            out.append(PairWeight(article_idf(df, self.articles),
                                  article_idf(max(df * share, 1.0), self.articles),
                                  first.exact or second.exact))
        return out

    def parse_query(self, text: str) -> ParsedQuery:
        """``text`` read as a query, its words typed with marks told apart by whether the
        index holds them so spelled (see :func:`searcher.query.mark_exact`)."""
        return mark_exact(parse(text), lambda term: self.postings.doc_frequency("syl", term) > 0)

    def search(self, text: str, limit: int = 10, page: int = 1, articles: bool = False,
               suggest: bool = True) -> SearchResult:
        """Rank paragraphs (or articles) for ``text``; ``page`` counts from 1."""
        t0 = time.perf_counter()
        q = self.parse_query(text)
        limit = max(1, limit)
        page = max(1, page)
        ranked, total = self._rank(q, need=limit * page, articles=articles)
        hits = [self._hit(rank, c, q) for rank, c in
                enumerate(ranked[(page - 1) * limit: page * limit], start=(page - 1) * limit + 1)]
        suggestion = None
        if suggest and q.units:
            from .suggest import suggest_for

            suggestion = suggest_for(self, q, total)
        return SearchResult(text, total, page, (time.perf_counter() - t0) * 1000, suggestion, hits)

    def _rank(self, q: ParsedQuery, need: int, articles: bool) -> tuple[list[_Candidate], int]:
        allowed = self._filter_docs(q)
        if not q.units:
            return self._filtered_only(q, allowed, articles)
        plan = self._retrieve(q, allowed, with_docs=not articles)
        if articles:
            ranked, total = self._rank_articles(q, plan, need)
        else:
            ranked, total = self._rank_paragraphs(q, plan, need)
        self.last_candidates = ranked
        return ranked, total

    def _filtered_only(self, q: ParsedQuery, allowed: set[int] | None, articles: bool):
        """A query of filters only: the paragraphs they allow, in article order."""
        if allowed is None:
            return [], 0
        cands = [c for c in (self._candidate(d) for d in sorted(allowed)) if c]
        cands = [c for c in cands if not excluded(c.pt, q)]
        cands.sort(key=lambda c: (c.article, c.para))
        if articles:
            cands = list({c.article: c for c in reversed(cands)}.values())[::-1]
        return cands, len(cands)

    def _unit_sets(self, c, level: str, df_folded: dict[str, int],
                   common: float) -> tuple[frozenset[int] | None, frozenset[int]]:
        """Documents holding clause ``c`` as typed (None when nothing was typed with marks)
        and in any spelling. Other spellings are read only when that is cheap (`hưu` is
        rare, while its folded `huu` also stands for the common `hữu`)."""
        exact_field, _ = self._FIELDS[level]
        exact = None
        for t in c.terms:
            if t.exact:
                e = self.postings.doc_set(t.term, exact_field)
                exact = e if exact is None else exact & e
        if exact is None or max(df_folded[t.folded] for t in c.terms) <= common:
            return exact, self._clause_docs(c, level)
        return exact, exact

    def _retrieve(self, q: ParsedQuery, allowed: set[int] | None, level: str = "p",
                  with_docs: bool = True) -> "_Plan":
        """Stage one: for each distinctive query unit, the documents holding it and the idf
        weight it brings them (as typed, or discounted for other diacritics). ``level``
        "p" reads paragraph documents; "a" reads the article documents' syllable sets, so
        weights are article-level idf; both read the compounds the query forms.
        Without ``with_docs`` only the weights are worked out (article ranking reads no
        paragraph posting lists)."""
        exact_field, _ = self._FIELDS[level]
        n = self.paragraphs if level == "p" else self.articles
        pr = self.postings
        df_folded = {t.folded: self._df_folded(t.folded, level) for t in q.positive_terms()}
        df_exact = {t.term: pr.doc_frequency(exact_field, t.term)
                    for t in q.positive_terms() if t.exact}
        weights = QueryWeights.of(q, df_exact, df_folded, n, idf if level == "p" else article_idf)
        common = max(COMMON_MIN_DF if level == "p" else COMMON_MIN_DF // 4, COMMON_FRACTION * n)

        def df_as_typed(t) -> int:
            return df_exact[t.term] if t.exact else df_folded[t.folded]

        # A unit is distinctive when its rarest alternative, as typed, is not common.
        unit_df = [min(max(df_as_typed(t) for t in c.terms) for c in u.alternatives)
                   for u in q.units]
        distinctive = [i for i, df in enumerate(unit_df) if df <= common]
        use = distinctive or list(range(len(q.units)))

        units: list[dict[int, float]] = []
        for i in (use if with_docs else ()):
            alternatives = weights.units[i]
            if len(alternatives) == 1:  # the common case, at C speed (exact docs are among docs)
                w = alternatives[0]
                exact, docs = self._unit_sets(w.clause, level, df_folded, common)
                if exact is None:
                    unit_docs = dict.fromkeys(docs, w.exact)
                else:
                    unit_docs = dict.fromkeys(docs, FOLD_WEIGHT * w.folded)
                    unit_docs.update(dict.fromkeys(exact, w.exact))
                units.append(unit_docs)
                continue
            unit_docs = {}
            for w in alternatives:
                exact, docs = self._unit_sets(w.clause, level, df_folded, common)
                for d in docs:
                    v = w.exact if exact is None or d in exact else FOLD_WEIGHT * w.folded
                    if v > unit_docs.get(d, 0.0):
                        unit_docs[d] = v
            units.append(unit_docs)
        dropped: set[int] = set()
        for c in (q.excluded if with_docs else ()):
            if len(c.terms) == 1:
                t = c.terms[0]
                dropped |= pr.doc_set(t.term, exact_field) if t.exact else self._folded_docs(t.folded, level)
        # Compounds the query forms (paragraph documents, also for articles).
        compound_docs: dict[int, float] = {}
        for key, w in self._compounds(q) if with_docs else ():
            found = dict.fromkeys(pr.docs("wordf", key), w)
            again = {d: compound_docs[d] + w for d in found.keys() & compound_docs.keys()}
            compound_docs.update(found)
            compound_docs.update(again)
        return _Plan(weights, units, compound_docs, dropped, allowed,
                     [i for i in range(len(q.units)) if i not in use], df_exact, df_folded)

    def _rank_paragraphs(self, q: ParsedQuery, plan: "_Plan", need: int):
        """Stage two for paragraphs: re-rank the best candidates on their text."""
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
        top = heapq.nlargest(max(CANDIDATES, need * 3), scores.items(), key=_SCORE_THEN_ID)
        cands: list[_Candidate] = []
        is_deleted = self._is_deleted
        wanted = _wanted_terms(q)
        for d, _ in top:
            if is_deleted(d):
                total -= 1
                continue
            c = self._candidate(d, wanted)
            if c is None or excluded(c.pt, q):
                continue
            self._score(c, plan)
            if c.matched:
                cands.append(c)
        # The article's title counts: the title paragraph's score lifts its article's paragraphs.
        titles = {c.article: c.score for c in cands if c.para == 0}
        for c in cands:
            if c.para != 0 and c.article in titles:
                c.score += TITLE_WEIGHT * titles[c.article]
        cands.sort(key=_order(q), reverse=True)
        return cands, max(total, len(cands))

    def _score(self, c: _Candidate, plan: "_Plan", hits: Hits | None = None) -> None:
        """Score a candidate paragraph; ``hits``: its matches when already known."""
        if hits is None:
            hits = unit_hits(c.pt, plan.weights)
        s = score_hits(hits, plan.weights, len(c.pt), self.avg_len, plan.compound_docs.get(c.docnum, 0.0))
        c.score, c.all_matched, c.matched, c.matches = s.score, s.all_matched, s.matched, s.matches

    def _rank_articles(self, q: ParsedQuery, plan: "_Plan", need: int):
        """Stage two for articles: the best candidate articles are scored as wholes over all
        their paragraphs, and shown by their best paragraph."""
        wanted = _wanted_terms(q)
        scored, total = self._scored_articles(q, plan, max(ARTICLE_CANDIDATES, need * 2), wanted)
        ranked = [_Candidate(s.article.paras[0][0], s.id, s.article.paras[0][1], "", s.whole, weighted(s.features),
                             s.scored.all_matched, s.scored.matched, s.scored.matches) for s in scored]
        ranked.sort(key=_order(q), reverse=True)
        # Shown by its best paragraph: worked out for the articles on the pages asked for.
        # Only paragraphs holding the most query words can be the best: only they are scored.
        by_id = {s.id: s for s in scored}
        for i, c in enumerate(ranked[:need]):
            s = by_id[c.article]
            art, hits = s.article, s.hits
            counts = paragraph_sums(s.holding, [1] * len(s.holding), len(art.starts))
            most = max(counts)
            best = None
            for k, n in enumerate(counts):
                if n == most:
                    p = art.paragraph(k, c.article, wanted)
                    start = art.starts[k]
                    self._score(p, plan, hits_within(hits, start, start + len(p.pt)))
                    if best is None or p.score > best.score:
                        best = p
            best.score, best.all_matched = c.score, c.all_matched
            ranked[i] = best
        return ranked, max(total, len(ranked))

    def _scored_articles(self, q: ParsedQuery, plan: "_Plan", k: int,
                         wanted: frozenset[str]) -> tuple[list["_ScoredArticle"], int]:
        """The ``k`` best articles of stage one, each matched as a whole, with the features
        its score weighs (those holding an excluded word, or no query word, left out); and
        how many articles matched."""
        aplan = self._retrieve(q, None, level="a")
        top, total = self._candidate_articles(q, plan, aplan, k)
        pairs = self._pairs(q, aplan.df_exact, aplan.df_folded)
        traits = QueryTraits.of(q)
        avg_article = self.avg_len * self.paragraphs / max(self.articles, 1)
        out: list[_ScoredArticle] = []
        for a, stage_one in top:
            art = self._article(a, plan.allowed)
            if art is None:
                continue
            # The whole article at once: one sequence of syllables, matched once; its
            # paragraphs' matches are cut from it.
            whole = art.whole(wanted)
            if excluded(whole, q):
                continue
            hits = unit_hits(whole, plan.weights)
            scored = score_hits(hits, plan.weights, len(whole), self.avg_len)
            if not scored.matched:
                continue
            lead_end = art.length(0) if art.paras[0][1] == 0 else 0
            length = len(whole) - (len(art.paras) - 1)
            holding = paragraphs_holding(hits, art.paragraph_at)
            features = article_evidence(scored, aplan.weights, pairs, length, avg_article, lead_end,
                                        holding, len(art.starts), stage_one, traits)
            out.append(_ScoredArticle(a, art, whole, hits, scored, holding, features))
        return out, total

    def article_features(self, text: str, k: int = ARTICLE_CANDIDATES) -> list[tuple[str, ArticleFeatures, bool]]:
        """What ``searcher search --articles`` weighs for its ``k`` candidate articles:
        (article, features, whether it holds every query word), in stage-one order. For
        fitting the weights (scripts/fit_article_weights.py) and for explaining a ranking."""
        q = self.parse_query(text)
        if not q.units:
            return []
        plan = self._retrieve(q, self._filter_docs(q), with_docs=False)
        scored, _ = self._scored_articles(q, plan, k, _wanted_terms(q))
        return [(s.id, s.features, s.scored.all_matched) for s in scored]

    def _candidate_articles(self, q: ParsedQuery, plan: "_Plan", aplan: "_Plan",
                            k: int) -> tuple[list[tuple[str, float]], int]:
        """Stage one for articles: the ``k`` best by article-level idf of the distinctive
        query words they hold and of the query compounds in one of their paragraphs; the
        common words then tell the best few hundred apart. Returns (article, stage-one
        score) pairs, best first, and how many articles matched."""
        article_of = self.postings.article_of
        is_deleted = self._is_deleted
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
        total = len(scores)
        pool = dict(heapq.nlargest(ARTICLE_POOL, scores.items(), key=_SCORE_THEN_ID))
        if aplan.common:
            pool_docs: dict[int, str] = {}  # article document -> article, for the pool
            for a in pool:
                d = article_docs.get(a)
                if d is None:
                    d = self._article_doc(a)
                if d is not None:
                    pool_docs[d] = a
            # Document d is bit d & 7 of byte d >> 3 in a bitmap: worked out once per article.
            probes = [(d >> 3, 1 << (d & 7), a) for d, a in pool_docs.items()]
            for i in aplan.common:
                gain: dict[str, float] = {}  # the best alternative's, per article
                for w in aplan.weights.units[i]:
                    typed, anyway = self._clause_bitmaps(w.clause)
                    other = FOLD_WEIGHT * w.folded
                    for byte, bit, a in probes:
                        if anyway[byte] & bit:
                            v = w.exact if typed is None or typed[byte] & bit else other
                            if v > gain.get(a, 0.0):
                                gain[a] = v
                for a, v in gain.items():
                    pool[a] += v
        return heapq.nlargest(k, pool.items(), key=_SCORE_THEN_ID), total

    def _article(self, article: str, allowed: set[int] | None) -> _Article | None:
        """An article's paragraphs (those ``allowed``) joined; remembered when unfiltered."""
        if allowed is None:
            got = self._article_cache.get(article)
            if got is not None:
                self._article_cache.move_to_end(article)
                return got
        paras = []
        for d in self._article_docs(article):
            if allowed is None or d in allowed:
                got = self._paragraph(d, remember=False)
                if got is not None:
                    paras.append((d, *got))
        if not paras:
            return None
        art = _Article.of(paras)
        if allowed is None:
            if len(self._article_cache) >= ARTICLE_CACHE:
                self._article_cache.popitem(last=False)
            self._article_cache[article] = art
        return art

    def _paragraph(self, docnum: int, remember: bool = True) -> tuple | None:
        """(paragraph number, text, terms, folded terms) of a paragraph document, or None
        for an article document; ``remember`` keeps it for the session."""
        got = self._paragraph_cache.get(docnum)
        if got is not None:
            self._paragraph_cache.move_to_end(docnum)
            return got
        f = self.reader.stored_fields(docnum)
        text = f.get("text")
        if text is None:
            return None
        pt = ParagraphTerms(text)
        got = (f["para"], text, tuple(pt.terms), tuple(pt.folded))  # untracked by the GC
        if remember:
            if len(self._paragraph_cache) >= PARAGRAPH_CACHE:
                self._paragraph_cache.popitem(last=False)  # O(1), unlike a dict's first key
            self._paragraph_cache[docnum] = got
        return got

    def _clause_bitmaps(self, c) -> tuple[bytes | None, bytes]:
        """Article documents holding clause ``c`` as typed (None when nothing was typed
        with marks) and in any spelling, as bitmaps (for common words: tested, not listed)."""
        exact_field, folded_field = self._FIELDS["a"]
        typed = anyway = None
        for t in c.terms:
            if t.exact:
                e = self.postings.doc_bitmap(t.term, exact_field)
                typed = e if typed is None else bitmap_and(typed, e)
            f = self.postings.doc_bitmap(t.folded, exact_field, folded_field)
            anyway = f if anyway is None else bitmap_and(anyway, f)
        return typed, anyway

    def _candidate(self, docnum: int, wanted: frozenset[str] | None = None) -> _Candidate | None:
        got = self._paragraph(docnum)
        if got is None:
            return None
        para, text, terms, folded = got
        return _Candidate(docnum, self.postings.article_of(docnum), para, text,
                          ParagraphTerms(text, wanted, (terms, folded)))

    def _hit(self, rank: int, c: _Candidate, q: ParsedQuery) -> Hit:
        meta = self.article_meta(c.article)
        spans = highlight_spans(c.pt, c.text, c.matches) if c.matches else []
        snip = make_snippet(c.text, spans)
        return Hit(rank=rank, score=c.score, article=c.article, paragraph=c.para,
                   title=meta.get("title", ""), date=meta.get("date"), text=c.text,
                   highlights=spans, snippet=snip.text, snippet_spans=snip.spans)
