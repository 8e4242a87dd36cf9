"""Split text into units with exact character offsets: syllables, numbers, codes, punctuation.

Vietnamese writes one syllable per space-separated unit, so a syllable is a run of letters and
digits (with any combining marks, so NFD input stays whole, and with zero-width characters
inside, which normalization later drops). Numbers with separators (`114.924`, `24/5`,
`2022-2026`), codes (`COVID-19`, `TP.HCM`, `09/CTr-BCA-MTTW`), e-mail addresses and URLs are
single units, so they can be found as typed; the parts of codes, e-mails and URLs are listed
too, so `covid` finds `COVID-19`.
"""
from __future__ import annotations

import re
from itertools import accumulate
from typing import Iterator, NamedTuple

# A word: letters and digits (not `_`), with any combining marks and zero-width characters
# inside it.
_INWORD = r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200b-\u200d\u2060\ufeff]"
_WORD = rf"[^\W_]+(?:{_INWORD}+[^\W_]*)*"
_URL = r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>\"'|]*[^\s<>\"'|.,;:!?)\]}]"
_EMAIL = r"[\w.+-]+@[^\W_](?:[\w-]*\w)?(?:\.[^\W_](?:[\w-]*\w)?)+"
# A word, or word runs joined without spaces: one pattern, one scan of each word.
_RUN = rf"{_WORD}(?:(?:[-./&]|(?<=\d)[,:](?=\d)){_WORD})*"
_PUNCT = r"\.\.\.+|==>|->|>>|[^\w\s]"
_UNIT = re.compile(rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<word>{_RUN})|(?P<punct>{_PUNCT})")
# Without `@`, `://` or `www.` in the text no URL or e-mail can match: skip trying them.
_UNIT_PLAIN = re.compile(rf"(?P<word>{_RUN})|(?P<punct>{_PUNCT})")
_PART = re.compile(_WORD)
_TOKEN = re.compile(r"\S+")
_SPACES = re.compile(r"(\s+)")
_SYLLABLE_RUNS = re.compile(rf"{_URL}|{_EMAIL}|{_RUN}")
_SYLLABLE_RUNS_PLAIN = re.compile(_RUN)


def _may_hold_address(text: str) -> bool:
    return "@" in text or "://" in text or "www." in text
_DIGITS_AND_SEPARATORS = re.compile(r"[\d.,:/-]+")

SYLLABLE = "syllable"
NUMBER = "number"
CODE = "code"
PUNCT = "punct"


class TextUnit(NamedTuple):
    """One unit of text: ``text[start:end] == surface``. A tuple: one is made for every
    syllable indexed, and tuples are the cheapest to make."""

    surface: str
    start: int
    end: int
    kind: str  # syllable, number, code (codes, e-mails, URLs) or punct

    def parts(self) -> list["TextUnit"]:
        """The word runs inside a code (`COVID-19` -> `COVID`, `19`), with their offsets."""
        return [
            TextUnit(m.group(), self.start + m.start(), self.start + m.end(), SYLLABLE)
            for m in _PART.finditer(self.surface)
        ]


def _kind(group: str, surface: str) -> str:
    """A matched unit's kind, from the pattern group that matched it."""
    if group == "word":
        if surface.isalnum() or _PART.fullmatch(surface):
            return SYLLABLE
        return NUMBER if _DIGITS_AND_SEPARATORS.fullmatch(surface) else CODE
    return CODE if group in ("url", "email") else PUNCT


def _scan_units(pattern, text: str, offset: int = 0) -> Iterator[TextUnit]:
    for m in pattern.finditer(text):
        surface = m.group()
        yield TextUnit(surface, offset + m.start(), offset + m.end(), _kind(m.lastgroup, surface))


def split_units(text: str) -> Iterator[TextUnit]:
    """All units of ``text`` in order; whitespace is skipped.

    No unit spans whitespace, and most space-separated tokens are one syllable as they
    are (letters and digits only): only the other tokens are scanned with the unit pattern.
    """
    if _may_hold_address(text):
        yield from _scan_units(_UNIT, text)
        return
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token.isalnum():
            yield TextUnit(token, m.start(), m.end(), SYLLABLE)
        else:
            yield from _scan_units(_UNIT_PLAIN, token, m.start())


def scan_units(text: str) -> Iterator[TextUnit]:
    """What :func:`split_units` gives, from one scan of the whole text with the full
    pattern: slower, the reference its token-by-token path must equal."""
    return _scan_units(_UNIT, text)


def _kinds_of(pattern, text: str) -> list[tuple[str, str]]:
    out = []
    for m in pattern.finditer(text):
        surface = m.group()
        out.append((surface, _kind(m.lastgroup, surface)))
    return out


def unit_kinds(text: str) -> list[tuple[str, str]]:
    """(surface, kind) of each unit :func:`split_units` gives, without offsets: indexing
    needs no offsets, and a unit with them costs more to make."""
    if _may_hold_address(text):
        return _kinds_of(_UNIT, text)
    out: list[tuple[str, str]] = []
    for token in text.split():
        if token.isalnum():
            out.append((token, SYLLABLE))
        else:
            out += _kinds_of(_UNIT_PLAIN, token)
    return out


def code_parts(surface: str) -> list[str]:
    """The word runs inside a code (`COVID-19` -> `COVID`, `19`)."""
    return _PART.findall(surface)


def syllable_surfaces(text: str) -> list[str]:
    """The surfaces of the syllable stream (what :func:`searcher.analysis.syllable_units`
    yields), without offsets, for re-ranking many paragraphs quickly: most
    space-separated tokens are a syllable as they are; only the others are scanned."""
    if _may_hold_address(text):
        return _surfaces_of_runs(_SYLLABLE_RUNS.findall(text))
    out: list[str] = []
    for token in text.split():
        if token.isalnum():
            out.append(token)
        else:
            out.extend(_surfaces_of_runs(_SYLLABLE_RUNS_PLAIN.findall(token)))
    return out


def syllable_spans(text: str, count: int | None = None) -> list[tuple[int, int]]:
    """The character spans of the syllable stream (those of :func:`syllable_surfaces`),
    for highlighting: the same scan, without making a :class:`TextUnit` of every syllable.
    With ``count``, the scan may stop once it has that many (highlights need the spans up
    to the last match only)."""
    if _may_hold_address(text):
        return _spans_of_runs(_SYLLABLE_RUNS.finditer(text), 0)
    # Tokens and the whitespace between them alternate; their offsets add up at C speed.
    parts = _SPACES.split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    out: list[tuple[int, int]] = []
    for token, start in zip(parts[::2], offsets[::2]):
        if token.isalnum():
            out.append((start, start + len(token)))
        elif token:
            out.extend(_spans_of_runs(_SYLLABLE_RUNS_PLAIN.finditer(token), start))
        if count is not None and len(out) >= count:
            break
    return out


def _one_syllable(run: str) -> bool:
    """A word run is one syllable as it is (letters and digits, or a number); otherwise
    (a code, an address) its parts are: what the analyzer's syllable stream does."""
    return run.isalnum() or _DIGITS_AND_SEPARATORS.fullmatch(run) is not None


def _spans_of_runs(runs, offset: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in runs:
        s, start = r.group(), offset + r.start()
        if _one_syllable(s):
            out.append((start, start + len(s)))
        else:
            out.extend((start + part.start(), start + part.end()) for part in _PART.finditer(s))
    return out


def _surfaces_of_runs(runs: list[str]) -> list[str]:
    out: list[str] = []
    for s in runs:
        if _one_syllable(s):
            out.append(s)
        else:
            out.extend(_PART.findall(s))
    return out
