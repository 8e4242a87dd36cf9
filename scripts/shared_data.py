"""Locating and unpacking the shared data sets for benchmarks and evaluations.

The data lives in `../shared` (beside the project) or wherever a path argument says; it is
never committed. Archives are unpacked once into the temp folder and reused.
"""
from __future__ import annotations

import random
import statistics
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


def die(message: str) -> "NoReturn":  # noqa: F821
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def unpacked(archive_or_dir: Path, top: str) -> Path:
    """A folder holding the data: the path itself, or the archive unpacked to the temp folder."""
    if archive_or_dir.is_dir():
        return archive_or_dir / top if (archive_or_dir / top).is_dir() else archive_or_dir
    if not archive_or_dir.is_file():
        die(f"{archive_or_dir} is missing: put the shared data beside the project "
            f"(../shared) or pass its path")
    target = Path(tempfile.gettempdir())
    done = target / f".{top}.unpacked"
    if not done.exists() or not (target / top).is_dir():
        print(f"unpacking {archive_or_dir} into {target} (once)...", file=sys.stderr)
        with tarfile.open(archive_or_dir) as tar:
            tar.extractall(target, filter="data")
        done.touch()
    return target / top


def vntc_dir(path: str | None = None) -> Path:
    return unpacked(Path(path) if path else SHARED / "corpus" / "vntc.tar.xz", "vntc")


def vntc_files(path: str | None = None, limit: int | None = None) -> list[Path]:
    """VNTC article files in a fixed shuffled order (all topics mixed), the first ``limit``."""
    files = sorted(vntc_dir(path).rglob("*.txt"))
    random.Random(0).shuffle(files)
    return files[:limit] if limit else files


def strip_diacritics(text: str) -> str:
    """The text without marks (`đ` -> `d`), as a user typing without them would write it."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


QUERY_FORMS = {  # how a VietNews query is typed: its title, without marks, its abstract
    "titles": lambda q: q["title"],
    "nodia": lambda q: strip_diacritics(q["title"]),
    "abstracts": lambda q: q["abstract"],
}


def query_sets(queries: list[dict]) -> dict[str, list[str]]:
    """The queries typed in each of :data:`QUERY_FORMS`, by form."""
    return {form: [typed(q) for q in queries] for form, typed in QUERY_FORMS.items()}


def median(values) -> float:
    return statistics.median(values)


def percentile(values, q: float) -> float:
    """The value below which the fraction ``q`` (0 to 1) of ``values`` lies."""
    if not 0 <= q <= 1:
        raise ValueError(f"a percentile is a fraction from 0 to 1, not {q}")
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]
