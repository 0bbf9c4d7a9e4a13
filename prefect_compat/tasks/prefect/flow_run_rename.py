"""`RenameFlowRun`: would rename a backend flow run; raises when run (no backend)."""

from __future__ import annotations

import warnings
from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.tasks.prefect.flow_run import no_backend_error
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["RenameFlowRun", "RenameFlowRunTask"]


class RenameFlowRun(Task):
    """Would rename flow run `flow_run_id` to `flow_run_name`; raises RuntimeError."""

    def __init__(
        self, flow_run_id: str | None = None, flow_run_name: str | None = None, **kwargs: Any
    ) -> None:
        self.flow_run_id = flow_run_id
        self.flow_run_name = flow_run_name
        super().__init__(**kwargs)

    @defaults_from_attrs("flow_run_id", "flow_run_name")
    def run(self, flow_run_id: str, flow_run_name: str) -> bool:  # type: ignore[override]
        raise no_backend_error(f"RenameFlowRun '{self.name}'")


class RenameFlowRunTask(RenameFlowRun):
    """Prefect 0.13's deprecated name for `RenameFlowRun`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            "`RenameFlowRunTask` has been renamed to `prefect.tasks.prefect.RenameFlowRun`, "
            "please update your code accordingly",
            UserWarning,
            stacklevel=2,
        )
        super().__init__(*args, **kwargs)
