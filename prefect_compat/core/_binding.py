"""Turning a task call inside `with Flow(...)` into edges and constants.

`RunSpec` is what binding needs from a `run()` signature (argument names, which are
required, whether `**kwargs` is accepted). It is computed once per Task subclass (at
class creation, in `Task.__init_subclass__`) and once per decorated function, never
per call: Prefect calls `inspect.signature` on every bind. The same pass rejects
run() signatures the engine cannot call (`*args`, positional-only parameters, the
reserved names).

Binding itself is a dict walk with errors that name the task and the argument.
Nothing here touches a Flow's internals; `Task.bind` hands the result to
`Flow.set_dependencies`.
"""

from __future__ import annotations

import inspect
import typing
import warnings
from typing import Any, Callable

__all__ = [
    "RESERVED_ARGS",
    "RunSpec",
    "call_signature",
    "check_origins",
    "infer_nout",
    "resolve_flow",
    "run_inputs",
    "run_output",
    "warn_task_arguments",
]

RESERVED_ARGS = ("upstream_tasks", "mapped", "task_args", "flow")

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


class RunSpec:
    """The parts of a run() signature that binding reads, computed once."""

    __slots__ = ("accepted", "positional", "required", "signature", "var_keyword")

    def __init__(self, signature: inspect.Signature) -> None:
        params = list(signature.parameters.values())
        self.signature = signature
        self.positional = tuple(p.name for p in params if p.kind in _POSITIONAL)
        self.accepted = frozenset(
            p.name for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD
        )
        self.required = tuple(
            p.name
            for p in params
            if p.default is inspect.Parameter.empty
            and p.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        )
        self.var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)

    @classmethod
    def of(cls, fn: Callable[..., Any], owner: str, drop_self: bool = False) -> RunSpec:
        """Inspect `fn` once; raise if the engine could not call it by keyword."""
        signature = inspect.signature(fn)
        if drop_self and signature.parameters:
            params = list(signature.parameters.values())[1:]
            signature = signature.replace(parameters=params)
        _check_signature(signature, owner)
        return cls(signature)

    def bind(self, task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Arguments by name, as `run()` would receive them; TypeError naming the task."""
        if len(args) > len(self.positional):
            names = ", ".join(self.positional) or "no arguments"
            raise TypeError(
                f"Task {task.name!r}: too many positional arguments: run() takes "
                f"{len(self.positional)} ({names}) but {len(args)} were given."
            )
        bound = dict(zip(self.positional, args))
        for name, value in kwargs.items():
            if name in bound:
                raise TypeError(
                    f"Task {task.name!r}: run() got multiple values for argument {name!r}"
                )
            if name not in self.accepted and not self.var_keyword:
                raise TypeError(
                    f"Task {task.name!r}: run() got an unexpected keyword argument {name!r} "
                    f"(it accepts: {', '.join(sorted(self.accepted)) or 'no arguments'})"
                )
            bound[name] = value
        missing = [name for name in self.required if name not in bound]
        if missing:
            others = f" (also missing: {', '.join(map(repr, missing[1:]))})" if missing[1:] else ""
            raise TypeError(
                f"Task {task.name!r}: missing a required argument: {missing[0]!r}{others}. "
                "Pass it in the call, or as a task/constant via keyword."
            )
        return bound

    def accepts(self, key: str) -> bool:
        return self.var_keyword or key in self.accepted


def _check_signature(signature: inspect.Signature, owner: str) -> None:
    params = signature.parameters.values()
    var_positional = [p.name for p in params if p.kind is inspect.Parameter.VAR_POSITIONAL]
    if var_positional:
        raise ValueError(
            f"{owner}: run() takes *{var_positional[0]}, but tasks with variable positional "
            "arguments (*args) are not supported, because Prefect passes every argument by "
            "keyword. Accept **kwargs instead."
        )
    reserved = [name for name in RESERVED_ARGS if name in signature.parameters]
    if reserved:
        raise ValueError(
            f"Tasks cannot have the following argument names: {', '.join(reserved)}. "
            f"These are reserved keyword arguments ({owner})."
        )
    positional_only = [p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_ONLY]
    if positional_only:
        raise TypeError(
            f"Found positional-only parameters in the function signature for task {owner}: "
            f"{positional_only}. Prefect passes arguments by keyword; remove the '/'."
        )


def infer_nout(fn: Callable[..., Any]) -> int | None:
    """Length of a `Tuple[a, b]` / `tuple[a, b]` return annotation (0 for `Tuple[()]`), else None.

    Like Prefect, only real annotation objects count: string annotations (including
    every annotation under `from __future__ import annotations`) are not evaluated.
    """
    annotation = getattr(fn, "__annotations__", {}).get("return")
    if annotation is None or isinstance(annotation, str):
        return None
    if typing.get_origin(annotation) is not tuple:
        return None
    args = typing.get_args(annotation)
    if args == ((),) or (not args and hasattr(annotation, "__args__")):
        return 0  # `Tuple[()]`, the empty tuple (bare `Tuple` has no `__args__`)
    if not args or Ellipsis in args:
        return None
    return len(args)


def resolve_flow(flow: Any, task: Any) -> Any:
    """`flow`, or the one of the enclosing `with Flow(...)` block."""
    if flow is not None:
        return flow
    from prefect_compat import _context

    found = _context.lookup("flow", None)
    if found is None:
        from prefect_compat.exceptions import TaskCallError

        raise TaskCallError(outside_flow_message(task))
    return found


def outside_flow_message(task: Any) -> str:
    """The one message for a task called with no flow around it, naming both ways out."""
    return (
        "Tasks cannot be run outside of a flow. Could not infer an active Flow context "
        f"while creating edge to {task!r}. Either build a Prefect 1.x flow: call the "
        "task inside a `with Flow(...)` block (or pass flow=...) and run it with "
        "`flow.run()`; or run it now as a Prefect 2.x task: call it inside a function "
        "decorated with `@flow`. To call the underlying function directly, use "
        f"`{task.name}.fn(...)` (or `{task.name}.run(...)`)."
    )


def check_origins(flow: Any, values: Any) -> None:
    """Refuse a task built by a call in another flow's `with` block as an argument here.

    Such a task carries its arguments (constants, upstream edges) in the other flow,
    so in this one it would run without them.
    """
    serial = flow._serial
    tasks = flow.tasks
    for value in values:
        origin = getattr(value, "_origin", None)
        if origin is not None and origin[0] != serial and value not in tasks:
            raise ValueError(
                f"Task {value.name!r} was created by a call inside flow {origin[1]!r} and "
                f"cannot be used as an argument in flow {flow.name!r}: its arguments belong "
                f"to {origin[1]!r}. Call the task again inside `with Flow({flow.name!r})`, "
                "or add it to this flow first (flow.update(other_flow))."
            )


def warn_task_arguments(cls_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Warn when a Task is passed to a Task subclass constructor instead of its call."""
    from prefect_compat.core.task import Task

    if not any(isinstance(v, Task) for v in (*args, *kwargs.values())):
        return False
    warnings.warn(
        f"A Task was passed as an argument to {cls_name}, you likely want to first "
        f"initialize {cls_name} with any static (non-Task) arguments, then call the "
        "initialized task with any dynamic (Task) arguments instead:\n\n"
        f"  my_task = {cls_name}(...)  # static (non-Task) args go here\n"
        "  res = my_task(...)  # dynamic (Task) args go here\n",
        UserWarning,
        stacklevel=3,
    )
    return True


# -- introspection: inputs(), outputs(), inspect.signature(task) ----------------------------
def own_hints(task: Any) -> dict[str, Any]:
    """run()'s annotations evaluated, for prefect-compat's own task classes only.

    Our modules postpone annotations, so their signatures hold strings where Prefect's
    built-in tasks report types. A user's string annotations stay strings, as they do
    in Prefect.
    """
    run = task.__dict__.get("run") or type(task).run
    if not getattr(run, "__module__", "").startswith("prefect_compat."):
        return {}
    try:
        return typing.get_type_hints(run)
    except (NameError, TypeError):  # an annotation this Python cannot evaluate
        return {}


def _typed_params(task: Any) -> list[inspect.Parameter]:
    found = []
    hints = None
    for param in task._spec().signature.parameters.values():
        if isinstance(param.annotation, str):
            hints = own_hints(task) if hints is None else hints
            found.append(param.replace(annotation=hints.get(param.name, param.annotation)))
        else:
            found.append(param)
    return found


def run_inputs(task: Any) -> dict[str, dict[str, Any]]:
    """`{argument: {"type", "default", "required"}}` from the task's run() signature."""
    found = {}
    for param in _typed_params(task):
        empty = param.default is param.empty
        found[param.name] = {
            "type": Any if param.annotation is param.empty else param.annotation,
            "default": None if empty else param.default,
            "required": empty,
        }
    return found


def run_output(task: Any) -> Any:
    """The run() return annotation, `typing.Any` when there is none."""
    annotation = task._spec().signature.return_annotation
    if annotation is inspect.Signature.empty:
        return Any
    if isinstance(annotation, str):
        return own_hints(task).get("return", annotation)
    return annotation


def call_signature(task: Any, extra: list[inspect.Parameter]) -> inspect.Signature:
    """run()'s parameters, then `extra` (keyword-only), then run()'s `**kwargs` if any."""
    params = _typed_params(task)
    var_keyword = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
    named = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
    return inspect.Signature([*named, *extra, *var_keyword], return_annotation="Task")
