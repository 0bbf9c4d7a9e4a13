"""`set_temporary_config`: change config keys for the length of a `with` block."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

from prefect_compat._config import restore_tree
from prefect_compat.configuration import Config, config
from prefect_compat.utilities.context import Context

__all__ = ["set_temporary_config"]


@contextmanager
def set_temporary_config(temp_config: Mapping[str, Any]) -> Iterator[Config]:
    """Set dotted keys (`{"flows.checkpointing": True}`) on the global config; undo on exit.

    Values are stored as given (no string casting, as in Prefect). Everything changed
    inside the block, by this call or by anything else, is restored on exit, also when
    the block raises. The restore works in place, so objects holding a reference to
    the config or to one of its sections keep seeing the live values. This snapshots
    the config once per block; it is a test/setup helper, not a hot path.
    """
    snapshot = config.to_dict()
    try:
        for dotted, value in temp_config.items():
            node: MutableMapping[str, Any] = config
            *sections, last = dotted.split(".")
            for name in sections:
                if not isinstance(node.get(name), MutableMapping):
                    node[name] = Config()
                node = node[name]
            node[last] = value
        # usually the context's config *is* `config` and this pushes a one-key frame; inside
        # a `context(config=...)` block it merges, so that block's config sees the values too
        with Context()(config=config):
            yield config
    finally:
        restore_tree(config, snapshot)
