"""searcher: full-text search for Vietnamese news, in the terminal."""

__version__ = "0.1.0"
