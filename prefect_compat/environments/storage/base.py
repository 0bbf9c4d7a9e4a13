"""0.13's `prefect.environments.storage.base`: the 1.x `Storage`, plus 0.13's manners.

0.13's storage classes are the 1.x classes (`prefect_compat.storage`) with 0.13's
constructor arguments where they differ, 0.13's default agent labels
(e.g. "s3-flow-storage") and 0.13's `get_flow(flow_location)`, which takes the
location `add_flow` returned (a flow name also works here).
"""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import Storage

__all__ = ["Storage"]


class Legacy013:
    """Mixin for the 0.13 storage classes: default label and `get_flow(flow_location)`."""

    default_label: str | None = None

    @property
    def default_labels(self) -> list[str]:
        if self.default_label is None:
            return super().default_labels  # type: ignore[misc, no-any-return]
        return [self.default_label]

    def get_flow(self, flow_location: str | None = None) -> Any:
        """The flow stored at `flow_location` (0.13 passes the location from add_flow)."""
        if flow_location is None:
            raise ValueError("No flow location provided")
        return super().get_flow(flow_location)  # type: ignore[misc]
