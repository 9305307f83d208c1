"""Values for placeholders that the placeholder table leaves open, chosen from the name alone.

- An id (`{zone_id}`, `<VIDEO_UID>`, `{pcap_id}`, `$ZONE_ID`, `zoneId`) gets a Cloudflare id: 32
  lowercase hex digits; a UUID where the API uses one (`{serial_number_list_uuid}`, `{FINETUNE_ID}`).
- A name the reader chooses (`<MY_QUEUE>`, `<BUCKET_NAME>`, `{index_name}`) gets a plausible one,
  lowercase and dashed (`my-queue`, `my-bucket`, `my-index`).
- A name the reader gives a variable (`<ENVIRONMENT_VARIABLE_NAME>`) gets one in the style of
  environment variables (`MY_ENVIRONMENT_VARIABLE`).
- A folder the reader names (`<OUTPUT_DIR>`, `<folder_path>`) gets a folder name (`my-output`,
  `my-folder`) that the runner lays out as a stand-in folder (`folder_value`, `reader_file_stand_ins`).
- A value the reader supplies gets one of its kind: an email address (`<CUSTOMER_EMAIL>` ->
  `customer@example.com`), a value the reader picks (`<ENVIRONMENT_VARIABLE_VALUE>` ->
  `example-environment-variable-value`), a credential for another provider (`<ANTHROPIC_API_KEY>` ->
  `harness-anthropic-api-key`, `{openai_token}` -> `harness-openai-token`), a certificate or private key
  (`$MYCERT`, `$MYKEY`: a real self-signed PEM, `extract/placeholder_pem.py`), and the few values
  `READER_VALUES` names (`<RESPONSE>`, the Turnstile widget's token).

Values are deterministic: the same name, however it is bracketed or cased (`{zone_id}`,
`<ZONE_ID>`, `$ZONE_ID`, `zoneId`), always gets the same value, on every page and run, so the
blocks of a page agree and the mock can hold the same ids (`generated_value` is the one place to
ask). Anything else (`<URL>`) gets none and the snippet is not run.
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

READER_FOLDERS_OPTION = "reader_folders"
"""The snippet option listing the reader's own folders its code names by a placeholder (JSON list of
folder names, from `folder_value`)."""

READER_FILES_OPTION = "reader_files"
"""The snippet option listing the reader's own files its code names by a placeholder (JSON list of
file names, see `reader_file_stand_ins`)."""

READER_PATHS_OPTION = "reader_paths"
"""The snippet option naming, of its reader files, those a shell command sends as the page names them (JSON
`{stand-in name: path as shown}`, from `extract/shell_reader_files.py`), so the report can say what stood in."""

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
    if words and words[-1] in _VARIABLE_WORDS:  # an environment variable's name: upper case, underscores
        return "_".join(["MY", *words]).upper()
    return "-".join(["my", *words]) if words else None


_VARIABLE_WORDS = frozenset({"variable", "var"})
_FOLDER_WORDS = frozenset({"dir", "directory", "folder"})


def folder_value(token: str) -> str | None:
    """The folder a placeholder naming one gets (`<OUTPUT_DIR>` -> `my-output`, `<folder_path>` ->
    `my-folder`), or None: one name, relative to where the snippet runs, that the runner lays out."""
    words = _words(token)
    if len(words) > 1 and words[-1] == "path":
        words = words[:-1]
    if not words or words[-1] not in _FOLDER_WORDS:
        return None
    kept = [w for w in words[:-1] if w not in ("your", "my")]
    return "-".join(["my", *(kept or ["folder"])])


READER_VALUES: Mapping[str, str] = {
    "response": "XXXX.DUMMY.TOKEN.XXXX",
}
"""Values the reader supplies whose name alone says too little for a rule (normalized name -> value):
`<RESPONSE>` is the token a Turnstile widget gave (Cloudflare's documented dummy token)."""
_SECRET_WORDS = frozenset({"key", "secret", "password"})
PROVIDERS = frozenset({"openai", "anthropic", "google", "gemini", "googleaistudio", "vertex", "mistral", "groq",
                       "cohere", "huggingface", "hf", "replicate", "perplexity", "deepseek", "grok", "xai",
                       "cerebras", "elevenlabs", "deepgram", "azure", "azureopenai", "bedrock", "aws",
                       "openrouter", "fal", "ideogram", "cartesia"})
"""Providers behind AI Gateway (normalized names): `{openai_token}`, `{open_ai_token}` are the reader's key
for one, as `<ANTHROPIC_API_KEY>` is (a Cloudflare token is `role_value`'s)."""


def supplied_value(token: str) -> str | None:
    """A value of the kind the reader supplies (`<CUSTOMER_EMAIL>`, `<ANTHROPIC_API_KEY>`,
    `<RESPONSE>`), or None."""
    words = _words(token)
    if not words:
        return None
    if "".join(words) in READER_VALUES:
        return READER_VALUES["".join(words)]
    kept = [w for w in words if w not in ("your", "my")]
    if words[-1] == "email":
        return "-".join(kept[:-1] or ["reader"]) + "@example.com"
    if len(words) > 1 and words[-1] in _SECRET_WORDS:
        return "harness-" + "-".join(kept)
    if len(kept) > 1 and words[-1] == "token" and "".join(kept[:-1]).removesuffix("api") in PROVIDERS:
        return "harness-" + "-".join(kept)
    if len(kept) > 1 and words[-1] == "value":  # `<ENVIRONMENT_VARIABLE_VALUE>`: whatever the reader sets
        return "-".join(["example", *kept])
    return None


def generated_value(token: str) -> str | None:
    """The value a placeholder or variable (`{zone_id}`, `<MY_QUEUE>`, `$ZONE_ID`) gets from its
    name alone, or None when its name says nothing a value could be made from."""
    from harness.extract.placeholder_pem import pem_value  # cryptography, loaded only when asked

    if is_id(token):
        return generated_id(token)
    return chosen_name(token) or pem_value(token) or supplied_value(token)


def reader_file_stand_ins(options: Mapping[str, str]) -> dict[str, bytes]:
    """Stand-ins for the reader's own files a snippet names (`{PATH/TO/model.bin}`): file name -> content,
    laid in its work dir so that `curl -F file=@model.bin` finds something to send; and for each folder
    it names (`<OUTPUT_DIR>`), that folder, holding a stand-in README."""
    names = json.loads(options.get(READER_FILES_OPTION, "[]"))
    files = {name: f"harness: a stand-in for the reader's own {name}\n".encode() for name in names}
    for folder in json.loads(options.get(READER_FOLDERS_OPTION, "[]")):
        files[f"{folder}/README.txt"] = f"harness: a stand-in for the reader's own folder {folder}\n".encode()
    return files
