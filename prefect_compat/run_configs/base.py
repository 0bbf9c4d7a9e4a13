"""`RunConfig` and `UniversalRun`: where and how a backend agent would start a flow run.

prefect-compat has no agents, so run configs are accepted and stored (`flow.run_config`)
with Prefect's arguments and attributes, and do nothing, with two exceptions applied by
a local `flow.run()` (`core/_run_config.py`): the `env` of a `LocalRun` or
`UniversalRun`, and the `working_dir` of a `LocalRun`.

Every run config equals another of the same class with the same attributes (as in
Prefect), is unhashable, and `serialize()`s to a plain dict of its attributes (labels as
a sorted list) plus `type` and `__version__` (prefect-compat's version).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["RunConfig", "UniversalRun"]


def _text(value: Any) -> str | None:
    """Prefect stores cpu/memory sizes as strings: 1024 -> "1024"."""
    return None if value is None else str(value)


class RunConfig:
    """Base class of the run configs: environment variables and agent labels."""

    def __init__(self, env: dict | None = None, labels: Iterable[str] | None = None) -> None:
        self.env = env
        self.labels = set(labels) if labels else set()

    def __eq__(self, other: Any) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # equal by value and mutable, as in Prefect

    def serialize(self) -> dict:
        """A plain dict of the attributes, plus the class name and our version."""
        from prefect_compat import __version__

        data = dict(vars(self))
        data["labels"] = sorted(self.labels)
        data["__version__"] = __version__
        data["type"] = type(self).__name__
        return data


class UniversalRun(RunConfig):
    """A run config any agent accepts; locally its `env` is applied to `flow.run()`."""
