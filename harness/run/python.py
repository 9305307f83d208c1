"""Moved to `harness.runtimes.python`."""
from harness.runtimes.python import PythonRunner as PythonRunner
