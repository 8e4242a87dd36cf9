"""Errors the library raises; the CLI and REPL turn them into one-line messages."""


class SearcherError(Exception):
    """A usage or data problem the user can fix; its message is one line for them."""


class IndexMissing(SearcherError):
    """No index at the given folder."""


class IndexBusy(SearcherError):
    """Another process is updating the index."""


class IndexDamaged(SearcherError):
    """The index cannot be read; rebuilding it fixes that."""


class CorpusError(SearcherError):
    """The corpus folder is missing or unusable."""
