"""Moved to `harness.runtimes.shell`."""
from harness.runtimes.shell import ShellRunner as ShellRunner
