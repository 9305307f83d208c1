"""An SDK client a block uses without importing it: run with the import in front, said, and warned."""

from __future__ import annotations

from harness.extract.implied_imports import implied_imports
from harness.extract.prepare import ready
from harness.extract.worker_program import RAN_AS_OPTION
from harness.model import Severity

SDK_CALL = """const client = new Cloudflare({
\tapiToken: process.env['CLOUDFLARE_API_TOKEN'],
});

const video = await client.stream.copy.create({ account_id: 'abc', url: 'https://example.com/v.mp4' });
console.log(video.uid);
"""


def test_the_import_goes_on_the_first_line_so_page_lines_stay() -> None:
    implied = implied_imports(SDK_CALL, "ts")
    assert implied is not None and implied.names == ("Cloudflare",)
    assert implied.code.splitlines()[0] == 'import Cloudflare from "cloudflare"; const client = new Cloudflare({'
    assert implied.code.count("\n") == SDK_CALL.count("\n")


def test_nothing_is_implied_for_an_import_the_block_makes_or_another_language() -> None:
    assert implied_imports('import Cloudflare from "cloudflare";\n' + SDK_CALL, "ts") is None
    assert implied_imports(SDK_CALL, "py") is None
    assert implied_imports("console.log(1);\n", "js") is None


def test_a_block_that_lacks_only_the_import_runs_with_it_said_and_warned() -> None:
    done = ready(SDK_CALL, "ts", {}, None, {}, SDK_CALL.splitlines(), 48)
    assert done.skip_reason is None and done.options["kind"] == "script"
    assert done.code.startswith('import Cloudflare from "cloudflare"; const client')
    assert "the page leaves the import out" in done.options[RAN_AS_OPTION]
    [warning] = [p for p in done.problems if "without importing" in p.message]
    assert (warning.line, warning.severity) == (48, Severity.WARNING)
    assert "ReferenceError" in warning.message


def test_a_block_that_lacks_more_than_the_import_stays_a_fragment() -> None:
    code = "const openai = new OpenAI({ apiKey: env.OPENAI_KEY });\nconst r = await openai.models.list();\n"
    done = ready(code, "ts", {}, None, {}, code.splitlines(), 1)
    assert done.skip_reason == "fragment: uses `OpenAI` and `env`, never defined"
    assert RAN_AS_OPTION not in done.options and done.code == code
