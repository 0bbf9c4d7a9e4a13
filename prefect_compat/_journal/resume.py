"""Resume a recorded flow run: which task runs start from their checkpoints.

`prepare(flow, spec, force, given)` reads the journal and returns a `ResumePlan`:
the run (`"last"` of this flow, or an id or unique id prefix), the parameters to
default to, and `task_states` for the new run:

  * a task run that ended successful with a checkpoint that still exists (the
    Result's `exists`; for a local file also its recorded size and mtime) starts
    from a Success state whose Result reads the checkpoint only when a downstream
    task needs the value (`_engine/lazy.py`);
  * a mapped task gets a Mapped state of the recorded width whose resumed children
    stand and whose other children are None (they run); the engine checks at run
    time that the upstream still gives that many items (`mapping.py`);
  * a LOOP task that was killed between iterations goes on after its last
    checkpointed iteration (`attempt.start_frame`);
  * everything else runs again: failed, unfinished, never started, successful
    without a checkpoint (`checkpoint=False`, checkpointing off, a Result that does
    not persist) or whose checkpoint is gone or changed (logged).

A changed graph (fingerprint differs) is refused with the tasks added, removed or
rewired; with `force` the task runs of tasks that still match (same slug, same
upstream edges, every upstream task matching too) are resumed.

`requeue(flow, states)` runs after each pass of a resumed run: a checkpoint that
could not be read when its value was needed left the run that needed it waiting
(`CheckpointLost`); the task that wrote it runs again, then the waiting one.
Every bad input raises `ResumeError` with one line naming what was looked for.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any, NamedTuple

from prefect_compat._engine.lazy import KEPT, LOOP_AT, LOST, RESUMED, lazy
from prefect_compat._journal import store
from prefect_compat._journal.values import (
    UnloadableParameter,
    changed_parameters,
    decode_parameters,
)
from prefect_compat.engine.state import Mapped, Pending, Success

__all__ = ["ResumeError", "ResumePlan", "prepare", "requeue"]

LOGGER = logging.getLogger("prefect.Journal")
LIST_HINT = "list recorded runs with: prefect-compat runs ls"


class ResumeError(ValueError):
    """A resume that cannot be done; the message is one line."""


class ResumePlan(NamedTuple):
    run: store.RunInfo
    task_states: dict[Any, Any]
    parameters: dict[str, Any]
    copied: list[tuple[str, tuple[Any, ...]]]  # (slug, row after its task column)

    def rows_for(self, shape: Any) -> list[tuple[Any, ...]]:
        """The resumed task runs as rows of the new run (keyed by the new shape)."""
        position = {slug: i for i, slug in enumerate(shape.tasks)}
        return [(position[slug], *row) for slug, row in self.copied if slug in position]


def prepare(flow: Any, spec: Any, force: bool, given: dict[str, Any]) -> ResumePlan:
    from prefect_compat._engine.graph import compile_graph
    from prefect_compat._journal.shape import changes, shape_of
    from prefect_compat._journal.writer import flush, settings

    config = settings()
    if not config.enabled:
        raise ResumeError(
            f"cannot resume flow {flow.name!r}: the run journal is switched off "
            "(journal.enabled = false, or PREFECT__JOURNAL__ENABLED=false), so no run is recorded"
        )
    flush(config.path)
    try:
        conn = store.open_read(config.path)
    except store.JournalUnavailable as exc:
        raise ResumeError(f"cannot resume flow {flow.name!r}: {exc}; {LIST_HINT}") from None
    try:
        run = _find(conn, flow.name, str(spec), config.path)
        shape = shape_of(flow, compile_graph(flow))
        matching = set(shape.tasks)
        if run.fingerprint != shape.fingerprint:
            found = changes(run.shape, shape)
            if not force:
                raise ResumeError(
                    f"cannot resume run {run.id} of flow {flow.name!r}: the flow changed since "
                    f"({found.describe()}); pass --force (force_resume=True) to resume the "
                    "task runs that still match"
                )
            matching = found.matching
        rows = store.task_rows(conn, run.num)
    finally:
        conn.close()
    parameters = _parameters(flow, run, given)
    matching -= _downstream(shape, changed_parameters(run.parameters, given))
    states, copied, counts = _Builder(flow, run, matching).build(rows)
    LOGGER.info(
        "Resuming run %s of flow %r (started %s): %d task runs start from their "
        "checkpoints, the others run again.",
        run.id,
        flow.name,
        datetime.fromtimestamp(run.started).isoformat(sep=" ", timespec="seconds"),
        counts,
    )
    return ResumePlan(run, states, parameters, copied)


def _find(conn: Any, flow_name: str, spec: str, path: str) -> store.RunInfo:
    if spec == "last":
        runs = store.list_runs(conn, flow_name, limit=1)
        if not runs:
            raise ResumeError(
                f"no run of flow {flow_name!r} in the run journal at {path!r}; {LIST_HINT}"
            )
        run = runs[0]
    else:
        found = store.find_run(conn, spec)
        if not found:
            raise ResumeError(
                f"no run with id {spec!r} in the run journal at {path!r}; {LIST_HINT}"
            )
        if len(found) > 1:
            ids = ", ".join(r.id for r in found)
            raise ResumeError(f"run id {spec!r} is ambiguous ({ids}); give more of it")
        run = found[0]
    if run.flow_name != flow_name:
        raise ResumeError(
            f"run {run.id} is a run of flow {run.flow_name!r}, not of flow {flow_name!r}; "
            f"list this flow's runs with: prefect-compat runs ls --flow {flow_name!r}"
        )
    if run.alive():
        raise ResumeError(
            f"run {run.id} of flow {flow_name!r} is still running (pid {run.pid} on "
            f"{run.host}); wait for it to end, or resume another run"
        )
    return run


def _parameters(flow: Any, run: store.RunInfo, given: dict[str, Any]) -> dict[str, Any]:
    """The recorded run's parameters that the flow still declares and `given` lacks."""
    declared = {p.name for p in flow.parameters()}
    try:
        recorded = decode_parameters(run.parameters, skip=set(given) | {None})
    except UnloadableParameter as exc:
        raise ResumeError(f"cannot resume run {run.id}: {exc}; pass it again") from None
    return {name: value for name, value in recorded.items() if name in declared}


def _downstream(shape: Any, slugs: set[str]) -> set[str]:
    """`slugs` and every task downstream of them: their inputs differ from the run's."""
    found = set(slugs)
    if not found:
        return found
    position = {slug: i for i, slug in enumerate(shape.tasks)}
    for up, down, *_ in sorted(shape.edges, key=lambda edge: position[edge[1]]):
        if up in found:
            found.add(down)
    return found


class _Builder:
    """Turns a run's rows into the new run's task states (see the module docstring)."""

    def __init__(self, flow: Any, run: store.RunInfo, matching: set[str]) -> None:
        from prefect_compat.engine.results.local_result import LocalResult

        self.flow = flow
        self.run = run
        self.matching = matching
        self.local = LocalResult
        self.reasons: dict[str, list[str]] = {}
        self.copied: list[tuple[str, tuple[Any, ...]]] = []
        self.resumed = 0

    def build(self, rows: list[tuple[Any, ...]]) -> tuple[dict[Any, Any], list[Any], int]:
        from prefect_compat._journal.checkpoints import Readers

        slugs = self.run.slugs()
        by_slug: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            by_slug.setdefault(slugs[row[0]], []).append(row)
        task_of = {self.flow.slugs.get(t) or t.name: t for t in self.flow.tasks}
        states: dict[Any, Any] = {}
        readers = Readers(self.flow, self.local)
        from prefect_compat.core.parameter import Parameter

        for slug, task_rows in by_slug.items():
            task = task_of.get(slug)
            # a Parameter takes this run's value, which may differ from the recorded one
            if task is None or slug not in self.matching or isinstance(task, Parameter):
                continue
            state = self._task_state(slug, task_rows, readers.of(task))
            if state is not None:
                states[task] = state
        self._log()
        return states, self.copied, self.resumed

    def _task_state(self, slug: str, rows: list[tuple[Any, ...]], reader: Any) -> Any:
        parent = next((row for row in rows if row[1] == -1), None)
        if parent is None or parent[3] != store.KIND_MAPPED:
            return self._one(slug, parent, reader) if parent is not None else None
        width = parent[6]
        children: list[Any] = [None] * width
        for row in rows:
            if 0 <= row[1] < width:
                children[row[1]] = self._one(slug, row, reader)
        if not any(child is not None for child in children):
            return None
        self.copied.append((slug, (*parent[1:10], parent[10] or self.run.id)))
        context = {RESUMED: self.run.id}
        return Mapped(parent[4], map_states=children, n_map_states=width, context=context)

    def _one(self, slug: str, row: tuple[Any, ...], reader: Any) -> Any:
        _, index, _, kind, message, loop_count, _, result, serializer, stamp, origin = row
        if kind not in (store.KIND_OK, store.KIND_LOOPED):
            return None
        where = slug if index < 0 else f"{slug}[{index}]"
        if result is None:
            self._skip("they have no checkpoint", where)
            return None
        found = reader.read_from(json.loads(result), serializer, stamp)
        if isinstance(found, str):
            self._skip(found, where)
            return None
        value = lazy(found, (slug, None if index < 0 else index))
        if kind == store.KIND_LOOPED:
            context = {LOOP_AT: loop_count or 1}
            return Pending(
                f"Resuming after LOOP iteration {loop_count}", result=value, context=context
            )
        self.resumed += 1
        self.copied.append((slug, (*row[1:10], origin or self.run.id)))
        return Success(message, result=value)

    def _skip(self, reason: str, where: str) -> None:
        self.reasons.setdefault(reason, []).append(where)

    def _log(self) -> None:
        for reason, names in self.reasons.items():
            shown = ", ".join(repr(n) for n in names[:5])
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            log = LOGGER.info if reason.startswith("they have no") else LOGGER.warning
            log("Task runs %s%s run again: %s.", shown, more, reason)


def requeue(flow: Any, states: dict[Any, Any], run_id: str) -> bool:
    """Set up the tasks whose checkpoints could not be read to run again (module doc):
    the waiting runs start over (a fan-out from the Mapped state it kept), and the
    task runs that wrote the checkpoints lose their resumed states."""
    lost = []
    for task, state in list(states.items()):
        if isinstance(state, Mapped):
            children: list[Any] = state.map_states
            for index, child in enumerate(children):
                if child is not None and LOST in child.context:
                    lost.append(child.context[LOST])
                    children[index] = None
        elif state is not None and LOST in state.context:
            lost.append(state.context[LOST])
            kept = state.context.get(KEPT)
            if kept is None:
                del states[task]
            else:  # back to the resumed fan-out, its width checked again
                kept.context[RESUMED] = run_id
                states[task] = kept
    if not lost:
        return False
    task_of = {flow.slugs.get(t) or t.name: t for t in flow.tasks}
    for slug, index in lost:
        task = task_of.get(slug)
        state = states.get(task)
        if index is None:
            states.pop(task, None)
        elif isinstance(state, Mapped) and index < len(state.map_states):
            state.map_states[index] = None  # type: ignore[call-overload]
    return True
