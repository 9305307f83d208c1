"""Configuration: rules off or at another severity, per page glob and tab; snippet options."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import apply_to_findings, apply_to_snippet, load, parse
from harness.errors import HarnessError
from harness.model import Finding, Severity, Snippet


def finding(rule: str, page: str = "docs/ai/model.md", sid: str = "docs/ai/model.md::g1::curl") -> Finding:
    return Finding(rule=rule, name="x", severity=Severity.WARNING, message="m", page=page, line=1, snippet_id=sid)


def test_rules_by_code_or_name_globally_and_per_page_and_tab() -> None:
    config = parse({
        "rules": {"json-content-type": "error", "REQ004": "off"},
        "overrides": [{"pages": "ai/**", "tabs": ["curl"], "rules": {"REQ005": "info"}}],
    }, "test")
    labels = {"docs/ai/model.md::g1::curl": "curl", "docs/ai/model.md::g1::node": "node"}
    curl = apply_to_findings(config, [finding("REQ005"), finding("REQ004"), finding("REQ003")], labels)
    assert [(f.rule, f.severity) for f in curl] == [("REQ005", Severity.INFO), ("REQ003", Severity.WARNING)]
    node = apply_to_findings(config, [finding("REQ005", sid="docs/ai/model.md::g1::node")], labels)
    assert [f.severity for f in node] == [Severity.ERROR]


def test_snippet_options_from_config_yield_to_the_page() -> None:
    config = parse({"overrides": [{"pages": "*.md", "skip": "needs R2", "timeout": 5}]}, "test")
    snippet = Snippet(id="a.md::g1::1", page="a.md", group="g1", label=None, language="py", code="", line=1,
                      options={"timeout": "9"})
    configured = apply_to_snippet(config, snippet)
    assert configured.options == {"skip": "needs R2", "timeout": "9"}
    assert configured.skip_reason == "skipped by configuration: needs R2"


@pytest.mark.parametrize("data, message", [
    ({"rules": {"NOPE": "off"}}, "unknown rule 'NOPE'"),
    ({"rules": {"REQ004": "loud"}}, "choose one of off, error, warning, info"),
    ({"overrides": [{"tabs": ["x"]}]}, "needs `pages"),
    ({"colour": "red"}, "unknown setting(s) colour"),
])
def test_bad_config_is_a_clear_error(data: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(HarnessError, match="test"):
        try:
            parse(data, "test")
        except HarnessError as error:
            assert message in str(error)
            raise


def test_found_in_pyproject_or_harness_toml(tmp_path: Path) -> None:
    assert load(start=tmp_path).rules == {}
    (tmp_path / "pyproject.toml").write_text('[tool.harness]\ntimeout = 12\n[tool.harness.rules]\nREQ004 = "off"\n')
    assert load(start=tmp_path).timeout_s == 12.0
    (tmp_path / "harness.toml").write_text('[rules]\nREQ005 = "error"\n')
    assert load(start=tmp_path).rules == {"REQ005": "error"}
