"""REPL completion: index vocabulary (syllables and compound words), commands and filters,
matched without regard to diacritics and ranked by how many paragraphs use them.

Typing `ngh` offers `nghị`, `nghệ`...; typing `nghe a` offers the compound `nghệ an`. The
index keeps compounds folded (`nghe_an`), so their written form is read from a few
paragraphs that contain them, once per compound.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections import Counter
from typing import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from ..analysis import fold_term, normalize_term
from ..search import ParagraphTerms
from .commands import COMMANDS

FILTERS = {"date:": "date:2024, date:2023-06, date:2017..2020", "title:": "words in the title",
           "article:": "one article by id", "in:": "articles under a folder"}
MAX_SHOWN = 12


def fold_text(text: str) -> str:
    return " ".join(fold_term(normalize_term(w)) for w in text.split())


class Vocabulary:
    """Folded key -> (paragraph count, written form), sorted for prefix search; loaded
    from the index lexicons in a background thread so the prompt appears at once."""

    def __init__(self, lexicon, min_df: int = 1):
        self.lexicon = lexicon
        self.min_df = min_df
        self.keys: list[str] = []
        self.entries: list[tuple[str, int, str]] = []  # (key, df, term)
        self._written: dict[str, str] = {}
        self.folders: list[str] = []
        self.ready = threading.Event()

    def load(self) -> None:
        best: dict[str, tuple[int, str]] = {}

        def add(key: str, df: int, term: str) -> None:
            if df >= self.min_df and (key not in best or df > best[key][0]):
                best[key] = (df, term)

        for term, df in self.lexicon.syllables():
            if term.isalpha():
                add(fold_term(term), df, term)
        for term, df in self.lexicon.compounds():
            add(term.replace("_", " "), df, term)
        self.folders = self.lexicon.folders()
        self.entries = sorted((k, df, t) for k, (df, t) in best.items())
        self.keys = [e[0] for e in self.entries]
        self.ready.set()

    def start(self) -> None:
        threading.Thread(target=self._safe_load, daemon=True).start()

    def _safe_load(self) -> None:
        try:
            self.load()
        except Exception:  # a closed or changing index: no completions, never a crash
            self.ready.set()

    def matches(self, prefix: str) -> list[tuple[str, int, str]]:
        """Entries whose folded key starts with ``prefix``, most used first."""
        if not prefix:
            return []
        i = bisect_left(self.keys, prefix)
        found = []
        while i < len(self.keys) and self.keys[i].startswith(prefix):
            found.append(self.entries[i])
            i += 1
            if len(found) > 5000:
                break
        found.sort(key=lambda e: -e[1])
        return found[:MAX_SHOWN]

    def written(self, term: str) -> str:
        """How a vocabulary term is written: syllables as they are; a folded compound as
        its syllables most often appear in paragraphs holding it."""
        if "_" not in term:
            return term
        got = self._written.get(term)
        if got is None:
            got = term.replace("_", " ")
            try:
                got = self._compound_form(term) or got
            except Exception:
                pass
            self._written[term] = got
        return got

    def _compound_form(self, term: str) -> str | None:
        parts = term.split("_")
        seen: Counter = Counter()
        for text in self.lexicon.compound_paragraphs(term, 8):
            pt = ParagraphTerms(text)
            for p in pt.by_fold.get(parts[0], ()):
                if list(pt.folded[p:p + len(parts)]) == parts:
                    seen[" ".join(pt.term(p + j) for j in range(len(parts)))] += 1
        return seen.most_common(1)[0][0] if seen else None


class SearchCompleter(Completer):
    """Completes the word (or the last two words, for compounds) before the cursor."""

    def __init__(self, vocabulary: Vocabulary | None):
        self.vocabulary = vocabulary

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        before = document.text_before_cursor
        if before.lstrip().startswith(":"):
            word = before.lstrip()
            if " " not in word:
                for cmd in COMMANDS.commands:
                    if cmd.name.startswith(word):
                        yield Completion(cmd.name, -len(word), display_meta=cmd.help)
            return
        if not before or before[-1].isspace():
            return
        words = before.split()
        last = words[-1]
        for name, meta in FILTERS.items():
            if len(last) >= 2 and name.startswith(last.lower()) and last.lower() != name:
                yield Completion(name, -len(last), display_meta=meta)
        vocab = self.vocabulary
        if vocab is None or not vocab.ready.is_set():
            return
        sign, _, folder = last.partition("in:")
        if sign in ("", "-") and last.startswith(f"{sign}in:"):  # in:FOLDER: the corpus's folders
            for name in vocab.folders:
                if name.startswith(folder):
                    yield Completion(f"{sign}in:{name}", -len(last), display_meta="folder")
            return
        if ":" in last:
            return
        shown: set[str] = set()
        if len(words) >= 2:  # `nghe a` -> the compound `nghệ an`
            two = f"{words[-2]} {last}"
            for key, df, term in vocab.matches(fold_text(two)):
                if "_" in term:
                    text = vocab.written(term)
                    if text not in shown:
                        shown.add(text)
                        yield Completion(text, -len(two), display_meta=f"{df:,}")
        for key, df, term in vocab.matches(fold_text(last)):
            text = vocab.written(term)
            if text not in shown:
                shown.add(text)
                yield Completion(text, -len(last), display_meta=f"{df:,}")
