"""Analyzed tokens: syllables and compound words with offsets, normalized and folded terms.

Two token streams come out of a text:

- syllables: every syllable, number and code part, numbered by position, so phrase and
  proximity queries work on syllables (the unit Vietnamese is written in);
- words: compounds of two or more syllables from pyvi's segmentation (`Công an` ->
  `công_an`) and whole codes (`09/CTr-BCA-MTTW`), which let `an ninh` match the word *an ninh*
  rather than `Công an ... Ninh Bình`.

Each stream passes through :class:`NormalizeFilter` (one spelling per term) and, for the
diacritic-free fields, :class:`FoldFilter`. The classes follow Whoosh's analysis package
(a tokenizer yielding one reused :class:`Token`, composable filters) and live at module level
so that Whoosh can pickle them into the index schema.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, NamedTuple

from whoosh.analysis import Filter, Token, Tokenizer

from .normalize import TERM_CACHE, clean, fold_term, normalize_term
from .syllables import CODE, NUMBER, PUNCT, SYLLABLE, Unit, code_parts, split_units, unit_kinds

WORD = "word"
JOINER = "_"


def _syllables_of(units: list[Unit]) -> list[Unit]:
    out: list[Unit] = []
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
    from .segment import get_segmenter

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


def _words_of(units: list[Unit]) -> list[WordSpan]:
    groups = _word_groups([u.surface for u in units], [u.kind for u in units])
    return [WordSpan(tuple(u.surface for u in units[a:b]), units[a].start, units[b - 1].end)
            for a, b in groups]


class _TextUnits:
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


_cache: dict[str, _TextUnits] = {}


def _text_units(text: str) -> _TextUnits:
    """The last few texts' units: the four index fields analyze the same text in a row."""
    got = _cache.get(text)
    if got is None:
        if len(_cache) >= 8:
            _cache.clear()
        got = _cache[text] = _TextUnits(text)
    return got


def syllable_units(text: str) -> list[Unit]:
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
def _folded_word(joined: str) -> str:
    term = normalize_joined(joined)
    return folded_index_term(term) if term else ""


class IndexTerms(NamedTuple):
    """The terms a text gives each kind of index field, with their counts."""

    surfaces: list[str]   # the syllables as written, in order (as `syllable_surfaces`)
    exact: Counter        # normalized syllables
    folded: Counter       # folded syllables, only those folding changes
    words: Counter        # folded compounds and codes


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
    exact = Counter(map(_normalized_syllable, surfaces))
    exact.pop("", None)  # nothing left after normalization (the analyzer drops those)
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
    return IndexTerms(surfaces, exact, folded, compounds)


# --- Whoosh integration -------------------------------------------------------------------

class VietnameseTokenizer(Tokenizer):
    """Yields syllable tokens (``unit="syllable"``) or compound-word tokens (``unit="word"``)
    with positions and exact ``startchar``/``endchar`` offsets; token text is the surface
    (compound syllables joined by `_`), left to the filters to normalize."""

    def __init__(self, unit: str = SYLLABLE):
        if unit not in (SYLLABLE, WORD):
            raise ValueError(f"unit must be {SYLLABLE!r} or {WORD!r}")
        self.unit = unit

    def __eq__(self, other):
        return isinstance(other, VietnameseTokenizer) and other.unit == self.unit

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if self.unit == SYLLABLE:
            spans = [(u.surface, u.start, u.end) for u in syllable_units(value)]
        else:
            spans = [(w.joined, w.start, w.end) for w in word_spans(value)]
        for i, (surface, start, end) in enumerate(spans):
            t.text = surface
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = surface
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class NormalizeFilter(Filter):
    """Term normalization: NFC, lowercase, canonical tone placement; drops empty terms."""

    def __eq__(self, other):
        return isinstance(other, NormalizeFilter)

    def __call__(self, tokens):
        for t in tokens:
            t.text = normalize_joined(t.text)
            if t.text:
                yield t


class FoldFilter(Filter):
    """Diacritic-free variant of normalized terms (`đ` -> `d`); drops terms that fold to
    nothing (emoji). With ``changed_only``, also drops terms that folding leaves as they
    are: the index keeps those in the exact field already, so the folded field holds only
    what it adds (a third of the postings saved)."""

    def __init__(self, changed_only: bool = False):
        self.changed_only = changed_only

    def __eq__(self, other):
        return isinstance(other, FoldFilter) and other.changed_only == self.changed_only

    def __call__(self, tokens):
        changed_only = self.changed_only
        for t in tokens:
            folded = folded_index_term(t.text, changed_only)
            if folded:
                t.text = folded
                yield t


def syllable_analyzer(folded: bool = False, changed_only: bool = False):
    """Analyzer for a syllable field: exact terms, or folded ones (only those folding
    changes, with ``changed_only``)."""
    chain = VietnameseTokenizer(SYLLABLE) | NormalizeFilter()
    return chain | FoldFilter(changed_only) if folded else chain


def word_analyzer(folded: bool = False, changed_only: bool = False):
    """Analyzer for a compound-word field, exact or folded, like :func:`syllable_analyzer`."""
    chain = VietnameseTokenizer(WORD) | NormalizeFilter()
    return chain | FoldFilter(changed_only) if folded else chain


# --- `searcher analyze` ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token as `searcher analyze` shows it: ``text == source[start:end]``."""

    text: str
    start: int
    end: int
    kind: str  # "word" or "syllable"
    term: str
    folded: str

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "term": self.term, "folded": self.folded}


def analyze(text: str) -> list[AnalyzedToken]:
    """Every word and syllable token of ``text`` in text order, each word before its
    syllables, with its normalized and folded term."""
    tokens: list[AnalyzedToken] = []
    for w in word_spans(text):
        term = normalize_joined(w.joined)
        if term:
            tokens.append(AnalyzedToken(text[w.start:w.end], w.start, w.end, WORD, term,
                                        fold_joined(term)))
    for u in syllable_units(text):
        term = normalize_term(u.surface)
        if term:
            tokens.append(AnalyzedToken(u.surface, u.start, u.end, SYLLABLE, term, fold_term(term)))
    tokens.sort(key=lambda t: (t.start, t.kind != WORD, -t.end))
    return tokens


__all__ = [
    "AnalyzedToken", "FoldFilter", "IndexTerms", "index_terms", "NormalizeFilter", "VietnameseTokenizer", "WordSpan",
    "analyze", "fold_joined", "normalize_joined", "syllable_analyzer", "syllable_units",
    "word_analyzer", "word_spans", "NUMBER", "SYLLABLE", "WORD",
]
