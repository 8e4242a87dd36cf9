"""Did you mean: accents restored from the index, and spelling corrections.

For a query typed without diacritics, the most likely accented form is learned from the
index itself: the paragraphs that match it show how those syllables are written there,
preferring occurrences where neighbouring query words stand next to each other
(`chay than nhan tao` -> `chạy thận nhân tạo`). For a query with few hits, unknown
syllables are replaced by the most frequent index term one edit away. Both are offered,
never applied.
"""
from __future__ import annotations

from collections import Counter

from typing import Sequence

from ..analysis import fold_term, normalize_term, syllable_units
from ..index import Lexicon
from .query import ParsedQuery, parse_query
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


def restore_accents(q: ParsedQuery, texts: Sequence[ParagraphTerms]) -> str | None:
    """The query with the marks its syllables carry in the best-matching texts (``texts``:
    the query's best candidates, paragraphs or whole articles).

    Whole-query realizations (all syllables adjacent, as typed) decide when there are any;
    otherwise each syllable takes its most frequent form. Nothing is offered when the
    unaccented spelling typed is itself what the text says at least as often (`Gia Lai`).
    """
    singles = [u.alternatives[0] for u in q.units if not u.ored]
    if not singles:
        return None
    order = [t.folded for c in singles for t in c.terms]
    n = len(order)
    whole: Counter = Counter()
    per: list[Counter] = [Counter() for _ in order]
    for pt in texts[:50]:
        for p in pt.by_fold.get(order[0], ()):
            if p + n <= len(pt) and list(pt.folded[p:p + n]) == order:
                whole[tuple(pt.term(p + j) for j in range(n))] += 1
        for i, f in enumerate(order):
            for p in pt.by_fold.get(f, ()):
                per[i][pt.term(p)] += 1
    typed = tuple(order)
    if whole:
        best, count = whole.most_common(1)[0]
        if best == typed or whole.get(typed, 0) >= count:
            return None
        choices = dict(enumerate(best))
    else:
        choices = {i: c.most_common(1)[0][0] for i, c in enumerate(per) if c}
        choices = {i: t for i, t in choices.items() if per[i][t] > per[i].get(order[i], 0)}
    if not choices or all(choices[i] == order[i] for i in choices):
        return None
    return _rewrite(q.text, choices, order)


def correct_spelling(lexicon: Lexicon, q: ParsedQuery) -> str | None:
    """Unknown syllables replaced by the most frequent index term one edit away."""
    order = [t.folded for t in q.typed_terms()]
    choices: dict[int, str] = {}
    for i, t in enumerate(q.typed_terms()):
        if lexicon.folded_df(t.folded) > 0 or len(t.term) > MAX_SPELLING_LENGTH:
            continue
        best, best_df = None, 0
        # As typed; then folded (accented neighbours come through their folded forms).
        probes = dict.fromkeys([("syl", t.term, t.marked), ("sylf", t.folded, False),
                                ("syl", t.folded, False)])
        for field, probe, marks in probes:
            for cand in lexicon.near(field, probe, marks):
                df = lexicon.doc_frequency(field, cand)
                if df > best_df:
                    best, best_df = cand, df
        if best:
            choices[i] = best
    if not choices:
        return None
    return _rewrite(q.text, choices, order)


def suggest_for(lexicon: Lexicon, q: ParsedQuery, total: int,
                texts: Sequence[ParagraphTerms]) -> str | None:
    """A better query to offer, or None: spelling first (when hits are few or a word is
    unknown to the index), then, for a query typed without marks or corrected, its
    accented form (learned from the ``texts`` of its best candidates)."""
    terms = q.typed_terms()
    original = text = q.text
    if total < FEW_HITS or any(lexicon.folded_df(t.folded) == 0 for t in terms):
        fixed = correct_spelling(lexicon, q)
        if fixed and fixed != q.text:
            text, q = fixed, parse_query(fixed)
            terms = q.typed_terms()
    if terms and (not q.marked or text != original):  # a corrected word gets its marks too
        restored = restore_accents(q, texts)
        if restored:
            text = restored
    return text if text != original else None
