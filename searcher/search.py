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
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.query import And, Or, Term, TermRange

from .errors import IndexDamaged
from .postings import PostingReader
from .query import ParsedQuery, parse
from .ranking import ParagraphTerms, excluded, highlight_spans, idf, score_paragraph
from .snippets import make_snippet
from .store import ARTICLE_DOC, PARAGRAPH_DOC, IndexStore

CANDIDATES = 300          # paragraphs re-ranked per query (more when paging deep)
COMMON_FRACTION = 0.08    # syllables in more paragraphs than this are skipped in retrieval...
COMMON_MIN_DF = 2000      # ...if they are also in at least this many paragraphs
ARTICLE_EVIDENCE = 0.3    # weight of an article's other matching paragraphs (--articles)
TITLE_WEIGHT = 0.3        # weight of the article title's match in a paragraph's score


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
            self.avg_len = self.reader.field_length("syl") / max(self.paragraphs, 1)
        except Exception as exc:
            raise IndexDamaged(f"the index at {self.store.path} is damaged "
                               f"({type(exc).__name__}); run `searcher index --rebuild`") from None
        self._meta: dict[str, dict] = {}
        self.last_candidates: list[_Candidate] = []

    def refresh(self) -> None:
        """Reopen after an update so new articles are seen."""
        self.close()
        self._open()

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- metadata ------------------------------------------------------------------------------
    def article_meta(self, article: str) -> dict:
        meta = self._meta.get(article)
        if meta is None:
            meta = {}
            for docnum in self.searcher.document_numbers(kind=ARTICLE_DOC, article=article):
                meta = self.reader.stored_fields(docnum).get("meta") or {}
                break
            self._meta[article] = meta
        return meta

    def article_paragraphs(self, article: str) -> list[tuple[int, str]]:
        """All paragraphs of an article, in order (for `:open`)."""
        out = []
        for docnum in self.searcher.document_numbers(kind=PARAGRAPH_DOC, article=article):
            f = self.reader.stored_fields(docnum)
            out.append((f["para"], f["text"]))
        return sorted(out)

    # -- retrieval -----------------------------------------------------------------------------
    def _df_folded(self, folded: str) -> int:
        return self.postings.doc_frequency("syl", folded) + self.postings.doc_frequency("sylf", folded)

    def _folded_docs(self, folded: str) -> set[int]:
        return set(self.postings.docs("syl", folded)) | set(self.postings.docs("sylf", folded))

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
                    pt = ParagraphTerms.of(f["text"])
                    if all(pt.find(c)[1] for c in q.title):
                        articles.add(f["article"])
            docs = set()
            for a in articles:
                docs.update(self.searcher.document_numbers(kind=PARAGRAPH_DOC, article=a))
            allowed = docs if allowed is None else allowed & docs
        return allowed

    def _clause_docs(self, clause) -> set[int]:
        docs = None
        for t in clause.terms:
            d = self._folded_docs(t.folded)
            docs = d if docs is None else docs & d
        return docs or set()

    def _compounds(self, q: ParsedQuery) -> list[tuple[str, float]]:
        """Folded compounds formed by consecutive query syllables that the index knows as
        words (`an ninh` -> `an_ninh`), with their idf."""
        seq: list[str] = []
        runs: list[list[str]] = []
        for unit in q.units:
            if len(unit.alternatives) == 1:
                seq.extend(t.folded for t in unit.alternatives[0].terms)
            else:
                runs.append(seq)
                seq = []
        runs.append(seq)
        out = []
        for run in runs:
            for n in (2, 3):
                for i in range(len(run) - n + 1):
                    word = "_".join(run[i:i + n])
                    df = self.postings.doc_frequency("wordf", word)
                    if df:
                        out.append((word, idf(df, self.paragraphs)))
        return out

    def search(self, text: str, limit: int = 10, page: int = 1, articles: bool = False,
               suggest: bool = True) -> SearchResult:
        """Rank paragraphs (or articles) for ``text``; ``page`` counts from 1."""
        t0 = time.perf_counter()
        q = parse(text)
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
            if allowed is None:
                return [], 0
            docs = sorted(allowed)
            cands = [c for c in (self._candidate(d) for d in docs) if c]
            cands = [c for c in cands if not excluded(c.pt, q)]
            cands.sort(key=lambda c: (c.article, c.para))
            if articles:
                cands = list({c.article: c for c in reversed(cands)}.values())[::-1]
            return cands, len(cands)

        n = self.paragraphs
        dfs: dict[str, int] = {}
        for t in q.positive_terms():
            dfs[t.folded] = self._df_folded(t.folded)
        common = max(COMMON_MIN_DF, COMMON_FRACTION * n)
        unit_df = [min(max(dfs[t.folded] for t in c.terms) for c in u.alternatives) for u in q.units]
        distinctive = [i for i, df in enumerate(unit_df) if df <= common]
        use = distinctive or list(range(len(q.units)))

        scores: dict[int, float] = {}
        for i in use:
            unit = q.units[i]
            unit_docs: dict[int, float] = {}
            for c in unit.alternatives:
                docs = self._clause_docs(c)
                w = sum(idf(dfs[t.folded], n) for t in c.terms)
                exact = None
                if any(t.accented for t in c.terms):
                    exact = None
                    for t in c.terms:
                        if t.accented:
                            e = set(self.postings.docs("syl", t.term))
                            exact = e if exact is None else exact & e
                for d in docs:
                    v = w if exact is None or d in exact else w * 0.5
                    if v > unit_docs.get(d, 0.0):
                        unit_docs[d] = v
            for d, v in unit_docs.items():
                scores[d] = scores.get(d, 0.0) + v
        compounds = self._compounds(q)
        compound_docs: dict[int, float] = {}
        for word, w in compounds:
            for d in self.postings.docs("wordf", word):
                compound_docs[d] = compound_docs.get(d, 0.0) + w
                if d in scores:
                    scores[d] += 0.5 * w
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d in allowed}
        for c in q.excluded:
            if len(c.terms) == 1:
                t = c.terms[0]
                drop = set(self.postings.docs("syl", t.term)) if t.accented else self._folded_docs(t.folded)
                for d in drop:
                    scores.pop(d, None)
        total_docs = len(scores)
        k = max(CANDIDATES, need * 3)
        top = heapq.nlargest(k, scores.items(), key=lambda kv: kv[1])

        cands: list[_Candidate] = []
        is_deleted = self.reader.is_deleted
        for d, _ in top:
            if is_deleted(d):
                total_docs -= 1
                continue
            c = self._candidate(d)
            if c is None or excluded(c.pt, q):
                continue
            s = score_paragraph(c.pt, q, dfs, n, self.avg_len, compound_docs.get(d, 0.0))
            c.score, c.all_matched, c.matched, c.matches = s.score, s.all_matched, s.matched, s.matches
            if c.matched:
                cands.append(c)
        # The article's title counts: the title paragraph's score lifts its article's paragraphs.
        titles = {c.article: c.score for c in cands if c.para == 0}
        for c in cands:
            if c.para != 0 and c.article in titles:
                c.score += TITLE_WEIGHT * titles[c.article]
        cands.sort(key=lambda c: (c.all_matched, c.score), reverse=True)
        if articles:
            best: dict[str, _Candidate] = {}
            extra: dict[str, float] = {}
            for c in cands:
                if c.article not in best:
                    best[c.article] = c
                else:
                    extra[c.article] = extra.get(c.article, 0.0) + c.score
            for a, c in best.items():
                c.score += ARTICLE_EVIDENCE * extra.get(a, 0.0)
            cands = sorted(best.values(), key=lambda c: (c.all_matched, c.score), reverse=True)
            # Counting distinct articles reads stored fields: exact for modest answers only.
            total_docs = len({self.reader.stored_fields(d).get("article") for d in scores}) \
                if len(scores) <= 3000 else len(best)
        self.last_candidates = cands
        return cands, max(total_docs, len(cands))

    def _candidate(self, docnum: int) -> _Candidate | None:
        f = self.reader.stored_fields(docnum)
        text = f.get("text")
        if text is None:
            return None
        return _Candidate(docnum, f["article"], f["para"], text, ParagraphTerms.of(text))

    def _hit(self, rank: int, c: _Candidate, q: ParsedQuery) -> Hit:
        meta = self.article_meta(c.article)
        spans = highlight_spans(c.pt, c.text, c.matches) if c.matches else []
        snip = make_snippet(c.text, spans)
        return Hit(rank=rank, score=c.score, article=c.article, paragraph=c.para,
                   title=meta.get("title", ""), date=meta.get("date"), text=c.text,
                   highlights=spans, snippet=snip.text, snippet_spans=snip.spans)
