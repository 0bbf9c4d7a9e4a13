"""The run loop: one pass over a compiled flow, with the executor injected.

Read this module first. A flow run is one or more *passes* (`run_pass`); a pass walks
the tasks in topological order and, for each task whose state is not final, gathers
its upstream states and hands `plan.entry(plan, state, upstream)` to `submit`
(`attempt.run_planned` for the stock runners; see plan.py for runner hooks).

Inline executors (LocalExecutor): `submit` runs the call at once and returns the
State, so a pass is a plain loop with no scheduler at all. A mapped task `wait`s for
its upstream states, runs the parent's short pipeline (`plan.parent_entry`), then
runs one child per index (`_run_mapped`).

Deferred executors (Dask; `submit.deferred` is true, see remote.py): `submit` returns
a future and the pass never blocks on work it does not need yet (`_run_pass_deferred`):
  * a plain task is submitted with its upstream states as they are (states or
    futures): the workers resolve the futures;
  * a mapped task needs its width, so the loop waits for upstream *futures* only,
    runs the parent here, and submits all children in one batch (`submit.many`,
    which groups them into a few chunks per worker thread, see remote.py). An
    upstream that is itself a fan-out of this pass is not waited for: its width is
    known, so child i simply depends on upstream child i's future (chained maps run
    depth first). Only unmapped or flattened edges from a fan-out wait for it;
  * a plain task downstream of a fan-out gets `(GATHER, message, width, futures)`
    for that edge and runs through `attempt.run_gathered`, which rebuilds the
    Mapped state on the worker;
  * at the end of the pass one `wait` resolves every future, fan-out children
    included, into final states;
  * a run whose worker process died comes back as `Died` (a suspect: others on that
    worker died with it) or `LOST` (it needed data from such a run). The pass then
    runs again for what is unfinished, without chunking, and each suspect alone with
    nothing else in flight (`_isolated`): one that dies alone ends Failed, by name,
    and its dependents see that Failed state like any other.

State kept between passes is just `states: {task: State}`. A pass leaves a task
unfinished when it is Retrying (its start time is in the future) or waits on one; the
caller (`flow_run.run_flow`, like Prefect's `flow.run`) sleeps until the earliest start
time and runs another pass, which keeps every finished state and re-runs the rest.

Example: a -> b.map -> c. Pass 1 runs a (Success [1, 2]), b's parent (Mapped, 2),
b[0], b[1], then c with b's Mapped state (result [b0, b1]) as its upstream. On Dask:
a is submitted, b's parent waits for a's future, b[0] and b[1] are submitted in one
batch, c is submitted with (GATHER, ..., [b0-future, b1-future]), and the closing
wait collects a, b[0], b[1] and c.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, cast

from prefect_compat._engine.attempt import GATHER, RUNNER_LOGGER, run_gathered
from prefect_compat._engine.lazy import CheckpointLost
from prefect_compat._engine.mapping import child_slicer, gathered, reusable
from prefect_compat._engine.remote import Died, worker_died
from prefect_compat.engine.state import Cached, Mapped, Pending, State

__all__ = ["run_pass"]

NOT_AVAILABLE = Pending("Task state not available.")

Submit = Callable[..., Any]
Wait = Callable[[Any], Any]
Note = Callable[[tuple[Any, int, State]], None]


def _keep(state: State | None) -> bool:
    return state is not None and state.is_finished() and not isinstance(state, (Cached, Mapped))


def _fanout(
    parent: Mapped, upstream: dict[Any, Any], width: int
) -> Iterator[tuple[int, State | None, dict[Any, Any] | None]]:
    """(index, previous state, upstream) per child; a reusable previous state stands
    (and its upstream slice is not made: a resumed fan-out reads nothing it need not).

    The previous children are the parent's: the Mapped state of an earlier pass (or
    of a resumed run) that the parent's pipeline kept, none for a fresh fan-out.
    """
    previous = parent.map_states
    known = len(previous)
    slice_for = None  # made when the first child runs
    for index in range(width):
        prev = previous[index] if index < known else None
        if prev is not None and reusable(prev):
            yield index, prev, None
            continue
        if slice_for is None:
            slice_for = child_slicer(upstream)
        yield index, prev, slice_for(index)


def run_pass(  # noqa: PLR0913 - the pass's inputs, plus the journal's note
    plans: dict[Any, Any],
    order: tuple[Any, ...],
    states: dict[Any, State],
    submit: Submit,
    wait: Wait,
    deferred: bool,
    *,
    note: Note | None = None,
) -> dict[Any, State]:
    """Run every unfinished task once, in topological order; returns `states` resolved.

    `deferred`: `submit` returns futures (module docstring), else final states.
    `note`: the run journal's recorder (`_journal/writer.py`), or None. With an inline
    executor it receives `(plan, -1, state)` for every task run and mapped parent and
    `(plan, index, state)` for every mapped child, as each one ends; a deferred pass is
    recorded by the caller once its states are known.
    """
    if deferred:
        return _run_pass_deferred(plans, order, states, submit, wait)
    for task in order:
        current = states.get(task)
        if _keep(current):
            continue
        plan = plans[task]
        upstream = {edge: states.get(edge.upstream_task, NOT_AVAILABLE) for edge in plan.edges}
        if plan.mapped:
            try:
                states[task] = _run_mapped(plan, current, wait(upstream), submit, wait, note)
            except CheckpointLost as lost:  # slicing a resumed upstream's value failed
                states[task] = lost.waiting(current)
        else:
            states[task] = state = submit(plan.entry, plan, current, upstream)
            if note is not None:
                note((plan, -1, state))
    return cast("dict[Any, State]", wait(states))


def _run_mapped(  # noqa: PLR0913 - one mapped task, plus the journal's note
    plan: Any,
    current: State | None,
    upstream: dict[Any, State],
    submit: Submit,
    wait: Wait,
    note: Note | None = None,
) -> State:
    """A mapped task on an inline executor: parent first, then one child per index."""
    parent: State = plan.parent_entry(plan, current, upstream)
    if note is not None and parent is not current:
        note((plan, -1, parent))
    if not isinstance(parent, Mapped):
        return parent
    width = parent.n_map_states
    if note is None:
        children = [
            prev if reusable(prev) else submit(plan.entry, plan, prev, child_ups, index)
            for index, prev, child_ups in _fanout(parent, upstream, width)
        ]
    else:
        children = []
        for index, prev, child_ups in _fanout(parent, upstream, width):
            child = prev
            if child_ups is not None:  # not a child that stands from before
                child = submit(plan.entry, plan, prev, child_ups, index)
                note((plan, index, child))
            children.append(child)
    return gathered(parent.message, wait(children), width)


# -- deferred executors ------------------------------------------------------------------


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


def _run_pass_deferred(
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
    fn = plan.entry
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
    parent = plan.parent_entry(plan, current, upstream)
    if not isinstance(parent, Mapped):
        p.states[task] = parent
        return
    try:
        fanout = list(_fanout(parent, upstream, parent.n_map_states))
    except CheckpointLost as lost:  # slicing a resumed upstream's value failed
        p.states[task] = lost.waiting(current)
        return
    _submit_children(p, task, plan, parent, fanout)


def _submit_children(p: _Pass, task: Any, plan: Any, parent: Mapped, fanout: list[Any]) -> None:
    width = parent.n_map_states
    children: list[Any] = []
    todo, labels, slots = [], [], []
    for index, prev, child_ups in fanout:
        label = f"{plan.name}[{index}]"
        if reusable(prev):
            children.append(prev)
        elif (task, index) in p.suspects:
            children.append(_isolated(p, label, plan.entry, plan, prev, child_ups, index))
        else:
            slots.append(index)
            children.append(None)
            todo.append((plan, prev, child_ups, index))
            labels.append(label)
    if not todo:
        p.states[task] = gathered(parent.message, children, width)
        return
    for index, future in zip(slots, p.submit.many(plan.entry, todo, labels, p.batch)):
        children[index] = future
    p.states[task] = p.fanouts[task] = Mapped(
        parent.message, map_states=children, n_map_states=width
    )


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
        p.states[task] = gathered(parent.message, kids, parent.n_map_states)
