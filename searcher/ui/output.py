"""Ranked hits -> what the terminal shows: numbered hits with title, date, article id,
paragraph and the snippet with matched words in bold. Every piece of article text passes
through :func:`searcher.ui.terminal.safe` before any styling is added."""
from __future__ import annotations

import click

from ..search import Hit, SearchResult
from ..text import plural
from .terminal import safe

TITLE_WIDTH = 90


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def highlighted(text: str, spans, colour: bool) -> str:
    """``text`` with ``spans`` in bold yellow (colour) or left plain."""
    out, last = [], 0
    for start, end in spans:
        out.append(safe(text[last:start]))
        word = safe(text[start:end])
        out.append(click.style(word, bold=True, fg="yellow") if colour else word)
        last = end
    out.append(safe(text[last:]))
    return "".join(out)


def format_hit(hit: Hit, colour: bool) -> str:
    title = safe(_shorten(hit.title, TITLE_WIDTH)) or "(untitled)"
    meta = " · ".join(x for x in (hit.date, f"{safe(hit.article)} ¶{hit.paragraph}") if x)
    head = f"{hit.rank:>3}. {click.style(title, bold=True) if colour else title}"
    meta_line = f"     {click.style(meta, dim=True) if colour else meta}"
    snippet = highlighted(hit.snippet, hit.snippet_spans, colour)
    return f"{head}\n{meta_line}\n     {snippet}"


def format_footer(result: SearchResult, articles: bool, colour: bool) -> str:
    unit = "article" if articles else "paragraph"
    if not result.hits:
        line = f"no {unit}s match ({result.took_ms:.1f} ms)"
    else:
        first, last = result.hits[0].rank, result.hits[-1].rank
        shown = f"{first}" if first == last else f"{first}–{last}"
        line = f"{shown} of {plural(result.total, unit)} · page {result.page} · {result.took_ms:.1f} ms"
    out = click.style(line, dim=True) if colour else line
    if result.suggestion:
        s = safe(result.suggestion)
        out += f"\ndid you mean: {click.style(s, bold=True) if colour else s}"
    return out


def format_result(result: SearchResult, articles: bool, colour: bool) -> str:
    parts = [format_hit(h, colour) for h in result.hits]
    parts.append(format_footer(result, articles, colour))
    return "\n\n".join(parts)
