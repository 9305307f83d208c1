"""Shell blocks: prompts, continuation lines, expected output; placeholders."""

from __future__ import annotations

from harness.extract.placeholders import DEFAULT_PLACEHOLDERS, replace_placeholders
from harness.extract.shell import split_shell


def test_block_without_prompts_is_all_command() -> None:
    block = split_shell("npm install\nnpx wrangler deploy\n")
    assert (block.commands, block.expected_output) == ("npm install\nnpx wrangler deploy\n", None)


def test_prompts_continuations_and_output() -> None:
    source = "$ curl https://x \\\n  -H 'a: b' \\\n  -d '{}'\n{\"ok\": true}\n$ echo done\ndone\n"
    block = split_shell(source)
    assert block.commands == "curl https://x \\\n  -H 'a: b' \\\n  -d '{}'\necho done\n"
    assert block.expected_output == '{"ok": true}\ndone\n'


def test_greater_than_is_not_a_prompt() -> None:
    block = split_shell("$ node\n> 1 + 1\n2\n")
    assert block.commands == "node\n"
    assert block.expected_output == "> 1 + 1\n2\n"


def test_comments_above_the_first_prompt_stay_with_the_commands() -> None:
    block = split_shell("# install the package\n$ npm i @cloudflare/ai-utils\n")
    assert block.commands == "# install the package\nnpm i @cloudflare/ai-utils\n"
    assert block.expected_output is None


def test_dollar_inside_a_line_is_not_a_prompt() -> None:
    block = split_shell('echo "$ HOME"\nexport X=$Y\n')
    assert block.expected_output is None and block.commands.startswith('echo "$ HOME"')


def test_placeholders_are_exact_text_but_not_variables() -> None:
    code = "a/{ACCOUNT_ID}/b {account_id} {Account_Id} Bearer {API_TOKEN} ${ACCOUNT_ID}"
    replaced = replace_placeholders(code, DEFAULT_PLACEHOLDERS)
    assert replaced == (
        "a/023e105f4ecef8ad9ca31a8372d0c353/b 023e105f4ecef8ad9ca31a8372d0c353 {Account_Id} "
        "Bearer harness-test-token ${ACCOUNT_ID}"
    )


def test_placeholder_values_are_not_replaced_again() -> None:
    assert replace_placeholders("{A}{B}", {"{A}": "{B}", "{B}": "b"}) == "{B}b"
    assert replace_placeholders("{A}", {}) == "{A}"


def test_a_here_document_after_a_prompt_is_part_of_the_command() -> None:
    block = split_shell('$ echo "$CERT"\n-----BEGIN CERTIFICATE-----\n$ body=$(< <(cat <<EOF\n{"a": "$CERT"}\nEOF\n))\n'
                        "$ cat <<'END' > f\nhi\nEND\n$ cat f\nhi\n")
    assert block.commands == ('echo "$CERT"\nbody=$(< <(cat <<EOF\n{"a": "$CERT"}\nEOF\n))\n'
                              "cat <<'END' > f\nhi\nEND\ncat f\n")
    assert block.expected_output == "-----BEGIN CERTIFICATE-----\nhi\n"
