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
from dataclasses import dataclass
from typing import Iterator

# A word character: letters and digits (not `_`), combining marks, and the zero-width
# characters that may sit inside a word.
_WCHAR = r"[^\W_]|[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200b-\u200d\u2060\ufeff]"
_WORD = rf"[^\W_](?:{_WCHAR})*"
_URL = r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>\"'|]*[^\s<>\"'|.,;:!?)\]}]"
_EMAIL = r"[\w.+-]+@[^\W_](?:[\w-]*\w)?(?:\.[^\W_](?:[\w-]*\w)?)+"
# Joined units: word runs joined by - . / & (or , and : between digits), no spaces.
_JOINED = rf"{_WORD}(?:(?:[-./&]|(?<=\d)[,:](?=\d)){_WORD})+"
_UNIT = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<joined>{_JOINED})|(?P<word>{_WORD})|(?P<punct>\.\.\.+|==>|->|>>|[^\w\s])"
)
_PART = re.compile(_WORD)
_DIGITS_AND_SEPARATORS = re.compile(r"[\d.,:/-]+")

SYLLABLE = "syllable"
NUMBER = "number"
CODE = "code"
PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of text: ``text[start:end] == surface``."""

    surface: str
    start: int
    end: int
    kind: str  # syllable, number, code (codes, e-mails, URLs) or punct

    def parts(self) -> list["Unit"]:
        """The word runs inside a code (`COVID-19` -> `COVID`, `19`), with their offsets."""
        return [
            Unit(m.group(), self.start + m.start(), self.start + m.end(), SYLLABLE)
            for m in _PART.finditer(self.surface)
        ]


def split_units(text: str) -> Iterator[Unit]:
    """All units of ``text`` in order; whitespace is skipped."""
    for m in _UNIT.finditer(text):
        kind = m.lastgroup
        surface = m.group()
        if kind == "word":
            kind = SYLLABLE
        elif kind == "joined":
            kind = NUMBER if _DIGITS_AND_SEPARATORS.fullmatch(surface) else CODE
        elif kind in ("url", "email"):
            kind = CODE
        else:
            kind = PUNCT
        yield Unit(surface, m.start(), m.end(), kind)
