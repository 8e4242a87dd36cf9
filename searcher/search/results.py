"""What a search returns: ranked candidates inside the engine, hits for the user."""
from __future__ import annotations

from dataclasses import dataclass, field

from .highlight import highlight_spans
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

    def take(self, scored: Scored) -> None:
        """Take the score and matches worked out for this paragraph."""
        self.score, self.all_matched = scored.score, scored.all_matched
        self.matched, self.matches = scored.matched, scored.matches


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

    @classmethod
    def of(cls, rank: int, c: Candidate, meta: dict) -> "Hit":
        """The hit showing candidate ``c`` of an article whose metadata is ``meta``."""
        spans = highlight_spans(c.pt, c.text, c.matches) if c.matches else []
        snip = make_snippet(c.text, spans)
        return cls(rank=rank, score=c.score, article=c.article, paragraph=c.para,
                   title=meta.get("title", ""), date=meta.get("date"), text=c.text,
                   highlights=spans, snippet=snip.text, snippet_spans=snip.spans)

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
