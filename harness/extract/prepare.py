"""From a fence's code to what runs: placeholders replaced, the snippet classified, and the
problems a docs writer should hear about (a placeholder left in, TypeScript in a `js` fence,
an invisible character that breaks copy and paste).

Options a snippet gets here (beside those of its fence and annotations):
- `kind`: what the code is (`worker`, `script`, `shell`, `fragment`, ...; see `classify.py`).
  An annotation `kind=script` overrides the classifier and runs the snippet as that kind.
- `env.NAME`: an environment variable the snippet reads and the value it gets.
- `generated`: placeholders and variables given a value made from their name (JSON
  `{"{zone_id}": "...", "$ZONE_ID": "..."}`), so reports show each as its placeholder.
- `ran_as`: how the harness ran code the page leaves incomplete (an SDK import put in front, see
  `implied_imports.py`; Worker page sessions set it too).
- `reader_files`, `reader_folders`: the reader's own files and folders the code names by a placeholder
  or a shell command sends (`shell_reader_files.py`; `reader_paths` maps the latter to the path as the
  page shows it), which the runner lays out as stand-ins (`generated_values.reader_file_stand_ins`).
- `prelude`: set by an annotation on a fence whose code is put before every later snippet of
  the same language on the page (imports and setup that the page shows once).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.extract.classify import classify
from harness.extract.implied_imports import implied_imports
from harness.extract.placeholder_values import role_value
from harness.extract.placeholders import prepare
from harness.extract.regions import Problem
from harness.extract.worker_program import RAN_AS_OPTION
from harness.generated_values import GENERATED_OPTION, READER_FILES_OPTION, READER_FOLDERS_OPTION, READER_PATHS_OPTION
from harness.model import Severity

ENV_PREFIX = "env."
"""Options `env.NAME=value`: environment variables a runner sets for the snippet."""
INVISIBLE = {"\u200b": "zero width space", "\u200c": "zero width non-joiner", "\u200d": "zero width joiner",
             "\u2060": "word joiner", "\ufeff": "byte order mark"}
"""Characters that show as nothing and break code that is copied from the page."""
_INVISIBLE = re.compile("[" + "".join(INVISIBLE) + "]")


@dataclass(frozen=True)
class Ready:
    """A snippet's code as it runs, with what the harness concluded about it."""

    code: str
    language: str
    options: Mapping[str, str]
    skip_reason: str | None
    problems: tuple[Problem, ...]


def ready(
    code: str,
    language: str,
    options: Mapping[str, str],
    skip_reason: str | None,
    placeholders: Mapping[str, str],
    source_lines: Sequence[str],
    first_line: int,
    prelude: str = "",
    bindings: frozenset[str] = frozenset(),
) -> Ready:
    """Prepare `code` (in `language`) to run; `source_lines` are its lines as on the page from
    page line `first_line`, to point problems at the right line; `bindings` are the binding names the
    page's wrangler configuration declares."""
    prepared = prepare(code, language, placeholders, bindings)
    problems = list(_invisible(source_lines, first_line))
    run_code = prelude + prepared.code if prelude else prepared.code
    found = classify(run_code, language, placeholders)
    if found is None:
        return Ready(prepared.code, language, options, skip_reason, tuple(problems))
    merged = dict(options)
    implied = implied_imports(run_code, language) if found.reason and found.reason.startswith("fragment") else None
    with_imports = classify(implied.code, language, placeholders) if implied else None
    if implied and with_imports and not with_imports.reason:  # the import is all it lacks
        run_code, found = implied.code, with_imports
        merged.setdefault(RAN_AS_OPTION, implied.ran_as())
        problems.append(Problem(_line_of(implied.names[0], source_lines, first_line), implied.warning(),
                                Severity.WARNING))
    generated = {**prepared.generated, **{"$" + name: value for name, value in found.env.items()
                                          if "$" + name not in placeholders and not role_value(name)}}
    if generated:
        merged[GENERATED_OPTION] = json.dumps(generated, sort_keys=True)
    if prepared.reader_files:
        merged[READER_FILES_OPTION] = json.dumps(list(prepared.reader_files))
    if prepared.reader_folders:
        merged[READER_FOLDERS_OPTION] = json.dumps(list(prepared.reader_folders))
    if prepared.reader_paths:
        merged[READER_PATHS_OPTION] = json.dumps(dict(prepared.reader_paths), sort_keys=True)
    forced = "kind" in options
    merged.setdefault("kind", found.kind)
    for name, value in found.env.items():
        merged.setdefault(ENV_PREFIX + name, value)
    problems += [Problem(_line_of(note.near, source_lines, first_line), note.message, Severity.WARNING)
                 for note in found.notes]
    if skip_reason is None and found.reason and not forced:
        skip_reason = found.reason
    if skip_reason is None:
        left = [(tok.token, _line_of(tok.token, source_lines, first_line)) for tok in prepared.leftovers]
        left += [("$" + name, _line_of(name, source_lines, first_line)) for name in found.missing_env
                 if ENV_PREFIX + name not in merged]
        for token, line in dict(left).items():
            problems.append(Problem(line, _unreplaced(token), Severity.WARNING))
        if left:
            what = "environment variable" if left[0][0].startswith("$") else "placeholder"
            skip_reason = f"not runnable: {what} `{left[0][0]}` has no value"
    return Ready(run_code, found.language, merged, skip_reason, tuple(problems))


def _unreplaced(token: str) -> str:
    if token.startswith("$"):
        return (f"environment variable `{token}` has no value: add `\"{token}\" = \"...\"` to the placeholders "
                "in [tool.harness] (snippet not run)")
    return (f"placeholder `{token}` left unreplaced: give it a value in the placeholders of [tool.harness] "
            "(snippet not run)")


def _line_of(token: str, source_lines: Sequence[str], first_line: int) -> int:
    return next((first_line + i for i, line in enumerate(source_lines) if token in line), first_line)


def _invisible(source_lines: Sequence[str], first_line: int) -> list[Problem]:
    if not _INVISIBLE.search("\n".join(source_lines)):
        return []
    problems = []
    for i, line in enumerate(source_lines):
        found = sorted({char for char in line if char in INVISIBLE})
        if found:
            names = ", ".join(f"U+{ord(c):04X} ({INVISIBLE[c]})" for c in found)
            problems.append(Problem(first_line + i, f"invisible character {names} in code: copied, it breaks "
                                    "the code", Severity.WARNING))
    return problems
