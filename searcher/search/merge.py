"""A query answered over the parts of an index, exactly as one index answers it.

The parts are one open index, or the shards of a sharded one (in this process or on Dask
actors, :mod:`.remote`); each runs the steps of :class:`~.shard.ShardSearch` on its own
documents with the whole index's statistics, and every decision that depends on more than
one document is taken here, over all of them:

1. ``start``: what may match on each part, counted;
2. ``verify`` (phrases, codes): the text checked, or a sample of it, sized by the total;
   what matches is what holds every word of a short query if anything anywhere does;
3. ``best``: each part's best of stage one, cut to the index's best (articles: the best few
   hundred, then ``add_common_words``, then cut again);
4. ``stage_two``: each part scores its share of the cut on the text; here the spelling
   counts are taken over all candidates, and they are ranked;
5. ``page``: the parts build the page's hits, count how the best candidates spell the
   query's words (suggestions learn from them) and count facets.

When posting lists alone tell what matches (no phrase to check), each part gives its best
of stage one for either choice of step 2 with its counts; else it gives it with its check
of the text, for the choice checked. Either way step 3 costs no round of its own; parts a
round costs messages to (:attr:`Parts.distant`) also add the common words to that best
ahead, for articles.

Ties break on article ids and, within an article, document order, never on document
numbers across articles, so no layout changes an answer.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from ..errors import SearcherError
from .articles import ARTICLE_CANDIDATES, ARTICLE_POOL, VERIFY_ARTICLES
from .paragraphs import CANDIDATES, VERIFY_LIMIT, rank_spellings
from .query import ParsedQuery
from .results import Hit
from .scoring import rank_key, short_query
from .shard import Opening, Ranked
from .suggest import AccentCounts

# Past the limit, when the index proves some of the keys that match by any unit, the
# sample is of the others only and this many times smaller; the proven count as they are.
PROVEN_SAMPLE = 4
EVIDENCE = 50  # best candidates whose spellings suggestions learn from


class Parts(Protocol):
    """The parts of an index: each step called on every part, the replies in part order.
    ``distant``: whether a step costs messages, so that work done ahead to save one pays."""

    distant: bool

    def __len__(self) -> int: ...

    def call(self, method: str, args: Sequence[tuple]) -> list: ...

    def recover(self) -> None: ...

    def close(self) -> None: ...


class PartLost(SearcherError):
    """A part stopped answering (its Dask worker was lost, or it timed out)."""


class LocalParts:
    """Parts open in this process; ``distant`` as if each step cost messages (to check that
    the work done ahead then answers as the steps it saves)."""

    def __init__(self, parts: Sequence, distant: bool = False):
        self.parts = list(parts)
        self.distant = distant

    def __len__(self) -> int:
        return len(self.parts)

    def call(self, method: str, args: Sequence[tuple]) -> list:
        return [getattr(p, method)(*a) for p, a in zip(self.parts, args)]

    def recover(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class Merged:
    """The candidates of a query after stage two, over every part."""

    ranked: list[Ranked]  # best first, in the order asked
    scored: list[Ranked]  # articles: every one scored, in stage-one order
    total: int
    exact: bool


@dataclass
class Answer:
    """A result page: its hits, how many match, what suggestions and facets need."""

    hits: list[Hit]
    total: int
    exact: bool
    accents: AccentCounts | None  # how the best candidates write the syllables asked
    facets: dict[str, dict[str, int]] | None


def answer(parts: Parts, q: ParsedQuery, limit: int, page: int, articles: bool,
           sort: str = "relevance", facets: bool = False,
           accents: Callable[[int], list[str] | None] | None = None) -> Answer:
    """Page ``page`` (of ``limit`` hits) of the answer to ``q``; ``accents(total)``: the
    folded syllables whose spellings among the best candidates to count (for a
    suggestion). A part lost on the way is replaced (see :meth:`Parts.recover`) and the
    query asked again, once."""
    try:
        return _answer(parts, q, limit, page, articles, sort, facets, accents)
    except PartLost:
        parts.recover()
        return _answer(parts, q, limit, page, articles, sort, facets, accents)


def _stage_one_cut(articles: bool, sort: str, need: int) -> int:
    """How many of stage one's best the whole index keeps (and each part gives) for at
    least the best ``need`` candidates; for articles by relevance, the pool whose common
    words are looked at."""
    if articles:
        return ARTICLE_POOL if sort == "relevance" else max(ARTICLE_CANDIDATES, need * 2)
    return max(CANDIDATES, need * 3)


def start(parts: Parts, token: str, q: ParsedQuery, need: int, articles: bool,
          sort: str) -> list[Opening]:
    """Step 1 on every part, for at least the best ``need`` candidates."""
    k = _stage_one_cut(articles, sort, need)
    return parts.call("start", [(token, q, articles, sort, k, parts.distant)] * len(parts))


def _answer(parts: Parts, q: ParsedQuery, limit: int, page: int, articles: bool, sort: str,
            facets: bool, accents: Callable[[int], list[str] | None] | None) -> Answer:
    token = uuid.uuid4().hex
    first = (page - 1) * limit
    opened = start(parts, token, q, limit * page, articles, sort)
    if not q.units:  # filters only
        entries = sorted((a, para, i, key) for i, o in enumerate(opened) for a, para, key in o.filtered)
        shown = [(i, key) for _, _, i, key in entries[first:first + limit]]
        return _page(parts, token, shown, [], None, facets, len(entries), True, first)
    merged = rank(parts, token, q, limit * page, articles, sort, opened)
    shown = [(r.part, r.ref) for r in merged.ranked[first:first + limit]]
    order = accents(merged.total) if accents else None
    best = (merged.scored if articles else merged.ranked)[:EVIDENCE] if order else []
    return _page(parts, token, shown, [(r.part, (rank, r.ref)) for rank, r in enumerate(best)], order, facets,
                 merged.total, merged.exact, first)


def rank(parts: Parts, token: str, q: ParsedQuery, need: int, articles: bool, sort: str,
         opened: list[Opening]) -> Merged:
    """Steps 2-4 for a query the parts have started (``opened``): at least the best
    ``need`` candidates, ranked."""
    text = any(o.text for o in opened)
    limit = VERIFY_ARTICLES if articles else VERIFY_LIMIT
    relevance = sort == "relevance"
    k = _stage_one_cut(articles, sort, need)
    every = short_query(q)
    total, exact, verified = 0, True, None
    if every:
        total, exact, verified = _settle(parts, token, opened, True, text, limit, k)
        every = total > 0 or not exact
    if not every:
        total, exact, verified = _settle(parts, token, opened, False, text, limit, k)
    if all(o.best is not None for o in opened):  # each part gave it with its opening
        top = _cut([o.best[every] for o in opened], k, relevance)
    elif verified is not None:  # each gave it with its check of the text
        top = _cut([best for best, _ in verified], k, relevance)
    else:
        top = _cut(parts.call("best", [(token, every, k)] * len(parts)), k, relevance)
    if articles and relevance:
        if any(o.common for o in opened):
            ahead = None  # each part's best with the common words added, if it gave them
            if all(o.boosted is not None for o in opened):
                ahead = [o.boosted[every] for o in opened]
            elif verified and all(b is not None for _, b in verified):
                ahead = [b for _, b in verified]
            if ahead is not None:
                chosen = [set(keys) for keys in _split(top, parts)]
                boosted = [[e for e in mine if e[1] in keys] for mine, keys in zip(ahead, chosen)]
            else:
                boosted = parts.call("add_common_words", [(token, every, keys) for keys in _split(top, parts)])
            top = _cut(boosted, k, True)
        top = top[:max(ARTICLE_CANDIDATES, need * 2)]
    replies = parts.call("stage_two", [(token, every, keys) for keys in _split(top, parts)])
    got: dict[tuple[int, object], Ranked] = {}
    for i, reply in enumerate(replies):
        for r in reply:
            r.part = i
            got[i, r.ref] = r
    scored = [got[e] for e in top if e in got]  # stage-one order
    ranked = [r for r in scored if r.all_matched or not every] if articles else scored
    rank_spellings(ranked)
    if relevance:
        ranked.sort(key=rank_key(q), reverse=True)
    else:
        ranked.sort(key=lambda r: r.order)
    return Merged(ranked, scored if articles else [], max(total, len(ranked)), exact)


def _settle(parts: Parts, token: str, opened: list[Opening], every: bool, text: bool,
            limit: int, k: int) -> tuple[int, bool, list | None]:
    """How many keys match (holding every unit, if ``every``) and whether that count is
    exact: without text to check, what the index holds; else each checked (matching by any
    unit, those the index does not show to match: see :meth:`~.retrieval.Pool.unproven`),
    or past ``limit`` of those in all an evenly spread sample of about ``limit`` of them
    (``limit / PROVEN_SAMPLE`` when the index proves the others). When the text was
    checked, also each part's ``k`` best that match and, for distant parts, those with their
    common words added (see :meth:`~.shard.ShardSearch.verify`), else None."""
    n = sum(o.every if every else o.anything for o in opened)
    if not text or not n:
        return n, True, None
    unsure = n if every else sum(o.unproven for o in opened)  # what the text must tell
    fraction = None if unsure <= limit else limit / unsure / (PROVEN_SAMPLE if unsure < n else 1)
    got = parts.call("verify", [(token, every, fraction, k, parts.distant)] * len(parts))
    verified = [(best, boosted) for *_, best, boosted in got]
    if fraction is None:
        return sum(g[0] for g in got), True, verified
    passed, size = sum(g[1] for g in got), sum(g[2] for g in got)
    return n - unsure + round(unsure * passed / max(size, 1)), False, verified


def _cut(replies: list[list], k: int, descending: bool) -> list[tuple[int, object]]:
    """The ``k`` best keys over every part's reply of (sort key, key): (part, key) pairs."""
    keyed = [(sort_key, i, key) for i, reply in enumerate(replies) for sort_key, key in reply]
    keyed.sort(key=lambda e: e[0], reverse=descending)
    return [(i, key) for _, i, key in keyed[:k]]


def _split(chosen: list[tuple[int, object]], parts: Parts) -> list[list]:
    """The keys of ``chosen`` each part holds, in their order."""
    out: list[list] = [[] for _ in range(len(parts))]
    for i, key in chosen:
        out[i].append(key)
    return out


def _page(parts: Parts, token: str, shown: list, evidence: list, accents: list[str] | None,
          facets: bool, total: int, exact: bool, first: int) -> Answer:
    pages = parts.call("page", [(token, keys, texts, accents, facets) for keys, texts in
                                zip(_split(shown, parts), _split(evidence, parts))])
    hits = _in_order(shown, [p.hits for p in pages])
    for rank_, hit in enumerate(hits, start=first + 1):
        hit.rank = rank_
    counts = None
    if facets:
        keys = sum((p.facets for p in pages), Counter())
        years: Counter = Counter()
        folders: Counter = Counter()
        for (year, folder), n in keys.items():
            years[year] += n
            folders[folder] += n
        counts = {"year": dict(sorted(years.items())), "folder": dict(sorted(folders.items()))}
    spellings = None
    if accents:
        spellings = pages[0].accents
        for p in pages[1:]:
            spellings = spellings + p.accents
    return Answer(hits, total, exact, spellings, counts)


def _in_order(chosen: list[tuple[int, object]], replies: list[list]) -> list:
    """The parts' replies for ``chosen`` (each part's in its order) back in ``chosen``'s."""
    its = [iter(r) for r in replies]
    return [next(its[i]) for i, _ in chosen]
