"""Ranked hit -> snippet: the parts of a paragraph around its matches, joined with `…`."""
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


def make_snippet(text: str, highlights: list[list[int]], width: int = 220,
                 context: int = 70) -> Snippet:
    """Fragments of ``text`` of about ``context`` characters around the highlights, at most
    about ``width`` characters in all; the whole text when it is short enough."""
    if len(text) <= width or not highlights:
        if len(text) <= width:
            return Snippet(text.strip(), _shift(highlights, text, 0, len(text)))
        end = _word_end(text, width)
        return Snippet(text[:end].rstrip() + " " + ELLIPSIS, [])
    windows: list[list[int]] = []
    used = 0
    for start, end in highlights:
        lo = _word_start(text, max(0, start - context))
        hi = _word_end(text, min(len(text), end + context))
        if windows and lo <= windows[-1][1]:
            extra = hi - windows[-1][1]
            if used + max(extra, 0) > width and used:
                break
            windows[-1][1] = max(windows[-1][1], hi)
            used += max(extra, 0)
        else:
            if used + (hi - lo) > width and windows:
                break
            windows.append([lo, hi])
            used += hi - lo
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    out_len = 0
    for lo, hi in windows:
        piece = text[lo:hi]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        lo += lead
        prefix = "" if lo == 0 else ELLIPSIS + " "
        if parts:
            prefix = " " + ELLIPSIS + " " if lo > 0 else " "
        base = out_len + len(prefix)
        parts.append(prefix + piece)
        for s, e in _shift(highlights, text, lo, lo + len(piece)):
            spans.append((base + s, base + e))
        out_len += len(prefix) + len(piece)
    if windows and windows[-1][1] < len(text.rstrip()):
        parts.append(" " + ELLIPSIS)
    return Snippet("".join(parts), spans)


def _shift(highlights, text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Highlights that fall inside text[lo:hi], relative to lo (after stripping)."""
    lead = len(text[lo:hi]) - len(text[lo:hi].lstrip())
    return [(s - lo - lead, e - lo - lead) for s, e in highlights if s >= lo and e <= hi]
