"""Shell blocks: commands after `$ ` prompts run, the other lines are the output the page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PROMPT = re.compile(r"^\s*\$(?: |$)")
_HEREDOC = re.compile(r"<<-?\s*['\"]?([A-Za-z_]\w*)['\"]?")


@dataclass(frozen=True)
class ShellBlock:
    """A shell block split into what runs and what the page says it prints."""

    commands: str
    expected_output: str | None


def split_shell(source: str) -> ShellBlock:
    """Split a shell block into commands and expected output.

    When no line has a `$ ` prompt the whole block is the command. Otherwise only prompted lines
    (prompt removed) and the lines continuing them (a trailing `\\`, the body of a here-document up to
    its delimiter, and the lines closing the `$(` it was opened in) are commands, as are `#` comment lines
    above the first prompt; every other line is expected output.
    """
    lines = source.splitlines()
    if not any(_PROMPT.match(line) for line in lines):
        return ShellBlock(source, None)
    commands: list[str] = []
    output: list[str] = []
    continued = False
    prompted = False
    heredoc: str | None = None
    depth = 0
    for line in lines:
        prompt = _PROMPT.match(line)
        prompted = prompted or bool(prompt)
        if heredoc is not None:  # the body of a here-document, up to its delimiter
            commands.append(line)
            heredoc = None if line.strip() == heredoc else heredoc
            continued = heredoc is not None or depth > 0
        elif not prompted and line.lstrip().startswith("#"):
            commands.append(line)
        elif continued or prompt:
            command = line[prompt.end() :] if prompt and not continued else line
            commands.append(command)
            opened = _HEREDOC.search(command)
            heredoc = opened.group(1) if opened else None
            if opened or (continued and depth > 0):  # `$(cat <<EOF` ... `EOF` ... `)`: closed after the body
                depth = (depth if continued else 0) + command.count("(") - command.count(")")
            else:
                depth = 0
            continued = command.rstrip().endswith("\\") or heredoc is not None or depth > 0
        else:
            output.append(line)
    text = "\n".join(output).strip("\n")
    return ShellBlock(_block(commands), text + "\n" if text else None)


def _block(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""
