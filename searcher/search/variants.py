"""Other spellings of the query's words, matched as the same words: abbreviations and their
expansions, `i`/`y` twins, typos.

Each variant is one more alternative of its unit, after the clause typed (see
:class:`~.query.Unit`): a text holding it holds the unit, so a short query's texts still
hold every word, and ranking puts the spelling typed first (see
:func:`~.phrases.phrase_tier`, :func:`~.scoring.score_hits`).
"""
from __future__ import annotations

from typing import Iterable

from ..analysis import dictionary_syllables, fold_term
from ..analysis.abbreviations import Table, built_in, expansion_key, form_key
from ..analysis.spellings import iy_twin
from ..index import BigramFrequencies, Lexicon
from ..orthography import syllable_shaped
from .query import ABBREVIATION, I_Y, TYPO, Clause, ParsedQuery, QTerm, Unit, clause
from .scoring import short_query

# A learned definition is used once this many articles give it.
MIN_DEFINED = 2
MAX_VARIANTS = 4  # per typed clause
# Typos (see Typos): a neighbour is rare at most this share of the paragraphs (and of the
# word typed), or this many; words shorter than TYPO_MIN_LETTERS have none, except words
# the index does not hold of TYPO_MIN_UNKNOWN letters or more, which take a neighbour only
# where the index holds it beside the query's words around them.
TYPO_RARE_SHARE = 0.0005
TYPO_SHARE = 0.25
TYPO_MIN_DF = 1
TYPO_MIN_LETTERS = 4
TYPO_MIN_UNKNOWN = 3
TYPO_MAX_LETTERS = 10  # a Vietnamese syllable has at most 7 letters
TYPOS_PER_WORD = 2


def known_abbreviations(learned: Iterable[tuple[str, str, int]] = ()) -> Table:
    """The built-in table, then ``learned`` definitions (form, expansion, articles) given by
    at least :data:`MIN_DEFINED` articles, most defined first."""
    return Table.of([*built_in(), *((f, e) for f, e, n in learned if n >= MIN_DEFINED)])


def _as_typed(c: Clause | None, marked: bool, variant: str) -> Clause | None:
    """A variant clause, its syllables folded when the query has no marks (so any marks
    match, as for the words typed)."""
    if c is None:
        return None
    terms = c.terms if marked else [QTerm(t.folded, t.folded) for t in c.terms]
    return Clause(c.text, terms, variant)


def _short_form(c: Clause) -> str | None:
    """The form key of a clause that may be a short form: typed in capitals, or not shaped
    like a syllable (so a lowercase `ubnd` is one, and `an` is not)."""
    key = "".join(t.folded for t in c.terms)
    letters = [ch for ch in c.text if ch.isalpha()]
    if not letters or any(ch.isdigit() for ch in c.text):
        return None
    if all(ch.isupper() for ch in letters) or not syllable_shaped(key):
        return key
    return None


def _expansion_spans(q: ParsedQuery, abbreviations: Table) -> dict[int, list[Clause]]:
    """For runs of consecutive units spelling a known expansion (`ủy ban nhân dân`, four
    units), the short forms standing for the run: each unit's part of them."""
    out: dict[int, list[Clause]] = {}
    single = [None if u.ored or len(u.alternatives) != 1 else u.alternatives[0] for u in q.units]
    i = 0
    while i < len(q.units):
        for n in range(min(abbreviations.longest, len(q.units) - i), 1, -1):
            run = single[i:i + n]
            if any(c is None for c in run):
                continue
            forms = abbreviations.forms.get(tuple(t.folded for c in run for t in c.terms))
            if forms:
                for form in forms:
                    c = _as_typed(clause(form), q.marked, ABBREVIATION)
                    if c is not None:
                        for k in range(n):
                            out.setdefault(i + k, []).append(Clause(c.text, c.terms, c.variant, n, k))
                i += n - 1
                break
        i += 1
    return out


def _abbreviation_variants(c: Clause, abbreviations: Table, marked: bool) -> list[Clause]:
    """The clause's expansions (it is a short form) or short forms (it is an expansion)."""
    out = []
    key = _short_form(c)
    if key is not None:
        out += [_as_typed(clause(e), marked, ABBREVIATION) for e in abbreviations.expansions.get(key, ())]
    out += [_as_typed(clause(f), marked, ABBREVIATION)
            for f in abbreviations.forms.get(tuple(t.folded for t in c.terms), ())]
    return [v for v in out if v is not None and [t.folded for t in v.terms] != [t.folded for t in c.terms]]


def _iy_variant(c: Clause) -> Clause | None:
    """The clause with each syllable whose `i` may be written `y` (or the reverse) in its
    other spelling, or None when it has none."""
    terms, changed = [], False
    for t in c.terms:
        twin = iy_twin(t.term)
        if twin is None:
            terms.append(t)
        else:
            terms.append(QTerm(twin, fold_term(twin), t.strict, t.prefer))
            changed = True
    return Clause(c.text, terms, I_Y) if changed else None


class Typos:
    """Which syllables at one edit of letters (any marks) from a query word are taken for
    it: for a word the index does not hold, the neighbour most often written beside the
    query's words around it (`kinh nghệm` -> `nghiệm`, not the commoner `nghệ`), else its
    most frequent (for a three-letter word, only one written beside them); for a word it
    holds but may be a slip (see :meth:`doubtful`), the neighbour written beside them more
    often than the word (`nguyên nhâ` -> `nhân`); for a word it holds, in a short query,
    the neighbours much rarer than it that are no Vietnamese syllable in any marks (the
    texts' typos: `nghệm` for `nghiệm`), written with marks where it was typed with them.
    Never for codes, numbers, short words or long ones."""

    def __init__(self, lexicon: Lexicon, paragraphs: int, bigrams: BigramFrequencies | None = None):
        """``bigrams``: how many articles hold each pair of folded syllables."""
        self.lexicon = lexicon
        self.rare = max(TYPO_MIN_DF, TYPO_RARE_SHARE * paragraphs)
        self.bigrams = bigrams

    def of(self, term: QTerm, short: bool, before: str | None = None,
           after: str | None = None) -> list[str]:
        """The syllables taken for ``term``; ``before``/``after``: the folded query
        syllables beside it."""
        folded = term.folded
        if not TYPO_MIN_UNKNOWN <= len(folded) <= TYPO_MAX_LETTERS or not folded.isalpha():
            return []
        held = self.lexicon.folded_df(folded)
        if not held:
            scored = self._neighbours_beside(folded, before, after)
            if len(folded) < TYPO_MIN_LETTERS:  # many neighbours: only one the context shows
                scored = [n for n in scored if n[0]]
            return [max(scored)[2]] if scored else []
        if self.doubtful(term, held) and (before or after):
            own = self._beside(folded, held, before, after)
            scored = [n for n in self._neighbours_beside(folded, before, after) if n[0] > own]
            if scored:
                return [max(scored)[2]]
        if not short or len(folded) < TYPO_MIN_LETTERS or not syllable_shaped(folded):
            return []
        rare = min(self.rare, TYPO_SHARE * held)
        found = [(df, f) for f, df in self.lexicon.folded_neighbors(folded) if df <= rare]
        if found:
            vietnamese = dictionary_syllables()
            found = [(df, f) for df, f in found if f not in vietnamese]
        if found and term.marked:  # a slip of a marked word keeps marks; `yang` is no `vàng`
            plain = self.lexicon.doc_frequency
            found = [(df, f) for df, f in found if plain("syl", f) < df]
        return [f for _, f in sorted(found, reverse=True)[:TYPOS_PER_WORD]]

    def doubtful(self, term: QTerm, held: int) -> bool:
        """Whether a word the index holds in some spelling (``held`` paragraphs) may still
        be a slip: typed with marks the index never writes it with (`nhâ`, `dưi`)."""
        return bool(held) and term.marked and not self.lexicon.doc_frequency("syl", term.term)

    def _neighbours_beside(self, folded: str, before: str | None,
                           after: str | None) -> list[tuple[int, int, str]]:
        """The index's syllables one edit from ``folded``: (how often beside the query's
        words around it, paragraphs holding it, the syllable)."""
        return [(self._beside(f, df, before, after), df, f)
                for f, df in self.lexicon.folded_neighbors(folded)]

    def _beside(self, folded: str, df: int, before: str | None, after: str | None) -> int:
        """Articles holding ``folded`` (held by ``df`` paragraphs) after ``before``, plus
        those holding it before ``after``: each at most ``df``, as the counts are upper
        bounds and a rare syllable's are mostly other pairs'."""
        if self.bigrams is None:
            return 0
        return (min(self.bigrams.df(before, folded), df) if before else 0) + (
            min(self.bigrams.df(folded, after), df) if after else 0)


def _typo_variants(c: Clause, typos: Typos | None, short: bool, before: str | None,
                   after: str | None) -> list[Clause]:
    """A one-word clause's typo neighbours (see :class:`Typos`), as clauses."""
    if typos is None or len(c.terms) != 1 or any(ch.isdigit() or ch.isupper() for ch in c.text[1:]):
        return []
    return [Clause(f, [QTerm(f, f)], TYPO) for f in typos.of(c.terms[0], short, before, after)]


def _around(q: ParsedQuery, i: int) -> tuple[str | None, str | None]:
    """The folded syllables typed just before and just after unit ``i``."""
    before = q.units[i - 1].alternatives[0].terms[-1].folded if i > 0 else None
    after = q.units[i + 1].alternatives[0].terms[0].folded if i + 1 < len(q.units) else None
    return before, after


def respell(q: ParsedQuery, abbreviations: Table, typos: Typos | None = None) -> ParsedQuery:
    """The query with each typed clause followed by its variants: expansions for
    abbreviations, abbreviations for expansions (for a run of words spelling one, each
    word's part of it), the other spelling of `i`/`y` syllables, and typos (see
    :class:`Typos`)."""
    marked = q.marked
    short = short_query(q)
    spans = _expansion_spans(q, abbreviations)
    units = []
    for i, u in enumerate(q.units):
        alternatives: list[Clause] = []
        for c in u.typed():
            variants = _abbreviation_variants(c, abbreviations, marked)
            variants += _typo_variants(c, typos, short, *_around(q, i))
            for v in [c, *variants]:
                twin = _iy_variant(v)
                if twin is not None:
                    variants.append(twin)
            alternatives.append(c)
            alternatives.extend(variants[:MAX_VARIANTS])
        alternatives.extend(spans.get(i, ()))
        units.append(Unit(alternatives))
    q.units = units
    return q


def abbreviation_table(lexicon: Lexicon | None = None) -> list[dict]:
    """What `searcher abbreviations` lists: the definitions an index learned (form,
    expansion, articles, whether searches use it, whether the table has it too), or
    without one (``lexicon``) the built-in table."""
    if lexicon is None:
        return [{"form": d.form, "expansion": d.expansion, "articles": None, "used": True,
                 "built_in": True} for d in built_in()]
    table = {(form_key(d.form), expansion_key(d.expansion)) for d in built_in()}
    return [{"form": form, "expansion": expansion, "articles": n, "used": n >= MIN_DEFINED,
             "built_in": (form_key(form), expansion_key(expansion)) in table}
            for form, expansion, n in lexicon.definitions()]
