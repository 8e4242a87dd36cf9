"""Stage one: the documents that hold the query's distinctive words, and what each brings.

Posting lists are read for the query's distinctive syllables (very common ones such as `của`,
`và` are skipped when rarer ones exist) and for the compounds the query forms, each bringing
its idf, as typed or discounted for other diacritics. Stage two (:mod:`.paragraphs`,
:mod:`.articles`) re-ranks the best few hundred on their text.
"""
from __future__ import annotations

import heapq
import zlib
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Callable, Iterable, Iterator

from whoosh.query import And, Or, Term, TermRange

from ..analysis import pair_term
from ..index import PARAGRAPH_DOC, SYLLABLE_FIELDS, Lexicon, PostingReader, bitmap_and
from .documents import Documents
from .matching import ParagraphTerms
from .query import Clause, ParsedQuery
from .scoring import FOLD_WEIGHT, QueryWeights, article_idf, paragraph_idf, short_query
from .stats import CorpusStats

COMMON_FRACTION = 0.08    # syllables in more paragraphs than this are skipped in retrieval...
COMMON_MIN_DF = 2000      # ...if they are also in at least this many paragraphs
# Added to the stage-one score of what holds a short query's words as one run, so that all
# of it (or the best few hundred by score) reaches stage two: more than any sum of idf.
TOGETHER_FIRST = 1000.0
SPELLINGS_TOGETHER = 8  # spellings of a short query (see .variants) looked up as runs
# Added to the stage-one score of an article one of whose paragraphs holds every word of a
# short query: less than a run, more than any sum of idf (see Retriever.in_one_paragraph).
ONE_PARAGRAPH_FIRST = TOGETHER_FIRST / 2

# Stage one keeps the best-scored articles, ties broken by their id: never by the order a set
# happens to hold them in, so answers do not depend on it.
SCORE_THEN_ID = itemgetter(1, 0)


def best_scored(pool: dict, k: int, tie: Callable[[object], object]) -> list[tuple[object, float]]:
    """The ``k`` best (key, score) items of ``pool``, best first, ties broken by ``tie(key)``
    (highest first). ``tie`` is worked out only for the items that can be among them (it
    may cost a lookup), so that a tie-break that no index layout changes stays cheap."""
    if len(pool) > k:
        kth = heapq.nlargest(k, pool.values())[-1]
        items = [item for item in pool.items() if item[1] >= kth]
    else:
        items = list(pool.items())
    items.sort(key=lambda item: (item[1], tie(item[0])), reverse=True)
    return items[:k]


@dataclass
class Plan:
    """What stage one found: weights, per-unit documents, compounds, exclusions, filters."""

    weights: QueryWeights
    units: list[dict[int, float]]
    compound_docs: dict[int, float]
    dropped: set[int]
    allowed: set[int] | None
    common: list[int]  # units too common to read in stage one
    used: list[int]  # the units read, in the order of ``units``
    df_exact: dict[str, int]  # document frequencies of the query's terms, as typed...
    df_folded: dict[str, int]  # ...and folded
    together: frozenset[int] | None = None  # paragraphs holding a short query as one run
    # Documents the index shows to hold some unit by a one-syllable alternative, for a
    # query whose matches are looked at in the text (see needs_text): a look at theirs
    # could only confirm that they hold one (see Pool.verify). Empty when an excluded
    # phrase must be looked for in every text anyway.
    proven: set[int] = field(default_factory=set)


def holding_every_unit(plan: Plan, q: ParsedQuery, retriever: "Retriever", level: str,
                       among) -> set[int]:
    """The documents of ``among`` that hold every query unit by the index: each unit read in
    stage one, and the common ones by bitmap (phrases by their syllables, which
    :func:`verified` then checks in the text)."""
    docs = set(among)
    for u in plan.units:
        docs.intersection_update(u.keys())
    if plan.common and docs:
        bitmaps = [[retriever.clause_bitmaps(c, level)[1] for c in q.units[i].alternatives]
                   for i in plan.common]
        docs = {d for d in docs
                if all(any(b[d >> 3] & (1 << (d & 7)) for b in alts) for alts in bitmaps)}
    return docs


def needs_text(q: ParsedQuery) -> bool:
    """Whether posting lists alone cannot tell a match: phrases and codes (their syllables
    must be consecutive) and excluded phrases."""
    return (any(len(c.terms) > 1 for u in q.units for c in u.alternatives)
            or any(len(c.terms) > 1 for c in q.excluded))


def sampled(keys: Iterable, fraction: float, group: Callable[[object], str]) -> list:
    """About ``fraction`` of ``keys``, evenly spread: each key is picked by a hash of its
    article (``group``) and its place among that article's keys, so that one index and its
    shards, whatever their document numbers, pick the same ones."""
    by_article: dict[str, list] = {}
    for k in keys:
        by_article.setdefault(group(k), []).append(k)
    cut = fraction * (1 << 32)
    picked = []
    for article, held in by_article.items():
        held.sort()  # as written within the article
        for i, k in enumerate(held):
            if zlib.crc32(f"{article}\t{i}".encode("utf-8")) < cut:
                picked.append(k)
    return picked


@dataclass
class Pool:
    """What may match a query in one index (or one shard of it): keys (paragraph documents,
    or article ids) with their stage-one scores, those holding every query unit by the
    index (short queries), and, when posting lists alone cannot tell a match (see
    :func:`needs_text`), a look at a key's text: ``check(every)`` tells whether a key holds
    every unit (or one), phrases consecutive, no excluded phrase.

    Which keys match is decided over the whole index (see :mod:`.merge`): those holding
    every unit when any does anywhere, else any; a phrase's matches are checked in the text,
    past a limit on a sample whose size the whole index's count sets."""

    scores: dict
    holding: list
    check: Callable[[bool], Callable[[object], bool]] | None
    group: Callable[[object], str]  # the article of a key
    # Whether the index shows a key to hold one unit (see Plan.proven): matching by any
    # unit, its text need not be looked at.
    proven: Callable[[object], bool] | None = None
    kept: dict = field(default_factory=dict)  # every -> the keys that match
    # Of the keys that may match by any unit, those not proven (made once, see unproven).
    unsure: list | None = field(default=None, init=False)

    def candidates(self, every: bool) -> list:
        return self.holding if every else list(self.scores)

    def unproven(self) -> int:
        """How many of the keys that may match (by any unit) the index does not show to
        match (see :attr:`proven`): those whose text must be looked at."""
        return len(self._unsure())

    def _unsure(self) -> list:
        if self.unsure is None:
            keys, proven = self.candidates(False), self.proven
            self.unsure = keys if proven is None else [k for k in keys if not proven(k)]
        return self.unsure

    def verify(self, every: bool, fraction: float | None) -> tuple[int, int, int]:
        """Check the text of the candidates (matching by any unit: those not proven to
        match, see :meth:`unproven`): all of them when ``fraction`` is None (they are kept
        if they pass), else a sample of that fraction (all are kept unchecked). Returns how
        many are kept, how many of the sample pass, and the sample's size."""
        keys = self.candidates(every)
        check = self.check(every) if self.check else bool
        unsure = keys if every else self._unsure()
        if fraction is None:
            failed = {k for k in unsure if not check(k)}
            kept = [k for k in keys if k not in failed] if failed else keys
            self.kept[every] = kept
            return len(kept), 0, 0
        picked = sampled(unsure, fraction, self.group)
        self.kept[every] = keys
        return len(keys), sum(1 for k in picked if check(k)), len(picked)

    def matching(self, every: bool) -> list:
        """The keys that match, as decided."""
        kept = self.kept.get(every)
        return self.candidates(every) if kept is None else kept

    def matching_scores(self, every: bool) -> dict:
        """The stage-one scores of the keys that match."""
        keys = self.matching(every)
        return self.scores if len(keys) == len(self.scores) else {k: self.scores[k] for k in keys}


def _runs(q: ParsedQuery) -> list[list[str]]:
    """Runs of consecutive folded query syllables as typed, broken where a unit has
    alternatives."""
    seq: list[str] = []
    runs: list[list[str]] = []
    for unit in q.units:
        if not unit.ored:
            seq.extend(t.folded for t in unit.alternatives[0].terms)
        else:
            runs.append(seq)
            seq = []
    runs.append(seq)
    return runs


def _spellings(q: ParsedQuery) -> Iterator[list[Clause]]:
    """A query of units without OR as typed, then with one variant at a time in place of
    what it stands for (see :class:`~.query.Clause`)."""
    typed = [u.alternatives[0] for u in q.units]
    yield typed
    for i, u in enumerate(q.units):
        for c in u.alternatives[1:]:
            if not c.part:
                yield typed[:i] + [c] + typed[i + c.span:]


class Retriever:
    """Stage one over one open index: posting lists -> weighted documents."""

    def __init__(self, documents: Documents, postings: PostingReader, lexicon: Lexicon,
                 stats: CorpusStats):
        self.documents = documents
        self.postings = postings
        self.lexicon = lexicon
        self.stats = stats

    def folded_docs(self, folded: str, level: str = "p") -> frozenset[int]:
        """Documents holding a folded syllable in any spelling (see Lexicon.folded_df)."""
        return self.postings.doc_set(folded, *SYLLABLE_FIELDS[level])

    def clause_docs(self, clause: Clause, level: str = "p") -> frozenset[int]:
        """Documents holding every syllable of a clause, in any spelling."""
        docs = None
        for t in clause.terms:
            d = self.folded_docs(t.folded, level)
            docs = d if docs is None else docs & d
        return docs or frozenset()

    def paired(self, c: Clause) -> frozenset[int]:
        """Paragraph documents whose indexed pairs of consecutive syllables include every
        pair of the clause's (see :meth:`together`)."""
        folded = [t.folded for t in c.terms]
        docs = None
        for a, b in zip(folded, folded[1:]):
            d = self.postings.doc_set(pair_term(a, b), "pairf")
            docs = d if docs is None else docs & d
        return docs or frozenset()

    def together(self, q: ParsedQuery) -> frozenset[int] | None:
        """Paragraph documents that may hold a short query's syllables as one capitalized
        run (a name, a place), in order, with any diacritics, by the index's pairs of
        consecutive capitalized syllables: pairs share hash buckets, and three syllables
        pair twice, so the text tells them apart; lowercase runs are not among them (stage
        two still ranks them by their text). Each spelling of the query (its words' variants)
        counts. None for a long query or a single syllable."""
        if not short_query(q):
            return None
        spellings = list(islice(_spellings(q), SPELLINGS_TOGETHER))
        if sum(len(c.terms) for c in spellings[0]) < 2:  # the query as typed
            return None
        found: frozenset[int] = frozenset()
        for spelling in spellings:
            terms = [t for c in spelling for t in c.terms]
            if len(terms) < 2:
                continue
            run = Clause(q.text, terms)
            docs = self.paired(run)
            # Other pairs of the same buckets: the paragraph must hold every syllable too.
            if docs:
                found |= docs & self.clause_docs(run)
        return found

    def common_df(self, level: str = "p") -> float:
        """Paragraph (``level`` "p") or article ("a") documents past which a syllable is
        common: tested in bitmaps, not listed."""
        if level == "p":
            return max(COMMON_MIN_DF, COMMON_FRACTION * self.stats.paragraphs)
        return max(COMMON_MIN_DF // 4, COMMON_FRACTION * self.stats.articles)

    def in_one_paragraph(self, q: ParsedQuery) -> frozenset[int]:
        """Paragraph documents that hold every word of a short query of two words or more,
        in any of their spellings, by the index. Most such paragraphs hold the words as one
        run (`giá vàng`), which articles holding them apart (`giá ... HC vàng`) rarely do:
        for lowercase runs, which :meth:`together` cannot find, this is what tells an
        article's stage-one score that it may hold the run. The rarest word's documents
        are listed, common words tested in bitmaps (how, not what: the answer is the same
        whatever the statistics)."""
        if not short_query(q) or len(q.units) < 2:
            return frozenset()
        common = self.common_df("p")
        held = [sum(min(self.lexicon.folded_df(t.folded) for t in c.terms) for c in u.alternatives)
                for u in q.units]
        order = sorted(range(len(q.units)), key=lambda i: (held[i], i))
        docs: frozenset[int] = frozenset()
        for k, i in enumerate(order):
            alternatives = q.units[i].alternatives
            if k == 0 or held[i] <= common:
                unit_docs = frozenset().union(*(self.clause_docs(c, "p") for c in alternatives))
                docs = unit_docs if k == 0 else docs & unit_docs
            else:
                bitmaps = [self.clause_bitmaps(c, "p")[1] for c in alternatives]
                docs = frozenset(d for d in docs if any(b[d >> 3] & (1 << (d & 7)) for b in bitmaps))
            if not docs:
                break
        return docs

    def clause_bitmaps(self, c: Clause, level: str = "a") -> tuple[bytes | None, bytes]:
        """Article (or paragraph) documents holding clause ``c`` as typed (None when nothing
        was typed with marks) and in any spelling, as bitmaps (for common words: tested,
        not listed)."""
        exact_field, folded_field = SYLLABLE_FIELDS[level]
        typed = anyway = None
        for t in c.terms:
            if t.exact:
                e = self.postings.doc_bitmap(t.term, exact_field)
                typed = e if typed is None else bitmap_and(typed, e)
            f = self.postings.doc_bitmap(t.folded, exact_field, folded_field)
            anyway = f if anyway is None else bitmap_and(anyway, f)
        return typed, anyway

    def filter_docs(self, q: ParsedQuery) -> set[int] | None:
        """Paragraph documents allowed by the filters, or None when there are none."""
        searcher = self.documents.searcher
        parts = []
        if q.dates:
            parts.append(Or([TermRange("date", r.start, r.end + "\uffff") for r in q.dates]))
        if q.articles:
            parts.append(Or([Term("article", a) for a in q.articles]))
        allowed = None
        if parts:
            allowed = set(searcher.docs_for_query(And([Term("kind", PARAGRAPH_DOC), *parts])))
        if q.folders:
            docs = self.folder_docs(q.folders)
            allowed = docs if allowed is None else allowed & docs
        if q.title:
            articles = set()
            title_docs = None
            for c in q.title:
                docs = self.clause_docs(c)
                title_docs = docs if title_docs is None else title_docs & docs
            for d in title_docs or ():
                f = self.documents.reader.stored_fields(d)
                if f.get("para") == 0:
                    pt = ParagraphTerms(f["text"])
                    if all(pt.find(c)[1] for c in q.title):
                        articles.add(self.postings.article_of(d))
            docs = set()
            for a in articles:
                docs.update(searcher.document_numbers(kind=PARAGRAPH_DOC, article=a))
            allowed = docs if allowed is None else allowed & docs
        return allowed

    def folder_docs(self, folders: list[str]) -> set[int]:
        """Documents of the articles under any of ``folders`` (`the-thao`, `2023/phap-luat`)."""
        docs: set[int] = set()
        for folder in folders:
            for article in self.lexicon.articles_under(folder):
                docs.update(self.postings.docs("article", article))
        return docs

    def compounds(self, q: ParsedQuery) -> list[tuple[str, float]]:
        """Folded compounds formed by consecutive query syllables that the index knows as
        words (`an ninh` -> `an_ninh`), with their idf."""
        out = []
        for run in _runs(q):
            for n in (2, 3):
                for i in range(len(run) - n + 1):
                    word = "_".join(run[i:i + n])
                    df = self.postings.doc_frequency("wordf", word)
                    if df:
                        out.append((word, paragraph_idf(df, self.stats.paragraphs)))
        return out

    def _unit_sets(self, c: Clause, level: str, df_folded: dict[str, int],
                   common: float) -> tuple[frozenset[int] | None, frozenset[int]]:
        """Documents holding clause ``c`` as typed (None when nothing was typed with marks)
        and in any spelling. Other spellings are read only when that is cheap (`hưu` is
        rare, while its folded `huu` also stands for the common `hữu`)."""
        exact_field, _ = SYLLABLE_FIELDS[level]
        exact = None
        for t in c.terms:
            if t.exact:
                e = self.postings.doc_set(t.term, exact_field)
                exact = e if exact is None else exact & e
        if exact is None or max(df_folded[t.folded] for t in c.terms) <= common:
            return exact, self.clause_docs(c, level)
        return exact, exact

    def plan(self, q: ParsedQuery, allowed: set[int] | None, level: str = "p",
             with_docs: bool = True) -> Plan:
        """For each distinctive query unit, the documents holding it and the idf weight it
        brings them (as typed, or discounted for other diacritics). ``level`` "p" reads
        paragraph documents; "a" reads the article documents' syllable sets, so weights are
        article-level idf; both read the compounds the query forms. Without ``with_docs``
        only the weights are worked out (article ranking reads no paragraph posting lists)."""
        exact_field, _ = SYLLABLE_FIELDS[level]
        n = self.stats.paragraphs if level == "p" else self.stats.articles
        pr = self.postings
        df_folded = {t.folded: self.lexicon.folded_df(t.folded, level) for t in q.positive_terms()}
        df_exact = {t.term: pr.doc_frequency(exact_field, t.term)
                    for t in q.positive_terms() if t.exact}
        weights = QueryWeights.of(q, df_exact, df_folded, n,
                                  paragraph_idf if level == "p" else article_idf)
        common = self.common_df(level)

        def df_as_typed(t) -> int:
            return df_exact[t.term] if t.exact else df_folded[t.folded]

        # A unit is distinctive when its rarest alternative typed, as typed, is not common
        # (a rare spelling of a common word does not make it distinctive).
        unit_df = [min(max(df_as_typed(t) for t in c.terms) for c in u.typed())
                   for u in q.units]
        distinctive = [i for i, df in enumerate(unit_df) if df <= common]
        use = distinctive or list(range(len(q.units)))

        units: list[dict[int, float]] = []
        proven: set[int] = set()
        prove = needs_text(q) and not any(len(c.terms) > 1 for c in q.excluded)
        for i in (use if with_docs else ()):
            alternatives = weights.units[i]
            if len(alternatives) == 1:  # the common case, at C speed (exact docs are among docs)
                w = alternatives[0]
                exact, docs = self._unit_sets(w.clause, level, df_folded, common)
                if exact is None:
                    unit_docs = dict.fromkeys(docs, w.exact)
                else:
                    unit_docs = dict.fromkeys(docs, FOLD_WEIGHT * w.folded)
                    unit_docs.update(dict.fromkeys(exact, w.exact))
                units.append(unit_docs)
                if prove and len(w.clause.terms) == 1:
                    proven.update(docs)
                continue
            unit_docs = {}
            for w in alternatives:
                exact, docs = self._unit_sets(w.clause, level, df_folded, common)
                if prove and len(w.clause.terms) == 1:
                    proven.update(docs)
                for d in docs:
                    v = w.exact if exact is None or d in exact else FOLD_WEIGHT * w.folded
                    if v > unit_docs.get(d, 0.0):
                        unit_docs[d] = v
            units.append(unit_docs)
        dropped: set[int] = self.folder_docs(q.not_folders) if q.not_folders else set()
        for c in (q.excluded if with_docs else ()):
            if len(c.terms) == 1:
                t = c.terms[0]
                dropped |= pr.doc_set(t.term, exact_field) if t.exact else self.folded_docs(t.folded, level)
        # Compounds the query forms (paragraph documents, also for articles).
        compound_docs: dict[int, float] = {}
        for key, w in self.compounds(q) if with_docs else ():
            found = dict.fromkeys(pr.docs("wordf", key), w)
            again = {d: compound_docs[d] + w for d in found.keys() & compound_docs.keys()}
            compound_docs.update(found)
            compound_docs.update(again)
        return Plan(weights, units, compound_docs, dropped, allowed,
                    [i for i in range(len(q.units)) if i not in use], use, df_exact, df_folded,
                    self.together(q) if with_docs else None, proven)
