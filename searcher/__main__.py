"""`python -m searcher`: the same as the `searcher` command."""
from .ui.cli import main

main()
