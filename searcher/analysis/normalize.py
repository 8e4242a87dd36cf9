"""Term normalization: one spelling per Vietnamese syllable, and its diacritic-free fold.

Real news text spells the same syllable several ways: the tone mark on either vowel of
`oa`/`oe`/`uy` (`hoà`/`hòa`, `thuỷ`/`thủy`), misplaced marks (`họat`, `qủa`), decomposed
(NFD) input, zero-width characters inside words. Search must treat them as one term, so every
term goes through :func:`normalize_term`. The rule works on the syllable's vowel nucleus
(not on a list of words): it finds the initial consonant, the vowel run and the final
consonant, then puts the single tone mark where Vietnamese orthography puts it. The canonical
placement is the one the news corpora and pyvi's dictionary use most (`hoà`, `thuỷ`, `uý`).

The stored text is never changed; only index and query terms are normalized.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

# Combining tone marks (huyền, sắc, hỏi, ngã, nặng) as they appear after NFD.
TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
# Vowels after the tone is removed (vowel-quality marks stay: ă â ê ô ơ ư).
VOWELS = frozenset("aăâeêioôơuưy")
MODIFIED_VOWELS = frozenset("ăâêôơư")
# Two-vowel nuclei without a final consonant whose tone sits on the second vowel.
_SECOND_VOWEL_PAIRS = frozenset({"oa", "oe", "uy"})

# Characters that are not part of any word and are dropped from terms: controls (Cc) and
# format characters (Cf: zero-width spaces and joiners, soft hyphen, BOM, bidi controls...).
_IGNORABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)

_FOLD_TABLE = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


# Entries in each per-term cache (normalized, folded, segmentation form...): Zipf's law makes a
# few thousand syllables most of any text, and a bound keeps a build's workers from growing on
# rare names and numbers.
TERM_CACHE = 1 << 15


def clean(text: str) -> str:
    """NFC form without ignorable (zero-width, control, format) characters."""
    return _IGNORABLE.sub("", unicodedata.normalize("NFC", text))


def _place_tone(letters: list[str], tone: str) -> str:
    """Put ``tone`` on the right letter of a toneless lowercase syllable, NFC."""
    n = len(letters)
    start = 0
    # `qu` and `gi` (before another vowel) belong to the initial consonant.
    if n >= 3 and letters[0] == "q" and letters[1] == "u" and letters[2] in VOWELS:
        start = 2
    elif n >= 3 and letters[0] == "g" and letters[1] == "i" and letters[2] in VOWELS:
        start = 2
    while start < n and letters[start] not in VOWELS:
        start += 1
    end = start
    while end < n and letters[end] in VOWELS:
        end += 1
    if start == n:  # no vowel: not a Vietnamese syllable, keep the mark where it was
        return ""
    if any(ch in VOWELS for ch in letters[end:]):
        return ""  # two vowel runs: not one syllable
    nucleus = letters[start:end]
    has_final = end < n
    modified = [i for i, ch in enumerate(nucleus) if ch in MODIFIED_VOWELS]
    if modified:
        pos = modified[-1]          # ươ -> ơ, iê -> ê, uô -> ô
    elif len(nucleus) == 1:
        pos = 0
    elif len(nucleus) >= 3:
        pos = 1                     # oai, oay, oeo, uya, uyu
    elif has_final or "".join(nucleus) in _SECOND_VOWEL_PAIRS:
        pos = 1                     # hoàn, toán; hoà, hoè, thuỷ
    else:
        pos = 0                     # mái, sáo, mía, múa, gửi
    out = letters[:]
    out[start + pos] = unicodedata.normalize("NFC", out[start + pos] + tone)
    return "".join(out)


@lru_cache(maxsize=TERM_CACHE)
def normalize_term(surface: str) -> str:
    """The index term for a surface token: clean NFC, lowercase, canonical tone placement.

    Idempotent: ``normalize_term(normalize_term(s)) == normalize_term(s)``.
    """
    text = unicodedata.normalize("NFC", clean(surface).lower())
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if not tones:
        return text
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    if not base.isalpha():
        return text
    placed = _place_tone(list(base), tones[0])
    return placed or text


@lru_cache(maxsize=TERM_CACHE)
def fold_term(term: str) -> str:
    """Diacritic-free ASCII form of a normalized term (`đ` -> `d`), for unaccented queries."""
    folded = term.translate(_FOLD_TABLE)
    if not folded.isascii():
        folded = unidecode(folded).lower()
        folded = "".join(ch for ch in folded if ch.isalnum() or ch in "_-./@:")
    return folded


@lru_cache(maxsize=TERM_CACHE)
def fold_surface(surface: str) -> str:
    """The folded term of a syllable as written."""
    return fold_term(normalize_term(surface))
