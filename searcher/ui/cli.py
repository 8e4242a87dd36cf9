"""The `searcher` command: one thin click command per verb over the library API.

Library errors (:class:`SearcherError`) become one line on stderr and exit code 2 here, at the
boundary; nothing below prints or exits.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import SearcherError
from .session import Settings, open_engine, run_update
from .terminal import safe

EXIT_OK, EXIT_NOTHING, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> "click.exceptions.Exit":
    """Print one clear line on stderr and exit with code 2."""

    click.echo(f"searcher: {safe(message)}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


class _Group(click.Group):
    """Turns library errors and usage errors into one line and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SearcherError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:  # pragma: no cover - interactive only
            click.echo("searcher: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="Article folder (default $SEARCHER_CORPUS, else ./seeds).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default $SEARCHER_INDEX, else ./index).")
@click.version_option(__version__, "--version", prog_name="searcher")
@click.pass_context
def cli(ctx: click.Context, corpus: Path | None, index_dir: Path | None) -> None:
    """Full-text search for Vietnamese news. Without a command: the interactive REPL."""
    ctx.obj = Settings.resolve(corpus, index_dir)
    if ctx.invoked_subcommand is None:
        ctx.invoke(repl)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def analyze(text: tuple[str, ...], as_json: bool) -> None:
    """Show how TEXT is tokenized and normalized (why something matched)."""
    from ..analysis import analyze as run_analyze
    from .terminal import to_json

    source = " ".join(text)
    tokens = run_analyze(source)
    if as_json:
        click.echo(to_json({"text": source, "tokens": [t.as_dict() for t in tokens]}))
        return
    for t in tokens:
        indent = "" if t.kind == "word" else "  "
        click.echo(f"{indent}{t.kind:<8} {t.start:>5}-{t.end:<5} {safe(t.text)!s:<20} "
                   f"{safe(t.term)}  {safe(t.folded)}")


@cli.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Hits per page.")
@click.option("--page", type=click.IntRange(1, 100_000), default=1, show_default=True,
              help="Page of hits to show.")
@click.option("--articles", is_flag=True, help="One hit per article (its best paragraph).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def search(settings: Settings, query: tuple[str, ...], limit: int, page: int, articles: bool,
           as_json: bool) -> None:
    """Search the index. QUERY `-` reads one query per line from stdin."""
    from .output import format_result
    from .terminal import to_json, use_colour

    engine = open_engine(settings)
    colour = use_colour(json_output=as_json)
    batch = query == ("-",)
    lines = (line.rstrip("\r\n") for line in sys.stdin) if batch else [join_query(query)]
    found = False
    try:
        for text in lines:  # in batch mode a blank line gets its (empty) answer too
            result = engine.search(text, limit=limit, page=page, articles=articles)
            found = found or bool(result.hits)
            if as_json:
                click.echo(to_json(result.as_dict()))
            else:
                if batch:
                    click.echo(f"# {safe(text)}")
                click.echo(format_result(result, articles, colour))
                if batch:
                    click.echo()
            if batch:
                sys.stdout.flush()
    finally:
        engine.close()
    if not batch and not found:
        raise click.exceptions.Exit(EXIT_NOTHING)


def join_query(args: tuple[str, ...]) -> str:
    """One query from the command line's words; an excluded argument holding spaces (the
    shell ate its quotes: `-"Công an"`) is an excluded phrase."""
    return " ".join(f'-"{a[1:]}"' if a.startswith("-") and " " in a.strip() and '"' not in a else a
                    for a in args)


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Build from scratch instead of updating.")
@click.pass_obj
def index_cmd(settings: Settings, rebuild: bool) -> None:
    """Update the index from the corpus (only what changed), or --rebuild it."""
    report = run_update(settings, rebuild=rebuild)
    click.echo(report.summary())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def stats(settings: Settings, as_json: bool) -> None:
    """Articles, paragraphs, vocabulary and size of the index."""
    from ..index import index_stats
    from .terminal import to_json

    info = index_stats(settings.index, settings.corpus)
    if as_json:
        click.echo(to_json(info))
        return
    click.echo(f"articles    {info['articles']:,}\n"
               f"paragraphs  {info['paragraphs']:,}\n"
               f"terms       {info['terms']:,}\n"
               f"index size  {info['index_bytes'] / 1e6:,.1f} MB\n"
               f"corpus      {safe(info['corpus'])}\n"
               f"index       {safe(info['index'])}\n"
               f"updated     {info['updated']}")


@cli.command()
@click.pass_obj
def repl(settings: Settings) -> None:
    """The interactive search prompt (queries from stdin when it is not a terminal)."""
    from .repl import Repl

    session = Repl(settings, open_engine(settings))
    try:
        if sys.stdin.isatty():
            session.run_interactive()
        else:
            session.run_lines(sys.stdin)
    finally:
        session.engine.close()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="searcher")
