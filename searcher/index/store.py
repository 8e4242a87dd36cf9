"""The index on disk: the pointer to the live index, the update lock, safe opening.

Layout of the index folder:

- Whoosh files of the live index, named after it (`main_0003_*.seg`, `_main_0003_5.toc`);
- `main_0003.bigrams`: the live index's bigram sketch (:mod:`searcher.bigrams`);
- `main_0003.vocab`: its folded syllables, for suggestions (:mod:`searcher.index.vocabulary`);
- `CURRENT.json`: which Whoosh index is live and its schema version, replaced atomically;
- `update.lock`: held (flock) by the one process updating; the kernel frees it when that
  process dies, so a crash never leaves a lock that blocks the next update.

An incremental update commits into the live index: Whoosh writes new segment files and then
renames a new table of contents into place, so readers see the old or the new state, never a
mix. A rebuild writes a second Whoosh index beside the live one and switches `CURRENT.json`
when it is complete; until then the old index answers, and an interrupted rebuild leaves only
files that the next update deletes. Every file is flushed to disk before the rename that
publishes it, so a power loss cannot publish a half-written segment.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from ..errors import IndexBusy, IndexDamaged, IndexMissing, SearcherError
from .schema import PARAGRAPH_DOC, SCHEMA_VERSION, make_schema
from .whoosh import compact, mapped

compact.install()
mapped.install()

S = TypeVar("S")
T = TypeVar("T")

POINTER = "CURRENT.json"
MANIFEST = "SHARDS.json"  # a sharded index's (see .shards)
LOCK = "update.lock"
_NAME = re.compile(r"^main_\d{4,}$")
SHARD_FOLDER = re.compile(r"^shard-\d{2,}-of-\d{2,}$")
# What an index folder may hold besides the pointer: Whoosh's files, the lock, the bigram
# sketches, files being written, a placeholder for version control; a sharded index's
# manifest and shard folders.
_OURS = re.compile(r"^(_?main_\d{4,}[_.].*|main_\d{4,}\.tmp|\.?CURRENT\.json.*|update\.lock|"
                   r"\.main_\d{4,}\.(?:bigrams|vocab)\.\d+|\.gitkeep|\.?SHARDS\.json.*|"
                   rf"{SHARD_FOLDER.pattern[1:-1]})$")


class DurableFileStorage(FileStorage):
    """Whoosh's file storage, flushing every file to disk before a rename publishes it;
    ``kept``: files whose deletion by Whoosh is left undone (a shard's older generation
    stays readable until the manifest stops naming it), while the files this update wrote
    and dropped (the parts a compound segment file was assembled from) go."""

    kept: frozenset[str] = frozenset()

    def delete_file(self, name):
        if name not in self.kept:
            super().delete_file(name)

    def rename_file(self, oldname, newname, safe=False):
        for name in os.listdir(self.folder):
            if name in (LOCK, POINTER):
                continue
            _fsync_path(os.path.join(self.folder, name))
        super().rename_file(oldname, newname, safe=safe)
        _fsync_path(self.folder)


def _fsync_path(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class IndexStore:
    """One index folder: which Whoosh index is live, and how to open, lock and switch it."""

    def __init__(self, path: Path, keep_files: bool = False, lock_wait: float = 0.0):
        """``keep_files``: an update leaves the files of the index's previous state in place
        (see :mod:`.shards`: a shard is cleaned after the manifest switch); ``lock_wait``:
        seconds an update waits for another to finish before giving up."""
        self.path = Path(path)
        self.keep_files = keep_files
        self.lock_wait = lock_wait

    # -- the pointer -----------------------------------------------------------------------
    def pointer(self) -> dict | None:
        """The live index's name and schema version, or None when there is no index."""
        data = self._read(POINTER, "index pointer")
        if data is not None and (not isinstance(data, dict) or not _NAME.match(str(data.get("name", "")))):
            raise IndexDamaged("index pointer damaged; run `searcher index --rebuild`")
        return data

    def _read(self, filename: str, what: str):
        """A JSON file of the folder, None when it is missing; IndexDamaged when unreadable."""
        try:
            return json.loads((self.path / filename).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"{what} unreadable ({exc}); run `searcher index --rebuild`") from None

    def exists(self) -> bool:
        """Whether an index is there, single or sharded (:meth:`check_folder`'s errors when
        nothing can be)."""
        self.check_folder()
        return self.sharded() or self.pointer() is not None

    def sharded(self) -> bool:
        """Whether the folder holds a sharded index (see :mod:`.shards`)."""
        return (self.path / MANIFEST).exists()

    def summary(self) -> dict | None:
        """What the live index records of itself: the corpus, article and paragraph counts
        (a sharded index's manifest, else the pointer); None when there is no index."""
        return self.manifest() if self.sharded() else self.pointer()

    # -- a sharded index's manifest (see .shards) ----------------------------------------------
    def manifest(self) -> dict | None:
        """The manifest of a sharded index, or None for a single index (or none)."""
        data = self._read(MANIFEST, "shard manifest")
        if data is None:
            return None
        shards = data.get("shards") if isinstance(data, dict) else None
        if (not isinstance(shards, list) or not shards
                or not all(isinstance(s, dict) and SHARD_FOLDER.match(str(s.get("folder", "")))
                           and _NAME.match(str(s.get("name", ""))) for s in shards)):
            raise IndexDamaged("shard manifest damaged; run `searcher index --rebuild`")
        return data

    def publish_manifest(self, shards: list[dict], **extra) -> None:
        """Make the ``shards`` (folder, Whoosh index name, generation, counts) the live
        index: write the manifest beside, flush, rename over."""
        self._replace(MANIFEST, {"schema": SCHEMA_VERSION, "shards": shards, "updated": _now(), **extra})

    def publish(self, name: str, **extra) -> None:
        """Make ``name`` the live index: write the pointer beside, flush, rename over."""
        self._replace(POINTER, {"name": name, "schema": SCHEMA_VERSION, "updated": _now(), **extra})

    def _replace(self, filename: str, data: dict) -> None:
        tmp = self.path / f".{filename}.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / filename)
        _fsync_path(str(self.path))

    def unpublish_manifest(self) -> None:
        """The folder holds a single index again: remove the manifest (then the shards can
        go). Call with the update lock held."""
        os.remove(self.path / MANIFEST)
        _fsync_path(str(self.path))

    def new_name(self) -> str:
        numbers = [int(m.group(1)) for m in
                   (re.match(r"^_?main_(\d{4,})_", n) for n in self._names()) if m]
        try:
            current = self.pointer()
        except IndexDamaged:
            current = None
        if current:
            numbers.append(int(current["name"].split("_")[1]))
        return f"main_{max(numbers, default=0) + 1:04d}"

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.path)
        except FileNotFoundError:
            return []

    # -- storage and opening -------------------------------------------------------------------
    def storage(self) -> DurableFileStorage:
        self.path.mkdir(parents=True, exist_ok=True)
        storage = DurableFileStorage(str(self.path))
        if self.keep_files:
            storage.kept = frozenset(os.listdir(self.path))
        return storage

    def create(self, name: str):
        """A new, empty Whoosh index called ``name`` in this folder (not yet live)."""
        return self.storage().create_index(make_schema(), indexname=name)

    def check_folder(self) -> None:
        """:class:`SearcherError` when the path cannot be an index folder: a file, or a
        folder holding other files than an index's (nothing there is ever deleted)."""
        if self.path.exists() and not self.path.is_dir():
            raise SearcherError(f"{self.path} is a file, not an index folder")
        if self.path.is_dir() and not (self.path / POINTER).exists() and not self.sharded():
            foreign = sorted(n for n in self._names() if not _OURS.match(n))
            if foreign:
                raise SearcherError(f"{self.path} is not an index folder (it holds {foreign[0]}"
                                    f"{' and more' if len(foreign) > 1 else ''}); "
                                    f"give an empty or new folder")

    def open(self):
        """The live Whoosh index; clear errors for a missing, outdated or damaged one."""
        ix, reader, _ = self.open_reader()
        reader.close()
        return ix

    def open_reader(self):
        """The live Whoosh index, a reader with every segment of it open (so a search does
        not fail half-way) and the pointer that named it; the errors of :meth:`open`."""
        self.check_folder()
        if not self.path.is_dir():
            raise IndexMissing(f"no index at {self.path}; run `searcher index`")

        def attempt(current: dict | None):
            if current is None:
                raise IndexMissing(f"no index at {self.path}; run `searcher index`")
            self.check_schema(current)
            ix = FileStorage(str(self.path), readonly=True).open_index(indexname=current["name"])
            return ix, ix.reader(), current
        return opening(self.path, self.pointer, attempt)

    def check_schema(self, live: dict) -> None:
        """:class:`OutdatedIndex` when the pointer (or manifest) ``live`` names another
        schema version than this searcher's."""
        if live.get("schema") != SCHEMA_VERSION:
            raise OutdatedIndex(
                f"the index at {self.path} was built by another version of searcher; "
                f"run `searcher index --rebuild`")

    def bigrams_path(self, name: str) -> Path:
        """The bigram sketch of the Whoosh index ``name``."""
        return self.path / f"{name}.bigrams"

    def vocabulary_path(self, name: str) -> Path:
        """The folded vocabulary of the Whoosh index ``name``."""
        return self.path / f"{name}.vocab"

    def open_writable(self, name: str):
        return self.storage().open_index(indexname=name)

    # -- the single writer -----------------------------------------------------------------
    @contextmanager
    def update_lock(self) -> Iterator[None]:
        """Hold the update lock; :class:`IndexBusy` when another process holds it (for
        longer than the store's ``lock_wait`` seconds)."""
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_wait
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise
                    if time.monotonic() >= deadline:
                        raise IndexBusy(f"the index at {self.path} is being updated by another "
                                        f"process; try again when it has finished") from None
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)

    def remove_unused(self) -> None:
        """Delete files of indexes that are not live (an interrupted or replaced build).
        Call with the update lock held."""
        try:
            current = self.pointer()
        except IndexDamaged:
            return  # keep everything until a rebuild publishes a new pointer
        live = current["name"] if current else None
        for name in self._names():
            if re.match(r"^main_\d{4,}\.tmp$", name):  # a writer's scratch folder
                shutil.rmtree(self.path / name, ignore_errors=True)
                continue
            m = re.match(r"^_?(main_\d{4,})[_.]", name)
            if m and m.group(1) != live:
                try:
                    os.remove(self.path / name)
                except OSError:
                    pass
            elif name.startswith((f".{POINTER}.", f".{MANIFEST}.")) or re.match(r"^\.main_\d{4,}\.(?:bigrams|vocab)\.\d+$", name):
                try:
                    os.remove(self.path / name)
                except OSError:
                    pass
        if live:  # segment files a killed or failed writer left behind (a full disk, say)
            from .whoosh.bulk_writer import remove_unlisted_segments

            try:
                remove_unlisted_segments(self.storage(), live)
            except Exception:
                pass

    def remove_single(self) -> None:
        """Delete a single index's pointer and files from the folder (a sharded index has
        replaced it). Call with the update lock held."""
        try:
            os.remove(self.path / POINTER)
        except FileNotFoundError:
            pass
        self.remove_unused()  # with no pointer, no Whoosh index is live

    def size_bytes(self) -> int:
        total = 0
        for root, _, files in os.walk(self.path):
            for name in files:
                try:
                    total += os.stat(os.path.join(root, name)).st_size
                except OSError:
                    pass
        return total


def opening(path: Path, live: Callable[[], S], attempt: Callable[[S], T]) -> T:
    """``attempt(state)`` opens the state ``live()`` (the pointer or the manifest) reads of
    the index at ``path``. A concurrent commit may make another state live and delete the
    files of this one before they are open, so a missing file means trying again while what
    is live has changed; when it has not, or anything else Whoosh raises, the index is
    damaged."""
    last: Exception | None = None
    for _ in range(5):
        state = live()
        try:
            return attempt(state)
        except (OSError, whoosh_index.EmptyIndexError) as exc:
            last = exc
            if live() == state:
                break
            time.sleep(0.05)
        except SearcherError:
            raise
        except Exception as exc:  # a garbled table of contents or segment
            raise IndexDamaged(
                f"the index at {path} is damaged ({type(exc).__name__}); "
                f"run `searcher index --rebuild`") from None
    raise IndexDamaged(f"the index at {path} cannot be opened ({last}); "
                       f"run `searcher index --rebuild`")


def stored_paragraphs(searcher, article: str) -> list[tuple[int, str]]:
    """An article's paragraphs as indexed: (number, text), in order."""
    return sorted((f["para"], f["text"]) for f in
                  (searcher.stored_fields(d) for d in
                   searcher.document_numbers(kind=PARAGRAPH_DOC, article=article))
                  if "text" in f)


class OutdatedIndex(SearcherError):
    """The index was built with another schema version."""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
