"""The `harness` command's entry point. SIGINT and SIGTERM that come while the harness loads (its
imports take seconds on a busy machine) are held, not lost: `harness run` hands them to its signal
handling (`harness.interrupts`), so a CI job cancelled that early still gets its reports, every
snippet "not run: interrupted"; any other command gets them once it is loaded, as if they came then.
Only the standard library is imported here, before the signals are held."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

HELD = (signal.SIGINT, signal.SIGTERM)


class HeldSignals:
    """A signal handler that only notes the signals it gets (`pending`), until `release` or until the
    run's handling takes them over (it finds this handler installed and reads `pending` and `previous`)."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.previous: dict[int, Any] = {}
        """Each held signal's handler before this one."""

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.pending.append(signum)

    def hold(self) -> HeldSignals:
        for signum in HELD:
            self.previous[signum] = signal.signal(signum, self)
        return self

    def release(self) -> None:
        """Puts the earlier handlers back and delivers the first held signal to them."""
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        if self.pending:
            signal.raise_signal(self.pending[0])


def main() -> int:
    held = HeldSignals().hold()
    from harness.cli import main as run_command

    if sys.argv[1:2] != ["run"]:
        held.release()
    return run_command()


if __name__ == "__main__":  # `python -m harness.launch`: the handler's class must be harness.launch's own
    from harness.launch import main as launch_main

    sys.exit(launch_main())
