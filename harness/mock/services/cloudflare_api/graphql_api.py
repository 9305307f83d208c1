"""`/client/v4/graphql`: Cloudflare's GraphQL Analytics API, parsed and validated with graphql-core.

Cloudflare publishes its GraphQL schema only through introspection of the live API, which the harness
does not reach, so what is checked is what holds for every schema: the query parses; graphql-core's
schema-independent rules pass (undefined or unused variables, duplicate names, unknown or cyclic
fragments, several anonymous operations); the root is `viewer`, whose fields are `zones`, `accounts`
and `budget`, each of the first two with a `filter` naming its tag. Dataset fields below them
(`httpRequestsAdaptiveGroups { count dimensions { ... } }`) are not checked against a schema.

The answer mirrors the selection set (aliases kept, fragments merged): a field with a selection set is
a list of one object when its name is a collection (`zones`, `accounts`, `*Groups`, `*Adaptive`, other
plurals) else one object; a leaf gets a value by its name (counts and sums a number, `datetime*` a
time, `*Tag` the filter's tag).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    parse,
    validate,
)
from graphql.validation import (
    ExecutableDefinitionsRule,
    KnownFragmentNamesRule,
    LoneAnonymousOperationRule,
    NoFragmentCyclesRule,
    NoUndefinedVariablesRule,
    NoUnusedFragmentsRule,
    NoUnusedVariablesRule,
    UniqueArgumentNamesRule,
    UniqueFragmentNamesRule,
    UniqueInputFieldNamesRule,
    UniqueOperationNamesRule,
    UniqueVariableNamesRule,
)

from harness.mock.services.cloudflare_api.values import stable_id

RULES = (ExecutableDefinitionsRule, UniqueOperationNamesRule, LoneAnonymousOperationRule, KnownFragmentNamesRule,
         UniqueFragmentNamesRule, NoUnusedFragmentsRule, NoFragmentCyclesRule, UniqueVariableNamesRule,
         NoUndefinedVariablesRule, NoUnusedVariablesRule, UniqueArgumentNamesRule, UniqueInputFieldNamesRule)
SCHEMA = build_schema("type Query { viewer: String }")
"""Only carries the rules above, none of which reads field types."""
VIEWER_FIELDS = {"zones": "zoneTag", "accounts": "accountTag", "budget": None}
NUMBER_ENDINGS = ("count", "requests", "bytes", "visits", "views", "threats", "ms", "time", "duration", "tokens",
                  "cost", "budget", "sum", "avg", "max", "min", "quantile", "rate", "size", "errors", "ratio")


def answer(body: Any) -> tuple[dict[str, Any], list[str]]:
    """The GraphQL answer `{"data", "errors"}` to a request body, and the problems found in it."""
    if not isinstance(body, Mapping) or not isinstance(body.get("query"), str):
        problem = 'expected a JSON body {"query": "...", "variables": {...}}'
        return {"data": None, "errors": [{"message": problem}]}, [problem]
    try:
        document = parse(body["query"])
    except GraphQLError as error:
        return _failed([error])
    errors = list(validate(SCHEMA, document, RULES)) + _shape_errors(document)
    if errors:
        return _failed(errors)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return {"data": _mirror(operation.selection_set, fragments, ""), "errors": None}, []


def _failed(errors: list[GraphQLError]) -> tuple[dict[str, Any], list[str]]:
    shown = [e.formatted for e in errors]
    return {"data": None, "errors": shown}, [_words(e) for e in errors]


def _words(error: GraphQLError) -> str:
    where = f" (query line {error.locations[0].line})" if error.locations else ""
    return f"{error.message}{where}"


def _fields(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found += _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            found += _fields(fragments[selection.name.value].selection_set, fragments)
    return found


def _shape_errors(document: DocumentNode) -> list[GraphQLError]:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    errors: list[GraphQLError] = []
    for operation in (d for d in document.definitions if isinstance(d, OperationDefinitionNode)):
        if operation.operation.value != "query":
            errors.append(GraphQLError(f"Schema is not configured for {operation.operation.value}s.", operation))
        for root in _fields(operation.selection_set, fragments):
            if root.name.value not in ("viewer", "__typename"):
                errors.append(GraphQLError(f'Cannot query field "{root.name.value}" on type "Query".', root))
                continue
            for field in _fields(root.selection_set, fragments):
                errors += _viewer_field_errors(field)
    return errors


def _viewer_field_errors(field: FieldNode) -> list[GraphQLError]:
    name = field.name.value
    if name == "__typename":
        return []
    if name not in VIEWER_FIELDS:
        return [GraphQLError(f'Cannot query field "{name}" on type "viewer".', field)]
    tag = VIEWER_FIELDS[name]
    if tag is not None and not any(a.name.value == "filter" for a in field.arguments or ()):
        return [GraphQLError(f'Field "{name}" argument "filter" is required ({{{tag}: "..."}}).', field)]
    return []


def _mirror(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode],
            path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in _fields(selection_set, fragments):
        name = field.name.value
        key = field.alias.value if field.alias else name
        if field.selection_set is not None:
            item = _mirror(field.selection_set, fragments, f"{path}/{key}")
            out[key] = [item] if _is_collection(name) else item
        else:
            out[key] = _leaf(name, f"{path}/{key}")
    return out


def _is_collection(name: str) -> bool:
    return name in ("zones", "accounts") or name.endswith(("Groups", "Adaptive", "s")) and name not in (
        "dimensions", "sums", "avgs", "uniqs")


def _leaf(name: str, path: str) -> Any:
    lowered = name.lower()
    if name == "__typename":
        return "viewer"
    if lowered.startswith(("datetime", "timestamp")) or lowered in ("ts", "time"):
        return "2026-01-01T00:00:00Z"
    if lowered == "date" or lowered.startswith("date"):
        return "2026-01-01"
    if lowered.endswith("tag") or lowered.endswith("id"):
        return stable_id(path)
    if lowered.endswith(NUMBER_ENDINGS) or lowered.startswith(("sum", "avg", "count", "max", "min")):
        return 1
    return name
