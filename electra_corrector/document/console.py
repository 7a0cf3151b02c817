"""What every console script shares: its exit codes and the one line a user error gets."""

from __future__ import annotations

import sys

OK, SOME_FAILED, USAGE_ERROR, INTERRUPTED = 0, 1, 2, 130


def say(prog: str, message: str) -> None:
    """`prog: message` on stderr, the one line a user error gets."""
    if sys.stderr is not None:  # with no stderr, print would write to stdout instead
        print(f"{prog}: {message}", file=sys.stderr)
