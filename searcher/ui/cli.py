"""The `searcher` command: one thin click command per verb over the library API.

Every error becomes one line on stderr here, at the boundary, with the contract's exit
codes: 2 for usage and data errors, 130 when interrupted (Ctrl-C), 143 when terminated
(SIGTERM); a closed stdout ends the command quietly. Nothing below prints or exits.
"""
from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import SearcherError
from .config import OPTIONS, SORTS, Settings
from .session import open_engine, run_update, shown_path
from .terminal import safe, use_colour

EXIT_OK, EXIT_NOTHING, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C does, so updates stop cleanly."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def fail(message: str) -> "click.exceptions.Exit":
    """Print one clear line on stderr and exit with code 2."""
    click.echo(f"searcher: {safe(message)}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


def _quiet_stdout() -> None:
    """Stdout was closed (`| head`): send what is left to /dev/null, so that nothing (not
    even Python's flush at exit) complains."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _Group(click.Group):
    """Turns library errors, usage errors, signals and closed pipes into the contract's exit
    codes, with at most one line on stderr."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SearcherError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # stdout closed (`| head`): nothing more to say
                _quiet_stdout()
                raise click.exceptions.Exit(EXIT_OK) from None
            raise fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "searcher"
            hint = "" if isinstance(exc, OptionNotWord) else f" (see `{where} --help`)"
            click.echo(f"searcher: {safe(exc.format_message())}{hint}", err=True)
            code = EXIT_ERROR
        except click.ClickException as exc:
            click.echo(f"searcher: {safe(exc.format_message())}", err=True)
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("searcher: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except Terminated:
            click.echo("searcher: interrupted", err=True)
            code = EXIT_TERMINATED
        except BrokenPipeError:  # while click itself wrote (help, version)
            _quiet_stdout()
            code = EXIT_OK
        try:
            sys.stdout.flush()
        except (BrokenPipeError, OSError, ValueError):
            _quiet_stdout()
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class OptionNotWord(click.UsageError):
    """An unknown `--option` among query words (its message says how to search for it)."""


class QueryCommand(click.Command):
    """A command whose arguments are query words: an unknown `--option` is a usage error
    (with how to search for it), `-h` is help, and any other word, `-Nghệ` too, is a query
    word; everything after `--` is."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value, names = set(), set()
        for p in self.get_params(ctx):
            if isinstance(p, click.Option):
                names.update(p.opts + p.secondary_opts)
                if not p.is_flag and not p.count:
                    takes_value.update(p.opts)
        options: list[str] = []
        words: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                words.extend(args[i + 1:])
                break
            name = arg.split("=", 1)[0]
            if arg == "-h":
                options.append("--help")
            elif arg.startswith("--") and len(arg) > 2:
                if name not in names:
                    raise OptionNotWord(f"no such option: {name} (to search for {arg!r}, put it "
                                        f"after `--`: {ctx.command_path} -- {arg})", ctx=ctx)
                options.append(arg)
                if name in takes_value and "=" not in arg and i + 1 < len(args):
                    options.append(args[i + 1])
                    i += 1
            else:
                words.append(arg)
            i += 1
        return super().parse_args(ctx, [*options, "--", *words])


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="Article folder (default $SEARCHER_CORPUS, the config file, else ./seeds).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default $SEARCHER_INDEX, the config file, else ./index).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default=None,
              help="Colour: auto (on a terminal, unless NO_COLOR is set), always, never.")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="Build sharded indexes on the Dask scheduler at ADDRESS (default "
                   "$SEARCHER_CLUSTER, the config file, else none).")
@click.version_option(__version__, "--version", prog_name="searcher")
@click.pass_context
def cli(ctx: click.Context, corpus: Path | None, index_dir: Path | None, color: str | None,
        cluster: str | None) -> None:
    """Full-text search for Vietnamese news. Without a command: the interactive REPL.

    Settings come from the command line, then the environment, then the config file
    ($XDG_CONFIG_HOME/searcher/config.toml), then the defaults: `searcher config` shows them.
    Exit codes: 0 found, 1 nothing found, 2 usage or data error, 130 interrupted.
    """
    ctx.obj = Settings.resolve({"corpus": corpus, "index": index_dir, "color": color,
                                "cluster": cluster})
    if ctx.invoked_subcommand is None:
        ctx.invoke(repl)


@cli.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def analyze(text: tuple[str, ...], as_json: bool) -> None:
    """Show how TEXT is tokenized and normalized (why something matched), and the other
    spellings a search for it also matches by the built-in rules (`i`/`y`, abbreviations;
    `searcher abbreviations` lists those the index's articles define)."""
    from ..analysis import alternatives
    from ..analysis import analyze as run_analyze
    from .terminal import to_json

    source = " ".join(text)
    tokens = run_analyze(source)
    others = alternatives(source)
    if as_json:
        click.echo(to_json({"text": source, "tokens": [t.as_dict() for t in tokens],
                            "alternatives": [a.as_dict() for a in others]}))
        return
    for t in tokens:
        indent = "" if t.kind == "word" else "  "
        click.echo(f"{indent}{t.kind:<8} {t.start:>5}-{t.end:<5} {safe(t.text)!s:<20} "
                   f"{safe(t.term)}  {safe(t.folded)}")
    for a in others:
        click.echo(f"also     {a.start:>5}-{a.end:<5} {safe(a.text)!s:<20} "
                   f"{safe(' | '.join(a.spellings))}  ({a.kind})")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--built-in", "built_in", is_flag=True,
              help="List the built-in table instead of what the articles define.")
@click.pass_obj
def abbreviations(settings: Settings, as_json: bool, built_in: bool) -> None:
    """The abbreviations the index's articles define (`bảo hiểm xã hội (BHXH)`, or a short
    form beside a capitalized run of its initials), with how many articles define each;
    searches use those defined by at least two, beside the built-in table."""
    from ..search import abbreviation_table
    from .terminal import to_json

    if built_in:
        rows = abbreviation_table(None)
    else:
        engine = open_engine(settings)
        try:
            rows = abbreviation_table(engine.lexicon)
        finally:
            engine.close()
    if as_json:
        click.echo(to_json({"abbreviations": rows}))
        return
    width = max((len(r["form"]) for r in rows), default=0)
    for r in rows:
        n = r["articles"]
        count = "built in" if n is None else f"{n:,} article{'s' if n != 1 else ''}"
        used = "" if r["used"] else "  (not used: too few)"
        click.echo(f"{safe(r['form']):<{width}}  {safe(r['expansion'])}  {count}{used}")


@cli.command(cls=QueryCommand)
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=None,
              help="Hits per page (default 10, or the config file's).")
@click.option("--page", type=click.IntRange(1, 100_000), default=1, show_default=True,
              help="Page of hits to show.")
@click.option("--articles/--paragraphs", "articles", default=None,
              help="One hit per article, its best paragraphs shown (the default, or the config "
                   "file's `mode`), or one hit per paragraph.")
@click.option("--sort", type=click.Choice(SORTS), default=None,
              help="Order: relevance (the default, or the config file's), newest or oldest "
                   "first by the articles' date (undated last).")
@click.option("--json", "as_json", is_flag=True,
              help="Machine-readable output, with facets (matching articles per year, folder).")
@click.option("--no-hyperlinks", is_flag=True, help="No terminal hyperlinks on file names.")
@click.option("--literal", is_flag=True,
              help="Search the words as typed, never as Telex or VNI key strokes.")
@click.pass_obj
def search(settings: Settings, query: tuple[str, ...], limit: int | None, page: int,
           articles: bool | None, sort: str | None, as_json: bool, no_hyperlinks: bool,
           literal: bool) -> None:
    """Search the index for QUERY (see the README's query language). QUERY `-` reads one
    query per line from stdin. Words starting with `-` exclude; put `--` before a word
    that starts with `--`."""
    from .output import format_result
    from .terminal import to_json

    limit = limit or settings.limit
    articles = settings.articles if articles is None else articles
    engine = open_engine(settings, fan_out=True)
    colour = use_colour(settings.color, json_output=as_json)
    batch = query == ("-",)
    lines = (line.rstrip("\r\n") for line in sys.stdin) if batch else [join_query(query)]
    found = False
    try:
        for text in lines:  # in batch mode a blank line gets its (empty) answer too
            result = engine.search(text, limit=limit, page=page, articles=articles,
                                   sort=sort or settings.sort, facets=as_json, literal=literal)
            found = found or bool(result.hits)
            if as_json:
                click.echo(to_json(result.as_dict()))
            else:
                if batch:
                    click.echo(f"# {safe(text)}")
                click.echo(format_result(result, articles, colour, hyperlinks=not no_hyperlinks),
                           color=colour)
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
@click.option("--verbose", is_flag=True, help="List the files still skipped and those ignored.")
@click.option("--shards", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Lay the index out as N shards (default: as it is; 1 is a single index).")
@click.pass_obj
def index_cmd(settings: Settings, rebuild: bool, verbose: bool, shards: int | None) -> None:
    """Update the index from the corpus (only what changed), or --rebuild it. An index
    holds one corpus: to index another, give another --index (or --rebuild this one).
    With --shards N, articles go to N ordinary indexes under the index folder by a hash of
    their id; an update touches only the shards whose articles changed."""
    report = run_update(settings, rebuild=rebuild, verbose=verbose, shards=shards)
    click.echo(safe(report.summary()))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def stats(settings: Settings, as_json: bool) -> None:
    """Articles, paragraphs, vocabulary and size of the index, and the corpus it holds."""
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
               f"shards      {info['shards']}\n"
               f"corpus      {safe(info['corpus'])}\n"
               f"index       {safe(info['index'])}\n"
               f"updated     {info['updated']}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def config(settings: Settings, as_json: bool) -> None:
    """The settings in force and where each came from (command line, environment, config
    file, the index, default)."""
    from .session import check_corpus
    from .terminal import to_json

    try:
        check_corpus(settings)  # the corpus in force is the index's own, unless given
    except SearcherError:
        pass
    shown = {name: (str(v) if isinstance(v, Path) else v) for name, v in settings.values.items()}
    if as_json:
        click.echo(to_json({"file": str(settings.file), "exists": settings.file.is_file(),
                            "settings": {n: {"value": shown[n], "source": settings.sources[n]}
                                         for n in OPTIONS}}))
        return
    state = "" if settings.file.is_file() else " (not found)"
    click.echo(f"config file  {safe(shown_path(settings.file))}{state}")
    values = {n: safe(str(v)) if v != "" else "(none)" for n, v in shown.items()}
    width = max(map(len, values.values()))
    for name, option in OPTIONS.items():
        click.echo(f"{name:<8} {values[name]:<{width}}  {settings.sources[name]:<13} {option.help}")


@cli.command()
@click.pass_obj
def repl(settings: Settings) -> None:
    """The interactive search prompt (queries from stdin when it is not a terminal)."""
    from .repl import Repl

    session = Repl(settings, open_engine(settings, fan_out=True), colour=use_colour(settings.color))
    try:
        if sys.stdin.isatty():
            session.run_interactive()
        else:
            session.run_lines(sys.stdin)
    finally:
        session.engine.close()


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="searcher")
