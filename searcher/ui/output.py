"""Ranked hits -> what the terminal shows, shaped by its width: a header line per hit (rank,
title cut to fit, date), the file as `rg` names it (`path:line`, a hyperlink on terminals),
and snippets wrapped between words with matched words in bold. Every piece of article text
passes through :func:`searcher.ui.terminal.safe` before any styling is added."""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import quote

import click

from ..search import Hit, SearchResult
from ..text import plural
from .session import shown_path
from .terminal import safe

INDENT = "     "
MIN_WIDTH = 40
_WORD = re.compile(r"\S+")


def terminal_width() -> int:
    """Columns of the terminal (80 when there is none)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)


def display_width(text: str) -> int:
    """Columns ``text`` takes: combining marks none, wide (East Asian) characters two."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _safe_spans(text: str, spans) -> tuple[str, list[tuple[int, int]]]:
    """``text`` made safe for the terminal, with ``spans`` moved to where they are in it."""
    out, moved, last, at = [], [], 0, 0
    for start, end in spans:
        before, word = safe(text[last:start]), safe(text[start:end])
        out += [before, word]
        at += len(before)
        moved.append((at, at + len(word)))
        at += len(word)
        last = end
    out.append(safe(text[last:]))
    return "".join(out), moved


def wrap(text: str, spans, width: int) -> list[tuple[str, list[tuple[int, int]]]]:
    """``text`` in lines of at most ``width`` columns, broken only between words (a word
    longer than a line has a line of its own), each with the parts of ``spans`` inside it."""
    lines: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if lines and display_width(text[lines[-1][0]:m.end()]) <= width:
            lines[-1] = (lines[-1][0], m.end())
        else:
            lines.append(m.span())
    out = []
    for a, b in lines:
        inside = [(max(s, a) - a, min(e, b) - a) for s, e in spans if s < b and e > a]
        out.append((text[a:b], inside))
    return out


def highlighted(text: str, spans, colour: bool) -> str:
    """``text`` with ``spans`` in bold yellow (colour) or left plain."""
    text, spans = _safe_spans(text, spans)
    return _styled(text, spans, colour)


def _styled(text: str, spans, colour: bool) -> str:
    if not colour:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], click.style(text[start:end], bold=True, fg="yellow")]
        last = end
    out.append(text[last:])
    return "".join(out)


def _cut(text: str, width: int) -> str:
    """``text`` on one line in ``width`` columns, cut between words with `…` when longer."""
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    cut = text[:max(1, width - 1)]
    if " " in cut and not text[len(cut)].isspace():
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip() + "…"


def hyperlink(text: str, path: str) -> str:
    """``text`` as an OSC 8 hyperlink to the file ``path`` (terminals without them show
    the text alone)."""
    url = "file://" + quote(os.uname().nodename) + quote(Path(path).as_posix())
    return f"\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\"


class Layout:
    """How hits are drawn: width, colour, hyperlinks."""

    def __init__(self, colour: bool, width: int | None = None, hyperlinks: bool = True):
        self.colour = colour
        self.width = max(MIN_WIDTH, width or terminal_width())
        self.hyperlinks = hyperlinks and colour

    def location(self, path: str, line: int | None) -> str:
        text = safe(shown_path(path, dot=False)) + (f":{line}" if line else "")
        if self.hyperlinks:
            text = hyperlink(text, path)
        return click.style(text, fg="magenta") if self.colour else text

    def block(self, text: str, spans, indent: str, first: str = "") -> list[str]:
        """A snippet wrapped under ``indent`` (its first line led by ``first`` instead)."""
        text, spans = _safe_spans(text, spans)
        room = self.width - len(indent)
        lines = wrap(text, spans, room) or [("", [])]
        return [(first if i == 0 and first else indent) + _styled(t, s, self.colour)
                for i, (t, s) in enumerate(lines)]

    def hit(self, hit: Hit) -> str:
        date = f"  {hit.date}" if hit.date else ""
        rank = f"{hit.rank:>3}. "
        title = safe(_cut(hit.title, self.width - len(rank) - len(date))) or "(untitled)"
        head = rank + (click.style(title, bold=True) if self.colour else title)
        head += click.style(date, dim=True) if self.colour and date else date
        if hit.matches is None:  # a paragraph: its place, then its snippet
            lines = [head, INDENT + self.location(hit.path, hit.line)]
            lines += self.block(hit.snippet, hit.snippet_spans, INDENT)
            return "\n".join(lines)
        lines = [head, INDENT + self.location(hit.path, None)]
        shown = sorted([(hit.line, hit.snippet, hit.snippet_spans, True)] +
                       [(m.line, m.snippet, m.snippet_spans, False) for m in hit.matches])
        number_width = max(len(str(line)) for line, *_ in shown)
        for line, snippet, spans, best in shown:
            label = f"{line:>{number_width}}:"
            label = click.style(label, fg="green", bold=best) if self.colour else label
            lead = INDENT + label + " "
            lines += self.block(snippet, spans, INDENT + " " * (number_width + 2), first=lead)
        if hit.more:
            more = f"+{plural(hit.more, 'more paragraph')}"
            lines.append(INDENT + (click.style(more, dim=True) if self.colour else more))
        return "\n".join(lines)


def format_footer(result: SearchResult, articles: bool, colour: bool,
                  literal_hint: str = "--literal") -> str:
    """The line after the hits: which of how many, the query as searched when it was read
    as key strokes (``literal_hint``: how to search it as typed), a suggestion."""
    unit = "article" if articles else "paragraph"
    about = "" if result.total_exact else "about "
    if not result.hits:
        if result.page > 1 and result.total:
            line = f"no more results ({about}{plural(result.total, unit)} match)"
        else:
            line = f"no {unit}s match ({result.took_ms:.1f} ms)"
    else:
        first, last = result.hits[0].rank, result.hits[-1].rank
        shown = f"{first}" if first == last else f"{first}–{last}"
        line = (f"{shown} of {about}{plural(result.total, unit)} · page {result.page} · "
                f"{result.took_ms:.1f} ms")
    out = click.style(line, dim=True) if colour else line
    if result.interpreted:
        meant = safe(result.interpreted.text)
        out += (f"\nsearched for: {click.style(meant, bold=True) if colour else meant} "
                f"(typed as {result.interpreted.typed_as}; {literal_hint} searches as typed)")
    if result.suggestion:
        s = safe(result.suggestion)
        out += f"\ndid you mean: {click.style(s, bold=True) if colour else s}"
    return out


def facet_bars(facets: dict[str, dict[str, int]], colour: bool, width: int | None = None) -> str:
    """Each facet as lines of `label  bar  count`, bars scaled to the largest count."""
    width = max(MIN_WIDTH, width or terminal_width())
    out = []
    for name, counts in facets.items():
        if not counts:
            continue
        out.append(click.style(f"by {name}", bold=True) if colour else f"by {name}")
        label = max(len(safe(k)) for k in counts)
        top = max(counts.values())
        room = max(10, width - label - 12)
        for key, n in counts.items():
            bar = "█" * max(1, round(room * n / top))
            out.append(f"  {safe(key):<{label}}  {click.style(bar, fg='cyan') if colour else bar} {n:,}")
    return "\n".join(out) or "no matches to count"


def format_result(result: SearchResult, articles: bool, colour: bool, width: int | None = None,
                  hyperlinks: bool = True, literal_hint: str = "--literal") -> str:
    layout = Layout(colour, width, hyperlinks)
    parts = [layout.hit(h) for h in result.hits]
    parts.append(format_footer(result, articles, colour, literal_hint))
    return "\n\n".join(parts)
