"""Placeholders in every style found on cloudflare-docs, environment variables, and the warning for
a placeholder left without a value."""

from __future__ import annotations

import json

import pytest

from harness.extract.placeholders import (
    DEFAULT_PLACEHOLDERS,
    TEST_ACCOUNT_ID,
    TEST_API_TOKEN,
    TEST_GATEWAY_ID,
    environment,
    prepare,
    role_value,
)
from harness.generated_values import generated_value
from harness.model import Severity

from .support import hugo


@pytest.mark.parametrize(
    "token",
    ["{ACCOUNT_ID}", "{account_id}", "<ACCOUNT_ID>", "<accountId>", "<account>", "YOUR_ACCOUNT_ID", "{CF_ACCOUNT_ID}"],
)
def test_account_id_in_every_style(token: str) -> None:
    prepared = prepare(f"curl https://api.example/accounts/{token}/ai/run\n", "sh", DEFAULT_PLACEHOLDERS)
    assert prepared.code == f"curl https://api.example/accounts/{TEST_ACCOUNT_ID}/ai/run\n"
    assert prepared.leftovers == ()


@pytest.mark.parametrize(
    "token", ["{API_TOKEN}", "{api_token}", "<API_TOKEN>", "<apiToken>", "YOUR_API_TOKEN", "{cf_api_token}"]
)
def test_api_token_in_every_style(token: str) -> None:
    assert prepare(f'-H "Authorization: Bearer {token}"', "sh", DEFAULT_PLACEHOLDERS).code == (
        f'-H "Authorization: Bearer {TEST_API_TOKEN}"'
    )


def test_ai_gateway_ids_and_role_names_in_code_strings() -> None:
    url = "https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}/workers-ai/@cf/x"
    assert prepare(f"curl {url}", "sh", DEFAULT_PLACEHOLDERS).code == (
        f"curl https://gateway.ai.cloudflare.com/v1/{TEST_ACCOUNT_ID}/{TEST_GATEWAY_ID}/workers-ai/@cf/x"
    )
    ts = 'await env.AI.run("@cf/x", {}, { gateway: { id: "{gateway_id}" } });\nconst { name } = { name: "{name}" };\n'
    prepared = prepare(ts, "ts", DEFAULT_PLACEHOLDERS)
    assert f'id: "{TEST_GATEWAY_ID}"' in prepared.code and '"{name}"' in prepared.code
    assert prepared.leftovers == ()


def test_the_table_wins_over_roles_and_adds_its_own() -> None:
    table = {"{ACCOUNT_ID}": "mine", "{ZONE_ID}": "zone"}
    assert prepare("a/{ACCOUNT_ID}/{ZONE_ID}/<accountId>", "sh", table).code == f"a/mine/zone/{TEST_ACCOUNT_ID}"


def test_code_is_only_touched_inside_plain_strings() -> None:
    js = 'const {ACCOUNT_ID} = env;\nconst u = `${ACCOUNT_ID}/x/{ACCOUNT_ID}`;\nfetch("/accounts/{ACCOUNT_ID}/");\n'
    assert prepare(js, "js", DEFAULT_PLACEHOLDERS).code == (
        f"const {{ACCOUNT_ID}} = env;\nconst u = `${{ACCOUNT_ID}}/x/{TEST_ACCOUNT_ID}`;\n"
        f'fetch("/accounts/{TEST_ACCOUNT_ID}/");\n'
    )
    py = 'url = f"/accounts/{account_id}/"\nheaders = {"Authorization": "Bearer {API_TOKEN}"}\n'
    assert prepare(py, "py", DEFAULT_PLACEHOLDERS).code == (
        f'url = f"/accounts/{{account_id}}/"\nheaders = {{"Authorization": "Bearer {TEST_API_TOKEN}"}}\n'
    )


def test_what_looks_like_a_placeholder_and_is_left() -> None:
    prepared = prepare("npx wrangler pages deploy <URL> --zone {zone_id} <div>\n", "sh", DEFAULT_PLACEHOLDERS)
    assert [left.token for left in prepared.leftovers] == ["<URL>"]
    assert prepared.generated == {"{zone_id}": generated_value("{zone_id}")}
    ts = "await env.<MY_QUEUE>.send(log);\nconst x: Array<T> = [];\nconst h = '<b>bold</b>';\nenv.YOUR_INDEX.query();\n"
    assert [left.token for left in prepare(ts, "ts", DEFAULT_PLACEHOLDERS).leftovers] == ["YOUR_INDEX"]
    assert prepare('print("{name}".format(name=1))', "py", DEFAULT_PLACEHOLDERS).leftovers == ()


def test_environment_variables_by_table_and_role() -> None:
    names = ["CLOUDFLARE_ACCOUNT_ID", "CF_API_TOKEN", "ZONE_ID", "GREETING", "CERT_PEM", "OUTPUT_DIR"]
    values, missing = environment(names, {"$GREETING": "hi"})
    assert values == {"CLOUDFLARE_ACCOUNT_ID": TEST_ACCOUNT_ID, "CF_API_TOKEN": TEST_API_TOKEN, "GREETING": "hi",
                      "ZONE_ID": generated_value("ZONE_ID"), "CERT_PEM": generated_value("CERT_PEM")}
    assert missing == ["OUTPUT_DIR"]
    assert role_value("CUSTOMER_ACCOUNT_ID") is None


def test_shell_snippets_get_environment_variables_as_options() -> None:
    text = '```sh\ncurl "https://api.cloudflare.com/client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/ai/run/@cf/x" \\\n'
    text += '  -H "Authorization: Bearer ${CLOUDFLARE_API_TOKEN}"\n```\n'
    extraction = hugo(text)
    [snippet] = extraction.snippets
    assert snippet.options == {
        "kind": "shell",
        "env.CLOUDFLARE_ACCOUNT_ID": TEST_ACCOUNT_ID,
        "env.CLOUDFLARE_API_TOKEN": TEST_API_TOKEN,
    }
    assert "$CLOUDFLARE_ACCOUNT_ID" in snippet.code and snippet.skip_reason is None
    assert extraction.diagnostics == ()


def test_an_unreplaced_placeholder_is_a_warning_at_its_line_and_the_snippet_is_not_run() -> None:
    text = "Deploy:\n\n```sh\ncurl https://api.cloudflare.com/client/v4/zones/{zone_id}/purge_cache \\\n"
    text += '  -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\\n  -d "{\\"files\\": [\\"<URL>\\"]}"\n```\n'
    extraction = hugo(text)
    [snippet] = extraction.snippets
    assert snippet.skip_reason == "not runnable: placeholder `<URL>` has no value"
    assert [(d.line, d.severity) for d in extraction.diagnostics] == [(6, Severity.WARNING)]
    assert str(extraction.diagnostics[0]).startswith("page.md:6: placeholder `<URL>` left unreplaced")
    assert f"/zones/{generated_value('{zone_id}')}/purge_cache" in snippet.code  # an id has a value of its form


def test_an_environment_variable_without_value_is_named() -> None:
    extraction = hugo('```sh\ncurl "https://api.cloudflare.com/client/v4/zones/$ZONE_ID/x" -d "$OUTPUT_DIR"\n```\n')
    [snippet] = extraction.snippets
    assert snippet.skip_reason == "not runnable: environment variable `$OUTPUT_DIR` has no value"
    [warning] = extraction.diagnostics
    assert warning.line == 2 and '"$OUTPUT_DIR" = "..."' in warning.message


def test_placeholders_in_snippets_that_do_not_run_anyway_are_not_reported() -> None:
    extraction = hugo("```sh\nnpx wrangler tail <WORKER_NAME>\n```\n")  # streams logs until stopped
    assert extraction.snippets[0].skip_reason is not None and "wrangler" in extraction.snippets[0].skip_reason
    assert extraction.diagnostics == ()


def test_a_placeholder_in_a_block_that_now_runs_is_reported() -> None:
    """`wrangler pages dev` runs (a dev server started, asked once and stopped), so a placeholder it names
    that has no value is said at its line."""
    extraction = hugo("```sh\nnpx wrangler pages dev public --compatibility-date=<DATE>\n```\n")
    assert extraction.snippets[0].skip_reason == "not runnable: placeholder `<DATE>` has no value"
    [warning] = extraction.diagnostics
    assert warning.line == 2 and "`<DATE>` left unreplaced" in warning.message


def test_a_folder_the_reader_names_gets_one_the_runner_lays_out() -> None:
    """`<OUTPUT_DIR>` is the reader's build output folder: it gets a folder name, listed for the runner to
    lay out, and the value is one of the generated ones that reports show as the placeholder."""
    prepared = prepare("npx wrangler pages dev <OUTPUT_DIR> --kv=TODO_LIST\n", "sh", DEFAULT_PLACEHOLDERS)
    assert prepared.leftovers == () and prepared.code == "npx wrangler pages dev my-output --kv=TODO_LIST\n"
    assert prepared.reader_folders == ("my-output",) and prepared.generated == {"<OUTPUT_DIR>": "my-output"}
    code = "npx wrangler ai finetune create <model_name> <finetune_name> <folder_path>"
    [snippet] = hugo(f"```sh\n{code}\n```\n").snippets
    assert snippet.skip_reason is None
    assert json.loads(snippet.options["reader_folders"]) == ["my-folder"]


def test_invisible_characters_are_a_warning() -> None:
    extraction = hugo("```js\nconst a = 1;\n\u200b\nconsole.log(a);\n```\n")
    [warning] = extraction.diagnostics
    assert (warning.line, warning.severity) == (3, Severity.WARNING)
    assert warning.message.startswith("invisible character U+200B (zero width space)")


@pytest.mark.parametrize("code", ["f('{ACCOUNT_ID}', '", "const a = 1; '", 'g("{API_TOKEN}") + "'])
def test_a_lone_quote_ending_js_code_is_kept_once(code: str) -> None:
    expected = code.replace("{ACCOUNT_ID}", TEST_ACCOUNT_ID).replace("{API_TOKEN}", TEST_API_TOKEN)
    assert prepare(code, "js", DEFAULT_PLACEHOLDERS).code == expected  # it was once written twice


def test_a_bare_role_named_word_in_an_api_calls_account_or_token_slot_is_a_placeholder_in_shell() -> None:
    code = (
        "curl -X POST 'https://api.cloudflare.com/client/v4/accounts/CF_ACCOUNT_ID/browser-rendering/json' \\\n"
        "  -H 'Authorization: Bearer CF_API_TOKEN'\n"
        "echo \"$CF_ACCOUNT_ID\" MY_SETTING\n"
    )
    prepared = prepare(code, "sh", {})
    assert f"/accounts/{TEST_ACCOUNT_ID}/browser-rendering" in prepared.code
    assert f"Bearer {TEST_API_TOKEN}" in prepared.code
    assert '"$CF_ACCOUNT_ID" MY_SETTING' in prepared.code  # a variable of the script, and a word with no role
    javascript = "fetch(`https://api.cloudflare.com/client/v4/accounts/CF_ACCOUNT_ID/x`)"
    assert prepare(javascript, "js", {}).code == javascript  # in code, such a word may be the code's own name


def test_a_placeholder_for_a_file_of_the_readers_own_becomes_a_stand_in_the_runner_lays_out() -> None:
    from harness.generated_values import READER_FILES_OPTION, reader_file_stand_ins

    code = "curl -X POST https://api.example/upload -F 'file=@{PATH/TO/adapter_model.safetensors}'\n"
    prepared = prepare(code, "sh", {})
    assert prepared.code == "curl -X POST https://api.example/upload -F 'file=@adapter_model.safetensors'\n"
    assert prepared.leftovers == () and prepared.reader_files == ("adapter_model.safetensors",)
    laid = reader_file_stand_ins({READER_FILES_OPTION: '["adapter_model.safetensors"]'})
    assert list(laid) == ["adapter_model.safetensors"] and laid["adapter_model.safetensors"]
    assert reader_file_stand_ins({}) == {}
