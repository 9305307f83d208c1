"""The Worker bindings a snippet gets from Miniflare's own simulators (KV, R2, D1, Durable Objects,
Queue producers, the rate limiter), from the mock (Vectorize, Analytics Engine, service bindings,
static assets, Stream, Browser Rendering) and as plain values (vars, secrets), as the Worker runner reads
them: JSON in `HARNESS_BINDINGS`, one `{type, name, ...}` per binding (`runners/worker/bindings.mjs`
turns them into Miniflare options). Each snippet runs on a fresh in-memory store.

What the harness decides here: a Durable Object binding's class (the configuration's `class_name`,
else the class the snippet exports), and plausible values for variables and secrets that the page
does not give; and the statements that make the D1 tables the page never creates (`seed`, from
`harness.extract.d1_tables`), which the runner applies before the Worker's request.
"""

from __future__ import annotations

import json
import re

from harness.extract import bindings, provided
from harness.extract.bindings import Binding
from harness.extract.d1_tables import SEED_OPTION
from harness.extract.durable_stand_in import STAND_IN_OPTION
from harness.extract.placeholder_values import role_value
from harness.model import Snippet

BINDINGS_ENV = "HARNESS_BINDINGS"
"""The variable the Worker runner reads the bindings from (absent: only `env.AI`)."""

_EXPORTED_CLASS = re.compile(r"\bexport\s+(?:default\s+)?class\s+([A-Za-z_$][\w$]*)(\s+extends\s+DurableObject\b)?")


def exported_classes(code: str) -> list[str]:
    """The classes the code exports, Durable Objects (`extends DurableObject`) first."""
    found = _EXPORTED_CLASS.findall(code)
    return [name for name, durable in found if durable] + [name for name, durable in found if not durable]


_WORKFLOW_CLASS = re.compile(r"\bexport\s+(?:default\s+)?class\s+([A-Za-z_$][\w$]*)\s+extends\s+WorkflowEntrypoint\b")


def workflow_classes(code: str) -> list[str]:
    """The Workflow classes the code exports (`extends WorkflowEntrypoint`)."""
    return _WORKFLOW_CLASS.findall(code)


def plausible_value(binding: Binding) -> object:
    """A variable's value from the configuration, else one that fits its name; a secret's, by name. A name
    that says Cloudflare (`CF_`, `CLOUDFLARE_`) account id or API token/key gets the run's own (`role_value`):
    the mock answers the Worker's API calls made with it, as Cloudflare answers the reader's. A bare
    `API_KEY` secret is more often a third party's, and gets a made-up value."""
    if "value" in binding:
        return binding["value"]
    name = str(binding["name"])
    upper = name.upper()
    if upper.startswith(("CF_", "CLOUDFLARE_")) and (role := role_value(name)) is not None:
        return role
    if binding["type"] == "secret":
        return f"harness-secret-{name.lower().replace('_', '-')}"
    if "URL" in upper or "ENDPOINT" in upper:
        return "https://example.com/"
    if "HOST" in upper or "DOMAIN" in upper:
        return "example.com"
    return f"example-{name.lower().replace('_', '-')}"


def simulated(snippet: Snippet, pages: bool = False) -> list[Binding]:
    """The snippet's bindings that the runner simulates, ready for the runner: the Durable Object
    class (and a Workflow's) and the values filled in. A Durable Object whose class is not on the page
    gets its stand-in (`stand_in`, and the `methods` the snippet calls: `harness.extract.durable_stand_in`);
    one or a Workflow whose class the snippet lacks otherwise is left out (the classifier says so before a
    run), and so is a Pages Function's (`pages`) `assets`: Pages gives it its own (`runners/worker/pages.mjs`)."""
    text = snippet.options.get(bindings.BINDINGS_OPTION)
    if not text:
        return []
    classes = exported_classes(snippet.code)
    stand_ins: dict[str, list[str]] = json.loads(snippet.options.get(STAND_IN_OPTION, "{}"))
    found: list[Binding] = []
    for binding in bindings.decode(text):
        kind = binding.get("type")
        if kind == "ai" and binding.get("name") not in provided.WORKER_BINDINGS:
            found.append(binding)  # Workers AI under the page's own name (`env.ai`): the same mock binding
            continue
        if kind not in provided.WORKER_BINDING_TYPES or kind == "ai" or (pages and kind == "assets"):
            continue
        if kind == "durable_object_namespace":
            chosen = binding.get("class_name") if binding.get("class_name") in classes else None
            chosen = chosen or (classes[0] if classes else None)
            if chosen is None and binding["name"] in stand_ins:  # its class is not on the page: a stand-in's
                found.append({**binding, "stand_in": True, "methods": stand_ins[binding["name"]]})
                continue
            if chosen is None:
                continue
            binding = {**binding, "class_name": chosen}
        if kind == "d1_database" and SEED_OPTION in snippet.options:  # tables its page never creates
            binding = {**binding, "seed": json.loads(snippet.options[SEED_OPTION])}
        if kind == "workflow":
            flows = workflow_classes(snippet.code)
            if not flows:
                continue
            named = binding.get("class_name")
            binding = {**binding, "class_name": named if named in flows else flows[0]}
        if kind in ("var", "secret"):
            binding = {**binding, "value": plausible_value(binding)}
        found.append(binding)
    return found


def bindings_env(snippet: Snippet, pages: bool = False) -> dict[str, str]:
    """`{HARNESS_BINDINGS: <JSON>}` for the Worker runner, or nothing when it needs none."""
    found = simulated(snippet, pages)
    return {BINDINGS_ENV: json.dumps(found, default=str)} if found else {}
