"""Words typed as Telex or VNI key strokes with the input method off, decoded.

`coong an ngheej an` (Telex) and `co6ng an nghe65 an` (VNI) are what `công an nghệ an` looks
like when the keyboard's Vietnamese input method is off. Both schemes add marks with keys
typed after the letters: Telex doubles a vowel for its circumflex (`aa` -> `â`), adds `w`
for the breve or horn (`aw` -> `ă`, `uow` -> `ươ`), `dd` for `đ`, and `s f r x j` for the
five tones; VNI uses digits (6 circumflex, 7 horn, 8 breve, 9 `đ`, 1-5 the tones). A
modifier may come right after its vowel or later in the word (`tuongw`, `cong6`).

Decoding is mechanical; whether a word was meant so is for the caller to judge (does the
index hold the decoded syllable and not the word as typed?).
"""
from __future__ import annotations

import unicodedata

from .normalize import normalize_term

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_BREVE = {"a": "ă"}
_HORN = {"o": "ơ", "u": "ư"}
_VOWELS = set("aeiouyâăêôơư")
TELEX_TONES = {"s": _ACUTE, "f": _GRAVE, "r": _HOOK, "x": _TILDE, "j": _DOT}
VNI_TONES = {"1": _ACUTE, "2": _GRAVE, "3": _HOOK, "4": _TILDE, "5": _DOT}


def _modify(letters: list[str], table: dict[str, str]) -> bool:
    """Apply a vowel modifier to the last vowel it applies to; False when none does."""
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] in table:
            letters[i] = table[letters[i]]
            return True
    return False


def _horn(letters: list[str]) -> bool:
    """The horn: on `uo` both (`ươ`), else on the last `o` or `u`."""
    for i in range(len(letters) - 1, 0, -1):
        if letters[i - 1] == "u" and letters[i] == "o":
            letters[i - 1:i + 1] = ["ư", "ơ"]
            return True
    return _modify(letters, _HORN)


def _finish(letters: list[str], tone: str | None) -> str | None:
    """The syllable from its letters and tone (placed by normalization), or None when it
    has no vowel."""
    if not any(ch in _VOWELS for ch in letters):
        return None
    text = "".join(letters)
    if tone:
        first = next(i for i, ch in enumerate(text) if ch in _VOWELS)
        text = text[:first + 1] + tone + text[first + 1:]
    return normalize_term(unicodedata.normalize("NFC", text))


def decode_telex(word: str) -> str | None:
    """A lowercase word read as Telex key strokes; None when it uses no Telex key or does
    not read as one syllable."""
    letters: list[str] = []
    tone = None
    keyed = False
    for ch in word:
        seen_vowel = any(x in _VOWELS for x in letters)
        if ch in TELEX_TONES and seen_vowel and tone is None:
            tone, keyed = TELEX_TONES[ch], True
        elif ch == "z" and seen_vowel:
            keyed = True
        elif ch == "d" and letters and letters[-1] == "d":
            letters[-1], keyed = "đ", True
        elif ch in _CIRCUMFLEX and letters and letters[-1] == ch:
            letters[-1], keyed = _CIRCUMFLEX[ch], True
        elif ch == "w":
            if letters and letters[-1] == "a":
                letters[-1] = "ă"
            elif not _horn(letters) and not _modify(letters, _BREVE):
                letters.append("ư")
            keyed = True
        elif ch.isalpha() and ch.isascii():
            letters.append(ch)
        else:
            return None
    return _finish(letters, tone) if keyed else None


def _stroke_d(letters: list[str]) -> bool:
    """`đ` for the word's `d`; False when it has none."""
    if "d" not in letters:
        return False
    letters[letters.index("d")] = "đ"
    return True


_VNI_MODIFIERS = {"6": lambda letters: _modify(letters, _CIRCUMFLEX), "7": _horn,
                  "8": lambda letters: _modify(letters, _BREVE), "9": _stroke_d}


def decode_vni(word: str) -> str | None:
    """A lowercase word read as VNI key strokes; None when it has no VNI digit after a
    vowel or does not read as one syllable."""
    letters: list[str] = []
    tone = None
    keyed = False
    for ch in word:
        if not ch.isdigit():
            if not (ch.isalpha() and ch.isascii()):
                return None
            letters.append(ch)
            continue
        if not (any(x in _VOWELS for x in letters) or (ch == "9" and "d" in letters)):
            return None  # a number or a code (`h5n1`), not key strokes
        if ch in VNI_TONES and tone is None:
            tone = VNI_TONES[ch]
        elif ch not in _VNI_MODIFIERS or not _VNI_MODIFIERS[ch](letters):
            return None
        keyed = True
    return _finish(letters, tone) if keyed else None


_TONE_OF = {mark: key for key, mark in TELEX_TONES.items()}
_VNI_TONE_OF = {mark: key for key, mark in VNI_TONES.items()}
_TELEX_MODIFIER = {"\u0302": None, "\u0306": "w", "\u031b": "w"}  # None: double the vowel
_VNI_MODIFIER = {"\u0302": "6", "\u0306": "8", "\u031b": "7"}


def encode(word: str, scheme: str) -> str:
    """The key strokes of ``word`` in ``scheme`` ("telex" or "vni") with the input method
    off: each letter's modifier after it, the tone at the end (`người` -> `nguwowif`,
    `ngu7o7i2`). For measuring and testing the decoders on real text."""
    telex = scheme == "telex"
    out, tone = [], ""
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONE_OF:
            tone = _TONE_OF[ch] if telex else _VNI_TONE_OF[ch]
        elif ch in _TELEX_MODIFIER:
            key = _TELEX_MODIFIER[ch] if telex else _VNI_MODIFIER[ch]
            out.append(out[-1].lower() if key is None else key)
        elif ch in "đĐ":
            plain = "d" if ch == "đ" else "D"
            out.append(plain + (plain if telex else "9"))
        else:
            out.append(ch)
    return "".join(out) + tone
