"""Moved to `harness.runtimes.node`."""
from harness.runtimes.node import NodeRunner as NodeRunner
from harness.runtimes.node import script_name as script_name
