"""The run loop: one pass over a compiled flow, with the executor injected.

Read this module first. A flow run is one or more *passes* (`run_pass`); a pass walks
the tasks in topological order and, for each task whose state is not final, gathers
its upstream states and hands `run_task(plan, state, upstream)` to `submit`.

Inline executors (LocalExecutor): `submit` runs the call at once and returns the
State, so a pass is a plain loop with no scheduler at all. A mapped task `wait`s for
its upstream states, runs the parent's short pipeline (`run_parent`), then runs one
child per index (`run_mapped`).

Deferred executors (Dask; `submit.deferred` is true, see remote.py): `submit` returns
a future and the pass never blocks on work it does not need yet (`run_pass_deferred`):
  * a plain task is submitted with its upstream states as they are (states or
    futures): the workers resolve the futures;
  * a mapped task needs its width, so the loop waits for upstream *futures* only,
    runs the parent here, and submits all children in one batch (`submit.many`,
    which groups them into a few chunks per worker thread, see remote.py). An
    upstream that is itself a fan-out of this pass is not waited for: its width is
    known, so child i simply depends on upstream child i's future (chained maps run
    depth first). Only unmapped or flattened edges from a fan-out wait for it;
  * a plain task downstream of a fan-out gets `(GATHER, message, width, futures)`
    for that edge and runs through `run_gathered`, which rebuilds the Mapped state
    on the worker;
  * at the end of the pass one `wait` resolves every future, fan-out children
    included, into final states;
  * a run whose worker process died comes back as `Died` (a suspect: others on that
    worker died with it) or `LOST` (it needed data from such a run). The pass then
    runs again for what is unfinished, without chunking, and each suspect alone with
    nothing else in flight (`_isolated`): one that dies alone ends Failed, by name,
    and its dependents see that Failed state like any other.

State kept between passes is just `states: {task: State}`. A pass leaves a task
unfinished when it is Retrying (its start time is in the future) or waits on one; the
caller (`entry.run_flow`, like Prefect's `flow.run`) sleeps until the earliest start
time and runs another pass, which keeps every finished state and re-runs the rest.

Example: a -> b.map -> c. Pass 1 runs a (Success [1, 2]), b's parent (Mapped, 2),
b[0], b[1], then c with b's Mapped state (result [b0, b1]) as its upstream. On Dask:
a is submitted, b's parent waits for a's future, b[0] and b[1] are submitted in one
batch, c is submitted with (GATHER, ..., [b0-future, b1-future]), and the closing
wait collects a, b[0], b[1] and c.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, cast

from prefect_compat import _context
from prefect_compat._engine.mapping import child_upstream
from prefect_compat._engine.pipeline import TaskRun, run_steps, transition
from prefect_compat._engine.remote import Died, worker_died
from prefect_compat.engine.state import (
    Cached,
    Looped,
    Mapped,
    Pending,
    Resume,
    Retrying,
    State,
)

__all__ = ["run_gathered", "run_pass", "run_pass_deferred", "run_task"]

RUNNER_LOGGER = logging.getLogger("prefect.TaskRunner")
NOT_AVAILABLE = Pending("Task state not available.")

Submit = Callable[..., Any]
Wait = Callable[[Any], Any]


def _start_frame(plan: Any, state: State | None, map_index: int | None) -> dict[str, Any]:
    frame: dict[str, Any] = plan.new_frame(map_index)
    if isinstance(state, Retrying):
        frame["task_run_count"] = (state.run_count or 1) + 1
        loop_count = state.context.get("_loop_count")
        if loop_count is not None:
            frame["task_loop_count"] = loop_count
            frame["task_loop_result"] = state.context.get("_loop_result")
    elif isinstance(state, Resume):
        frame["resume"] = True
    return frame


def _new_run(
    plan: Any, state: State | None, upstream: dict[Any, State], frame: dict[str, Any]
) -> TaskRun:
    if plan.constant_upstream:
        upstream = {**plan.constant_upstream, **upstream}
    run = TaskRun(plan, state if state is not None else Pending(), upstream, frame)
    if plan.constant_inputs:
        run.inputs = dict(plan.constant_inputs)
        run.raw_inputs = dict(plan.constant_raw)
    return run


def run_task(
    plan: Any, state: State | None, upstream: dict[Any, State], map_index: int | None = None
) -> State:
    """Run one task (or mapped child) to a final state, looping while it raises LOOP."""
    frame = _start_frame(plan, state, map_index)
    token = _context.push(frame)
    try:
        name = frame["task_full_name"]
        RUNNER_LOGGER.info("Task '%s': Starting task run...", name)
        run = _new_run(plan, state, upstream, frame)
        final = run_steps(run, plan.steps)
        while isinstance(final, Looped):
            count = frame.get("task_loop_count", 1) + 1
            frame["task_loop_count"] = count
            frame["task_loop_result"] = final.result
            transition(run, Pending(f"Looping task (on loop index {count})"))
            final = run_steps(run, plan.steps)
        RUNNER_LOGGER.info(
            "Task '%s': Finished task run for task with final state: '%s'",
            name,
            type(final).__name__,
        )
        return final
    finally:
        _context.pop(token)


def run_parent(plan: Any, state: State | None, upstream: dict[Any, State]) -> State:
    """The mapped parent's pipeline: ends in Mapped(width) or a final failure/skip."""
    frame = _start_frame(plan, state, None)
    token = _context.push(frame)
    try:
        run = _new_run(plan, state, upstream, frame)
        return run_steps(run, plan.parent_steps)
    finally:
        _context.pop(token)


def run_mapped(
    plan: Any, state: State | None, upstream: dict[Any, State], submit: Submit, wait: Wait
) -> State:
    """Run a mapped task: parent first, then one child per index."""
    parent = run_parent(plan, state, upstream)
    if not isinstance(parent, Mapped):
        return parent
    width = parent.n_map_states
    previous = state.map_states if isinstance(state, Mapped) else []
    children = []
    for index, child_ups in enumerate(child_upstream(upstream, width)):
        prev = previous[index] if index < len(previous) else None
        if prev is not None and prev.is_finished() and not isinstance(prev, Cached):
            children.append(prev)
        else:
            children.append(submit(run_task, plan, prev, child_ups, index))
    children = wait(children)
    return Mapped(
        parent.message,
        result=[child.result for child in children],
        map_states=children,
        n_map_states=width,
    )


def _keep(state: State | None) -> bool:
    return state is not None and state.is_finished() and not isinstance(state, (Cached, Mapped))


def run_pass(
    plans: dict[Any, Any],
    order: tuple[Any, ...],
    states: dict[Any, State],
    submit: Submit,
    wait: Wait,
) -> dict[Any, State]:
    """Run every unfinished task once, in topological order; returns `states` resolved."""
    if getattr(submit, "deferred", False):
        return run_pass_deferred(plans, order, states, submit, wait)
    for task in order:
        current = states.get(task)
        if _keep(current):
            continue
        plan = plans[task]
        upstream = {edge: states.get(edge.upstream_task, NOT_AVAILABLE) for edge in plan.edges}
        if plan.mapped:
            states[task] = run_mapped(plan, current, wait(upstream), submit, wait)
        else:
            states[task] = submit(run_task, plan, current, upstream)
    return cast("dict[Any, State]", wait(states))


# -- deferred executors ------------------------------------------------------------------

GATHER = "prefect_compat.gather"  # tags an upstream fan-out shipped as a plain tuple


def run_gathered(
    plan: Any, state: State | None, upstream: dict[Any, Any], map_index: int | None = None
) -> State:
    """`run_task` on a worker, after rebuilding Mapped upstreams from their children."""
    rebuilt: dict[Any, State] = {}
    for edge, value in upstream.items():
        if type(value) is tuple and value and value[0] == GATHER:
            _, message, width, children = value
            rebuilt[edge] = Mapped(
                message,
                result=[child.result for child in children],
                map_states=list(children),
                n_map_states=width,
            )
        else:
            rebuilt[edge] = value
    return run_task(plan, state, rebuilt, map_index)


class _Pass:
    """One deferred pass: states (values or futures), open fan-outs, whether any
    future came back without a state, and the suspects of worker deaths.

    `suspects` holds (task, map_index) of runs whose worker died under them while
    other runs shared it. The next attempt runs each suspect *alone* (everything in
    flight settled first), so only a run that kills its worker on its own ends
    Failed; bystanders of that death simply run again.
    """

    __slots__ = ("batch", "fanouts", "lost", "states", "submit", "suspects", "wait")

    def __init__(self, states: dict[Any, Any], submit: Any, wait: Wait, suspects: set[Any]) -> None:
        self.states = states
        self.submit = submit
        self.wait = wait
        self.suspects = suspects
        self.batch = not suspects  # chunk fan-outs until a run was lost (remote.py)
        self.fanouts: dict[Any, Mapped] = {}  # task -> Mapped whose map_states are futures
        self.lost = False


def run_pass_deferred(
    plans: dict[Any, Any],
    order: tuple[Any, ...],
    states: dict[Any, State],
    submit: Any,
    wait: Wait,
) -> dict[Any, State]:
    """`run_pass` for executors whose `submit` returns futures (module docstring)."""
    suspects: set[Any] = set()
    for _ in range(2 * len(order) + 2):
        p = _Pass(states, submit, wait, suspects)
        for task in order:
            current = states.get(task)
            if _keep(current):
                continue
            plan = plans[task]
            if plan.mapped:
                _submit_mapped(p, task, plan, current)
            else:
                _submit_task(p, task, plan, current)
        _barrier(p)
        if not p.lost:
            return states
        p.batch = False
    raise RuntimeError("Task runs kept losing their workers; giving up on this flow run.")


def _submit_task(p: _Pass, task: Any, plan: Any, current: State | None) -> None:
    upstream: dict[Any, Any] = {}  # States, futures or GATHER tuples
    fn = run_task
    for edge in plan.edges:
        up = edge.upstream_task
        fanout = p.fanouts.get(up)
        if fanout is None:
            upstream[edge] = p.states.get(up, NOT_AVAILABLE)
        else:
            upstream[edge] = (GATHER, fanout.message, fanout.n_map_states, fanout.map_states)
            fn = run_gathered
    if (task, None) in p.suspects:
        p.states[task] = _isolated(p, plan.name, fn, plan, current, upstream)
    else:
        p.states[task] = p.submit(fn, plan, current, upstream, label=plan.name)


def _submit_mapped(p: _Pass, task: Any, plan: Any, current: State | None) -> None:
    needed = []
    for edge in plan.edges:
        up = edge.upstream_task
        if up in p.fanouts:
            if not edge.mapped or edge.flattened:
                needed.append(up)
        elif up in p.states and not isinstance(p.states[up], State):
            needed.append(up)
    if needed:
        _settle(p, needed)
    upstream = {edge: p.states.get(edge.upstream_task, NOT_AVAILABLE) for edge in plan.edges}
    parent = run_parent(plan, current, upstream)
    if not isinstance(parent, Mapped):
        p.states[task] = parent
        return
    width = parent.n_map_states
    previous = current.map_states if isinstance(current, Mapped) else []
    children: list[Any] = []
    todo, labels, slots = [], [], []
    for index, child_ups in enumerate(child_upstream(upstream, width)):
        prev = previous[index] if index < len(previous) else None
        label = f"{plan.name}[{index}]"
        if prev is not None and prev.is_finished() and not isinstance(prev, Cached):
            children.append(prev)
        elif (task, index) in p.suspects:
            children.append(_isolated(p, label, run_task, plan, prev, child_ups, index))
        else:
            slots.append(index)
            children.append(None)
            todo.append((plan, prev, child_ups, index))
            labels.append(label)
    for index, future in zip(slots, p.submit.many(run_task, todo, labels, p.batch)):
        children[index] = future
    mapped = Mapped(parent.message, map_states=children, n_map_states=width)
    p.states[task] = mapped
    if todo:
        p.fanouts[task] = mapped
    else:
        mapped.result = [child.result for child in children]


def _isolated(p: _Pass, label: str, fn: Callable[..., Any], *args: Any) -> State:
    """Run a suspect of a worker death with nothing else in flight; if its worker
    dies now, the run itself is the cause and ends Failed."""
    _barrier(p)
    (state,) = p.wait([p.submit(fn, *args, label=label)])
    if type(state) is Died:
        RUNNER_LOGGER.error("Task '%s': its worker process died while running it.", label)
        return worker_died(label, state.error)
    if not isinstance(state, State):  # it depended on data a dying worker held
        p.lost = True
        return NOT_AVAILABLE
    return state


def _barrier(p: _Pass) -> None:
    """Settle every future and fan-out of the pass."""
    _settle(p, [t for t, s in p.states.items() if not isinstance(s, State)] + list(p.fanouts))


def _landed(p: _Pass, key: tuple[Any, ...], state: Any) -> State | None:
    """`state` if the run produced one; else note it as lost (and maybe a suspect)."""
    if isinstance(state, State):
        return state
    p.lost = True
    if type(state) is Died:
        p.suspects.add(key)
    return None


def _settle(p: _Pass, tasks: list[Any]) -> None:
    """Wait for `tasks` (futures and fan-outs) and store their final states."""
    plain = {t: p.states[t] for t in tasks if t not in p.fanouts}
    open_maps = {t: p.fanouts.pop(t) for t in tasks if t in p.fanouts}
    if not plain and not open_maps:
        return
    done, children = p.wait([plain, {t: m.map_states for t, m in open_maps.items()}])
    for task, state in done.items():
        landed = _landed(p, (task, None), state)
        if landed is None:
            del p.states[task]
        else:
            p.states[task] = landed
    for task, futures in children.items():
        kids = [_landed(p, (task, i), kid) or NOT_AVAILABLE for i, kid in enumerate(futures)]
        parent = open_maps[task]
        p.states[task] = Mapped(
            parent.message,
            result=[child.result for child in kids],
            map_states=kids,
            n_map_states=parent.n_map_states,
        )
