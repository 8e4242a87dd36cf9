"""Smaller posting blocks for Whoosh 2.7.4, in its own file format.

Whoosh's W3 codec pickles a block's term frequencies as floats (nine bytes each) as soon as
one of them is not 1.0, which in news text is most blocks of common syllables; that alone
made the index several times the size of the corpus. Frequencies are whole numbers, so we
pickle them as ints (one to three bytes). The reader already accepts any sequence of numbers
there, so the files stay readable by unmodified Whoosh.
"""
from __future__ import annotations

from whoosh.codec import whoosh3

_original = whoosh3.W3PostingsWriter._mini_weights


def _mini_weights(self):
    weights = self._weights
    if weights and all(w.is_integer() for w in weights):
        first = weights[0]
        if all(w == first for w in weights):
            return None if first == 1.0 else first
        return tuple(int(w) for w in weights)
    return _original(self)


def install() -> None:
    """Use compact weights for every posting block written from now on (idempotent)."""
    whoosh3.W3PostingsWriter._mini_weights = _mini_weights
