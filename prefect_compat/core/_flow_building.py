"""Making a Flow: `Flow(<function>)` as a 2.x flow, the constructor's checks and first
graph, and what a `with Flow(...)` block reports.

`Flow` keeps Prefect's signatures and docstrings and delegates here, so `core/flow.py`
stays about the graph itself. Inside `with Flow(...)`, `Flow.add_task` reports each
new task to an open `case` or resource manager block (context keys "case" and
"resource": `block.add_task(task, flow)`), except Parameters and Constants, which
always stay root tasks, as in Prefect. Tasks instantiated in the block but never
added to the flow are named by one warning when the block ends. All of this runs
while a flow is built, never during a task run.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterable
from typing import Any

from prefect_compat import _context
from prefect_compat.core.edge import Edge
from prefect_compat.core.parameter import Parameter
from prefect_compat.core.task import Task
from prefect_compat.tasks.core.constants import Constant

__all__ = [
    "InitSignature",
    "add_given_graph",
    "checked_name",
    "checked_result",
    "enter_block",
    "exit_block",
    "parameter_root_error",
    "report_to_blocks",
    "v2_flow",
]

_BLOCK_HOOKS = ("case", "resource")
# Parameters and constants always stay root tasks: never put behind a case or resource
_ROOT_ONLY = (Parameter, Constant)


class InitSignature:
    """`inspect.signature(cls)` from `cls.__init__` (a class that defines `__new__` would
    otherwise show `__new__`'s `(*args, **kwargs)`); instances have no such attribute."""

    def __get__(self, obj: Any, cls: type) -> inspect.Signature:
        if obj is not None:
            raise AttributeError("__signature__")
        signature = inspect.signature(cls.__init__)  # type: ignore[misc]
        return signature.replace(parameters=list(signature.parameters.values())[1:])


def v2_flow(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The 2.x flow that `Flow(<function>, ...)` or `Flow(fn=...)` means; None otherwise."""
    fn = args[0] if args else kwargs.get("fn")
    if fn is None or not callable(fn) or isinstance(fn, str):
        return None
    from prefect_compat.flows import Flow as V2Flow

    return V2Flow(*args, **kwargs)


def checked_name(name: Any) -> str:
    """The flow's name, refused when empty or not a string."""
    if not name:
        raise ValueError("A name must be provided for the flow.")
    if not isinstance(name, str):
        raise TypeError(f"A flow's name must be a string (received {name!r}).")
    return name


def checked_result(result: Any, result_handler: Any, name: str) -> Any:
    """The flow's `result`: a class or name is refused now; a 0.10/0.13 handler converted."""
    from prefect_compat.engine.result.base import check_result_argument

    check_result_argument(result, f"Flow {name!r}")
    if result_handler is None:
        return result
    from prefect_compat._compat.handlers import accept_result_handler

    return accept_result_handler(result, result_handler)


def add_given_graph(
    flow: Any, tasks: Iterable[Task] | None, edges: Iterable[Edge] | None, validate: bool | None
) -> None:
    """The `tasks` and `edges` given to `Flow(...)`, added in that order."""
    for task in tasks or ():
        flow.add_task(task)
    for edge in edges or ():
        flow.add_edge(
            edge.upstream_task,
            edge.downstream_task,
            key=edge.key,
            mapped=edge.mapped,
            flattened=edge.flattened,
            validate=validate,
        )


def report_to_blocks(flow: Any, task: Task) -> None:
    """Tell the open `case` / resource blocks, if any, that `task` joined `flow`."""
    if isinstance(task, _ROOT_ONLY):  # as in Prefect: never inside a case/resource
        return
    for key in _BLOCK_HOOKS:
        block = _context.lookup(key, None)
        if block is not None:
            block.add_task(task, flow)


def enter_block(flow: Any) -> None:
    """`with flow:` makes `flow` the context's "flow" until the block ends."""
    flow._context_tokens.append(_context.push({"flow": flow}))


def exit_block(flow: Any, exc_type: Any) -> None:
    """The end of `with flow:` restores the context and, unless the block raised, warns
    (at the `with` line) of tasks instantiated in it but never added to the flow."""
    _context.pop(flow._context_tokens.pop())
    unused = list(flow._unused_task_tracker)
    flow._unused_task_tracker.clear()
    if not unused or exc_type is not None:
        return
    warnings.warn(
        f"Tasks were created but not added to the flow: {set(unused)}. They were "
        f"instantiated inside `with Flow({flow.name!r})` but never called, passed to "
        "another task or added with flow.add_task(); they will not run.",
        UserWarning,
        stacklevel=3,
    )


def parameter_root_error(task: Parameter) -> ValueError:
    """The error for an edge or a constant into Parameter `task`: Parameters are root tasks."""
    return ValueError(
        f"Parameters must be root tasks and can not have upstream dependencies ({task!r} was "
        "given one). Pass the value to the flow run instead: flow.run(parameters={...})."
    )
