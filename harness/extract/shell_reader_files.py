"""The reader's own files a shell command sends, named as the page names them: `curl -F file=@video.mp4`,
`--data-binary @dog.png`, `-T backup.tar`, or a path of the writer's machine (`--form
file=@/Users/jane/Desktop/my-video.mp4`).

No page can ship the reader's video or PDF, so such a command fails on a missing file before it
reaches the API, though nothing is wrong with the page. The runner lays a stand-in of each in the
snippet's work dir (`generated_values.reader_file_stand_ins`): a relative name as it stands; a path
under a home folder (`/Users/NAME/...`, `/home/NAME/...`) stands for "your file" the way
`{PATH/TO/file}` does, and becomes its base name. A file the block writes itself (`> data.json`,
`-o out.png`) or reads from a variable (`@$FILE`) is not the reader's; neither is a path elsewhere
(`/etc/hosts`), which the command may really mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FILE_ARG = re.compile(
    r"""(?:(?:^|\s)(?:-F|--form)\s+['"]?[\w.\[\]-]+=@"""  # -F 'file=@x' (the field name before =@)
    r"""|(?:^|\s)(?:--data-binary|--data-raw-file|--data|-d|--json|--data-urlencode)\s+['"]?@"""
    r"""|(?:^|\s)(?:-T|--upload-file)\s+['"]?)"""
    r"""(?P<path>[A-Za-z0-9_./~-][^\s'";,]*)"""
)
_HOME = re.compile(r"^(?:/Users|/home)/[^/]+/(?:[^/]+/)*(?P<name>[^/]+)$")
_PLAIN = re.compile(r"^(?:\./)?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)$")
_HAS_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


@dataclass(frozen=True)
class ReaderFile:
    """One file of the reader's that a command sends."""

    shown: str
    """The path as the page shows it (`/Users/jane/Desktop/my-video.mp4`, `cat.jpeg`)."""
    name: str
    """Where its stand-in lies, relative to the work dir (`my-video.mp4`, `cat.jpeg`)."""


def shell_reader_files(code: str) -> tuple[ReaderFile, ...]:
    """The reader's own files the commands of `code` send (see the module docstring)."""
    found: dict[str, ReaderFile] = {}
    for match in _FILE_ARG.finditer(code):
        shown = match.group("path")
        home, plain = _HOME.match(shown), _PLAIN.match(shown)
        name = home.group("name") if home else plain.group("name") if plain else None
        if name is None or ".." in name.split("/") or not _HAS_SUFFIX.search(name) or _written(code, shown):
            continue
        found.setdefault(shown, ReaderFile(shown, name))
    return tuple(found.values())


def _written(code: str, path: str) -> bool:
    """Whether `code` writes `path` itself (a redirect, `-o`, `tee`), so it is not the reader's."""
    quoted = re.escape(path)
    return re.search(rf"""(?:>>?|(?:-o|--output|tee(?:\s+-a)?)\s+)\s*['"]?(?:\./)?{quoted}\b""", code) is not None
