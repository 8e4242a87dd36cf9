"""The interactive REPL: type a query, see ranked hits; `:commands` for the rest.

The loop and its prompt are here; the commands are declared in :mod:`.commands`, completion
lives in :mod:`.completion`, hit formatting in :mod:`.output`. When stdin is not a
terminal the same commands are read one per line, without a prompt, so the REPL is
scriptable.
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from typing import TextIO

import click

from ..errors import SearcherError
from .commands import COMMANDS
from .session import Settings, run_update, shown_path
from .terminal import safe, use_colour


LITERAL_HINT = ":literal"  # how to search a query read as key strokes as typed


@dataclass
class ReplState:
    limit: int = 10
    articles: bool = True
    sort: str = "relevance"
    query: str | None = None
    page: int = 1
    hits: dict[int, object] = field(default_factory=dict)  # rank -> Hit, last pages shown
    last_total: int | None = None
    last_ms: float | None = None
    suggestion: str | None = None  # the last result's, for :s
    literal: bool = False  # the last query searched as typed (:literal), its pages too


class Repl:
    """One REPL session over an open search engine."""

    def __init__(self, settings: Settings, engine, out: TextIO | None = None,
                 colour: bool | None = None):
        self.settings = settings
        self.engine = engine
        self.out = out or sys.stdout
        self.colour = use_colour(settings.color, self.out) if colour is None else colour
        self.state = ReplState(limit=settings.limit, articles=settings.articles, sort=settings.sort)
        self.vocabulary = None

    # -- output -------------------------------------------------------------------------------
    def echo(self, text: str = "") -> None:
        click.echo(text, file=self.out, color=self.colour)

    def error(self, message: str) -> None:
        line = f"error: {safe(message)}"
        self.echo(click.style(line, fg="red") if self.colour else line)

    def toolbar(self) -> str:
        e = self.engine
        last = ""
        if self.state.last_total is not None:
            last = f" │ last: {self.state.last_total:,} hits in {self.state.last_ms:.1f} ms"
        mode = "" if self.state.articles else " │ paragraphs"
        return (f" {e.articles:,} articles · {e.paragraphs:,} paragraphs │ "
                f"{safe(shown_path(self.settings.index))}{last}{mode}")

    # -- one line -------------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        """Run one input line; False when the session should end."""
        text = line.strip()
        try:
            if not text:
                if self.state.query is not None:
                    self.more()
                return True
            if text.startswith(":") or COMMANDS.is_bare(text):
                return COMMANDS.run(self, text)
            self.search(text, page=1)
        except SearcherError as exc:
            self.error(str(exc))
        except KeyboardInterrupt:
            self.echo("interrupted")
        return True

    def search(self, text: str, page: int, literal: bool = False) -> None:
        from .output import format_footer, format_result

        result = self.engine.search(text, limit=self.state.limit, page=page,
                                    articles=self.state.articles, sort=self.state.sort,
                                    literal=literal)
        self.state.query, self.state.page, self.state.literal = text, page, literal
        self.state.last_total, self.state.last_ms = result.total, result.took_ms
        self.state.suggestion = result.suggestion
        if page == 1:
            self.state.hits = {}
        self.state.hits.update({h.rank: h for h in result.hits})
        if not result.hits and page > 1:
            self.echo(format_footer(result, self.state.articles, self.colour, LITERAL_HINT))
            return
        self.show(format_result(result, self.state.articles, self.colour, literal_hint=LITERAL_HINT))

    def show(self, text: str) -> None:
        """Print ``text``; through the pager when it is longer than the terminal (and the
        session is on one)."""
        from .pager import page

        height = shutil.get_terminal_size((80, 24)).lines
        if self.out is sys.stdout and sys.stdout.isatty() and text.count("\n") > height - 2:
            page(text, self.colour, self.settings.pager)
        else:
            self.echo(text)

    def facets(self) -> None:
        """The last query's matching articles per year and per folder, as bars."""
        from .output import facet_bars

        if self.state.query is None:
            raise SearcherError("no query yet: :facets counts the last query's matches")
        result = self.engine.search(self.state.query, limit=1, articles=True, suggest=False,
                                    facets=True)
        self.show(facet_bars(result.facets or {}, self.colour))

    def run_literal(self) -> None:
        """Search the last query again as typed, not as Telex or VNI key strokes."""
        if not self.state.query:
            raise SearcherError("no query to search as typed: search for something first")
        self.search(self.state.query, page=1, literal=True)

    def run_suggestion(self) -> None:
        """Search for the last result's suggestion (`did you mean`)."""
        if not self.state.suggestion:
            raise SearcherError("no suggestion to run: the last search offered none")
        self.search(self.state.suggestion, page=1)

    def more(self) -> None:
        if self.state.query is None:
            self.echo("no query yet")
            return
        self.search(self.state.query, self.state.page + 1, self.state.literal)

    def open(self, arg: str) -> None:
        """Hit N's whole article, query words highlighted; paged when longer than the screen."""
        from ..search import query_spans
        from .output import highlighted

        if not arg.isdigit() or int(arg) not in self.state.hits:
            shown = sorted(self.state.hits)
            raise SearcherError(f":open takes the number of a hit shown"
                                f"{f' ({shown[0]}–{shown[-1]})' if shown else ''}")
        hit = self.state.hits[int(arg)]
        q = self.engine.prepare_query(self.state.query or "")
        meta = self.engine.article_meta(hit.article)
        lines = [click.style(safe(meta.get("title", "")), bold=True) if self.colour else safe(meta.get("title", "")),
                 " · ".join(x for x in (meta.get("date"), safe(hit.article)) if x), ""]
        for n, text in self.engine.article_paragraphs(hit.article):
            spans = query_spans(text, q)
            marker = "▶ " if n == hit.paragraph else "  "
            lines.append(f"{marker}{highlighted(text, spans, self.colour)}")
            lines.append("")
        self.show("\n".join(lines))

    def stats(self) -> None:
        from ..index import index_stats

        info = index_stats(self.settings.index, self.settings.corpus)
        self.echo(f"{info['articles']:,} articles, {info['paragraphs']:,} paragraphs, "
                  f"{info['terms']:,} terms, {info['index_bytes'] / 1e6:,.1f} MB; corpus "
                  f"{safe(info['corpus'])}; updated {info['updated']}")

    def reindex(self) -> None:
        report = run_update(self.settings)
        self.echo(safe(report.summary()))
        self.engine.refresh()
        if self.vocabulary is not None:
            self.vocabulary.lexicon = self.engine.lexicon
            self.vocabulary.start()

    # -- loops -----------------------------------------------------------------------------------
    def run_interactive(self, input=None, output=None) -> None:
        """The prompt: history, completion, toolbar; Ctrl-C clears, Ctrl-D leaves."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        from prompt_toolkit.history import FileHistory, InMemoryHistory

        from .completion import SearchCompleter, Vocabulary

        history = InMemoryHistory()
        path = self.settings.history
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                history = FileHistory(str(path))
            except OSError:
                pass
        self.vocabulary = Vocabulary(self.engine.lexicon)
        self.vocabulary.start()
        session = PromptSession(
            history=history, auto_suggest=AutoSuggestFromHistory(),
            completer=SearchCompleter(self.vocabulary), complete_while_typing=True,
            bottom_toolbar=self.toolbar, input=input, output=output)
        self.echo(f"searcher: {self.engine.articles:,} articles. :help for commands, Ctrl-D to leave.")
        while True:
            try:
                line = session.prompt("search> ")
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if not self.handle(line):
                break

    def run_lines(self, lines) -> None:
        """Scripted use: one query or command per line, no prompt; blank lines are skipped
        (use :more for the next page)."""
        for line in lines:
            if line.strip() and not self.handle(line.rstrip("\r\n")):
                break
