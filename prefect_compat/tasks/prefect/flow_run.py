"""`create_flow_run`, `wait_for_flow_run`, `get_task_run_result`, `StartFlowRun`.

With Prefect these ask a Cloud/Server backend to start a registered flow and follow
it. prefect-compat has no backend: the names import, the tasks build into flows with
Prefect's signatures, and a run fails with `no_backend_error`, which names the flow and
says how to run the child flow here instead. 0.13's `FlowRunTask` is the deprecated
name of `StartFlowRun` (it warns, as 0.13 does).
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterable
from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.utilities.tasks import defaults_from_attrs, task

__all__ = [
    "FlowRunTask",
    "StartFlowRun",
    "create_flow_run",
    "get_task_run_result",
    "no_backend_error",
    "wait_for_flow_run",
]


def no_backend_error(what: str, flow: str | None = None) -> RuntimeError:
    """The error every backend-only task raises when it runs."""
    target = f" for flow {flow!r}" if flow else ""
    return RuntimeError(
        f"{what}{target} needs a Prefect Cloud/Server backend, and prefect-compat runs "
        "flows without one. Run the child flow in this process instead: build it in your "
        "script and call child_flow.run(parameters={...}) (from a task if the parent needs "
        "its final state), or run its script on its own with `prefect-compat run child.py`."
    )


@task
def create_flow_run(  # noqa: PLR0913, PLR0917 - Prefect's public signature
    flow_id: str | None = None,
    flow_name: str | None = None,
    project_name: str = "",
    parameters: dict | None = None,
    context: dict | None = None,
    labels: Iterable[str] | None = None,
    run_name: str | None = None,
    run_config: Any = None,
    scheduled_start_time: datetime.datetime | datetime.timedelta | None = None,
    idempotency_key: str | None = None,
) -> str:
    """Would create a flow run on the backend and return its id; raises RuntimeError."""
    raise no_backend_error("create_flow_run", flow_name or flow_id)


@task
def wait_for_flow_run(
    flow_run_id: str,
    stream_states: bool = True,
    stream_logs: bool = False,
    raise_final_state: bool = False,
    max_duration: datetime.timedelta = datetime.timedelta(hours=12),
) -> Any:
    """Would follow a backend flow run to its end; raises RuntimeError."""
    raise no_backend_error("wait_for_flow_run")


@task
def get_task_run_result(
    flow_run_id: str, task_slug: str, map_index: int = -1, poll_time: int = 5
) -> Any:
    """Would load a task result of a backend flow run; raises RuntimeError."""
    raise no_backend_error("get_task_run_result")


class StartFlowRun(Task):
    """Would start (and with `wait=True` follow) a registered flow; raises when run."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        flow_name: str | None = None,
        project_name: str | None = None,
        parameters: dict | None = None,
        run_config: Any = None,
        wait: bool = False,
        new_flow_context: dict | None = None,
        run_name: str | None = None,
        scheduled_start_time: datetime.datetime | None = None,
        poll_interval: datetime.timedelta = datetime.timedelta(seconds=10),
        create_link_artifact: bool = True,
        **kwargs: Any,
    ) -> None:
        self.flow_name = flow_name
        self.project_name = project_name
        self.parameters = parameters
        self.run_config = run_config
        self.new_flow_context = new_flow_context
        self.run_name = run_name
        self.wait = wait
        self.scheduled_start_time = scheduled_start_time
        self.poll_interval = poll_interval
        self.create_link_artifact = create_link_artifact
        if flow_name and not kwargs.get("name"):
            kwargs["name"] = f"Flow {flow_name}"
        super().__init__(**kwargs)

    @defaults_from_attrs("flow_name", "project_name", "parameters", "run_config")
    def run(  # type: ignore[override]  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        flow_name: str | None = None,
        project_name: str | None = None,
        parameters: dict | None = None,
        run_config: Any = None,
        new_flow_context: dict | None = None,
        run_name: str | None = None,
        idempotency_key: str | None = None,
        scheduled_start_time: datetime.datetime | None = None,
    ) -> str:
        """Raises RuntimeError: there is no backend to start the flow run on."""
        raise no_backend_error(f"StartFlowRun '{self.name}'", flow_name)


class FlowRunTask(StartFlowRun):
    """Prefect 0.13's deprecated name for `StartFlowRun`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            "`FlowRunTask` has been renamed to `prefect.tasks.prefect.StartFlowRun`, "
            "please update your code accordingly",
            UserWarning,
            stacklevel=2,
        )
        super().__init__(*args, **kwargs)
