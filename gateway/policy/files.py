"""Read a policy YAML file strictly: a key written twice is an error, not a silent override."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class PolicyFileError(Exception):
    """A policy file is missing, not YAML, or does not match its model."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys.

    Policy files are edited in blocks by several teams; PyYAML would let a second
    `system/hcm/v1:` block silently replace the first.
    """


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_policy_yaml(path: Path) -> Any:
    """The parsed document at `path`, or PolicyFileError naming the file and the fault."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyFileError(f"{path}: {exc}") from exc
