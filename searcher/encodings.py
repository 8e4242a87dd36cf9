"""Vietnamese text from before Unicode: TCVN3 (ABC), VNI-Windows and Windows-1258, told
apart and decoded.

Archives of the 1990s and 2000s hold files in these encodings. No maintained Python library
converts them (the standard codecs have only Windows-1258), so the two font encodings are
tables here, from their published standards:

- TCVN3 (TCVN 5712:1993, the "ABC" fonts `.VnTime`): one byte per letter, its tone included;
  the upper half holds the lowercase letters and the uppercase ones without tone.
- VNI-Windows (the `VNI-Times` fonts): an ASCII base letter followed by one byte of marks
  (`a` + `ù` for `á`), a few letters in one byte (`ñ` for `đ`, `ô` for `ơ`).
- Windows-1258: base letters with the vowel marks, then a combining tone mark.

A file is decoded in each and read back as the one whose words are most often Vietnamese
syllables with marks; none convincing means the file is not text we can read.
"""
from __future__ import annotations

import re
import unicodedata

from .orthography import syllable_shaped

TCVN3, VNI_WINDOWS, CP1258 = "TCVN3", "VNI-Windows", "Windows-1258"

# TCVN 5712:1993, bytes 0x80-0xFF (0xA0 is a no-break space); then the uppercase letters
# with tone that the standard puts among the C0 controls (never tab, newline or return).
_TCVN3_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịò"
    "ỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"
)
_TCVN3_LOW = {0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự",
              0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ"}
_TCVN3 = {**{i: chr(i) for i in range(0x80)}, **_TCVN3_LOW,
          **{0x80 + i: c for i, c in enumerate(_TCVN3_HIGH)}}

# VNI-Windows: the byte after a base vowel -> the marks it adds (as combining characters);
# lowercase bytes, the uppercase ones being these minus 0x20.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_MARKS = {
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xE2: _CIRC, 0xE1: _CIRC + _ACUTE, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK,
    0xE3: _CIRC + _TILDE, 0xE4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
}
# Whole letters in one byte (lowercase; uppercase minus 0x20).
_VNI_LETTERS = {0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ",
                0xF2: "ị", 0xEE: "ỵ"}
_WORD = re.compile(r"[^\W\d_]+")
_MARKED = re.compile(r"[^\x00-\x7f]")
_TONED = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzăâêôơưđ" + _TONED)
# Of a text's words with non-ASCII letters, the share that must be Vietnamese syllables.
MIN_SYLLABLE_SHARE = 0.8


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes as Unicode (NFC)."""
    return unicodedata.normalize("NFC", "".join(map(_TCVN3.__getitem__, data)))


def _takes(letter: str, marks: str) -> bool:
    """Whether a VNI mark byte after ``letter`` belongs to it."""
    base = letter.lower()
    if marks[0] == _CIRC:
        return base in "aeo"
    if marks[0] == _BREVE:
        return base == "a"
    return base in "aeiouyơư"


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes as Unicode (NFC); bytes outside its letters read as Windows-1252."""
    out: list[str] = []
    for b in data:
        key = b + 0x20 if 0xC0 <= b < 0xE0 else b  # uppercase bytes: their lowercase's
        marks = _VNI_MARKS.get(key)
        if marks and out and len(out[-1]) == 1 and _takes(out[-1], marks):
            out[-1] += marks
            continue
        letter = _VNI_LETTERS.get(key) if b >= 0xC0 else None
        if letter is not None:
            out.append(letter if b >= 0xE0 else letter.upper())
        else:
            out.append(bytes([b]).decode("cp1252", errors="replace"))
    return unicodedata.normalize("NFC", "".join(out))


def decode_cp1258(data: bytes) -> str:
    """Windows-1258 bytes as Unicode (NFC: its combining tones joined to their letters)."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


# On a tie (a short text whose few marked letters read as Vietnamese in several), the
# first: Windows-1258 shares its letters with Latin-1, the likeliest origin of such bytes.
_DECODERS = {CP1258: decode_cp1258, VNI_WINDOWS: decode_vni, TCVN3: decode_tcvn3}


def is_syllable(word: str) -> bool:
    """Whether a word (NFC) is spelled as a Vietnamese syllable: its letters, one tone at
    most, an initial, vowels and a final consonant."""
    word = word.lower()
    if not set(word) <= _LETTERS or sum(c in _TONED for c in word) > 1:
        return False
    nfd = unicodedata.normalize("NFD", word.replace("đ", "d"))
    return syllable_shaped("".join(c for c in nfd if not unicodedata.combining(c)))


def vietnamese_words(text: str) -> tuple[int, int]:
    """How many words of ``text`` carry marks, and how many of those are Vietnamese
    syllables."""
    marked = syllables = 0
    for word in _WORD.findall(text):
        if _MARKED.search(word):
            marked += 1
            syllables += is_syllable(word)
    return marked, syllables


def detect_legacy(data: bytes) -> tuple[str, str] | None:
    """The legacy encoding ``data`` reads as Vietnamese in, and the text; None when it reads
    so in none (most of its marked words must be syllables)."""
    best: tuple[int, str, str] | None = None
    for name, decode in _DECODERS.items():
        text = decode(data)
        if "\ufffd" in text:
            continue
        marked, syllables = vietnamese_words(text)
        if marked and syllables >= MIN_SYLLABLE_SHARE * marked and (best is None or syllables > best[0]):
            best = (syllables, name, text)
    return None if best is None else (best[1], best[2])
