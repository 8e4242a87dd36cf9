"""Names and short phrases: precision@10 of the paragraphs that hold a name (or a lowercase
phrase), typed with its marks and without, on a corpus sample, beside plain Whoosh with AND
queries.

Used by eval_relevance.py (`--only names`), on the VietNews sample and on a VNTC sample.

A name is a run of two or three capitalized syllables not at the start of a clause (sentence
case is not a name), held by at least ``MIN_PARAGRAPHS`` paragraphs; ``N_NAMES`` are taken
evenly over the range of their frequencies. Judging is independent of searcher's analysis
but for tone placement (`Hoá` = `Hóa`, searcher's normalize_term): a paragraph holds a name
when its words, lowercased, hold the name's words consecutively; typed without marks, when
they hold a run that folds to it.
"""
from __future__ import annotations

import re
import shutil
import statistics
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from searcher.analysis import normalize_term
from shared_data import strip_diacritics

N_NAMES = 150
MIN_PARAGRAPHS = 12
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[.!?:;…\"“”'‘’()\[\]–—•-]")


def _words(text: str) -> list[tuple[str, bool, bool]]:
    """The words of a paragraph: (word, whether it starts a clause, whether only spaces
    separate it from the word before)."""
    text = unicodedata.normalize("NFC", text)
    out = []
    end = 0
    for m in _WORD.finditer(text):
        between = text[end:m.start()]
        out.append((m.group(), not out or bool(_CLAUSE_BREAK.search(between)),
                    bool(out) and not between.strip()))
        end = m.end()
    return out


def _capitalized(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


COMMON_SHARE = 0.06


def _common_words(paragraphs: list[tuple[str, str]]) -> set[str]:
    """The words held by more than :data:`COMMON_SHARE` of the paragraphs."""
    df = Counter(w for _, text in paragraphs for w in {normalize_term(w) for w, _, _ in _words(text)})
    return {w for w, n in df.items() if n > COMMON_SHARE * len(paragraphs)}


def _grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}


class NameSet:
    """The names of a set of paragraphs, and which paragraphs hold each; with ``lowercase``,
    phrases instead: runs of two or three lowercase words (`giá vàng`, `tai nạn giao
    thông`) inside a clause, none of them among the commonest words (held by more than
    ``COMMON_SHARE`` of the paragraphs: `của`, `các`)."""

    def __init__(self, paragraphs: Iterable[tuple[str, str]], lowercase: bool = False):
        """``paragraphs``: (article, text) pairs."""
        paragraphs = list(paragraphs)
        surfaces: dict[tuple[str, ...], Counter] = {}
        self.exact_grams: list[set] = []
        self.folded_grams: list[set] = []
        articles: list[str] = []
        common = _common_words(paragraphs) if lowercase else set()

        def wanted(word: str) -> bool:
            if lowercase:
                return word.islower() and normalize_term(word) not in common
            return _capitalized(word)

        for article, text in paragraphs:
            articles.append(article)
            words = _words(text)
            run: list[str] = []
            run_starts_clause = True
            for word, starts_clause, joined in [*words, ("", True, False)]:
                if run and joined and wanted(word):
                    run.append(word)
                    continue
                if 2 <= len(run) <= 3 and (lowercase or not run_starts_clause):
                    grams = [run] if not lowercase else [run[i:i + n] for n in (2, 3)
                                                          for i in range(len(run) - n + 1)]
                    for gram in grams:
                        key = tuple(normalize_term(w) for w in gram)
                        surfaces.setdefault(key, Counter())[" ".join(gram)] += 1
                run = [word] if wanted(word) else []
                run_starts_clause = starts_clause
            norm = [normalize_term(w) for w, _, _ in words]
            self.exact_grams.append(_grams(norm))
            self.folded_grams.append(_grams([strip_diacritics(w) for w in norm]))
        df = Counter(g for grams in self.exact_grams for g in grams if g in surfaces)
        names = sorted((n, key) for key, n in df.items() if n >= MIN_PARAGRAPHS)
        step = max(1, len(names) - 1) / max(1, N_NAMES - 1)
        picked = sorted({min(len(names) - 1, round(i * step)) for i in range(N_NAMES)}) if names else []
        self.names = [(surfaces[names[i][1]].most_common(1)[0][0], names[i][1]) for i in picked]
        wanted = {key for _, key in self.names}
        held: dict[tuple[str, ...], set[str]] = {}
        for article, grams in zip(articles, self.exact_grams):
            for g in grams & wanted:
                held.setdefault(g, set()).add(article)
        # One hit per article: where fewer than 10 articles hold a name, 10 hits cannot.
        self.article_bound = sum(min(10, len(held.get(k, ()))) / 10 for k in wanted) / max(len(wanted), 1)

    def holds(self, key: tuple[str, ...], text: str, folded: bool) -> bool:
        """Whether a paragraph text holds the name (``folded``: a run folding to it)."""
        norm = [normalize_term(w) for w, _, _ in _words(text)]
        if folded:
            norm = [strip_diacritics(w) for w in norm]
            key = tuple(strip_diacritics(w) for w in key)
        n = len(key)
        return any(tuple(norm[i:i + n]) == key for i in range(len(norm) - n + 1))


def precision(names: NameSet, search: Callable[[str], list[str]], folded: bool) -> tuple[float, list[float]]:
    """Mean precision@10 over the names (``search`` returns the texts of the top 10), and
    each query's time in ms."""
    total, times = 0.0, []
    for surface, key in names.names:
        query = strip_diacritics(surface) if folded else surface
        t = time.perf_counter()
        texts = search(query)[:10]
        times.append((time.perf_counter() - t) * 1000)
        total += sum(names.holds(key, t, folded) for t in texts) / 10
    return total / max(len(names.names), 1), times


class WhooshAnd:
    """Plain Whoosh over the same paragraphs, every query word required (AND), with or
    without accent folding; texts stored to judge the hits."""

    def __init__(self, name: str, paragraphs: list[str], index: Path, folding: bool):
        from whoosh import index as wi
        from whoosh.analysis import CharsetFilter, StandardAnalyzer
        from whoosh.fields import STORED, TEXT, Schema
        from whoosh.qparser import AndGroup, QueryParser
        from whoosh.support.charset import accent_map

        self.name = name
        analyzer = StandardAnalyzer() | CharsetFilter(accent_map) if folding else StandardAnalyzer()
        if not wi.exists_in(str(index)):
            shutil.rmtree(index, ignore_errors=True)
            index.mkdir(parents=True)
            ix = wi.create_in(str(index), Schema(text=TEXT(analyzer=analyzer), stored=STORED))
            w = ix.writer(limitmb=256)
            for text in paragraphs:
                w.add_document(text=text, stored=text)
            w.commit()
        self.searcher = wi.open_dir(str(index)).searcher()
        self.parser = QueryParser("text", self.searcher.schema, group=AndGroup)

    def texts(self, query: str) -> list[str]:
        return [hit["stored"] for hit in self.searcher.search(self.parser.parse(query), limit=10)]


def corpus_paragraphs(corpus: Path) -> list[tuple[str, str]]:
    """The paragraphs of a corpus folder as searcher reads them (header line left out),
    with their file."""
    out = []
    for f in sorted(corpus.rglob("*.txt")):
        lines = [x.strip() for x in f.read_text(encoding="utf-8").splitlines()]
        if lines and lines[0].startswith("date "):
            lines = lines[1:]
        out.extend((str(f), x) for x in lines if x)
    return out


def report(label: str, engine, corpus: Path, cache: Path, baselines: bool,
           lowercase: bool = False) -> None:
    """Print names (``lowercase``: phrases) precision@10, with and without marks, for
    searcher in both result modes and (``baselines``) Whoosh with AND queries."""
    paragraphs = corpus_paragraphs(corpus)
    names = NameSet(paragraphs, lowercase)
    if lowercase:
        print(f"\nPhrases on {label}: {len(names.names)} runs of 2-3 lowercase words, none held by "
              f"more than {COMMON_SHARE:.0%} of the paragraphs, the run held by >= {MIN_PARAGRAPHS} "
              f"paragraphs, precision@10 of paragraphs holding them")
    else:
        print(f"\nNames on {label}: {len(names.names)} names of 2-3 capitalized syllables held by "
              f">= {MIN_PARAGRAPHS} paragraphs, precision@10 of paragraphs holding them")
    print(f"  {'system':<38}{'with marks':>12}{'without':>12}{'median ms':>12}{'p95 ms':>10}")
    systems: list[tuple[str, Callable[[str], list[str]]]] = [
        ("searcher --paragraphs", lambda q: [h.text for h in engine.search(q, limit=10, suggest=False).hits]),
        ("searcher (articles, shown paragraph)",
         lambda q: [h.text for h in engine.search(q, limit=10, articles=True, suggest=False).hits]),
    ]
    if baselines:
        for name, folding in (("whoosh AND", False), ("whoosh AND, folded", True)):
            w = WhooshAnd(name, [t for _, t in paragraphs], cache / f"{corpus.name}-names-{'fold' if folding else 'plain'}", folding)
            systems.append((name, w.texts))
    for name, search in systems:
        marked, times = precision(names, search, False)
        unmarked, more = precision(names, search, True)
        times += more
        print(f"  {name:<38}{marked:>12.4f}{unmarked:>12.4f}{statistics.median(times):>12.1f}"
              f"{sorted(times)[int(0.95 * (len(times) - 1))]:>10.1f}")
    print(f"  (article hits, one per article: at most {names.article_bound:.4f}, as fewer than 10 "
          f"articles hold some {'phrases' if lowercase else 'names'})")
