"""The project a `wrangler pages dev` block serves and the folder `wrangler ai finetune create` uploads,
laid out from the page, and said in the block's "Ran as" line."""

from __future__ import annotations

import json
from typing import Any

from extract.support import hugo  # tests/ is the root of the test packages

from harness.extract.d1_tables import SAID_OPTION, SEED_OPTION
from harness.extract.worker_program import RAN_AS_OPTION
from harness.extract.wrangler_folders import ADAPTER_FILES, empty_safetensors
from harness.extract.wrangler_project import PROJECT_OPTION
from harness.model import Snippet

FUNCTION = "export async function onRequest(context) {\n  return new Response(await context.env.KV.get('k'));\n}\n"


def _project(snippet: Snippet) -> dict[str, Any]:
    files: dict[str, Any] = json.loads(snippet.options[PROJECT_OPTION])["files"]
    return files


def test_pages_dev_serves_the_pages_latest_function_and_a_stand_in_build_output() -> None:
    text = f"```js\n{FUNCTION}```\n\n```sh\nnpx wrangler pages dev <OUTPUT_DIR> --kv=KV\n```\n"
    function, dev = hugo(text).snippets
    assert dev.skip_reason is None
    files = _project(dev)
    assert files["functions/index.js"] == function.code
    assert "stand-in" in files["my-output/index.html"]
    config = json.loads(files["wrangler.json"])
    assert config["pages_build_output_dir"] == "my-output" and "main" not in config
    assert not any(path.startswith("src/") for path in files)  # no Worker entry point beside the Function
    assert dev.options[RAN_AS_OPTION] == (f"in a project where the harness laid a stand-in index.html in the build "
                                          f"output folder my-output; the Pages Function of line {function.line} as "
                                          "functions/index.js")


def test_pages_dev_without_a_folder_uses_public_and_keeps_the_pages_own_files() -> None:
    text = ("```html\n---\nfilename: public/index.html\n---\n<h1>Hi</h1>\n```\n\n"
            "```sh\nnpx wrangler pages dev --binding=<ENVIRONMENT_VARIABLE_NAME>=<ENVIRONMENT_VARIABLE_VALUE>\n```\n")
    dev = hugo(text).snippets[-1]
    assert dev.skip_reason is None and "--binding=MY_ENVIRONMENT_VARIABLE=example-environment" in dev.code
    files = _project(dev)
    assert files["public/index.html"].strip() == "<h1>Hi</h1>"  # the page's own build output, not a stand-in
    assert json.loads(files["wrangler.json"])["pages_build_output_dir"] == "public"
    assert RAN_AS_OPTION not in dev.options  # the harness laid nothing of its own


def test_pages_dev_of_a_function_that_does_not_run_says_why() -> None:
    # a Durable Object restricted to a jurisdiction, which workerd does not implement: the Function does not run
    durable = "export async function onRequest(context) {\n" \
              "  const id = context.env.COUNTER.jurisdiction('eu').idFromName('a');\n" \
              "  return context.env.COUNTER.get(id).fetch(context.request);\n}\n"
    dev_block = "npx wrangler pages dev dist --do COUNTER=Counter@w"
    function, dev = hugo(f"```js\n{durable}```\n\n```sh\n{dev_block}\n```\n").snippets
    assert function.skip_reason is not None
    assert dev.skip_reason == (f"not runnable: serves the Pages Function of line {function.line}, which does not "
                               f"run: {function.skip_reason.removeprefix('not runnable: ')}")
    assert RAN_AS_OPTION not in dev.options


def test_pages_dev_makes_the_functions_d1_tables_in_the_database_it_names() -> None:
    d1 = "export async function onRequest(context) {\n  return Response.json(await context.env.DB.prepare(" \
         "'SELECT * FROM orders').first());\n}\n"
    function, dev = hugo(f"```js\n{d1}```\n\n```sh\nnpx wrangler pages dev dist --d1 DB=abc-123\n```\n").snippets
    assert function.skip_reason is None and dev.skip_reason is None
    files = _project(dev)
    seed = json.loads(function.options[SEED_OPTION])
    assert files[".harness-d1-seed.sql"] == ";\n".join(seed) + ";\n" and "CREATE TABLE" in seed[0]
    assert json.loads(files[".harness-d1.json"])["d1_databases"] == [
        {"binding": "DB", "database_name": "db", "database_id": "abc-123"}]
    assert files[".harness-before.sh"] == \
        "wrangler d1 execute DB --local --config .harness-d1.json --file .harness-d1-seed.sql\n"
    assert dev.options[SAID_OPTION] == function.options[SAID_OPTION]  # the RUN007 info, on this block too
    assert function.options[SAID_OPTION] in dev.options[RAN_AS_OPTION]


def test_finetune_create_uploads_the_pages_adapter_config_and_a_valid_safetensors() -> None:
    text = ('```json\n---\nfilename: adapter_config.json\n---\n{"model_type": "mistral"}\n```\n\n'
            "```sh\nnpx wrangler ai finetune create <model_name> <finetune_name> <folder_path>\n```\n")
    create = hugo(text).snippets[-1]
    files = _project(create)
    assert json.loads(files[f"my-folder/{ADAPTER_FILES[0]}"]) == {"model_type": "mistral"}
    weights = files[f"my-folder/{ADAPTER_FILES[1]}"].encode()
    length = int.from_bytes(weights[:8], "little")
    assert len(weights) == 8 + length and json.loads(weights[8:]) == {"__metadata__": {"format": "pt"}}
    assert weights == empty_safetensors().encode()
    assert "the page's adapter_config.json in my-folder" in create.options[RAN_AS_OPTION]


def test_finetune_create_without_a_config_gets_one_of_the_models_family() -> None:
    [create] = hugo("```sh\nnpx wrangler ai finetune create @cf/google/gemma-7b-it-lora tune adapters/\n```\n").snippets
    config = json.loads(_project(create)[f"adapters/{ADAPTER_FILES[0]}"])
    assert config["model_type"] == "gemma" and config["peft_type"] == "LORA"
    assert "a stand-in adapter_config.json (model_type gemma) in adapters" in create.options[RAN_AS_OPTION]


def test_a_block_that_does_not_run_has_no_ran_as_line() -> None:
    function = "export async function onRequest(context) {\n  return new Response('hi');\n}\n"
    text = f"```js\n{function}```\n\n```sh\nnpx wrangler pages dev <OUTPUT_DIR> --ai=AI\n```\n"
    dev = hugo(text).snippets[-1]
    assert dev.skip_reason is not None and "remote preview session" in dev.skip_reason
    assert RAN_AS_OPTION not in dev.options
