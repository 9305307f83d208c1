"""Values for placeholders that the placeholder table leaves open, chosen from the name alone.

- An id (`{zone_id}`, `<VIDEO_UID>`, `{pcap_id}`, `$ZONE_ID`, `zoneId`) gets a Cloudflare id: 32
  lowercase hex digits; a UUID where the API uses one (`{serial_number_list_uuid}`, `{FINETUNE_ID}`).
- A name the reader chooses (`<MY_QUEUE>`, `<BUCKET_NAME>`, `{index_name}`) gets a plausible one,
  lowercase and dashed (`my-queue`, `my-bucket`, `my-index`).

Values are deterministic: the same name, however it is bracketed or cased (`{zone_id}`,
`<ZONE_ID>`, `$ZONE_ID`, `zoneId`), always gets the same value, on every page and run, so the
blocks of a page agree and the mock can hold the same ids (`generated_value` is the one place to
ask). Anything else (`<ANTHROPIC_API_KEY>`, `<RESPONSE>`) gets none and the snippet is not run.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping

GENERATED_OPTION = "generated"
"""The snippet option listing the generated values it got (JSON `{placeholder: value}`), so that
reports can show each as its placeholder."""

READER_FILES_OPTION = "reader_files"
"""The snippet option listing the reader's own files its code names by a placeholder (JSON list of
file names, see `reader_file_stand_ins`)."""

_NAMESPACE = uuid.UUID("5f0c6c52-8a4b-4f53-9d5e-6a1d2c3b4a59")
"""The namespace of generated UUIDs (any fixed one: it only has to stay the same)."""
UUID_NAMES = frozenset({"finetuneid", "finetune", "listid", "ruleid", "policyid", "appid", "applicationid",
                        "serviceid", "tunnelid", "deviceid", "userid", "groupid", "secretid", "storeid",
                        "databaseid", "d1databaseid", "workflowid", "instanceid", "ticketid"})
"""Ids (normalized names) the Cloudflare API gives as UUIDs; other ids are 32 hex digits."""

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_ID_WORDS = frozenset({"id", "uid", "uuid", "tag"})
_CHOSEN_LAST = frozenset({"name", "slug"})


def _words(token: str) -> list[str]:
    bare = token.strip("<>{}$[]")
    if not bare or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", bare):
        return []
    return [w.lower() for w in _WORDS.findall(bare)]


def is_id(token: str) -> bool:
    """Whether the placeholder names an id (`{zone_id}`, `<VIDEO_UID>`, `zoneId`)."""
    words = _words(token)
    return len(words) > 1 and words[-1] in _ID_WORDS


def generated_id(token: str) -> str:
    """The id a placeholder naming one gets: a UUID for the API's UUID ids, else 32 lowercase hex."""
    words = [w for w in _words(token) if w not in ("your", "my")]
    key = "".join(words)
    if "uuid" in words or key in UUID_NAMES:
        return str(uuid.uuid5(_NAMESPACE, key))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def chosen_name(token: str) -> str | None:
    """A plausible value for a name the reader chooses (`<MY_QUEUE>` -> `my-queue`), or None."""
    words = _words(token)
    if len(words) < 2 or not (words[0] == "my" or words[-1] in _CHOSEN_LAST):
        return None
    if words[-1] in _CHOSEN_LAST:
        words = words[:-1]
    words = [w for w in words if w not in ("your", "my")]
    return "-".join(["my", *words]) if words else None


def generated_value(token: str) -> str | None:
    """The value a placeholder or variable (`{zone_id}`, `<MY_QUEUE>`, `$ZONE_ID`) gets from its
    name alone, or None when its name says nothing a value could be made from."""
    if is_id(token):
        return generated_id(token)
    return chosen_name(token)


def reader_file_stand_ins(options: Mapping[str, str]) -> dict[str, bytes]:
    """Stand-ins for the reader's own files a snippet names (`{PATH/TO/model.bin}`): file name -> content,
    laid in its work dir so that `curl -F file=@model.bin` finds something to send."""
    names = json.loads(options.get(READER_FILES_OPTION, "[]"))
    return {name: f"harness: a stand-in for the reader's own {name}\n".encode() for name in names}
