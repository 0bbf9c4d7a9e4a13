"""`Module` storage: the flow is an attribute of an importable Python module."""

from __future__ import annotations

import importlib
from typing import Any

from prefect_compat.storage.base import Storage

__all__ = ["Module"]


class Module(Storage):
    """Flows found by importing `module`; works locally (`get_flow` imports it)."""

    def __init__(self, module: str, **kwargs: Any) -> None:
        self.module = module
        super().__init__(**kwargs)

    def add_flow(self, flow: Any) -> str:
        return self._record(flow, self.module)

    def get_flow(self, flow_name: str) -> Any:
        """Import the module and return its Flow named `flow_name`."""
        from prefect_compat.core.flow import Flow

        location = self._location(flow_name)
        name = flow_name if flow_name in self.flows else next(iter(self.flows))
        found = importlib.import_module(location)
        for value in vars(found).values():
            if isinstance(value, Flow) and value.name == name:
                return value
        raise ValueError(f"Failed to find flow {name!r} in {location!r}")

    def build(self) -> Storage:
        return self
