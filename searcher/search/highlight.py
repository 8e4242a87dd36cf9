"""Matched syllables -> character spans to highlight: whole words, in order, never
overlapping."""
from __future__ import annotations

from .matching import ParagraphTerms
from .query import ParsedQuery
from .scoring import UnitMatch


def highlight_spans(pt: ParagraphTerms, text: str, matches: list[UnitMatch | None]) -> list[list[int]]:
    """Character spans of matched syllables, consecutive ones (only spaces between) merged:
    whole matched words, in order, never overlapping."""
    marked = sorted({p + j for m in matches if m for p in m.starts for j in range(m.length)})
    spans: list[list[int]] = []
    syllables = pt.spans_until(marked[-1] + 1) if marked else []
    for i in marked:
        start, end = syllables[i]
        if spans and (spans[-1][1] == start or not text[spans[-1][1]:start].strip()):
            spans[-1][1] = max(spans[-1][1], end)
        elif spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return spans


def query_spans(text: str, q: ParsedQuery) -> list[list[int]]:
    """Spans of every match of the query's words in ``text``, with any diacritics (to show
    a whole article with the query's words marked)."""
    pt = ParagraphTerms(text)
    matches = []
    for unit in q.units:
        for c in unit.alternatives:
            fold_hits, _ = pt.find(c)
            if fold_hits:
                matches.append(UnitMatch(fold_hits, c.length, 1, 1, False))
    return highlight_spans(pt, text, matches)
