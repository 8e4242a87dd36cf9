"""What a search returns: ranked candidates inside the engine, hits for the user."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .highlight import highlight_spans
from .keystrokes import Interpretation
from .matching import ParagraphTerms
from .scoring import Scored, UnitMatch
from .snippets import make_snippet


@dataclass
class Candidate:
    """A paragraph being ranked: its document, article, text and syllables, and its score."""

    docnum: int
    article: str
    para: int
    text: str
    pt: ParagraphTerms
    score: float = 0.0
    all_matched: bool = False
    matched: int = 0
    matches: list[UnitMatch | None] = field(default_factory=list)
    others: list["Candidate"] = field(default_factory=list)  # more of its article's shown
    more: int = 0  # its article's matching paragraphs beyond those shown
    tier: int = 0  # how it holds a short query's words as one run (see phrases.phrase_tier)
    spellings: frozenset = frozenset()  # the spellings of those runs
    spelling: int = 0  # how many candidates hold its most frequent spelling of the run

    def take(self, scored: Scored) -> None:
        """Take the score and matches worked out for this paragraph."""
        self.score, self.all_matched = scored.score, scored.all_matched
        self.matched, self.matches = scored.matched, scored.matches


# An order other than relevance: the sort key of a document number (or article id) with its
# stage-one score.
Order = Callable[[object, float], tuple]


@dataclass
class Location:
    """Where an article is: its file, and the line of each of its paragraphs."""

    path: str  # absolute
    lines: list[int]

    def line(self, para: int) -> int:
        return self.lines[para] if para < len(self.lines) else para + 1


@dataclass
class Match:
    """One paragraph of a hit's article shown beside its best one."""

    paragraph: int
    line: int
    text: str
    highlights: list[list[int]]
    snippet: str
    snippet_spans: list[tuple[int, int]] = field(repr=False, default_factory=list)

    @classmethod
    def of(cls, c: Candidate, where: Location) -> "Match":
        spans = highlight_spans(c.pt, c.text, c.matches) if c.matches else []
        snip = make_snippet(c.text, spans)
        return cls(c.para, where.line(c.para), c.text, spans, snip.text, snip.spans)

    def as_dict(self) -> dict:
        return {"paragraph": self.paragraph, "line": self.line, "text": self.text,
                "highlights": self.highlights, "snippet": self.snippet}


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
    path: str = ""
    line: int = 0
    matches: list[Match] | None = None  # article hits: more of its matching paragraphs
    more: int = 0  # article hits: matching paragraphs beyond those shown

    @classmethod
    def of(cls, rank: int, c: Candidate, meta: dict, where: Location, article: bool) -> "Hit":
        """The hit showing candidate ``c`` of an article whose metadata is ``meta``; an
        article hit (``article``) also shows the candidate's other paragraphs."""
        best = Match.of(c, where)
        return cls(rank=rank, score=c.score, article=c.article, paragraph=c.para,
                   title=meta.get("title", ""), date=meta.get("date"), text=c.text,
                   highlights=best.highlights, snippet=best.snippet,
                   snippet_spans=best.snippet_spans, path=where.path, line=best.line,
                   matches=[Match.of(o, where) for o in c.others] if article else None,
                   more=c.more)

    def as_dict(self) -> dict:
        out = {"rank": self.rank, "score": round(self.score, 4), "article": self.article,
               "paragraph": self.paragraph, "title": self.title, "date": self.date,
               "text": self.text, "highlights": self.highlights, "snippet": self.snippet,
               "path": self.path, "line": self.line}
        if self.matches is not None:
            out["matches"] = [dict(m.as_dict(), path=self.path) for m in self.matches]
            out["more"] = self.more
        return out


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    took_ms: float
    suggestion: str | None
    hits: list[Hit]
    total_exact: bool = True  # False: ``total`` is an estimate
    facets: dict[str, dict[str, int]] | None = None  # matching articles per year, per folder
    articles: bool = False  # hits are articles (else paragraphs)
    interpreted: Interpretation | None = None  # the query searched, when read as key strokes

    def as_dict(self) -> dict:
        out = {"query": self.query, "total": self.total, "page": self.page,
               "took_ms": round(self.took_ms, 2), "suggestion": self.suggestion,
               "hits": [h.as_dict() for h in self.hits],
               "interpreted": self.interpreted.text if self.interpreted else None,
               "typed_as": self.interpreted.typed_as if self.interpreted else None}
        if not self.total_exact:
            out["total_exact"] = False
        if self.facets is not None:
            out["facets"] = self.facets
        return out
