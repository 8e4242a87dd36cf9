"""`searcher analyze`: every token of a text, as the index sees it (why something matched)."""
from __future__ import annotations

from dataclasses import dataclass

from .normalize import fold_term, normalize_term
from .syllables import SYLLABLE
from .tokens import WORD, fold_joined, normalize_joined, syllable_units, word_spans

@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token as `searcher analyze` shows it: ``text == source[start:end]``."""

    text: str
    start: int
    end: int
    kind: str  # "word" or "syllable"
    term: str
    folded: str

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "term": self.term, "folded": self.folded}


def analyze(text: str) -> list[AnalyzedToken]:
    """Every word and syllable token of ``text`` in text order, each word before its
    syllables, with its normalized and folded term."""
    tokens: list[AnalyzedToken] = []
    for w in word_spans(text):
        term = normalize_joined(w.joined)
        if term:
            tokens.append(AnalyzedToken(text[w.start:w.end], w.start, w.end, WORD, term,
                                        fold_joined(term)))
    for u in syllable_units(text):
        term = normalize_term(u.surface)
        if term:
            tokens.append(AnalyzedToken(u.surface, u.start, u.end, SYLLABLE, term, fold_term(term)))
    tokens.sort(key=lambda t: (t.start, t.kind != WORD, -t.end))
    return tokens


