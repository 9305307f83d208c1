"""Query parameters and generated values against the contract's own schemas (cases the fuzzer found)."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from harness.mock.services.cloudflare_api.values import value_of

from .every_operation import HEADERS, app_client

ACCOUNT = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353"


def test_query_parameters_beside_one_whose_schema_refers_to_its_defs_are_validated_not_a_crash() -> None:
    client = app_client()
    logs = f"{ACCOUNT}/ai-gateway/gateways/abc/logs"
    assert client.delete(f"{logs}?filters=x", headers=HEADERS).status_code == 200  # objects: not from a flat query
    answer = client.delete(f"{logs}?filters=x&limit=many", headers=HEADERS)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"] == "query.limit: 'many' is not of type 'integer'"


def test_an_empty_value_of_a_required_array_parameter_is_sent() -> None:
    answer = app_client().delete(f"{ACCOUNT}/devices/registrations?id=", headers=HEADERS)
    assert answer.status_code == 200, answer.text


def test_a_value_fits_a_one_of_that_only_one_branch_accepts() -> None:
    schema = {"oneOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                        {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}},
                         "additionalProperties": False}]}
    value = value_of(schema, schema, "x")
    assert Draft202012Validator(schema).is_valid(value), value


def test_ids_take_the_schema_s_format_and_recursion_ends() -> None:
    schema = {"$defs": {"Node": {"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string", "format": "uuid"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}},
        "$ref": "#/$defs/Node"}
    value = value_of(schema, schema, "0123456789abcdef0123456789abcdef")
    assert value["id"] == "01234567-89ab-cdef-0123-456789abcdef"
    assert Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid(value), value
