"""Query text -> a parsed query: words, phrases, exclusions, OR, filters.

The language: words; `"phrases"`; `-word` and `-"phrase"` exclude (a minus before a digit
belongs to the number: `-5`, `S -400`); `OR` between two items
makes them alternatives; filters `date:2024`, `date:2023-06`, `date:2017..2020`,
`article:ID`, `title:word` (or `title:"words"`), `in:FOLDER` and `-in:FOLDER` (articles under a
folder of the corpus, or not). Everything is read leniently: an unbalanced
quote runs to the end, a lone `-`, a dangling or doubled `OR` and stray `:` are ignored, an
unknown `key:value` is searched as words. Parsing never fails.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..analysis import fold_term, normalize_term, syllable_units

_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?"([^"]*)"?|(\S+)')
_FILTER = re.compile(r"^(-?)(date|article|title|in):(.*)$", re.IGNORECASE | re.DOTALL)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# Words beyond this many are ignored (a pasted page is not a query; time stays bounded).
MAX_UNITS = 64
MAX_TERMS_PER_CLAUSE = 32


@dataclass(frozen=True)
class QTerm:
    """One query syllable: normalized term and folded term. ``exact`` terms prefer
    matches spelled as typed: those typed with marks, and (see :func:`mark_exact`) those
    typed without marks in a query marked with care. ``prefer``: typed without marks in a
    query marked in haste, so any marks match, the unmarked spelling a little better."""

    term: str
    folded: str
    strict: bool = False
    prefer: bool = False

    @property
    def marked(self) -> bool:
        """The user typed diacritics on it."""
        return self.term != self.folded

    @property
    def exact(self) -> bool:
        return self.strict or self.term != self.folded


# How a variant clause spells the words typed otherwise (see .variants).
I_Y, ABBREVIATION, TYPO = "i/y", "abbreviation", "typo"


@dataclass
class Clause:
    """A word, or a sequence of syllables that must be adjacent (a phrase or a code).
    ``variant``: how it spells the clause typed before it in its unit otherwise (see
    :mod:`.variants`: `i/y`, `abbreviation`, `typo`); None for what the user typed. A variant
    may stand for ``span`` consecutive units (`UBND` for `ủy ban nhân dân`), each holding it
    as its ``part``: the first matches it where it is, the others right after it, in no
    syllable (so the units still run consecutive)."""

    text: str
    terms: list[QTerm]
    variant: str | None = None
    span: int = 1
    part: int = 0

    @property
    def length(self) -> int:
        """Syllables a match of it covers."""
        return 0 if self.part else len(self.terms)


@dataclass
class Unit:
    """A required-if-possible part of the query: one clause, or alternatives joined by OR,
    each typed one followed by its variants (other spellings of the same words)."""

    alternatives: list[Clause]

    @property
    def ored(self) -> bool:
        """Whether the user typed alternatives (`a OR b`), not only one clause and its variants."""
        return sum(c.variant is None for c in self.alternatives) > 1

    def typed(self) -> list[Clause]:
        """The clauses the user typed."""
        return [c for c in self.alternatives if c.variant is None]


@dataclass
class DateRange:
    """Inclusive range over `YYYY-MM[-DD]` strings, compared as prefixes."""

    start: str
    end: str


@dataclass
class ParsedQuery:
    text: str
    units: list[Unit] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    dates: list[DateRange] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # in:FOLDER
    not_folders: list[str] = field(default_factory=list)  # -in:FOLDER
    title: list[Clause] = field(default_factory=list)

    def positive_terms(self) -> list[QTerm]:
        """Every syllable the units match: typed and their variants."""
        return [t for u in self.units for c in u.alternatives for t in c.terms]

    def typed_terms(self) -> list[QTerm]:
        """The units' syllables as typed, in query order."""
        return [t for u in self.units for c in u.typed() for t in c.terms]

    @property
    def marked(self) -> bool:
        """The user typed diacritics somewhere in the query."""
        return any(t.marked for c in self.clauses() for t in c.terms)

    def clauses(self) -> list[Clause]:
        """Every clause: the units' alternatives, the excluded ones, the title's."""
        return [*(c for u in self.units for c in u.alternatives), *self.excluded, *self.title]


def is_filter(token: str) -> bool:
    """Whether a whitespace-separated token of a query is a filter (`in:x`, `-date:2024`)."""
    return bool(_FILTER.match(token))


def clause(text: str) -> Clause | None:
    """Analyze the text of one query item into a clause; None if it has no syllable."""
    terms = []
    for unit in syllable_units(text):
        term = normalize_term(unit.surface)
        if term:
            terms.append(QTerm(term, fold_term(term)))
            if len(terms) == MAX_TERMS_PER_CLAUSE:
                break
    return Clause(text, terms) if terms else None


def _date_range(value: str) -> DateRange | None:
    lo, sep, hi = value.partition("..")
    parts = []
    for v in (lo, hi if sep else lo):
        m = _DATE.match(v.strip())
        if not m:
            return None
        y, mo, d = m.groups()
        parts.append(y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else ""))
    return DateRange(parts[0], parts[1]) if parts[0] <= parts[1] else DateRange(parts[1], parts[0])


def parse_query(text: str) -> ParsedQuery:
    """Parse query text; never raises."""
    q = ParsedQuery(text=text)
    pending_or = False
    for m in _TOKEN.finditer(text):
        if len(q.units) + len(q.excluded) + len(q.title) >= MAX_UNITS:
            break
        neg, key, quoted, bare = m.group(1), m.group(2), m.group(3), m.group(4)
        if bare is not None:
            if bare == "OR":
                pending_or = bool(q.units)
                continue
            fm = _FILTER.match(bare)
            if fm:
                neg, key, value = fm.group(1), fm.group(2), fm.group(3)
            else:
                # `-400`, `-5`: a minus before a digit is part of the number (`S -400`,
                # `-5 độ C`), not an exclusion.
                neg = "-" if bare.startswith("-") and len(bare) > 1 and not bare[1].isdigit() else ""
                key, value = None, bare[1:] if neg else bare
        else:
            value = quoted
        key = key.lower() if key else None
        if key == "date":
            rng = _date_range(value)
            if rng:
                q.dates.append(rng)
                continue
        elif key == "in":
            folder = value.strip().strip("/")
            if folder:
                (q.not_folders if neg else q.folders).append(folder)
                continue
        elif key == "article":
            if value.strip():
                q.articles.append(value.strip())
                continue
        elif key == "title":
            c = clause(value)
            if c:
                q.title.append(c)
            continue
        elif key:  # an unknown key: search its text too
            value = f"{key} {value}"
        c = clause(value)
        if c is None:
            continue
        if neg:
            q.excluded.append(c)
        elif pending_or and q.units:
            q.units[-1].alternatives.append(c)
        else:
            q.units.append(Unit([c]))
        pending_or = False
    return q


# A query typed with marks is marked with care when each syllable typed without them is
# spelled so in at least this share of the paragraphs holding it in any spelling.
CAREFUL_SHARE = 0.03


def mark_exact(q: ParsedQuery, share: Callable[[str], float]) -> ParsedQuery:
    """Syllables typed without marks in a query typed with them. ``share(term)``: the share
    of the paragraphs holding the syllable in any spelling that spell it without marks.
    When every such syllable is commonly spelled so, the query was marked with care and
    they mean just that (`Nghi án`: `nghi`, not `nghị`); when one is not (`quyet`, `dinh`
    for `quyết định`), marks were left out in haste and any marks match them, the unmarked
    spelling preferred a little. A query without any marks stays folded."""
    if not q.marked:
        return q
    in_units = {t.term for u in q.units for c in u.alternatives for t in c.terms if not t.marked}
    shares = {t.term: share(t.term) for c in q.clauses() for t in c.terms if not t.marked}
    careful = all(shares[t] >= CAREFUL_SHARE for t in in_units)

    def fix(c: Clause, in_units: bool) -> Clause:
        terms = []
        for t in c.terms:
            if t.marked:
                terms.append(t)
            elif careful or not in_units:
                terms.append(QTerm(t.term, t.folded, True) if shares[t.term] else t)
            else:
                terms.append(QTerm(t.term, t.folded, prefer=True))
        return Clause(c.text, terms, c.variant, c.span, c.part)

    q.units = [Unit([fix(c, True) for c in u.alternatives]) for u in q.units]
    q.excluded = [fix(c, False) for c in q.excluded]
    q.title = [fix(c, False) for c in q.title]
    return q
