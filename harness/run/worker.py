"""Moved to `harness.runtimes.worker`."""
from harness.runtimes.worker import AI_VERSIONS as AI_VERSIONS
from harness.runtimes.worker import RESULT_FILE as RESULT_FILE
from harness.runtimes.worker import WorkerRunner as WorkerRunner
