"""`prefect.tasks.prefect`: tasks that drive other flow runs through a Prefect backend.

prefect-compat runs flows without a backend, so these import and build into flows, and
fail when they run with an error that says what to do instead.
"""

from prefect_compat.tasks.prefect.flow_run import (
    FlowRunTask,
    StartFlowRun,
    create_flow_run,
    get_task_run_result,
    wait_for_flow_run,
)
from prefect_compat.tasks.prefect.flow_run_cancel import CancelFlowRun, CancelFlowRunTask
from prefect_compat.tasks.prefect.flow_run_rename import RenameFlowRun, RenameFlowRunTask

__all__ = [
    "CancelFlowRun",
    "CancelFlowRunTask",
    "FlowRunTask",
    "RenameFlowRun",
    "RenameFlowRunTask",
    "StartFlowRun",
    "create_flow_run",
    "get_task_run_result",
    "wait_for_flow_run",
]
