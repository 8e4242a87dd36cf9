"""Settings and where each comes from: the command line, the environment, the config file
(`$XDG_CONFIG_HOME/searcher/config.toml`), or the default, in that order of precedence."""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import SearcherError


COMMAND_LINE, ENVIRONMENT, CONFIG, DEFAULT = "command line", "environment", "config file", "default"
INDEX = "the index"  # the corpus an index records, used when none is given
SORTS = ("relevance", "newest", "oldest")  # the result orders (SearchEngine.search's sort)


class ConfigError(SearcherError):
    """The config file cannot be read or holds a bad setting."""


def config_home() -> Path:
    """$XDG_CONFIG_HOME/searcher, else ~/.config/searcher."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "searcher"


def data_home() -> Path:
    """$XDG_DATA_HOME/searcher, else ~/.local/share/searcher."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "searcher"


def config_file() -> Path:
    """The config file: $SEARCHER_CONFIG, else config.toml in the XDG config folder."""
    return Path(os.environ.get("SEARCHER_CONFIG") or config_home() / "config.toml")


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not str(value).strip().isdigit() or not 1 <= int(value) <= 1000:
        raise ValueError("a whole number from 1 to 1000")
    return int(value)


def _choice(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.lower() not in choices:
            raise ValueError(" or ".join(choices))
        return value.lower()
    return check


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a string")
    return value


def _path(value: Any) -> Path:
    if not isinstance(value, (str, Path)):
        raise ValueError("a path")
    return Path(os.path.expanduser(str(value)))


@dataclass(frozen=True)
class Option:
    """One setting: how its value is checked, its environment variable, its default."""

    name: str
    help: str
    parse: Callable[[Any], Any]
    default: Callable[[], Any]
    env: str | None = None


OPTIONS = {o.name: o for o in [
    Option("corpus", "the article folder", _path, lambda: Path("seeds"), "SEARCHER_CORPUS"),
    Option("index", "the index folder", _path, lambda: Path("index"), "SEARCHER_INDEX"),
    Option("limit", "hits per page", _limit, lambda: 10),
    Option("mode", "result mode: articles or paragraphs", _choice("articles", "paragraphs"),
           lambda: "articles"),
    Option("sort", "result order: relevance, newest or oldest",
           _choice(*SORTS), lambda: "relevance"),
    Option("color", "colour: auto, always or never", _choice("auto", "always", "never"),
           lambda: "auto"),
    Option("pager", "the pager for long output", _text, lambda: "less", "PAGER"),
    Option("history", "the REPL's history file (\"\" for none)", _text,
           lambda: str(data_home() / "history")),
    Option("cluster", "the Dask scheduler sharded indexes are built on (\"\" for none)", _text,
           lambda: "", "SEARCHER_CLUSTER"),
]}


def _line_of(text: str, key: str) -> int | None:
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return n
    return None


def read_config(path: Path) -> dict[str, Any]:
    """The settings in the config file at ``path`` (none when it does not exist), checked;
    :class:`ConfigError` naming the file and line otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path}: {exc}") from None
    out = {}
    for key, value in data.items():
        at = _line_of(text, key)
        where = f"config {path}" + (f", line {at}" if at else "")
        if key not in OPTIONS:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(OPTIONS)})")
        try:
            out[key] = OPTIONS[key].parse(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: {key} must be {exc}") from None
    return out


def save_config(path: Path, values: dict[str, Any]) -> None:
    """Set ``values`` in the config file, keeping its other lines (and comments) as they are;
    written beside and renamed over, so a crash never leaves half a file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    for key, value in values.items():
        text = f"{key} = {_toml(value)}"
        at = _line_of("\n".join(lines), key)
        if at:
            lines[at - 1] = text
        else:
            lines.append(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


class Settings:
    """The settings in force, each with where it came from."""

    def __init__(self, values: dict[str, Any], sources: dict[str, str], file: Path):
        self.values = values
        self.sources = sources
        self.file = file

    @classmethod
    def resolve(cls, given: dict[str, Any] | None = None, file: Path | None = None) -> "Settings":
        """``given`` (the command line's, None for not given) over the environment's, over
        the config file's, over the defaults."""
        file = file or config_file()
        config = read_config(file)
        values, sources = {}, {}
        for name, option in OPTIONS.items():
            cli = (given or {}).get(name)
            env = os.environ.get(option.env) if option.env else None
            if cli is not None:
                values[name], sources[name] = option.parse(cli), COMMAND_LINE
            elif env:
                values[name], sources[name] = option.parse(env), ENVIRONMENT
            elif name in config:
                values[name], sources[name] = config[name], CONFIG
            else:
                values[name], sources[name] = option.default(), DEFAULT
        return cls(values, sources, file)

    @classmethod
    def of(cls, corpus: Path, index: Path, **values: Any) -> "Settings":
        """Settings for a library caller: these values, the defaults for the rest (no
        environment, no config file)."""
        out = {name: o.default() for name, o in OPTIONS.items()}
        out.update(corpus=Path(corpus), index=Path(index), **values)
        return cls(out, {name: COMMAND_LINE if name in values or name in ("corpus", "index")
                         else DEFAULT for name in OPTIONS}, config_file())

    @property
    def corpus(self) -> Path:
        return self.values["corpus"]

    @corpus.setter
    def corpus(self, value: Path) -> None:
        self.values["corpus"] = value

    @property
    def index(self) -> Path:
        return self.values["index"]

    @property
    def limit(self) -> int:
        return self.values["limit"]

    @property
    def articles(self) -> bool:
        """One hit per article (the result mode)."""
        return self.values["mode"] == "articles"

    @property
    def sort(self) -> str:
        return self.values["sort"]

    @property
    def color(self) -> str:
        return self.values["color"]

    @property
    def pager(self) -> str:
        return self.values["pager"]

    @property
    def history(self) -> Path | None:
        return Path(os.path.expanduser(self.values["history"])) if self.values["history"] else None

    @property
    def cluster(self) -> str | None:
        """The address of a Dask scheduler (`tcp://host:8786`), or None."""
        return self.values["cluster"] or None

    def explicit(self, name: str) -> bool:
        """Whether a setting was given (on the command line, in the environment or the
        config file), not left to its default."""
        return self.sources[name] != DEFAULT
