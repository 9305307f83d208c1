"""`harness run | merge | diff | list | rules | mock | images | packages | trend`: the command line.

The subcommands live in `harness.commands`; the options of a run (shared with `pytest --harness`)
in `harness.run_flags`; the report formats in `harness.report.registry`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from harness.commands import packages, running, tools
from harness.commands.running import EXIT_FINDINGS, EXIT_HARNESS, EXIT_OK, exit_code
from harness.errors import HarnessError
from harness.report.trend import add_trend_command

__all__ = ["EXIT_FINDINGS", "EXIT_HARNESS", "EXIT_OK", "exit_code", "main", "parser"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="harness", description="Run the code samples of docs pages against "
                                  "a mock of the API they call, and report what is wrong with them.")
    sub = top.add_subparsers(dest="command", required=True)
    running.add_commands(sub)
    tools.add_commands(sub)
    packages.add_commands(sub)
    add_trend_command(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        if getattr(args, "jobs", 1) < 1:
            parser().error("--jobs must be at least 1")
        code: int = args.func(args)
    except HarnessError as error:
        print(f"harness: {error}", file=sys.stderr)
        return EXIT_HARNESS
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `harness list ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
