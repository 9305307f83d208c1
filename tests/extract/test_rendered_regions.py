"""Code that MDX components render (`<Code code={...}>`, `<APIRequest>`, `<CURL>`), extracted as the
page shows it, at the component's line."""

from __future__ import annotations

import pytest

from harness.extract.rendered import RenderError, api_request_url, cook, curl_command, find_exports
from harness.model import Severity

from .support import PAGES, Extract, line_of
from .support import mdx as extract

API_PAGE = PAGES / "extract15" / "api-request.mdx"
CODE_PAGE = PAGES / "extract15" / "code-component.mdx"


@pytest.mark.parametrize(
    ("raw", "cooked"),
    [
        ("a \\` b", "a ` b"),
        ("\\${x}", "${x}"),
        ("back\\\\slash", "back\\slash"),
        ("tab\\there\\nnext", "tab\there\nnext"),
        ("\\u00e9\\x41\\u{1F600}", "\u00e9A\U0001f600"),
        ("line\\\ncontinued", "linecontinued"),
    ],
)
def test_template_literals_cook_as_javascript_does(raw: str, cooked: str) -> None:
    assert cook(raw) == cooked


def test_an_interpolating_template_literal_cannot_be_cooked() -> None:
    with pytest.raises(RenderError, match="interpolates"):
        cook("Hello ${name}")
    assert find_exports("export const a = `x ${y}`;\nexport const b = `ok`;\n").keys() == {"b"}


def test_code_component_renders_its_export_at_the_tag_line(fixture_page: Extract) -> None:
    extraction = fixture_page("extract15/code-component.mdx")
    outside, in_tab, python = extraction.snippets
    tag_line = line_of(CODE_PAGE, "<Code code={worker}")
    assert (outside.line, outside.label, outside.language) == (tag_line, "src/index.js", "js")
    assert outside.options["rendered"] == "Code" and outside.options["kind"] == "worker"
    assert "return new Response(`Hello from ${path} \\\\o/`);" in outside.code
    assert (in_tab.label, in_tab.group) == ("Worker", python.group)
    assert in_tab.line == line_of(CODE_PAGE, "<Code code={worker}", nth=2) and in_tab.code == outside.code
    [warning] = extraction.diagnostics
    assert (warning.line, warning.severity) == (line_of(CODE_PAGE, "missingExample"), Severity.WARNING)
    assert "names no `export const missingExample" in warning.message


def test_an_export_is_neither_a_fence_nor_markup() -> None:
    text = 'export const page = `\n<Tabs>\n\\`\\`\\`js\nx\n\\`\\`\\`\n`;\n\n<Code code={page} lang="md" />\n'
    extraction = extract(text)
    [snippet] = extraction.snippets
    assert snippet.code == "\n<Tabs>\n```js\nx\n```\n" and snippet.line == 8
    assert [d for d in extraction.diagnostics if d.severity is not Severity.INFO] == []


def test_api_request_renders_the_curl_command_cloudflare_shows(fixture_page: Extract) -> None:
    run, search, tabbed, raw = fixture_page("extract15/api-request.mdx").snippets
    assert run.line == line_of(API_PAGE, "<APIRequest") and run.label == "curl"
    assert run.code == (
        "curl https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/ai/run/@cf/meta/llama-3.1-8b-instruct \\\n"
        "\t--request POST \\\n"
        '\t--header "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\\n'
        "\t--json '{\n"
        '\t\t"prompt": "Where did the phrase Hello World come from?",\n'
        '\t\t"max_tokens": 64,\n'
        '\t\t"stream": false,\n'
        '\t\t"tags": [\n\t\t\t\t"docs",\n\t\t\t\t"single-quoted"\n\t\t]\n'
        "\t}'\n"
    )
    assert run.skip_reason is None and run.options["env.ACCOUNT_ID"] and run.options["env.CLOUDFLARE_API_TOKEN"]
    assert search.code.startswith("curl https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/ai/models/search"
                                  "?per_page=5 \\\n\t--request GET")
    assert (tabbed.label, raw.label, tabbed.group) == ("cURL", "Raw curl", raw.group)
    assert tabbed.code == raw.code and raw.options["rendered"] == "CURL"  # both components show one command
    assert tabbed.skip_reason is None and raw.skip_reason is None


def test_a_component_value_that_is_no_literal_is_a_warning_and_the_page_goes_on() -> None:
    text = '<APIRequest path="/accounts/{account_id}/ai/models/search" method="GET" json={body} />\n\n```sh\nls\n```\n'
    extraction = extract(text)
    [snippet] = extraction.snippets
    assert snippet.language == "sh" and snippet.line == 4
    [warning] = extraction.diagnostics
    assert warning.line == 1 and warning.message.startswith("<APIRequest> not extracted: json={...} is not a literal")


def test_curl_command_and_urls() -> None:
    assert curl_command("GET", "https://x/y", {}) == "curl https://x/y \\\n\t--request GET\n"
    form = curl_command("POST", "https://x", {"A": "b"}, form={"f": 'say "hi"', "n": True})
    assert form.endswith('\t--form "f=say \\"hi\\"" \\\n\t--form "n=true"\n')
    assert api_request_url("/zones/{zone_id}/dns_records", {"zone_id": "abc", "type": ["A", "AAAA"]}) == (
        "https://api.cloudflare.com/client/v4/zones/abc/dns_records?type=A&type=AAAA")
    assert api_request_url("/zones/{zone_id}/pcaps/{pcap_id}") == (
        "https://api.cloudflare.com/client/v4/zones/$ZONE_ID/pcaps/$PCAP_ID")


def test_code_given_inline_as_a_string_or_template_literal() -> None:
    text = '<Code code={"print(1)"} lang="py" />\n\n'
    text += '<Code code={`const a = \\`x\\`;\nconsole.log(a);`} lang="js" />\n\n'
    text += '<Code code={`${interpolated}`} lang="js" />\n'
    extraction = extract(text)
    python, js = extraction.snippets
    assert (python.code, python.line, js.code, js.line) == ("print(1)\n", 1, "const a = `x`;\nconsole.log(a);\n", 3)
    [warning] = extraction.diagnostics
    assert warning.line == 6 and "interpolates" in warning.message
