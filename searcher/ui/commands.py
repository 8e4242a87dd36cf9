"""The REPL's commands, declared once: name, aliases, argument, help and handler. `:help`,
dispatch and completion all read :data:`COMMANDS` (as pgcli's special commands do)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import SearcherError
from ..text import plural

QUERY_HELP = """\
Type words to search; Enter on an empty line (or :more) shows the next page.
  "exact phrase"   -word   -"phrase"   a OR b
  date:2024  date:2023-06  date:2017..2020   article:ID   title:word   in:FOLDER  -in:FOLDER"""

# A handler gets the REPL session and the text after the command; False ends the session.
Handler = Callable[[object, str], "bool | None"]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Handler
    argument: str = ""                     # how the argument is written in help (`N`)
    aliases: tuple[str, ...] = ()
    status: Callable[[object], str] | None = None  # the setting it changes, now
    bare: tuple[str, ...] = ()             # whole lines that run it without a colon (`exit`)

    def usage(self) -> str:
        names = ", ".join((self.name, *self.aliases, *self.bare))
        return f"{names} {self.argument}".rstrip()


class CommandTable:
    """Commands by name and alias, in the order they were declared."""

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self._by_name: dict[str, Command] = {}

    def command(self, name: str, help: str, argument: str = "", aliases: tuple[str, ...] = (),
                status: Callable[[object], str] | None = None,
                bare: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
        """Declare the decorated function as the handler of command ``name``."""
        def register(handler: Handler) -> Handler:
            cmd = Command(name, help, handler, argument, aliases, status, bare)
            self.commands.append(cmd)
            for key in (name, *aliases, *bare):
                self._by_name[key] = cmd
            return handler
        return register

    def is_bare(self, line: str) -> bool:
        """Whether a whole line is a command's bare word (`exit`), not a query."""
        word = line.strip().lower()
        return any(word in c.bare for c in self.commands)

    def find(self, name: str) -> Command:
        """The command called ``name`` (or an alias); :class:`SearcherError` otherwise."""
        cmd = self._by_name.get(name.lower())
        if cmd is None:
            raise SearcherError(f"unknown command {name}; :help lists them")
        return cmd

    def run(self, session, text: str) -> bool:
        """Run a command line (`:limit 5`); False when the session should end."""
        name, _, arg = text.strip().partition(" ")
        return self.find(name).handler(session, arg.strip()) is not False

    def help(self, session) -> str:
        """The query language and every command with its help and current setting."""
        width = max(len(c.usage()) for c in self.commands) + 1
        lines = [QUERY_HELP, "Commands:"]
        for c in self.commands:
            now = f" (now {c.status(session)})" if c.status else ""
            lines.append(f"  {c.usage():<{width}} {c.help}{now}")
        return "\n".join(lines)


COMMANDS = CommandTable()


@COMMANDS.command(":more", "next page of the last query")
def _more(session, arg: str) -> None:
    session.more()


@COMMANDS.command(":open", "hit N's whole article, query words highlighted", argument="N")
def _open(session, arg: str) -> None:
    session.open(arg)


@COMMANDS.command(":s", "search for the suggestion shown (did you mean)")
def _suggestion(session, arg: str) -> None:
    session.run_suggestion()


@COMMANDS.command(":literal", "search the last query as typed, not as Telex or VNI key strokes")
def _literal(session, arg: str) -> None:
    session.run_literal()


@COMMANDS.command(":limit", "hits per page, for this session", argument="N",
                  status=lambda s: str(s.state.limit))
def _limit(session, arg: str) -> None:
    if not arg.isdigit() or not 1 <= int(arg) <= 1000:
        raise SearcherError(":limit takes a number from 1 to 1000")
    session.state.limit = int(arg)
    session.echo(f"{plural(session.state.limit, 'hit')} per page")


@COMMANDS.command(":paragraphs", "one hit per paragraph instead of per article, for this session",
                  status=lambda s: "off" if s.state.articles else "on")
def _paragraphs(session, arg: str) -> None:
    session.state.articles = not session.state.articles
    session.echo(f"one hit per paragraph: {'off' if session.state.articles else 'on'}")


@COMMANDS.command(":sort", "order by relevance, newest or oldest, for this session",
                  argument="ORDER", status=lambda s: s.state.sort)
def _sort(session, arg: str) -> None:
    from .config import SORTS

    if arg not in SORTS:
        raise SearcherError(f":sort takes {', '.join(SORTS[:-1])} or {SORTS[-1]}")
    session.state.sort = arg
    session.echo(f"sorted by {arg}")


@COMMANDS.command(":facets", "the last query's matching articles per year and per folder")
def _facets(session, arg: str) -> None:
    session.facets()


@COMMANDS.command(":save", "keep :limit, :paragraphs and :sort in the config file")
def _save(session, arg: str) -> None:
    from .config import save_config

    path = session.settings.file
    save_config(path, {"limit": session.state.limit,
                       "mode": "articles" if session.state.articles else "paragraphs",
                       "sort": session.state.sort})
    session.echo(f"saved limit, mode and sort in {path}")


@COMMANDS.command(":stats", "corpus and index summary")
def _stats(session, arg: str) -> None:
    session.stats()


@COMMANDS.command(":reindex", "update the index from the corpus")
def _reindex(session, arg: str) -> None:
    session.reindex()


@COMMANDS.command(":help", "this text", aliases=(":h", ":?"))
def _help(session, arg: str) -> None:
    session.echo(COMMANDS.help(session))


@COMMANDS.command(":quit", "leave (or Ctrl-D)", aliases=(":q", ":exit"), bare=("exit", "quit", "\\q"))
def _quit(session, arg: str) -> bool:
    return False
