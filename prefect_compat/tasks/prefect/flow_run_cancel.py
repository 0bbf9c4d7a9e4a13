"""`CancelFlowRun`: would cancel a backend flow run; raises when run (no backend)."""

from __future__ import annotations

import warnings
from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.tasks.prefect.flow_run import no_backend_error
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["CancelFlowRun", "CancelFlowRunTask"]


class CancelFlowRun(Task):
    """Would cancel flow run `flow_run_id` on the backend; raises RuntimeError."""

    def __init__(self, flow_run_id: str | None = None, **kwargs: Any) -> None:
        self.flow_run_id = flow_run_id
        super().__init__(**kwargs)

    @defaults_from_attrs("flow_run_id")
    def run(self, flow_run_id: str | None = None) -> bool:  # type: ignore[override]
        raise no_backend_error(f"CancelFlowRun '{self.name}'")


class CancelFlowRunTask(CancelFlowRun):
    """Prefect 0.13's deprecated name for `CancelFlowRun`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            "`CancelFlowRunTask` has been renamed to `prefect.tasks.prefect.CancelFlowRun`, "
            "please update your code accordingly",
            UserWarning,
            stacklevel=2,
        )
        super().__init__(*args, **kwargs)
