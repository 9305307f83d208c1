"""Shell blocks: commands after `$ ` prompts run, the other lines are the output the page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PROMPT = re.compile(r"^\s*\$(?: |$)")


@dataclass(frozen=True)
class ShellBlock:
    """A shell block split into what runs and what the page says it prints."""

    commands: str
    expected_output: str | None


def split_shell(source: str) -> ShellBlock:
    """Split a shell block into commands and expected output.

    When no line has a `$ ` prompt the whole block is the command. Otherwise only prompted lines
    (prompt removed) and the lines continuing them with a trailing `\\` are commands, as are `#`
    comment lines above the first prompt; every other line is expected output.
    """
    lines = source.splitlines()
    if not any(_PROMPT.match(line) for line in lines):
        return ShellBlock(source, None)
    commands: list[str] = []
    output: list[str] = []
    continued = False
    prompted = False
    for line in lines:
        prompt = _PROMPT.match(line)
        prompted = prompted or bool(prompt)
        if not prompted and line.lstrip().startswith("#"):
            commands.append(line)
        elif continued or prompt:
            command = line[prompt.end() :] if prompt and not continued else line
            commands.append(command)
            continued = command.rstrip().endswith("\\")
        else:
            output.append(line)
    text = "\n".join(output).strip("\n")
    return ShellBlock(_block(commands), text + "\n" if text else None)


def _block(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""
