"""Did you mean: accents restored from the index, and spelling corrections.

For a query typed without diacritics, the most likely accented form is learned from the
index itself: the paragraphs that match it show how those syllables are written there,
preferring occurrences where neighbouring query words stand next to each other
(`chay than nhan tao` -> `chạy thận nhân tạo`). For a query with few hits, unknown
syllables are replaced by the typo the search matched for them, or the most frequent index
term one edit away. Both are offered, never applied.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from ..analysis import fold_term, normalize_term, syllable_units
from ..index import Lexicon
from ..orthography import syllable_shaped
from .query import ABBREVIATION, I_Y, TYPO, Clause, ParsedQuery, QTerm, parse_query
from .matching import ParagraphTerms

FEW_HITS = 3
MAX_SPELLING_LENGTH = 20  # longer "syllables" are codes or noise: no edit-distance search


def _apply_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _rewrite(text: str, choices: dict[int, str], order: list[str]) -> str:
    """Replace, in order, the query's syllables by their chosen forms."""
    out, last, k = [], 0, 0
    for u in syllable_units(text):
        if k >= len(order):
            break
        folded = fold_term(normalize_term(u.surface))
        if folded != order[k]:
            continue
        if k in choices:
            out.append(text[last:u.start])
            out.append(_apply_case(u.surface, choices[k]))
            last = u.end
        k += 1
    out.append(text[last:])
    return "".join(out)


@dataclass
class AccentCounts:
    """How the best candidates write a query's syllables: each run of all of them, adjacent
    as typed (``whole``), each one alone (``per``), and each one beside a query syllable
    next to it in the query (``beside``), each form with where it was first seen (the
    text's rank among the candidates, the position in it), which breaks ties. Counts of
    several texts add up."""

    whole: Counter
    per: list[Counter]
    whole_first: dict
    per_first: list[dict]
    beside: list[Counter]
    beside_first: list[dict]

    def __add__(self, other: "AccentCounts") -> "AccentCounts":
        return AccentCounts(self.whole + other.whole, _sums(self.per, other.per),
                            _earliest(self.whole_first, other.whole_first),
                            [_earliest(a, b) for a, b in zip(self.per_first, other.per_first)],
                            _sums(self.beside, other.beside),
                            [_earliest(a, b) for a, b in zip(self.beside_first, other.beside_first)])


def _sums(a: list[Counter], b: list[Counter]) -> list[Counter]:
    return [x + y for x, y in zip(a, b)]


def _earliest(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        if k not in out or v < out[k]:
            out[k] = v
    return out


def _most_common(counts: Counter, first: dict):
    """The most frequent form, the first seen among equals."""
    return min(counts, key=lambda k: (-counts[k], first[k]))


def count_accents(order: list[str], texts: Sequence[ParagraphTerms],
                  ranks: Sequence[int] | None = None) -> AccentCounts:
    """How ``texts`` (of ``ranks`` among the candidates; default: in order) write the
    folded syllables ``order`` (see :class:`AccentCounts`)."""
    n = len(order)
    got = AccentCounts(Counter(), [Counter() for _ in order], {}, [{} for _ in order],
                       [Counter() for _ in order], [{} for _ in order])
    for rank, pt in zip(range(len(texts)) if ranks is None else ranks, texts):
        folded, last = pt.folded, len(pt) - 1
        for p in pt.by_fold.get(order[0], ()):
            if p + n <= len(pt) and list(folded[p:p + n]) == order:
                form = tuple(pt.term(p + j) for j in range(n))
                got.whole[form] += 1
                got.whole_first.setdefault(form, (rank, p))
        for i, f in enumerate(order):
            for p in pt.by_fold.get(f, ()):
                term = pt.term(p)
                got.per[i][term] += 1
                got.per_first[i].setdefault(term, (rank, p))
                if (i and p and folded[p - 1] == order[i - 1]) or (
                        i + 1 < n and p < last and folded[p + 1] == order[i + 1]):
                    got.beside[i][term] += 1
                    got.beside_first[i].setdefault(term, (rank, p))
    return got


def _accent_terms(q: ParsedQuery) -> list:
    """The syllables of the query's words typed without OR: those whose marks a
    suggestion learns."""
    return [t for u in q.units if not u.ored for t in u.alternatives[0].terms]


def accent_order(q: ParsedQuery) -> list[str] | None:
    """The folded syllables of :func:`_accent_terms` (None when there are none)."""
    return [t.folded for t in _accent_terms(q)] or None


def restore_accents(q: ParsedQuery, counts: AccentCounts,
                    only: set[str] | None = None) -> str | None:
    """The query with the marks its syllables carry in the best-matching texts (``counts``:
    how the query's best candidates, paragraphs or whole articles, write them).

    Whole-query realizations (all syllables adjacent, as typed) decide when there are any;
    otherwise each syllable takes its most frequent form beside a syllable next to it in
    the query (`hình phạt`, though `phát` is commoner), else alone. A syllable typed with
    marks keeps them; with ``only`` (folded syllables: a corrected query's corrections),
    so does every other (the user's own words). Nothing is offered when the unaccented
    spelling typed is itself what the text says at least as often (`Gia Lai`).
    """
    order = accent_order(q)
    if not order:
        return None
    marked = [t.marked for t in _accent_terms(q)]
    whole, per = counts.whole, counts.per
    typed = tuple(order)
    if whole:
        best = _most_common(whole, counts.whole_first)
        count = whole[best]
        if best == typed or whole.get(typed, 0) >= count:
            return None
        choices = dict(enumerate(best))
    else:
        choices = {}
        for i, (alone, beside) in enumerate(zip(per, counts.beside)):
            forms, first = (beside, counts.beside_first[i]) if beside else (alone, counts.per_first[i])
            if forms:
                t = _most_common(forms, first)
                if forms[t] > forms.get(order[i], 0):
                    choices[i] = t
    choices = {i: t for i, t in choices.items()
               if not marked[i] and (only is None or order[i] in only)}
    if not choices or all(choices[i] == order[i] for i in choices):
        return None
    return _rewrite(q.text, choices, order)


def correct_spelling(lexicon: Lexicon, q: ParsedQuery,
                     doubtful: Callable[[QTerm, int], bool] | None = None) -> tuple[str, set[str]] | None:
    """Unknown syllables replaced: by the typo the search matched for them (see
    :class:`~.variants.Typos`: chosen by the words beside it), else, for a word of letters,
    by the most frequent index term one edit away shaped as it is (see :func:`_nearest`);
    words with digits get no guess. A word the index holds is replaced only when
    ``doubtful(term, paragraphs)`` says it may be a slip and the search matched a typo for
    it (see :meth:`~.variants.Typos.doubtful`: `nguyên nhâ` -> `nguyên nhân`). A word whose
    other spelling the index holds (an `i`/`y` twin, an abbreviation's expansion or short
    form) is no typo: it stays, or in a query typed without marks becomes its twin, whose
    marks the texts then give (`ki niem` -> `kỷ niệm`). The query so corrected, and the
    folded syllables put in."""
    order = [t.folded for t in q.typed_terms()]
    choices: dict[int, str] = {}
    for i, (t, typed, twin, variants) in enumerate(_typed_syllables(q)):
        held = lexicon.folded_df(t.folded)
        typo = next((v.terms[0].folded for v in variants if v.variant == TYPO), None)
        if held or len(t.term) > MAX_SPELLING_LENGTH:
            if typo is not None and held and doubtful is not None and doubtful(t, held):
                choices[i] = typo
            continue
        if any(all(lexicon.folded_df(x.folded) for x in v.terms) for v in variants
               if v.variant == ABBREVIATION or (v.variant == I_Y and v.text == typed)):
            if twin is not None and not q.marked and lexicon.folded_df(twin):
                choices[i] = twin
            continue
        if typo is not None:
            choices[i] = typo
        elif t.term.isalpha():
            best = _nearest(lexicon, t, syllable_shaped(t.folded))
            if best:
                choices[i] = best
    if not choices:
        return None
    return _rewrite(q.text, choices, order), {fold_term(c) for c in choices.values()}


def _nearest(lexicon: Lexicon, t: QTerm, syllable: bool) -> str | None:
    """The index term one edit from ``t`` that most paragraphs hold, a syllable for a word
    shaped like one (``syllable``), else a code as :func:`_nearest_code` picks it: a word
    typed with marks takes one with marks; one typed without, any (accented neighbours
    come through their folded forms, whose marks the texts then give)."""
    probes = ([("syl", t.term, True)] if t.marked else
              [("sylf", t.folded, False), ("syl", t.folded, False)])
    found = [(cand, lexicon.doc_frequency(field, cand))
             for field, probe, marks in probes for cand in lexicon.near(field, probe, marks)]
    if not syllable:
        return _nearest_code(t.term, found)
    found = [(cand, df) for cand, df in found if df and syllable_shaped(fold_term(cand))]
    return max(found, key=lambda item: item[1])[0] if found else None


def _nearest_code(typed: str, neighbours: list[tuple[str, int]]) -> str | None:
    """The code that a code typed with a slip may stand for, of its ``neighbours`` one
    edit away (with how many paragraphs hold them): one that is no syllable either, a
    letter longer (one left out: `THP` for `THPT`) before one as long, never shorter
    (`NTO` is not `TO`, `THP` not `TP`); the commonest."""
    best = max(((len(c) > len(typed), df, c) for c, df in neighbours
                if df and len(c) >= len(typed) and not syllable_shaped(fold_term(c))), default=None)
    return best[2] if best else None


def _typed_syllables(q: ParsedQuery) -> list[tuple[QTerm, str, str | None, list[Clause]]]:
    """Each syllable the user typed (as :meth:`ParsedQuery.typed_terms` lists them), with
    its clause's text, its `i`/`y` twin (folded; None when it has none) and the variants
    of its clause (a typo only for a one-syllable clause). A variant's own twin follows it
    with its text: the clause's twin is the one with the clause's text."""
    out = []
    for u in q.units:
        groups: list[tuple[Clause, list[Clause]]] = []
        for c in u.alternatives:
            if c.variant is None:
                groups.append((c, []))
            elif groups:
                groups[-1][1].append(c)
        for typed, variants in groups:
            twins = next((v.terms for v in variants if v.variant == I_Y and v.text == typed.text
                          and len(v.terms) == len(typed.terms)), None)
            if len(typed.terms) > 1:
                variants = [v for v in variants if v.variant != TYPO]
            for k, t in enumerate(typed.terms):
                twin = twins[k].folded if twins and twins[k].folded != t.folded else None
                out.append((t, typed.text, twin, variants))
    return out


class Suggestion:
    """A better query to offer: spelling first (when hits are few or a word is unknown to
    the index), then, for a query typed without marks or corrected, its accented form,
    learned from how its best candidates write the syllables :attr:`accents` names."""

    def __init__(self, lexicon: Lexicon, q: ParsedQuery, total: int,
                 doubtful: Callable[[QTerm, int], bool] | None = None):
        """``doubtful``: whether a word the index holds may be a slip (see
        :func:`correct_spelling`)."""
        terms = q.typed_terms()
        self.original = text = q.text
        self.only: set[str] | None = None  # the syllables whose marks may be restored
        guessed = any(c.variant == TYPO for u in q.units for c in u.alternatives)
        if total < FEW_HITS or guessed or any(lexicon.folded_df(t.folded) == 0 for t in terms):
            fixed = correct_spelling(lexicon, q, doubtful)
            if fixed and fixed[0] != q.text:
                if q.marked:
                    self.only = fixed[1]
                text, q = fixed[0], parse_query(fixed[0])
                terms = q.typed_terms()
        self.text, self.q = text, q
        # A corrected word gets its marks too.
        self.accents = (accent_order(q) if terms and (not q.marked or text != self.original)
                        else None)

    def offer(self, counts: AccentCounts | None) -> str | None:
        """The suggestion, given how the best candidates write :attr:`accents`."""
        text = self.text
        if self.accents and counts is not None:
            text = restore_accents(self.q, counts, self.only) or text
        return text if text != self.original else None
