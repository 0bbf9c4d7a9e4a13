"""Mapping: decide a mapped task's width and give each child its slice of upstream.

The parent of a mapped task runs a short pipeline (ready? upstream finished?
skipped?) that ends in `check_task_ready_to_map`, which yields `Mapped` with the
width, or Failed when nothing can be mapped. Then every child i gets:

  * mapped edge, Mapped upstream      -> that upstream's child state i
  * mapped edge, plain upstream       -> a copy of the upstream state whose result is value[i]
  * unmapped edge                     -> the upstream state as is (a Mapped parent whose
                                         result is the list of its children's results)

`flattened` edges see their upstream value flattened by one level first. States are
never mutated: slices are new state objects sharing everything but `_result`.
"""

from __future__ import annotations

from typing import Any, Callable

from prefect_compat._engine.lazy import LAZY_TYPES, RESUMED, gathered_lazily, is_lazy
from prefect_compat._engine.taskrun import EndRun, TaskRun
from prefect_compat.engine.result.base import Result
from prefect_compat.engine.state import Cached, Failed, Mapped, State, Success

__all__ = [
    "check_task_ready_to_map",
    "child_slicer",
    "flatten_value",
    "gathered",
    "reusable",
]


def gathered(message: str | None, children: list[Any], width: int) -> Mapped:
    """The parent's Mapped state once its children have final states.

    When a child was resumed and its value is still unread (`_engine/lazy.py`), the
    parent's value is built when first read, so closing the fan-out reads nothing.
    """
    if LAZY_TYPES and any(type(child._result) in LAZY_TYPES for child in children):
        result: Any = gathered_lazily(children)
    else:
        result = [child.result for child in children]
    return Mapped(message, result=result, map_states=children, n_map_states=width)


def reusable(previous: State | None) -> bool:
    """Whether a child's state from an earlier pass stands (finished, not Cached)."""
    return previous is not None and previous.is_finished() and not isinstance(previous, Cached)


def flatten_value(value: Any) -> list[Any]:
    """One level of flattening: [[1, 2], [3]] -> [1, 2, 3]; non-sequences stay items."""
    out: list[Any] = []
    for item in value:
        if isinstance(item, (list, tuple)):
            out.extend(item)
        else:
            out.append(item)
    return out


def _with_value(state: State, value: Any) -> State:
    new = state.__class__.__new__(state.__class__)
    new.__dict__.update(state.__dict__)
    new._result = state._result.from_value(value)
    return new


def _mapped_items(edge: Any, state: State) -> Any:
    """The sequence a mapped edge iterates over (children states or plain values)."""
    if isinstance(state, Mapped):
        if edge.flattened:
            return flatten_value(s.result for s in state.map_states)
        return state.map_states
    value = state.result
    return flatten_value(value) if edge.flattened else value


def check_task_ready_to_map(run: TaskRun) -> None:
    """End the parent's pipeline with Mapped(width) or a Failed that says why.

    A parent that is already Mapped (a later pass) ends with that same state; its
    children slots and cached inputs are filled in, as Prefect does. One resumed from
    the run journal (`RESUMED` in its context) keeps its children only if its upstream
    still gives as many items as when they were recorded.
    """
    state = run.state
    if isinstance(state, Mapped) and _same_width(run, state):
        if not state.map_states:
            state.map_states = [None] * state.n_map_states  # type: ignore[list-item]
        state.cached_inputs = {
            edge.key: up._result for edge, up in run.upstream.items() if edge.key is not None
        }
        raise EndRun(state)
    raise EndRun(Mapped("Ready to proceed with mapping.", n_map_states=_width(run)))


def _same_width(run: TaskRun, state: Mapped) -> bool:
    recorded = state.context.pop(RESUMED, None)
    if recorded is None or all(_as_recorded(edge, up) for edge, up in run.upstream.items()):
        return True
    width = _width(run)
    if width == state.n_map_states:
        return True
    run.plan.logger.warning(
        "Task '%s': its upstream now gives %d items where run %s had %d; all its mapped "
        "runs run again.",
        run.plan.name,
        width,
        recorded,
        state.n_map_states,
    )
    return False


def _as_recorded(edge: Any, up: State) -> bool:
    """Whether an upstream surely gives what it gave in the recorded run: an unmapped
    edge, or a resumed value still unread (read it only if something else changed)."""
    return not edge.mapped or (not isinstance(up, Mapped) and is_lazy(up._result))


def _width(run: TaskRun) -> int:
    """How many children the upstream states make (EndRun(Failed) when none can)."""
    widths = []
    for edge, up in run.upstream.items():
        if not edge.mapped or not up.is_successful():
            continue
        if isinstance(up, Mapped) and not edge.flattened:
            widths.append(up.n_map_states)
            continue
        items = _mapped_items(edge, up)
        if not hasattr(items, "__getitem__") or not hasattr(items, "__len__"):
            raise EndRun(Failed("At least one upstream state has an unmappable result."))
        widths.append(len(items))
    if run.upstream and not widths:
        raise EndRun(Failed("No upstream states can be mapped over."))
    return min(widths, default=0)


def child_slicer(upstream: dict[Any, State]) -> Callable[[int], dict[Any, State]]:
    """`slice(i)`: child i's upstream dict. Made when child i runs, so it is still in
    the CPU caches when the child reads it (not 2,000 children earlier)."""
    # (edge, items or None, State or None); Any because `state` is reused in the loop below.
    per_edge: list[tuple[Any, Any, Any]] = []
    for edge, state in upstream.items():
        if edge.mapped:
            items = _mapped_items(edge, state)
            if isinstance(state, Mapped) and not edge.flattened:
                per_edge.append((edge, items, None))
            elif isinstance(state, Mapped):
                per_edge.append((edge, items, Success(result=Result())))
            else:
                per_edge.append((edge, items, state))
        else:  # an unmapped edge, flattened or not (get_task_inputs flattens)
            per_edge.append((edge, None, state))

    def slice_for(i: int) -> dict[Any, State]:
        child: dict[Any, State] = {}
        for edge, items, state in per_edge:
            if items is None:
                child[edge] = state
            elif state is None:
                child[edge] = items[i]
            else:
                child[edge] = _with_value(state, items[i])
        return child

    return slice_for
