"""Corpus-wide counts that ranking normalizes by."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CorpusStats:
    """How many paragraphs and articles the index holds, and their mean length."""

    paragraphs: int
    articles: int
    avg_len: float  # syllables per paragraph

    @classmethod
    def of(cls, reader, pointer: dict) -> "CorpusStats":
        """From an open reader and the index pointer's counts (the reader's when missing)."""
        paragraphs = int(pointer.get("paragraphs") or 0) or max(reader.doc_count(), 1)
        articles = int(pointer.get("articles") or 0) or 1
        return cls(paragraphs, articles, reader.field_length("syl") / max(paragraphs, 1))

    @property
    def avg_article_len(self) -> float:
        """Syllables per article."""
        return self.avg_len * self.paragraphs / max(self.articles, 1)
