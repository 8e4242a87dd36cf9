"""What the user touches: the `searcher` command (:mod:`.cli`), the REPL (:mod:`.repl`, its
commands in :mod:`.commands`, completion in :mod:`.completion`), what both share
(:mod:`.session`), and what reaches the terminal (:mod:`.output`, :mod:`.terminal`,
:mod:`.progress`, :mod:`.pager`); settings and the config file in :mod:`.config`.

Nothing is imported here, so that `searcher search` loads no more than it uses.
"""
