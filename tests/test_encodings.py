"""Files from before Unicode: the seeds converted into TCVN3 (by the C library's iconv, an
independent implementation of TCVN 5712), VNI-Windows and Windows-1258 are detected, decoded,
indexed and shown in Unicode, each with a note; the files are never changed; text that is
none of them is skipped with one line."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from searcher.corpus import decode_with
from searcher.encodings import CP1258, TCVN3, VNI_WINDOWS, detect_legacy

from helpers import SEEDS, Searcher

_TONES = {"\u0301": 0xF9, "\u0300": 0xF8, "\u0309": 0xFB, "\u0303": 0xF5, "\u0323": 0xEF}
# VNI-Windows, from its table: vowel marks (with a tone) after the base letter...
_VNI_MARKS = {"\u0302": 0xE2, "\u0302\u0301": 0xE1, "\u0302\u0300": 0xE0, "\u0302\u0309": 0xE5,
              "\u0302\u0303": 0xE3, "\u0302\u0323": 0xE4, "\u0306": 0xEA, "\u0306\u0301": 0xE9,
              "\u0306\u0300": 0xE8, "\u0306\u0309": 0xFA, "\u0306\u0303": 0xFC, "\u0306\u0323": 0xEB,
              **{t: b for t, b in _TONES.items()}}
# ...and the letters written in one byte.
_VNI_ONE = {"ơ": 0xF4, "ư": 0xF6, "đ": 0xF1, "í": 0xED, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3,
            "ị": 0xF2, "ỵ": 0xEE}


def _marks(ch: str) -> tuple[str, str, str]:
    """A letter's base, vowel marks and tone (NFD puts a dot below before a circumflex)."""
    nfd = unicodedata.normalize("NFD", ch)
    marks = nfd[1:]
    tone = "".join(m for m in marks if ord(m) in (0x300, 0x301, 0x303, 0x309, 0x323))
    return nfd[0], "".join(m for m in marks if m not in tone), tone


def to_vni(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        lower = ch.lower()
        upper = ch != lower
        if lower in _VNI_ONE:
            out.append(_VNI_ONE[lower] - (0x20 if upper else 0))
            continue
        base, vowel, tone = _marks(lower)
        marks = vowel + tone
        if marks.startswith("\u031b"):  # horn: ơ, ư in one byte, then the tone
            out.append(_VNI_ONE[unicodedata.normalize("NFC", base + "\u031b")] - (0x20 if upper else 0))
            base, marks = None, marks[1:]
        if base is not None:
            if not base.isascii():
                out.extend(ch.encode("cp1252", errors="replace"))
                continue
            out.extend((base.upper() if upper else base).encode("ascii"))
        if marks:
            out.append(_VNI_MARKS[marks] - (0x20 if upper else 0))
    return bytes(out)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as word processors wrote it: letters with their vowel marks, then the
    tone as a combining mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        base, vowel, tone = _marks(ch)
        out.append(unicodedata.normalize("NFC", base + vowel) + tone)
    return "".join(out).encode("cp1258", errors="replace")


def to_tcvn3(text: str) -> tuple[bytes, str]:
    """TCVN3 bytes by iconv, and the Unicode text they stand for (iconv transliterates what
    TCVN3 cannot hold, such as curly quotes)."""
    data = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1//TRANSLIT"], input=text.encode(),
                          capture_output=True, check=True).stdout
    back = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data,
                          capture_output=True, check=True).stdout.decode()
    return data, unicodedata.normalize("NFC", back)


def _iconv_has_tcvn() -> bool:
    if not shutil.which("iconv"):
        return False
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=b"a",
                          capture_output=True).returncode == 0


def seed_texts() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


def _plain(text: str) -> str:
    """A seed as decoding gives it back: NFC (the seeds hold nothing the three encodings
    cannot)."""
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("encoding, convert", [(VNI_WINDOWS, to_vni), (CP1258, to_cp1258)])
def test_seeds_in_each_encoding_decode_to_their_text(encoding, convert):
    for name, text in seed_texts():
        data = convert(text)
        assert decode_with(data) == (_plain(text), encoding), name


@pytest.mark.skipif(not _iconv_has_tcvn(), reason="this machine's iconv has no TCVN5712-1")
def test_seeds_in_tcvn3_by_iconv_decode_to_their_text():
    for name, text in seed_texts():
        data, meant = to_tcvn3(text)
        assert decode_with(data) == (meant, TCVN3), name


def test_unicode_and_other_text_are_never_read_as_legacy():
    text = SEEDS.joinpath("000_18ff46b963d0eb4c.txt").read_bytes()
    assert decode_with(text)[1] is None
    assert detect_legacy("Ça coûte très cher à Paris, dit-elle.".encode("cp1252")) is None
    assert detect_legacy(bytes(range(128, 256)) * 4) is None
    # Latin-1 holding only letters Windows-1258 shares with it is Vietnamese in both.
    assert decode_with("Tin tác máy".encode("latin-1")) == ("Tin tác máy", CP1258)


def test_legacy_files_are_indexed_in_unicode_with_a_note(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (name, text), *_ = seed_texts()
    files = {"vni.txt": to_vni(text), "cp1258.txt": to_cp1258(text),
             "garbage.txt": bytes(range(128, 256)) * 4}
    for file, data in files.items():
        (corpus / file).write_bytes(data)
    s = Searcher(corpus, tmp_path / "index")
    result = s.run("index")
    assert result.exit_code == 0, result.output
    assert "note: " in result.stderr and "vni.txt: decoded from VNI-Windows" in result.stderr
    assert "cp1258.txt: decoded from Windows-1258" in result.stderr
    skipped = [line for line in result.stderr.splitlines() if "garbage.txt" in line]
    assert len(skipped) == 1 and "skipped" in skipped[0]
    title = _plain(text).split("\n")[0].removeprefix(" date 2024-06 ").strip()
    hits = s.json(title, extra=("--limit", "5"))["hits"]
    assert {Path(h["path"]).name for h in hits[:2]} == {"vni.txt", "cp1258.txt"}
    assert all(h["text"] == title for h in hits[:2])
    for file, data in files.items():  # never changed
        assert (corpus / file).read_bytes() == data
    again = s.run("index")
    assert "decoded from" not in again.stderr  # noted when indexed, not on every update
