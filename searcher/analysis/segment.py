"""Word segmentation with pyvi's CRF model, without importing pyvi.

`from pyvi import ViTokenizer` imports scikit-learn (about a second), which a one-shot search
must not pay. pyvi ships its model as a pickled `sklearn_crfsuite.CRF` that carries the raw
CRFsuite model bytes, plus a dictionary of two- and three-syllable words. We read both
directly: a restricted unpickler keeps only the model bytes, and python-crfsuite (already a
pyvi dependency, imported in milliseconds) tags with them. The features are pyvi's own, so
the labels are the model's labels; they are computed once per syllable instead of five times.
"""
from __future__ import annotations

import importlib.util
import pickle
import string
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .normalize import fold_term

_PUNCT = frozenset(string.punctuation)
_MAX_CHUNK = 400  # syllables tagged in one CRF call; longer runs are cut at punctuation


class SegmenterError(RuntimeError):
    """pyvi's model files are missing or unreadable."""


def _pyvi_dir() -> Path:
    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise SegmenterError("pyvi is not installed: pip install pyvi")
    return Path(list(spec.submodule_search_locations)[0])


class _Stub:
    """Stands in for every class named in pyvi's pickle; keeps the state it is given."""

    def __init__(self, *args, **kwargs):
        self.state = {}

    def __setstate__(self, state):
        self.state = state


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) == ("_codecs", "encode"):
            import codecs
            return codecs.encode
        if module.startswith("sklearn_crfsuite"):
            return _Stub
        return _Stub  # numpy scalars and dtypes for hyper-parameters: not needed


def _load_model_bytes(path: Path) -> bytes:
    with open(path, "rb") as f:
        crf = _ModelUnpickler(f).load()
    try:
        return crf.state["modelfile"].state["__FILE_RESOURCE_DATA__"]
    except (AttributeError, KeyError, TypeError) as exc:
        raise SegmenterError(f"unexpected pyvi model format in {path}") from exc


@lru_cache(maxsize=1 << 16)
def _token_attributes(tok: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str]:
    """A token's true attributes as pyvi names them: its own, as the previous token (-1:),
    as the next token (+1:); and its lowercase form."""
    low, title, upper = tok.lower(), tok.istitle(), tok.isupper()
    own = ["word.lower():" + low]
    if upper:
        own.append("word.isupper()")
    if title:
        own.append("word.istitle()")
    if tok.isdigit():
        own.append("word.isdigit()")
    before, after = ["-1:word.lower():" + low], ["+1:word.lower():" + low]
    if title:
        before.append("-1:word.istitle()")
        after.append("+1:word.istitle()")
    if upper:
        before.append("-1:word.isupper()")
        after.append("+1:word.isupper()")
    return tuple(own), tuple(before), tuple(after), low


@lru_cache(maxsize=1)
def dictionary_syllables() -> frozenset[str]:
    """Every syllable of pyvi's dictionary of words, folded: what Vietnamese writes, in any
    marks (a syllable outside it, such as `nghệm`, is a typo or a foreign word)."""
    try:
        words = (_pyvi_dir() / "models" / "words.txt").read_text(encoding="utf-8")
    except OSError as exc:
        raise SegmenterError(f"cannot read pyvi's dictionary: {exc}") from exc
    return frozenset(fold_term(s) for s in set(words.lower().split()))


class Segmenter:
    """Groups syllables into words (`Công an` -> one word) with pyvi's CRF model."""

    def __init__(self) -> None:
        import pycrfsuite

        base = _pyvi_dir() / "models"
        try:
            model = _load_model_bytes(base / "pyvi3.pkl")
            words = (base / "words.txt").read_text(encoding="utf-8").split("\n")
        except OSError as exc:
            raise SegmenterError(f"cannot read pyvi's model: {exc}") from exc
        self._model = model  # the tagger reads this buffer in place: keep it alive
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)
        self._bigrams = frozenset(w for w in words if w.count(" ") == 1)
        self._trigrams = frozenset(w for w in words if w.count(" ") == 2)

    def _features(self, toks: Sequence[str]) -> list[list[str]]:
        """pyvi's ``word2features`` for every position, as CRFsuite attribute names, in
        pyvi's order.

        A token's own attributes and those it gives its neighbours are computed once per
        distinct token (cached), and attributes whose value is False are left out: their
        weight is multiplied by 0, so the tags are exactly pyvi's.
        """
        n = len(toks)
        props = [_token_attributes(t) for t in toks]
        low = [p[3] for p in props]
        bigrams, trigrams = self._bigrams, self._trigrams
        bi = [f"{low[i]} {low[i + 1]}" in bigrams for i in range(n - 1)]
        tri = [f"{low[i]} {low[i + 1]} {low[i + 2]}" in trigrams for i in range(n - 2)]
        feats = []
        for i in range(n):
            f = ["bias", *props[i][0]]
            if i > 0:
                f += props[i - 1][1]
                if bi[i - 1]:
                    f.append("-1:word.bi_gram()")
                if i > 1 and tri[i - 2]:
                    f.append("-2:word.tri_gram()")
            if i < n - 1:
                f += props[i + 1][2]
                if bi[i]:
                    f.append("+1:word.bi_gram()")
                if i < n - 2 and tri[i]:
                    f.append("+2:word.tri_gram()")
            feats.append(f)
        return feats

    def labels(self, toks: Sequence[str]) -> list[bool]:
        """For each token, True when the model says it continues the previous word (I_W)."""
        out: list[bool] = []
        start = 0
        n = len(toks)
        while start < n:
            end = min(n, start + _MAX_CHUNK)
            if end < n:  # cut after a punctuation token when there is one near the end
                cut = end
                while cut > start + _MAX_CHUNK // 2 and toks[cut - 1] not in _PUNCT:
                    cut -= 1
                if cut > start + _MAX_CHUNK // 2:
                    end = cut
            tags = self._tagger.tag(self._features(toks[start:end]))
            out.extend(t == "I_W" for t in tags)
            if out and start:
                out[start] = False
            start = end
        return out

    def join_flags(self, toks: Sequence[str], joinable: Sequence[bool]) -> list[bool]:
        """For each token, True when it joins the previous one into a compound word.

        pyvi's own rules on top of the labels: never across punctuation or digits, never a
        capitalized syllable after a lowercase one; and never a token the caller protects
        (``joinable`` False: numbers, codes, URLs).
        """
        labels = self.labels(toks)
        flags = [False] * len(toks)
        for i in range(1, len(toks)):
            if not labels[i] or not joinable[i] or not joinable[i - 1]:
                continue
            cur, prev = toks[i], toks[i - 1]
            if cur in _PUNCT or prev in _PUNCT or cur[0].isdigit() or prev[0].isdigit():
                continue
            if cur[0].istitle() and not prev[0].istitle():
                continue
            flags[i] = True
        return flags


_lock = threading.Lock()
_instance: Segmenter | None = None


def get_segmenter() -> Segmenter:
    """The process-wide segmenter, loaded on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = Segmenter()
    return _instance

