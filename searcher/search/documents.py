"""The stored side of an open index: paragraphs split into syllables, articles joined into
one sequence, their metadata; kept for the session within bounds, since a session's
queries revisit them."""
from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from ..analysis import syllable_spans
from ..index import ARTICLE_DOC, LRUCache, PostingReader, shared, stored_paragraphs
from .matching import ParagraphTerms
from .results import Candidate, Location

PARAGRAPH_CACHE = 20_000  # paragraphs kept split into syllables
ARTICLE_CACHE = 4_096     # articles kept joined into one sequence of syllables (--articles)
ARTICLE_DOCS_CACHE = 1 << 16  # articles whose document numbers are kept
META_CACHE = 1 << 16      # articles whose metadata is kept

# A paragraph as kept: (paragraph number, text, terms, folded terms); tuples of strings, which
# the garbage collector does not track.
StoredParagraph = tuple[int, str, tuple[str, ...], tuple[str, ...]]


@dataclass
class JoinedArticle:
    """An article's live paragraphs in order, their syllables joined into one sequence with
    an empty syllable between two paragraphs (so that no phrase or adjacency spans two): what
    article ranking matches, read once a session."""

    paras: list[tuple[int, int, str]]  # (document, paragraph number, text)
    terms: tuple[str, ...]
    folded: tuple[str, ...]
    starts: list[int]  # where each paragraph starts in the sequence
    paragraph_at: array  # position in the sequence -> paragraph index (see paragraphs_holding)

    @classmethod
    def of(cls, paras: list[tuple[int, int, str, tuple, tuple]]) -> "JoinedArticle":
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

    def paragraph(self, i: int, article: str, wanted: frozenset[str]) -> Candidate:
        docnum, para, text = self.paras[i]
        start = self.starts[i]
        end = start + self.length(i)
        return Candidate(docnum, article, para, text,
                         ParagraphTerms(text, wanted, (self.terms[start:end], self.folded[start:end])))


class Documents:
    """Stored paragraphs and articles of one open index reader."""

    def __init__(self, searcher, postings: PostingReader, corpus: str | None = None,
                 share: float = 1.0):
        """``share``: the part of the usual session caches to keep (a shard among several
        in one process sees its share of each query's candidates)."""
        self.searcher = searcher
        self.corpus = Path(corpus) if corpus else None  # the folder the index was built from
        self.reader = reader = searcher.reader()
        self.postings = postings
        # Most indexes have no deleted documents: then nothing needs checking.
        self.is_deleted = reader.is_deleted if reader.has_deletions() else lambda docnum: False
        self._paragraphs: LRUCache[StoredParagraph] = LRUCache(shared(PARAGRAPH_CACHE, share))
        self._articles: LRUCache[JoinedArticle] = LRUCache(shared(ARTICLE_CACHE, share))
        self._docs_of_article: LRUCache[list[int]] = LRUCache(shared(ARTICLE_DOCS_CACHE, share))
        self._spans: LRUCache[tuple] = LRUCache(shared(PARAGRAPH_CACHE, share))
        self._article_doc_set: set[int] | None = None
        self.meta = lru_cache(maxsize=shared(META_CACHE, share))(self._read_meta)
        self.location = lru_cache(maxsize=shared(META_CACHE, share))(self._read_location)
        self.facet_keys = lru_cache(maxsize=shared(META_CACHE, share))(self._read_facet_keys)

    def clear(self) -> None:
        """Forget the paragraphs and articles read (what a first query has to read)."""
        self._paragraphs.clear()
        self._articles.clear()
        self._docs_of_article.clear()
        self._spans.clear()

    def _read_meta(self, article: str) -> dict:
        """Title, date, byline... of an article (its article document is the one with
        `meta`; it was added first, so it is usually the first one looked at)."""
        for docnum in sorted(self.article_docs(article)):
            stored = self.reader.stored_fields(docnum)
            if "meta" in stored:
                return stored["meta"]
        return {}

    def _read_facet_keys(self, article: str) -> tuple[str, str]:
        """What facets count an article under: its year (`undated`), its top-level folder
        (`.` at the corpus's top)."""
        date = self.meta(article).get("date")
        return date[:4] if date else "undated", article.split("/", 1)[0] if "/" in article else "."

    def _read_location(self, article: str) -> Location:
        """The article's file (absolute) and the line of each paragraph, from its metadata
        (indexes built before it was recorded: from the file)."""
        meta = self.meta(article)
        path = Path(os.path.abspath((self.corpus or Path()) / meta.get("file", f"{article}.txt")))
        lines = meta.get("lines")
        if lines is None:
            from ..corpus import SkippedFile, decode, parse_article

            try:
                lines = parse_article(decode(path.read_bytes()), article).lines
            except (OSError, SkippedFile):
                lines = []
        return Location(str(path), lines)

    def order_key(self, docnum: int) -> tuple[str, int]:
        """Where a document stands in an order no index layout changes (one index or its
        shards, whatever the update history): by article id, then as written within the
        article (all of whose documents are in one segment, in order)."""
        return self.postings.article_of(docnum), docnum

    def paragraphs_of(self, article: str) -> list[tuple[int, str]]:
        """All paragraphs of an article, in order: (number, text)."""
        return stored_paragraphs(self.searcher, article)

    def article_doc(self, article: str) -> int | None:
        """The live article document of an article."""
        if self._article_doc_set is None:
            self._article_doc_set = set(self.postings.docs("kind", ARTICLE_DOC))
        return next((d for d in self.article_docs(article) if d in self._article_doc_set), None)

    def article_docs(self, article: str) -> list[int]:
        """Live documents of an article (its article document included); kept, as the same
        articles come back query after query (a posting list read each)."""
        docs = self._docs_of_article.get(article)
        if docs is None:
            is_deleted = self.is_deleted
            docs = self._docs_of_article.put(article, [
                d for d in self.postings.docs("article", article) if not is_deleted(d)])
        return docs

    def paragraph(self, docnum: int, remember: bool = True) -> StoredParagraph | None:
        """A paragraph document's number, text and syllables, or None for an article
        document; ``remember`` keeps it for the session."""
        got = self._paragraphs.get(docnum)
        if got is not None:
            return got
        f = self.reader.stored_fields(docnum)
        text = f.get("text")
        if text is None:
            return None
        pt = ParagraphTerms(text)
        got = (f["para"], text, tuple(pt.terms), tuple(pt.folded))
        return self._paragraphs.put(docnum, got) if remember else got

    def show(self, c: Candidate) -> None:
        """Give a candidate about to be shown its syllables' character spans (kept for the
        session: a result page is often seen again, paged through, its query run again)."""
        spans = self._spans.get(c.docnum)
        if spans is None:
            spans = self._spans.put(c.docnum, tuple(syllable_spans(c.text)))
        c.pt.spans = spans

    def candidate(self, docnum: int, wanted: frozenset[str] | None = None) -> Candidate | None:
        """A paragraph document to rank, matching only the ``wanted`` folded terms."""
        got = self.paragraph(docnum)
        if got is None:
            return None
        para, text, terms, folded = got
        return Candidate(docnum, self.postings.article_of(docnum), para, text,
                         ParagraphTerms(text, wanted, (terms, folded)))

    def article(self, article: str, allowed: set[int] | None) -> JoinedArticle | None:
        """An article's paragraphs (those ``allowed``) joined; kept when unfiltered."""
        if allowed is None:
            got = self._articles.get(article)
            if got is not None:
                return got
        paras = []
        for d in self.article_docs(article):
            if allowed is None or d in allowed:
                got = self.paragraph(d, remember=False)
                if got is not None:
                    paras.append((d, *got))
        if not paras:
            return None
        art = JoinedArticle.of(paras)
        return self._articles.put(article, art) if allowed is None else art
