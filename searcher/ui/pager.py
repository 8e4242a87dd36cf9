"""Long output through the pager: `$PAGER` (or the `pager` setting), colours kept in `less`
whatever `LESS` holds, plain text when colour is off."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess

import click


def pager_command(pager: str, colour: bool) -> tuple[list[str], dict[str, str]] | None:
    """The pager's argv and environment, or None when there is none to run. `less` gets
    `-R` (show colour sequences) in `LESS` when there is colour to show."""
    try:
        argv = shlex.split(pager)
    except ValueError:
        return None
    if not argv or shutil.which(argv[0]) is None:
        return None
    env = dict(os.environ)
    if colour and os.path.basename(argv[0]) == "less":
        env["LESS"] = f"{env.get('LESS', '')} -R".strip()
    return argv, env


def page(text: str, colour: bool, pager: str) -> None:
    """Show ``text`` in the pager (straight to stdout when there is none); returns when the
    pager ends (`q`). Ctrl-C goes to the pager, which handles it."""
    if not colour:
        text = click.unstyle(text)
    found = pager_command(pager, colour)
    if found is None:
        click.echo(text, color=colour)
        return
    argv, env = found
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    try:
        proc.stdin.write(text.encode("utf-8") + b"\n")
        proc.stdin.close()
    except (BrokenPipeError, OSError):  # the pager quit before reading it all
        pass
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:
            continue
