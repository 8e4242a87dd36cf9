"""A query typed with the Vietnamese input method off, read as it was meant.

Words that the index does not hold but that, read as Telex or VNI key strokes (see
:mod:`searcher.analysis.keystrokes`), give syllables it does hold are replaced by those
syllables: `coong an ngheej an` is searched as `công an nghệ an`. Words the index holds are
left as typed (`an`, `nghe`), as are codes and English words, which do not decode into held
syllables (`COVID-19`, `iPhone`, `Windows`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..analysis import normalize_term
from ..analysis.keystrokes import decode_telex, decode_vni
from .query import is_filter

TELEX, VNI = "Telex", "VNI"
_DECODERS = {TELEX: decode_telex, VNI: decode_vni}
_WORD = re.compile(r"[A-Za-z0-9]+")
# A word the index holds is read as key strokes too, in a query that has key strokes
# elsewhere, when the decoded syllable is this many times as frequent (`cos` -> `có`).
FAR_MORE = 5


@dataclass
class Interpretation:
    """The query as searched, and the scheme its key strokes were read in."""

    text: str
    typed_as: str  # TELEX or VNI


def _with_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _decoded(text: str, decode: Callable[[str], str | None],
             frequency: Callable[[str], int]) -> tuple[str, int]:
    """``text`` with the words ``decode`` reads into held syllables replaced, and how many
    were unknown to the index as typed."""
    unknown = 0
    known: list[tuple[str, str]] = []  # held as typed, but far rarer than decoded

    def replace(m: re.Match) -> str:
        nonlocal unknown
        word = m.group()
        meant = decode(word.lower())
        found = frequency(meant) if meant else 0
        if not found:
            return word
        typed = frequency(normalize_term(word.lower()))
        if typed:
            if found >= FAR_MORE * typed:
                known.append((word, meant))
            return word
        unknown += 1
        return _with_case(word, meant)

    tokens = [t if is_filter(t) else _WORD.sub(replace, t)  # filters (`in:x`) stay as typed
              for t in text.split(" ")]
    if unknown:
        far = dict(known)
        tokens = [t if is_filter(t) else _WORD.sub(
            lambda m: _with_case(m.group(), far[m.group()]) if m.group() in far else m.group(), t)
            for t in tokens]
    return " ".join(tokens), unknown


def interpret(text: str, frequency: Callable[[str], int]) -> Interpretation | None:
    """``text`` with its key-stroke words decoded in the scheme that decodes the most, or
    None when it has none (``frequency``: paragraphs holding a normalized syllable, or a
    code as a whole, which then stays as typed: `A4`, `U23`)."""
    best: Interpretation | None = None
    most = 0
    for scheme, decode in _DECODERS.items():
        decoded, unknown = _decoded(text, decode, frequency)
        if unknown > most:
            best, most = Interpretation(decoded, scheme), unknown
    return best
