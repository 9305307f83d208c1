"""What a wrangler block serves or uploads from folders of the reader's own, laid out in its project as a
reader's folder would be when they reach that block.

- `wrangler pages dev DIR` (and `pages deploy DIR`) serve a Pages project: its build output folder and its
  Functions. The project gets a Pages configuration (`pages_build_output_dir`: the folder the block names,
  else `public`, instead of a Worker's `main`), the page's latest Pages Function before the block as
  `functions/index.js` (or `.ts`), unless a block titled `functions/...` already put one there, and a
  stand-in `index.html` in the output folder when no titled block put files there; the D1 tables the harness
  makes for that Function, in the local database the block names (`--d1 BINDING=ID`). A block whose Function
  does not run (it needs a class the page does not give) does not run either, saying why.
- `wrangler ai finetune create MODEL NAME DIR` uploads the adapter files it finds in DIR: the page's own
  file of that name (a block titled `adapter_config.json`) when it has one, else a stand-in that fits the
  model's family, and an empty but valid `adapter_model.safetensors`.

What the harness laid out is said in the block's "Ran as" line (option `ran_as`), never silently.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.extract.d1_tables import SAID_OPTION, SEED_OPTION
from harness.extract.shell_wrangler import wrangler_args
from harness.extract.shfacts import sh_facts
from harness.model import Snippet

PAGES_KIND = "pages-function"
"""The kind of a Pages Function block (`classify.py`)."""
DEFAULT_OUTPUT_DIR = "public"
"""The build output folder of a Pages project whose block names none (`pages dev --binding=...`)."""
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
"""The files `wrangler ai finetune create` uploads from its folder (wrangler's `requiredAssets`)."""
_FAMILIES = ("mistral", "gemma", "llama")
"""The `model_type` values an adapter config takes (the LoRA docs' list), found in the model's id."""


@dataclass
class Layout:
    """What a block's project gets from its folders: files to add, and what was laid (for `ran_as`)."""

    files: dict[str, str] = field(default_factory=dict)
    laid: list[str] = field(default_factory=list)
    """What the harness supplied, in words (`a stand-in index.html in my-output`)."""
    pages_output: str | None = None
    """The Pages build output folder, when the block serves a Pages project."""
    skip_reason: str | None = None
    d1_said: str | None = None
    """What the harness says of the D1 tables it made for the Function (option `d1_said`: a RUN007 info)."""


def folder_commands(snippet: Snippet) -> list[tuple[str, ...]]:
    """The wrangler arguments of the block's commands that read a folder (`pages dev DIR`, ...)."""
    found = []
    for command in sh_facts(snippet.code).commands:
        args = wrangler_args(command.words)
        if args and (args[:2] in (("pages", "dev"), ("pages", "deploy")) or args[:3] == ("ai", "finetune", "create")):
            found.append(args)
    return found


def lay_folders(snippet: Snippet, page: Sequence[Snippet], files: dict[str, str]) -> Layout:
    """The folders the block's commands read, laid out beside the project's `files`."""
    layout = Layout()
    for args in folder_commands(snippet):
        if args[0] == "pages":
            _pages(snippet, page, files, args, layout)
        elif len(args) > 5:
            _adapters(files, args[3], args[5], layout)
    return layout


def _positional(args: tuple[str, ...], at: int) -> str | None:
    word = args[at] if len(args) > at else ""
    return word.rstrip("/").removeprefix("./") or None if word and not word.startswith("-") else None


def _pages(snippet: Snippet, page: Sequence[Snippet], files: dict[str, str], args: tuple[str, ...],
           layout: Layout) -> None:
    output = _positional(args, 2) or DEFAULT_OUTPUT_DIR
    layout.pages_output = output
    if not any(path.startswith(output + "/") for path in files):
        layout.files[f"{output}/index.html"] = ("<!doctype html>\n<title>Stand-in</title>\n"
                                                "<p>harness: a stand-in for the reader's build output</p>\n")
        layout.laid.append(f"a stand-in index.html in the build output folder {output}")
    if any(path.startswith("functions/") for path in files):
        return
    function = next((s for s in reversed(page) if s.line < snippet.line and s.options.get("kind") == PAGES_KIND),
                    None)
    if function is None:
        return
    if function.skip_reason is not None:
        layout.skip_reason = (f"not runnable: serves the Pages Function of line {function.line}, which does not run: "
                              f"{function.skip_reason.removeprefix('not runnable: ')}")
        return
    name = f"functions/index.{'ts' if function.language == 'ts' else 'js'}"
    layout.files[name] = function.code
    layout.laid.append(f"the Pages Function of line {function.line} as {name}")
    _seed_d1(function, args, layout)


def _seed_d1(function: Snippet, args: tuple[str, ...], layout: Layout) -> None:
    """The D1 tables the harness makes for the Function (option `d1_seed`, `d1_tables.py`), made in the
    local database `pages dev --d1 BINDING=ID` serves, before the block runs (`.harness-before.sh`, run by
    `runners/wrangler/prelude.sh`, through a configuration of its own that names that database)."""
    seed = json.loads(function.options.get(SEED_OPTION, "[]"))
    flags = [args[i + 1] if word == "--d1" and i + 1 < len(args) else word.removeprefix("--d1=")
             for i, word in enumerate(args) if word == "--d1" or word.startswith("--d1=")]
    databases = [{"binding": b, "database_name": b.lower(), "database_id": i}
                 for b, _, i in (flag.partition("=") for flag in flags) if b and i]
    if not seed or not databases:
        return
    config = {"name": "harness-d1-seed", "compatibility_date": "2025-10-01", "d1_databases": databases}
    layout.files[".harness-d1.json"] = json.dumps(config, indent=2) + "\n"
    layout.files[".harness-d1-seed.sql"] = ";\n".join(seed) + ";\n"
    layout.files[".harness-before.sh"] = "".join(
        f"wrangler d1 execute {d['binding']} --local --config .harness-d1.json --file .harness-d1-seed.sql\n"
        for d in databases)
    layout.d1_said = function.options.get(SAID_OPTION) or "the Function's D1 tables"
    layout.laid.append(layout.d1_said)


def _adapters(files: dict[str, str], model: str, folder: str, layout: Layout) -> None:
    folder = folder.rstrip("/").removeprefix("./")
    if any(path.startswith(folder + "/") for path in files):
        return
    config = files.get(ADAPTER_FILES[0])
    if config is None:
        family = next((f for f in _FAMILIES if f in model.lower()), "mistral")
        config = json.dumps({"model_type": family, "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 8,
                             "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"]}, indent=2) + "\n"
        layout.laid.append(f"a stand-in {ADAPTER_FILES[0]} (model_type {family}) in {folder}")
    else:
        layout.laid.append(f"the page's {ADAPTER_FILES[0]} in {folder}")
    layout.files[f"{folder}/{ADAPTER_FILES[0]}"] = config
    layout.files[f"{folder}/{ADAPTER_FILES[1]}"] = empty_safetensors()
    layout.laid.append(f"an empty {ADAPTER_FILES[1]} in {folder}")


def empty_safetensors() -> str:
    """A valid safetensors file holding no tensor (its 8-byte header length, then the JSON header), as text."""
    header = json.dumps({"__metadata__": {"format": "pt"}}).encode()
    return (struct.pack("<Q", len(header)) + header).decode("latin-1")
