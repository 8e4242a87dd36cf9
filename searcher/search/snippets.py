"""Ranked hit -> snippet: the parts of a paragraph around its matches, joined with `…`.

The first part is cut around the hit's best match (its longest run of consecutive matched
words), which it always holds whole, and grows over the matches nearest to it (the densest
cluster); what room is left goes to other matches, in order. Cuts fall between words.
"""
from __future__ import annotations

from dataclasses import dataclass

ELLIPSIS = "…"


@dataclass
class Snippet:
    """Snippet text and the highlight spans inside it."""

    text: str
    spans: list[tuple[int, int]]


def _word_start(text: str, i: int) -> int:
    """Move ``i`` left to a word boundary (never splitting a word)."""
    while 0 < i < len(text) and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    while 0 < i < len(text) and not text[i].isspace():
        i += 1
    return i


def best_match(text: str, highlights: list[list[int]]) -> tuple[int, int] | None:
    """The highlight holding the most words (the first of those): the longest run of
    consecutive matched words."""
    best, most = None, 0
    for start, end in highlights:
        words = len(text[start:end].split())
        if words > most:
            best, most = (start, end), words
    return best


def _cluster(highlights: list[list[int]], best: tuple[int, int], room: int) -> tuple[int, int]:
    """The best match grown over its nearest neighbouring matches while it fits ``room``."""
    lo, hi = best
    i = j = highlights.index(list(best)) if list(best) in highlights else 0
    while True:
        left = highlights[i - 1] if i > 0 else None
        right = highlights[j + 1] if j + 1 < len(highlights) else None
        grow_left = lo - left[0] if left else None
        grow_right = right[1] - hi if right else None
        options = [(g, side) for g, side in ((grow_left, -1), (grow_right, 1)) if g is not None]
        if not options:
            return lo, hi
        grow, side = min(options)
        if hi - lo + grow > room:
            return lo, hi
        if side < 0:
            lo, i = left[0], i - 1
        else:
            hi, j = right[1], j + 1


def make_snippet(text: str, highlights: list[list[int]], width: int = 220,
                 context: int = 70) -> Snippet:
    """Fragments of ``text`` of about ``context`` characters around the matches, at most
    about ``width`` characters in all (more only to hold the best match whole); the whole
    text when it is short enough."""
    if len(text) <= width or not highlights:
        if len(text) <= width:
            return Snippet(text.strip(), _shift(highlights, text, 0, len(text)))
        end = _word_end(text, width)
        return Snippet(text[:end].rstrip() + " " + ELLIPSIS, [])
    best = best_match(text, highlights) or tuple(highlights[0])
    lo, hi = _cluster(highlights, best, max(width - 2 * context, best[1] - best[0]))
    pad = max(0, (width - (hi - lo)) // 2)
    windows = [[_word_start(text, max(0, lo - min(pad, context))),
                _word_end(text, min(len(text), hi + min(pad, context)))]]
    used = windows[0][1] - windows[0][0]
    for start, end in highlights:  # other matches, in order, while there is room
        if any(w[0] <= start and end <= w[1] for w in windows):
            continue
        w_lo = _word_start(text, max(0, start - context // 2))
        w_hi = _word_end(text, min(len(text), end + context // 2))
        if used + (w_hi - w_lo) > width:
            break
        windows.append([w_lo, w_hi])
        used += w_hi - w_lo
    windows.sort()
    merged: list[list[int]] = []
    for w in windows:
        if merged and (w[0] <= merged[-1][1] or not text[merged[-1][1]:w[0]].strip()):
            merged[-1][1] = max(merged[-1][1], w[1])
        else:
            merged.append(w)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    out_len = 0
    for lo, hi in merged:
        piece = text[lo:hi]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        lo += lead
        prefix = ("" if lo == 0 else ELLIPSIS + " ") if not parts else " " + ELLIPSIS + " "
        base = out_len + len(prefix)
        parts.append(prefix + piece)
        for s, e in _shift(highlights, text, lo, lo + len(piece)):
            spans.append((base + s, base + e))
        out_len += len(prefix) + len(piece)
    if merged[-1][1] < len(text.rstrip()):
        parts.append(" " + ELLIPSIS)
    return Snippet("".join(parts), spans)


def _shift(highlights, text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Highlights that fall inside text[lo:hi], relative to lo (after stripping)."""
    lead = len(text[lo:hi]) - len(text[lo:hi].lstrip())
    return [(s - lo - lead, e - lo - lead) for s, e in highlights if s >= lo and e <= hi]
