"""Front matter YAML: libyaml's safe loader, with plain documents built straight from its nodes.

PyYAML builds every document through a generic constructor (a memo of every node, generators
that fill mappings later, checks for recursion) that costs about as much as parsing. Front matter
is nearly always plain: mappings, lists and scalars with the standard tags, no aliases, no merge
keys. `PlainLoader` builds those with the safe loader's own scalar constructors and hands any
other document, unchanged, to the safe loader: the data, and the errors, are the safe loader's.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (about 5 times faster; the same marks on errors)."""

_TAG = "tag:yaml.org,2002:"
_SCALARS = {
    _TAG + "int": SafeLoader.construct_yaml_int,
    _TAG + "float": SafeLoader.construct_yaml_float,
    _TAG + "bool": SafeLoader.construct_yaml_bool,
    _TAG + "null": SafeLoader.construct_yaml_null,
    _TAG + "timestamp": SafeLoader.construct_yaml_timestamp,
}
"""The safe loader's constructors of the implicit scalar types (a `str` is the node's value)."""


class _NotPlain(Exception):
    """The document has an alias, a merge key, a complex key or another tag: the safe loader builds it."""


class PlainLoader(SafeLoader):  # type: ignore[valid-type,misc]  # CSafeLoader has no stubs
    """The safe loader, building plain documents without its generic bookkeeping."""

    def construct_document(self, node: Node) -> Any:
        try:
            return self._plain(node, set())
        except _NotPlain:
            return super().construct_document(node)

    def _plain(self, node: Node, seen: set[int]) -> Any:
        if id(node) in seen:  # an alias: the safe loader shares one object (and handles cycles)
            raise _NotPlain
        seen.add(id(node))
        tag = node.tag
        if type(node) is ScalarNode:
            if tag == _TAG + "str":
                return node.value
            construct = _SCALARS.get(tag)
            if construct is None:
                raise _NotPlain
            return construct(self, node)
        if type(node) is SequenceNode and tag == _TAG + "seq":
            return [self._plain(item, seen) for item in node.value]
        if type(node) is not MappingNode or tag != _TAG + "map":
            raise _NotPlain
        mapping = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag in (_TAG + "merge", _TAG + "value"):
                raise _NotPlain
            mapping[self._plain(key_node, seen)] = self._plain(value_node, seen)
        return mapping
