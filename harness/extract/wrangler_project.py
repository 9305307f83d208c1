"""The project folder a wrangler block works in, laid out from the page as a reader's folder would be
when they reach that block: option `project` (JSON `{"dir": ..., "files": {path: text}}`).

- The wrangler configuration: the page's configuration blocks before the block merged (a tutorial adds
  to one file step by step; else all of the page's), as `wrangler.json`, with a `name`, `main` and
  `compatibility_date` when the page gives none. The ids a reader pastes from `wrangler d1 create` /
  `kv namespace create` (`database_id`, a KV `id`) become the ids the harness gives such placeholders,
  which the mock answers with the resource the run created last. A page that shows no configuration gets
  the bindings its latest Worker block's code uses (`wrangler_inferred`), said in the "Ran as" line.
- Files the page's code blocks name in their title (`src/index.ts`, `schema.sql`), the latest before the
  block; the page's latest Worker block before it as `main` when no block names that file; an untitled
  SQL block as the file a `--file` names.
- A `package.json` (C3's hello-world one).
- For a block that serves a Pages project (`pages dev DIR`) or uploads a folder (`ai finetune create`): the
  folder and Functions it reads (`wrangler_folders`), said in its "Ran as" line (option `ran_as`).
- `dir`: the folder a `cd NAME` in the block enters (the one `npm create cloudflare NAME` made); the block
  that runs `npm create cloudflare` itself gets an empty work dir.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from harness.extract import wrangler_config
from harness.extract.d1_tables import SAID_OPTION
from harness.extract.shell_wrangler import WRANGLER_KIND, creates_project
from harness.extract.shfacts import sh_facts
from harness.extract.worker_program import RAN_AS_OPTION
from harness.extract.wrangler_folders import folder_commands, lay_folders
from harness.extract.wrangler_inferred import config_sections, inferred_bindings, said
from harness.generated_values import generated_id
from harness.model import Snippet

PROJECT_OPTION = "project"
"""The snippet option holding its project as JSON: `{"dir": "hello-ai" or "", "files": {path: text}}`."""
COMPATIBILITY_DATE = "2025-10-01"
"""What C3's template sets when the page gives no date (one the runner's workerd supports)."""
RENDERED_TODAY = "$today"
"""A `compatibility_date` a `<WranglerConfig>` block writes as `$today`: the docs site renders that day's date
there, so the reader's file holds a date (`COMPATIBILITY_DATE` here)."""
_PATH = re.compile(r"^[\w.@-]+(?:/[\w.@\[\]-]+)*\.\w+$")
_FILE_FLAG = re.compile(r"--file[= ]\s*['\"]?([^\s'\"]+)")
_CODE = frozenset({"js", "ts", "jsx", "tsx", "sql", "json", "jsonc", "toml", "py", "html", "css", "txt", "md"})
_PASTED_IDS = (("d1_databases", "database_id", "{database_id}"), ("kv_namespaces", "id", "{namespace_id}"))


def attach_projects(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` (one page) with each wrangler block given its `project` option."""
    if not any(s.options.get("kind") == WRANGLER_KIND for s in snippets):
        return list(snippets)
    return [_with_project(s, snippets) if s.options.get("kind") == WRANGLER_KIND else s for s in snippets]


def _with_project(snippet: Snippet, page: Sequence[Snippet]) -> Snippet:
    options = {**snippet.options, PROJECT_OPTION: project_option(snippet, page)}
    project = json.loads(options[PROJECT_OPTION])
    worker = _latest_worker(snippet, page)
    written = inferred_bindings(worker) if project["files"] and not _configs(page) else []
    if written and worker is not None and snippet.skip_reason is None:
        options[RAN_AS_OPTION] = said(written, worker)
    if not project["files"] or not folder_commands(snippet):
        return replace(snippet, options=options)
    layout = lay_folders(snippet, page, project["files"])
    if layout.pages_output is not None:
        project["files"] = _files(snippet, page, layout.pages_output)
    project["files"].update(layout.files)
    options[PROJECT_OPTION] = json.dumps(project, sort_keys=True)
    if layout.skip_reason is not None and snippet.skip_reason is None:
        return replace(snippet, options=options, skip_reason=layout.skip_reason)
    if layout.laid and snippet.skip_reason is None:  # said of a block that runs
        laid = "in a project where the harness laid " + "; ".join(layout.laid)
        options[RAN_AS_OPTION] = f"{options[RAN_AS_OPTION]}; {laid}" if RAN_AS_OPTION in options else laid
    if layout.d1_said and snippet.skip_reason is None:
        options[SAID_OPTION] = layout.d1_said
    return replace(snippet, options=options)


def project_option(snippet: Snippet, page: Sequence[Snippet]) -> str:
    """The `project` option of a wrangler block at `snippet`'s place on `page` (JSON)."""
    words = [c.words for c in sh_facts(snippet.code).commands]
    if any(creates_project(w) for w in words):
        project: dict[str, Any] = {"dir": "", "files": {}}
    else:
        entered = next((w[1] for w in words if w[0] == "cd" and len(w) == 2), "")
        project = {"dir": entered, "files": _files(snippet, page)}
    return json.dumps(project, sort_keys=True)


def _title(snippet: Snippet) -> str | None:
    said = next((snippet.options[k] for k in ("title", "filename") if snippet.options.get(k)), "")
    said = str(said).strip().lstrip("./")
    return said if _PATH.match(said) and not said.startswith("wrangler.") else None


def _files(snippet: Snippet, page: Sequence[Snippet], pages_output: str | None = None) -> dict[str, str]:
    """The project's files; for a Pages project (`pages_output`: its build output folder), a Pages
    configuration and no Worker `main`."""
    before = [s for s in page if s.line < snippet.line]
    name = next((n for s in before if s.language == "sh" for c in sh_facts(s.code).commands
                 if (n := creates_project(c.words))), "my-worker")
    files: dict[str, str] = {}
    for block in before:
        path = _title(block)
        if path and block.language in _CODE:
            files[path] = block.code
    config = _config(snippet, page, name)
    if pages_output is not None:
        config.pop("main", None)
        config.setdefault("pages_build_output_dir", pages_output)
        return _with_manifests(files, config, name)
    worker = next((s for s in reversed(before) if s.options.get("kind") == "worker" and not _title(s)), None)
    if "main" not in config:
        config["main"] = f"src/index.{worker.language if worker and worker.language in ('js', 'ts') else 'ts'}"
    main = str(config["main"]).lstrip("./")
    if main not in files:
        files[main] = worker.code if worker else ("export default {\n\tasync fetch() {\n\t\treturn new "
                                                  "Response('Hello World!');\n\t},\n};\n")
    sql = next((s for s in reversed(before) if s.language == "sql" and not _title(s)), None)
    for wanted in _FILE_FLAG.findall(snippet.code):
        if wanted.lstrip("./") not in files and sql is not None:
            files[wanted.lstrip("./")] = sql.code
    return _with_manifests(files, config, name)


def _with_manifests(files: dict[str, str], config: dict[str, Any], name: str) -> dict[str, str]:
    """`files` with the wrangler configuration `config` and a `package.json`."""
    files["wrangler.json"] = json.dumps(config, indent=2) + "\n"
    files.setdefault("package.json", json.dumps({
        "name": name, "version": "0.0.0", "private": True,
        "scripts": {"deploy": "wrangler deploy", "dev": "wrangler dev", "start": "wrangler dev",
                    "cf-typegen": "wrangler types"}}, indent=2) + "\n")
    return files


def _configs(page: Sequence[Snippet]) -> list[Snippet]:
    return [s for s in page if wrangler_config.is_config(s)]


def _latest_worker(snippet: Snippet, page: Sequence[Snippet]) -> Snippet | None:
    """The page's latest Worker block before `snippet`."""
    return next((s for s in reversed(page) if s.line < snippet.line and s.options.get("kind") == "worker"), None)


def _config(snippet: Snippet, page: Sequence[Snippet], name: str) -> dict[str, Any]:
    """The page's configuration blocks before `snippet` (else all of them), merged, with the defaults (with
    none, the bindings the page's latest Worker block uses)."""
    configs = _configs(page)
    chosen = [s for s in configs if s.line < snippet.line] or configs
    merged: dict[str, Any] = {} if configs else config_sections(inferred_bindings(_latest_worker(snippet, page)))
    for block in chosen:
        try:
            parsed = wrangler_config.parse(block)
        except wrangler_config.ConfigError:
            continue  # reported at its line by `worker_env`; the block runs without it
        for key, value in parsed.items():
            if isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = merged[key] + [v for v in value if v not in merged[key]]
            else:
                merged[key] = value
    merged.setdefault("name", name)
    if merged.get("compatibility_date") == RENDERED_TODAY:
        merged["compatibility_date"] = COMPATIBILITY_DATE
    merged.setdefault("compatibility_date", COMPATIBILITY_DATE)
    for section, key, placeholder in _PASTED_IDS:
        for item in merged.get(section) or []:
            if isinstance(item, dict) and key in item:
                item[key] = generated_id(placeholder)
    return merged
