"""What a shell snippet does: the programs it runs and the variables it reads and sets.

A rough reading of bash (quotes, continuations, `&&`/`|`/`;`, heredocs, comments), enough to see
that a block runs `npm install` or reads `$ZONE_ID` without setting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from harness.extract.repeats import REPEATS

_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_]\w*)\1")
_VAR = re.compile(r"\$(?:\{([A-Za-z_]\w*)[^}]*\}|([A-Za-z_]\w*))")
_ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=")
_REDIRECTION = re.compile(r"^[0-9]*[<>]+&?[0-9-]*$")
_RUNS = {"": re.compile(r"[^\\$'\"#;&|()<\s]+"), "'": re.compile(r"[^'\n]+"), '"': re.compile(r'[^"\\$\n]+')}
"""By open quote: a run of characters that all go into the word as they are."""
_PREFIXES = frozenset({"sudo", "time", "command", "exec", "nohup", "builtin"})
_DECLARERS = frozenset({"export", "local", "declare", "typeset", "readonly"})


@dataclass(frozen=True)
class Command:
    """One simple command: its words, quotes removed (assignments before it dropped)."""

    words: tuple[str, ...]
    line: int
    """0-based line of the snippet where it starts."""

    @property
    def program(self) -> str:
        return self.words[0] if self.words else ""


@dataclass(frozen=True)
class ShellFacts:
    """Facts about one shell snippet."""

    commands: tuple[Command, ...]
    read: tuple[str, ...]
    """Variables expanded (`$X`, `${X}`) outside single quotes, in order."""
    set: frozenset[str]
    """Variables the snippet sets itself (`X=1`, `export X=1`, `read X`, `for X in`)."""
    unterminated_quote: bool = False
    """A quote opened and never closed: bash will refuse the whole snippet."""


@lru_cache(maxsize=REPEATS)
def sh_facts(code: str) -> ShellFacts:
    """Read the facts of shell `code`; never raises."""
    commands: list[Command] = []
    assigned: set[str] = set()
    expanded: list[str] = []
    simple, unterminated = _simple_commands(code)
    for words, line, expansions in simple:
        expanded += expansions
        words = [w for w in words if not _REDIRECTION.match(w)]
        while words and _ASSIGNMENT.match(words[0]):
            assigned.add(_ASSIGNMENT.match(words[0]).group(1))  # type: ignore[union-attr]
            words = words[1:]
        while words and words[0] in _PREFIXES:
            words = words[1:]
        if not words:
            continue
        if words[0] in _DECLARERS or words[0] == "read":
            assigned.update(_ASSIGNMENT.match(w).group(1) if _ASSIGNMENT.match(w) else w  # type: ignore[union-attr]
                            for w in words[1:] if not w.startswith("-"))
        elif words[0] == "for" and len(words) > 1:
            assigned.add(words[1])
        commands.append(Command(tuple(words), line))
    return ShellFacts(tuple(commands), tuple(dict.fromkeys(expanded)), frozenset(assigned), unterminated)


def _simple_commands(code: str) -> tuple[list[tuple[list[str], int, list[str]]], bool]:
    """(words, line, variables expanded) of each simple command; whether a quote is left open."""
    reader = _Reader(code)
    reader.read()
    return reader.found, bool(reader.quote)


class _Reader:
    """Walks shell code once, splitting it into simple commands and words."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.found: list[tuple[list[str], int, list[str]]] = []
        self.words: list[str] = []
        self.word: list[str] | None = None
        self.expansions: list[str] = []
        self.line = self.start_line = 0
        self.heredocs: list[tuple[str, bool]] = []
        self.quote = ""

    def read(self) -> None:
        code, i = self.code, 0
        while i < len(code):
            i = self._step(code, i)
        self._end_command()

    def _step(self, code: str, i: int) -> int:
        """Reads what starts at offset `i`; returns the offset after it."""
        run = _RUNS[self.quote].match(code, i)
        if run:  # characters that only go into the current word
            self._add(run.group())
            return run.end()
        char = code[i]
        if char == "\\" and self.quote != "'" and i + 1 < len(code):
            if code[i + 1] == "\n":
                self.line += 1
            else:
                self._add(code[i + 1])
            return i + 2
        if char == "$" and self.quote != "'":
            match = _VAR.match(code, i)
            if match:
                self.expansions.append(match.group(1) or match.group(2))
        if self.quote:
            if char == self.quote:
                self.quote = ""
            else:
                self._add(char)
            self.line += char == "\n"
            return i + 1
        if char in "'\"":
            self.quote = char
            self.word = self.word or []
        elif char == "#" and self.word is None:
            end = code.find("\n", i)
            return len(code) if end < 0 else end
        elif char == "\n":
            return self._newline(code, i)
        elif char in ";&|()":
            self._end_command()
        elif char.isspace():
            self._end_word()
        elif char == "<" and _HEREDOC.match(code, i):
            match = _HEREDOC.match(code, i)
            assert match is not None
            self.heredocs.append((match.group(2), not match.group(1)))
            self._end_word()
            return match.end()
        else:
            self._add(char)
        return i + 1

    def _newline(self, code: str, i: int) -> int:
        self._end_command()
        self.line += 1
        self.start_line = self.line
        if not self.heredocs:
            return i + 1
        i = _skip_heredocs(code, i + 1, self.heredocs, self.expansions)
        self.line = self.start_line = code.count("\n", 0, i)
        self.heredocs = []
        return i

    def _add(self, text: str) -> None:
        if self.word is None:
            self.word = []
        self.word.append(text)

    def _end_word(self) -> None:
        if self.word is not None:
            self.words.append("".join(self.word))
            self.word = None

    def _end_command(self) -> None:
        self._end_word()
        if self.words:
            self.found.append((self.words, self.start_line, self.expansions))
        self.words, self.expansions = [], []
        self.start_line = self.line


def _skip_heredocs(code: str, i: int, heredocs: list[tuple[str, bool]], expansions: list[str]) -> int:
    """Offset after the bodies of `heredocs` starting at `i`; variables in unquoted ones are read."""
    for delimiter, expands in heredocs:
        end = re.compile(rf"^[ \t]*{re.escape(delimiter)}[ \t]*$", re.MULTILINE).search(code, i)
        body = code[i : end.start() if end else len(code)]
        if expands:
            expansions += [m.group(1) or m.group(2) for m in _VAR.finditer(body)]
        i = end.end() + 1 if end else len(code)
    return i
