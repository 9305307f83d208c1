"""Placeholders given values made from their names, and reports that show the placeholder, not the value."""

from __future__ import annotations

import json
import re

import pytest

from harness.generated_values import chosen_name, generated_id, generated_value
from harness.model import RunResult, SnippetResult, Status
from harness.report.mask import Masker

from .support import hugo


@pytest.mark.parametrize("token", ["{zone_id}", "<ZONE_ID>", "$ZONE_ID", "zoneId", "{YOUR_ZONE_ID}"])
def test_every_spelling_of_an_id_gets_the_same_32_hex_id(token: str) -> None:
    assert generated_value(token) == generated_id("{zone_id}")
    assert re.fullmatch("[0-9a-f]{32}", generated_id("{zone_id}"))


def test_ids_the_api_gives_as_uuids_are_uuids_and_ids_differ_by_name() -> None:
    uuid_form = "[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(uuid_form, generated_value("{FINETUNE_ID}") or "")
    assert re.fullmatch(uuid_form, generated_value("{serial_number_list_uuid}") or "")
    assert len({generated_value(t) for t in ("{zone_id}", "{pcap_id}", "<VIDEO_UID>", "<ZONE_TAG>")}) == 4


@pytest.mark.parametrize(
    ("token", "value"),
    [("<MY_QUEUE>", "my-queue"), ("<BUCKET_NAME>", "my-bucket"), ("{index_name}", "my-index"),
     ("<MY_FIRST_QUEUE>", "my-first-queue"), ("<NAME>", None), ("<OUTPUT_DIR>", None)],
)
def test_names_the_reader_chooses(token: str, value: str | None) -> None:
    assert chosen_name(token) == value and generated_value(token) == value


@pytest.mark.parametrize(
    ("token", "value"),
    [("<ANTHROPIC_API_KEY>", "harness-anthropic-api-key"), ("<RESPONSE>", "XXXX.DUMMY.TOKEN.XXXX"),
     ("<CUSTOMER_EMAIL>", "customer@example.com"), ("<EMAIL_ADDRESS>", None), ("<SECRET>", None),
     ("{openai_token}", "harness-openai-token"), ("{open_ai_token}", "harness-open-ai-token"),
     ("<GROQ_API_TOKEN>", "harness-groq-api-token"), ("<JWT_TOKEN>", None), ("{video_token}", None)],
)
def test_values_the_reader_supplies(token: str, value: str | None) -> None:
    assert generated_value(token) == value


def test_a_certificate_and_key_are_a_real_self_signed_pem_the_same_each_time() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    cert, key = generated_value("$MYCERT") or "", generated_value("$MYKEY") or ""
    parsed = x509.load_pem_x509_certificate(cert.replace("\\n", "\n").encode())
    private = load_pem_private_key(key.replace("\\n", "\n").encode(), None)
    assert parsed.issuer == parsed.subject and parsed.public_key() == private.public_key()
    assert "\n" not in cert and generated_value("$MYCERT") == cert  # one line, deterministic
    assert generated_value("$SSH_KEY") == "harness-ssh-key"  # a credential, not a private key


def test_a_snippet_lists_what_it_was_given_and_reports_show_the_placeholder() -> None:
    text = ('```sh\ncurl "https://api.cloudflare.com/client/v4/zones/{zone_id}/pcaps/$PCAP_ID" '
            '-d \'{"queue": "<MY_QUEUE>"}\'\n```\n')
    [snippet] = hugo(text).snippets
    zone, pcap = generated_value("{zone_id}"), generated_value("PCAP_ID")
    assert snippet.skip_reason is None and zone in snippet.code and "my-queue" in snippet.code
    assert json.loads(snippet.options["generated"]) == {"{zone_id}": zone, "<MY_QUEUE>": "my-queue", "$PCAP_ID": pcap}
    assert snippet.options["env.PCAP_ID"] == pcap
    run = RunResult((SnippetResult(snippet, Status.SKIPPED, None, (), reason=f"sent {zone} and {pcap}"),), (), (), 0.0)
    [masked] = Masker({}).run(run).results
    assert masked.snippet.code == snippet.source
    assert masked.reason == "sent {zone_id} and $PCAP_ID"


def test_a_placeholder_in_code_outside_strings_is_the_name_it_stands_for() -> None:
    [snippet] = hugo("```ts\nawait env.<MY_QUEUE>.send(log);\n```\n").snippets
    assert "env.MY_QUEUE.send" in snippet.code and "<MY_QUEUE>" not in snippet.code
    assert json.loads(snippet.options["generated"]) == {"<MY_QUEUE>": "MY_QUEUE"}  # the report shows `<MY_QUEUE>`


