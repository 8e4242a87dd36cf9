"""Article files -> paragraphs: the corpus format of CONTRACT.md.

A corpus is a folder searched recursively for `*.txt` (`.TXT` too). A file may open with ` date YYYY-MM`
(or `YYYY-MM-DD`); the rest of that line, if any, is the title. Every non-blank line is a
paragraph, numbered from 0; paragraph 0 is the title, and a short last line of one to four
capitalized words is the byline. Files are decoded as UTF-8 (with or without BOM), UTF-16
with BOM, or one of the Vietnamese encodings from before Unicode (:mod:`.encodings`);
anything else is reported and skipped, never fatal.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .encodings import detect_legacy
from .errors import CorpusError

_HEADER = re.compile(r"\A[ \t\u00a0\ufeff]*date[ \t\u00a0]+(\d{4}-\d{2}(?:-\d{2})?)(?![\d-])[ \t\u00a0]*")
_BYLINE_WORD = re.compile(r"[^\W\d_][^\W_]*\.?")
MAX_BYLINE_CHARS = 40


class SkippedFile(Exception):
    """A file that cannot be read as an article; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class FileStat:
    """What the incremental update compares first: a cheap look at one file."""

    article: str
    path: Path
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Article:
    """One article: its id, metadata and paragraphs (texts exactly as in the file)."""

    article: str
    paragraphs: list[str]
    date: str | None = None
    byline: str | None = None
    sha1: str = ""
    stat: FileStat | None = field(default=None, repr=False)
    lines: list[int] = field(default_factory=list)  # 1-based line of each paragraph
    encoding: str | None = None  # the legacy encoding the file is in (None: Unicode)

    @property
    def title(self) -> str:
        return self.paragraphs[0] if self.paragraphs else ""

    @property
    def file(self) -> str:
        """The file's path relative to the corpus folder (with `/`)."""
        if self.stat is None:
            return f"{self.article}.txt"
        return str(PurePosixPath(self.article).parent / self.stat.path.name).removeprefix("./")


def decode(data: bytes) -> str:
    """UTF-8 (BOM optional), UTF-16 with BOM, or a Vietnamese legacy encoding (see
    :func:`decode_with`); :class:`SkippedFile` for anything else."""
    return decode_with(data)[0]


def decode_with(data: bytes) -> tuple[str, str | None]:
    """The text, and the legacy encoding it was in (TCVN3, VNI-Windows, Windows-1258; None
    for Unicode)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise SkippedFile(f"invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data:
        raise SkippedFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        legacy = detect_legacy(data)
        if legacy is None:
            raise SkippedFile(f"not UTF-8 (invalid byte at offset {exc.start}) nor Vietnamese in "
                              f"TCVN3, VNI-Windows or Windows-1258") from None
        return legacy[1], legacy[0]


def is_byline(line: str) -> bool:
    """A short line of one to four capitalized words, like `Thùy Dương` or `Anh Hiếu`."""
    line = line.strip()
    if not line or len(line) > MAX_BYLINE_CHARS:
        return False
    words = line.split()
    return 1 <= len(words) <= 4 and all(
        _BYLINE_WORD.fullmatch(w) and w[0].isupper() for w in words
    )


def parse_article(text: str, article: str) -> Article:
    """Split decoded text into the header date and paragraphs."""
    date = None
    m = _HEADER.match(text)
    if m:
        date = m.group(1)
        text = text[m.end():]  # the rest of the header's line is line 1
    numbered = [(n, line.rstrip("\r")) for n, line in enumerate(text.split("\n"), 1)]
    numbered = [(n, p) for n, p in numbered if p.strip()]
    paragraphs = [p for _, p in numbered]
    byline = paragraphs[-1].strip() if len(paragraphs) > 1 and is_byline(paragraphs[-1]) else None
    return Article(article=article, paragraphs=paragraphs, date=date, byline=byline,
                   lines=[n for n, _ in numbered])


def article_id(path: Path, root: Path) -> str:
    """The path relative to the corpus folder without `.txt` (in any case), with `/`
    separators."""
    rel = path.relative_to(root).as_posix()
    return rel[:-4] if rel.lower().endswith(".txt") else rel


@dataclass
class Listing:
    """What a corpus folder holds: its articles' files, and the files that are not `.txt`."""

    files: list[FileStat]
    ignored: list[Path]


def list_corpus(root: Path) -> Listing:
    """Every `*.txt` (any case) under ``root``, recursively and sorted, with size and mtime;
    hidden files are passed over, other files listed as ignored. When `a.txt` and `a.TXT`
    both exist, the second keeps its suffix in its id."""
    if not root.exists():
        raise CorpusError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"corpus path is not a folder: {root}")
    files: list[FileStat] = []
    ignored: list[Path] = []
    ids: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if not name.lower().endswith(".txt"):
                ignored.append(path)
                continue
            article = article_id(path, root)
            if article in ids:
                article = path.relative_to(root).as_posix()
            ids.add(article)
            try:
                st = path.stat()
            except OSError:  # a broken link, or gone while we walked: load() reports it
                files.append(FileStat(article, path, -1, 0))
                continue
            if os.path.isdir(path):
                continue
            files.append(FileStat(article, path, st.st_size, st.st_mtime_ns))
    return Listing(files, ignored)


def load(stat: FileStat) -> Article:
    """Read and parse one article; :class:`SkippedFile` when it cannot be used."""
    try:
        data = stat.path.read_bytes()
    except OSError as exc:
        raise SkippedFile(f"unreadable ({exc.strerror or exc})") from None
    if not data.strip():
        raise SkippedFile("empty file")
    text, encoding = decode_with(data)
    art = parse_article(text, stat.article)
    art.encoding = encoding
    if not art.paragraphs:
        raise SkippedFile("no text")
    art.sha1 = hashlib.sha1(data).hexdigest()
    art.stat = stat
    return art
