"""Placeholders given a value by where they sit: a folder the reader names, a field of a JSON body the API
contract describes, an account id in an API path, a model in a fine-tune command; and reports that show
each as its placeholder, page by page."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from harness.extract.placeholder_context import body_field_value, contextual_value, lora_model
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS, TEST_ACCOUNT_ID, prepare
from harness.generated_values import chosen_name, folder_value, generated_id, generated_value, reader_file_stand_ins
from harness.model import RunResult, SnippetResult, Status
from harness.report.mask import Masker

from .support import hugo

MEMBERS = ("curl 'https://api.cloudflare.com/client/v4/accounts/<CUSTOMER_ACCOUNT_ID>/members' \\\n"
           "  -H 'Authorization: Bearer {API_TOKEN}' -H 'Content-Type: application/json' \\\n"
           "  --data '{\"email\": \"<CUSTOMER_EMAIL>\", \"roles\": [\"<USER_ROLE>\"], \"status\": \"<STATUS>\"}'\n")


def test_folders_variable_names_and_values_the_reader_picks() -> None:
    assert [folder_value(t) for t in ("<OUTPUT_DIR>", "<folder_path>", "{BUILD_DIRECTORY}", "<OUTPUT>")] == \
        ["my-output", "my-folder", "my-build", None]
    assert chosen_name("<ENVIRONMENT_VARIABLE_NAME>") == "MY_ENVIRONMENT_VARIABLE"  # a variable's style
    assert chosen_name("<BUCKET_NAME>") == "my-bucket"
    assert generated_value("<ENVIRONMENT_VARIABLE_VALUE>") == "example-environment-variable-value"
    assert generated_value("<VALUE>") is None and generated_value("<URL>") is None
    stand_ins = reader_file_stand_ins({"reader_folders": '["my-output"]'})
    assert list(stand_ins) == ["my-output/README.txt"] and b"stand-in" in stand_ins["my-output/README.txt"]


def test_a_body_field_gets_what_the_contract_says_of_it() -> None:
    """`roles` is a list of strings with no format: a role, by its id; `status` an enum: its first value."""
    assert body_field_value("<USER_ROLE>", MEMBERS) == generated_id("{role_id}")
    assert re.fullmatch(r"[0-9a-f]{32}", body_field_value("<USER_ROLE>", MEMBERS) or "")
    assert body_field_value("<STATUS>", MEMBERS) == "accepted"
    assert body_field_value("<URL>", MEMBERS) is None  # not in the body
    files = "curl https://api.cloudflare.com/client/v4/zones/{zone_id}/purge_cache -d '{\"files\": [\"<URL>\"]}'"
    assert body_field_value("<URL>", files) is None  # a list of files: a URL is not a file's id
    elsewhere = MEMBERS.replace("api.cloudflare.com/client/v4", "example.com/api")
    assert body_field_value("<USER_ROLE>", elsewhere) is None  # no contract for that host


def test_the_members_call_runs_with_values_of_their_kind() -> None:
    [snippet] = hugo(f"```sh\n{MEMBERS}```\n").snippets
    assert snippet.skip_reason is None
    assert f"/accounts/{TEST_ACCOUNT_ID}/members" in snippet.code  # the account the token reaches
    generated = json.loads(snippet.options["generated"])
    assert generated == {"<CUSTOMER_EMAIL>": "customer@example.com", "<USER_ROLE>": generated_id("{role_id}"),
                         "<STATUS>": "accepted"}  # the account is the table's value, shown as {ACCOUNT_ID}


def test_a_model_in_a_fine_tune_command_is_a_lora_model_of_the_catalog() -> None:
    code = "npx wrangler ai finetune create <model_name> <finetune_name> <folder_path>\n"
    model = contextual_value("<model_name>", code, "sh")
    assert model is not None and model.startswith("@cf/") and model.endswith("-lora")
    named = f"{code}# Creating new finetune for model \"{model}\"...\n"
    assert lora_model(named) not in (None, model)  # not one the code names: that one would read as the placeholder
    assert contextual_value("<model_name>", "npx wrangler ai models --json", "sh") is None  # no fine-tune here
    prepared = prepare(code, "sh", DEFAULT_PLACEHOLDERS)
    assert prepared.code == f"npx wrangler ai finetune create {model} my-finetune my-folder\n"
    assert prepared.reader_folders == ("my-folder",)


def test_reports_mask_each_page_with_its_own_values() -> None:
    """A value one page's placeholder got is shown as that placeholder on that page, and left alone on a
    page whose code names it for itself."""
    [filled] = hugo(f"```sh\n{MEMBERS}```\n").snippets
    [other] = hugo("```sh\necho accepted\n```\n").snippets
    other = replace(other, page="other.md", id="other.md::g1::1")
    run = RunResult((SnippetResult(filled, Status.PASSED, None, (), reason="status accepted"),
                     SnippetResult(other, Status.PASSED, None, (), reason="status accepted")), (), (), 0.0)
    first, second = Masker(DEFAULT_PLACEHOLDERS).run(run).results
    assert first.reason == "status <STATUS>" and second.reason == "status accepted"
    assert "<USER_ROLE>" in first.snippet.code and generated_id("{role_id}") not in first.snippet.code
