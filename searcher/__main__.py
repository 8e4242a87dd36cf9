"""`python -m searcher`: the same as the `searcher` command."""
from .cli import main

main()
