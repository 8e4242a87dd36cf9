"""Analyzed tokens: syllables and compound words with offsets, normalized and folded terms.

Two token streams come out of a text:

- syllables: every syllable, number and code part, numbered by position, so phrase and
  proximity queries work on syllables (the unit Vietnamese is written in);
- words: compounds of two or more syllables from pyvi's segmentation (`Công an` ->
  `công_an`) and whole codes (`09/CTr-BCA-MTTW`), which let `an ninh` match the word *an ninh*
  rather than `Công an ... Ninh Bình`.

Terms are normalized (one spelling per syllable) and, for the diacritic-free fields,
folded. The Whoosh tokenizer and filters over these streams are in :mod:`.filters`; the bulk
writer takes :func:`index_terms` instead, the same terms counted.
"""
from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .normalize import TERM_CACHE, clean, fold_term, normalize_term
from .segment import get_segmenter
from .syllables import CODE, PUNCT, SYLLABLE, NUMBER, TextUnit, code_parts, split_units, unit_kinds

WORD = "word"
JOINER = "_"


def _syllables_of(units: list[TextUnit]) -> list[TextUnit]:
    out: list[TextUnit] = []
    for unit in units:
        if unit.kind == CODE:
            out.extend(unit.parts())
        elif unit.kind != PUNCT:
            out.append(unit)
    return out


@dataclass(frozen=True, slots=True)
class WordSpan:
    """A compound word or a whole code: its syllable surfaces and character span."""

    syllables: tuple[str, ...]
    start: int
    end: int

    @property
    def joined(self) -> str:
        return JOINER.join(self.syllables)


@lru_cache(maxsize=TERM_CACHE)
def segmentation_form(surface: str) -> str:
    """What the segmenter sees: clean NFC with canonical tone placement, case kept (the
    model uses capitalization), so `Thùy`/`Thuỳ` and NFD input segment alike."""
    cleaned = clean(surface)
    term = normalize_term(cleaned)
    if term == cleaned.lower() or len(term) != len(cleaned):
        return cleaned
    return "".join(t.upper() if c.isupper() else t for c, t in zip(cleaned, term))


def _word_groups(surfaces: list[str], kinds: list[str]) -> list[tuple[int, int]]:
    """Where the words are among a text's units: (first, end) index ranges of compounds (two
    or more syllables the segmenter joins) and of whole codes, in order."""
    if not surfaces:
        return []
    toks = [segmentation_form(s) for s in surfaces]
    joinable = [k == SYLLABLE for k in kinds]
    flags = get_segmenter().join_flags(toks, joinable)
    groups: list[tuple[int, int]] = []
    first = 0
    for i, joins in enumerate(flags):
        if not joins:
            if i - first > 1:
                groups.append((first, i))
            first = i
        if kinds[i] == CODE:
            groups.append((i, i + 1))
    if len(flags) - first > 1:
        groups.append((first, len(flags)))
    return groups


def _words_of(units: list[TextUnit]) -> list[WordSpan]:
    groups = _word_groups([u.surface for u in units], [u.kind for u in units])
    return [WordSpan(tuple(u.surface for u in units[a:b]), units[a].start, units[b - 1].end)
            for a, b in groups]


class _SplitText:
    """The units of one text, split once; syllables at once, words (segmentation, the
    expensive step) on first use."""

    __slots__ = ("units", "syllables", "_words")

    def __init__(self, text: str):
        self.units = list(split_units(text))
        self.syllables = _syllables_of(self.units)
        self._words: list[WordSpan] | None = None

    @property
    def words(self) -> list[WordSpan]:
        if self._words is None:
            self._words = _words_of(self.units)
        return self._words


_cache: dict[str, _SplitText] = {}


def _text_units(text: str) -> _SplitText:
    """The last few texts' units: the four index fields analyze the same text in a row."""
    got = _cache.get(text)
    if got is None:
        if len(_cache) >= 8:
            _cache.clear()
        got = _cache[text] = _SplitText(text)
    return got


def syllable_units(text: str) -> list[TextUnit]:
    """The syllable stream: syllables and numbers as they are, codes as their parts."""
    return _text_units(text).syllables


def word_spans(text: str) -> list[WordSpan]:
    """Compounds (two or more syllables joined by the segmenter) and whole codes, in order."""
    return _text_units(text).words


def normalize_joined(text: str) -> str:
    """Normalize each syllable of a `_`-joined word."""
    if JOINER not in text:
        return normalize_term(text)
    return JOINER.join([normalize_term(p) for p in text.split(JOINER)])


def fold_joined(text: str) -> str:
    """Fold each syllable of a `_`-joined (already normalized) word."""
    if JOINER not in text:
        return fold_term(text)
    return JOINER.join([fold_term(p) for p in text.split(JOINER)])


def folded_index_term(term: str, changed_only: bool = False) -> str:
    """The folded field's term for a normalized term; "" when it has none (folds to nothing,
    or, with ``changed_only``, folding leaves it as it is)."""
    folded = fold_joined(term)
    if not folded.strip(JOINER) or (changed_only and folded == term):
        return ""
    return folded


_normalized_syllable = lru_cache(maxsize=TERM_CACHE)(normalize_joined)


@lru_cache(maxsize=TERM_CACHE)
def _folded_changed(term: str) -> str:
    return folded_index_term(term, changed_only=True)


@lru_cache(maxsize=TERM_CACHE)
def _folded_any(term: str) -> str:
    return folded_index_term(term) if term else ""


@lru_cache(maxsize=TERM_CACHE)
def _folded_word(joined: str) -> str:
    term = normalize_joined(joined)
    return folded_index_term(term) if term else ""


# Pairs of consecutive capitalized syllables (names, places: `Phạm Công`, `Thanh Hóa`) are
# indexed by a bucket of their hash, not spelled out, and other pairs not at all: a corpus
# holds millions of distinct pairs, and as many Whoosh terms, or postings for every pair, would
# make the index several times its text. A bucket stands for a few pairs; what it finds is
# a superset of what holds the pair, and matching the text tells them apart.
PAIR_BUCKETS = 1 << 15


def pairs_here(surface: str) -> bool:
    """Whether a syllable as written can be part of an indexed pair: it starts with a
    capital letter or a digit (`U23 Việt Nam`, `Covid 19`)."""
    return surface[:1].isupper() or surface[:1].isdigit()


def pair_term(first: str, second: str) -> str:
    """The pair field's term for two consecutive folded syllables: their bucket."""
    return format(zlib.crc32(f"{first} {second}".encode("utf-8")) & (PAIR_BUCKETS - 1), "05x")


class IndexTerms(NamedTuple):
    """The terms a text gives each kind of index field, with their counts."""

    surfaces: list[str]   # the syllables as written, in order (as `syllable_surfaces`)
    exact: Counter        # normalized syllables
    folded: Counter       # folded syllables, only those folding changes
    words: Counter        # folded compounds and codes
    pairs: Counter        # folded pairs of consecutive capitalized syllables, by bucket


def index_terms(text: str, words: bool = True) -> IndexTerms:
    """What :func:`syllable_analyzer` (exact, and folded with ``changed_only``) and
    :func:`word_analyzer` (folded) produce for ``text``, counted, without a Whoosh token per
    syllable: the bulk writer's input (a test holds the two equal). ``words=False`` skips
    segmentation (the compounds come back empty)."""
    units = unit_kinds(text)
    surfaces: list[str] = []
    for surface, kind in units:
        if kind == SYLLABLE or kind == NUMBER:
            surfaces.append(surface)
        elif kind == CODE:
            surfaces += code_parts(surface)
    normalized = list(map(_normalized_syllable, surfaces))
    exact = Counter(normalized)
    exact.pop("", None)  # nothing left after normalization (the analyzer drops those)
    folds = [_folded_any(t) if t and pairs_here(s) else "" for s, t in zip(surfaces, normalized)]
    pairs = Counter(pair_term(a, b) for a, b in zip(folds, folds[1:]) if a and b)
    folded: Counter = Counter()
    for term, n in exact.items():
        f = _folded_changed(term)
        if f:
            folded[f] += n
    compounds: Counter = Counter()
    if words and units:
        unit_surfaces = [s for s, _ in units]
        compounds.update(map(_folded_word, [
            JOINER.join(unit_surfaces[a:b])
            for a, b in _word_groups(unit_surfaces, [k for _, k in units])]))
        compounds.pop("", None)
    return IndexTerms(surfaces, exact, folded, compounds, pairs)
