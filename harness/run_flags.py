"""How a run is asked for: the flags `harness run` and `pytest --harness` share (under pytest spelled
`--harness-NAME`), and the `RunOptions` they make with the project's configuration."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config import Config
from harness.config import load as load_config
from harness.pipeline import RunOptions
from harness.report.registry import report_formats
from harness.run.executors import EXECUTOR_CHOICES

DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Flag:
    """One option of a run, as argparse takes it."""

    name: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


FLAGS = (
    Flag("executor", {"choices": EXECUTOR_CHOICES, "default": "auto",
                      "help": "auto (default): docker when an engine answers and its images are current, else local"}),
    Flag("build", {"action": "store_true", "help": "with --executor docker: build missing images first"}),
    Flag("warm-workers", {"action": argparse.BooleanOptionalAction, "default": True,
                          "help": "local Worker snippets on one warm workerd, a fresh isolate each (default: on); "
                          "off starts Miniflare per snippet instead (slower; see harness.run.local.warm_worker)"}),
    Flag("isolation", {"choices": ("snippet", "group", "run"), "default": "snippet",
                       "help": "with --executor docker: a fresh container per snippet (default), or a warm one "
                       "per runtime and tab group, or per runtime for the whole run, each snippet in a fresh work "
                       "dir and process group in it (faster); accepted and ignored by the other executors"}),
    Flag("timeout", {"type": float, "default": None,
                     "help": f"seconds per snippet (default: the config's, else {DEFAULT_TIMEOUT_S:.0f})"}),
    Flag("typecheck", {"action": argparse.BooleanOptionalAction, "default": True,
                       "help": "type-check TypeScript examples with tsc against the Workers types (default: on)"}),
    Flag("cache-dir", {"default": ".harness-cache", "metavar": "DIR",
                       "help": "where results of unchanged snippets are kept (default .harness-cache)"}),
    Flag("no-cache", {"action": "store_true", "help": "run every snippet, ignoring cached results"}),
    Flag("retries", {"type": int, "default": 0, "metavar": "N",
                     "help": "run a failing snippet again up to N times; one that then passes is reported as flaky"}),
    Flag("config", {"metavar": "FILE", "help": "harness.toml or pyproject.toml (default: found in the current "
                    "folder)"}),
)


def add_flags(add: Callable[..., Any], prefix: str = "--") -> None:
    """Adds every flag and the report options through `add` (argparse's `add_argument` or a pytest
    group's `addoption`); under pytest `prefix` is `--harness-` and the dests start `harness_`."""
    for flag in FLAGS:
        add(prefix + flag.name, dest=_dest(prefix) + flag.dest, **flag.settings)
    add_report_options(add, prefix)


def add_report_options(add: Callable[..., Any], prefix: str = "--") -> None:
    """A `FILE` option per report format of the registry."""
    for report in report_formats():
        add(prefix + report.name, dest=_dest(prefix) + report.name, metavar="FILE", help=report.help)


def _dest(prefix: str) -> str:
    return "" if prefix == "--" else prefix.strip("-").replace("-", "_") + "_"


def run_options(value: Callable[[str], Any], start: Path | None = None, jobs: int = 1) -> RunOptions:
    """`RunOptions` from the flags' values (`value(dest)`) and the configuration they name (else the
    one found in `start`)."""
    config: Config = load_config(Path(value("config")) if value("config") else None, start=start)
    return RunOptions(
        executor=value("executor"), build_images=value("build"), jobs=jobs,
        timeout_s=value("timeout") or config.timeout_s or DEFAULT_TIMEOUT_S, config=config,
        retries=value("retries"), typecheck=value("typecheck"),
        cache_dir=None if value("no_cache") else Path(value("cache_dir")), warm_workers=value("warm_workers"),
        isolation=value("isolation"),
    )


def report_files(value: Callable[[str], Any]) -> dict[str, str | None]:
    """The report files asked for, by format name."""
    return {report.name: value(report.name) for report in report_formats()}
