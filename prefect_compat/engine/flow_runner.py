"""`FlowRunner`: one pass of a flow run, Prefect's public interface over `_engine`.

`run()` compiles the flow (cached by graph version), builds the task plans once per
runner, pushes one flow frame onto the context and hands the plans to
`_engine.loop.run_pass` with the executor's `submit`/`wait`. Retries across passes
are driven by `Flow.run` (see `_engine/entry.py`), exactly as in Prefect.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from prefect_compat import _context
from prefect_compat._engine.graph import compile_graph
from prefect_compat._engine.loop import run_pass, run_task
from prefect_compat._engine.plan import build_plans
from prefect_compat._engine.remote import submitter
from prefect_compat.engine import get_default_executor_class, get_default_task_runner_class
from prefect_compat.engine.runner import Runner
from prefect_compat.engine.state import (
    Failed,
    Mapped,
    Pending,
    Running,
    Scheduled,
    State,
    Success,
)

__all__ = ["FlowRunner"]


def _date_keys(now: datetime) -> dict[str, Any]:
    fmt = "%Y-%m-%d"
    day = timedelta(days=1)
    return {
        "date": now,
        "today": now.strftime(fmt),
        "yesterday": (now - day).strftime(fmt),
        "tomorrow": (now + day).strftime(fmt),
        "today_nodash": now.strftime("%Y%m%d"),
        "yesterday_nodash": (now - day).strftime("%Y%m%d"),
        "tomorrow_nodash": (now + day).strftime("%Y%m%d"),
    }


def _expand(states: Iterable[State]) -> list[State]:
    out: list[State] = []
    for state in states:
        if isinstance(state, Mapped) and state.map_states:
            out.extend(_expand(state.map_states))
        else:
            out.append(state)
    return out


def _stock_task_runner() -> type:
    from prefect_compat.engine.task_runner import TaskRunner

    return TaskRunner


def run_with_runner_class(
    runner_cls: type, flow_result: Any, plan: Any, state: Any, upstream: dict, map_index: Any = None
) -> State:
    """One task run through a user's TaskRunner subclass (the slow, faithful path)."""
    handlers = [handler for handler, owner in plan.handlers if owner is not plan.task]
    runner = runner_cls(task=plan.task, state_handlers=handlers, flow_result=flow_result)
    upstream_states = {**plan.constant_upstream, **upstream}
    return runner.run(
        state=state, upstream_states=upstream_states, context={"map_index": map_index}
    )


def _via_runner_class(submit: Any, runner_cls: type, flow: Any) -> Any:
    """Route task runs through `runner_cls` when the user configured their own class."""
    flow_result = getattr(flow, "result", None)

    def routed(fn: Any, *args: Any) -> Any:
        if fn is run_task:
            return submit(run_with_runner_class, runner_cls, flow_result, *args)
        return submit(fn, *args)

    return routed


class FlowRunner(Runner):
    """Runs a Flow once: `FlowRunner(flow).run(...)` returns the flow's State."""

    def __init__(self, flow: Any, task_runner_cls: type | None = None, state_handlers: Any = None):
        super().__init__(state_handlers)
        self.flow = flow
        self.task_runner_cls = task_runner_cls or get_default_task_runner_class()
        self._plans: Any = None
        self._plans_key: Any = None

    def __repr__(self) -> str:
        return f"<FlowRunner: {self.flow.name}>"

    # -- handlers -----------------------------------------------------------------
    def call_runner_target_handlers(self, old_state: State, new_state: State) -> State:
        for handler in self.flow.state_handlers or ():
            replaced = handler(self.flow, old_state, new_state)
            if replaced is not None:
                new_state = replaced
        on_failure = getattr(self.flow, "on_failure", None)
        if on_failure is not None and new_state.is_failed():
            on_failure(self.flow, new_state)
        return new_state

    # -- setup --------------------------------------------------------------------
    def _compiled(self, handlers: Iterable | None) -> tuple[Any, dict]:
        graph = compile_graph(self.flow)
        handlers = tuple(handlers or ())
        flow_result = getattr(self.flow, "result", None)
        key = (graph.version, id(graph), id(flow_result), handlers)
        if self._plans is None or self._plans_key != key:
            self._plans = build_plans(self.flow, graph, handlers, self._task_runner_for(handlers))
            self._plans_key = key
        return graph, self._plans

    def _task_runner_for(self, handlers: tuple[Any, ...]) -> Any:
        """What runner-level task handlers receive: a TaskRunner for their task."""
        flow_result = getattr(self.flow, "result", None)

        def make(task: Any) -> Any:
            return self.task_runner_cls(
                task=task, state_handlers=list(handlers), flow_result=flow_result
            )

        return make

    def _flow_frame(self, context: dict | None, parameters: dict | None) -> dict[str, Any]:
        flow = self.flow
        frame: dict[str, Any] = dict(context or {})
        params = {p.name: p.default for p in flow.parameters() if not p.required}
        params.update(_context.get("parameters") or {})
        params.update(parameters or {})
        frame["parameters"] = params
        frame["flow_name"] = flow.name
        frame.setdefault("flow_id", flow.name)
        frame.setdefault("flow_run_id", _context.get("flow_run_id") or str(uuid.uuid4()))
        frame.setdefault("flow_run_name", _context.get("flow_run_name") or frame["flow_run_id"])
        now = datetime.now(timezone.utc)
        frame.setdefault("scheduled_start_time", now)
        date = frame.get("date") or _context.get("date") or now
        for key, value in _date_keys(date).items():
            frame.setdefault(key, value)
        if "checkpointing" not in frame and not _context.contains("checkpointing"):
            config = _context.get("config")
            frame["checkpointing"] = config.flows.checkpointing if config is not None else False
        return frame

    # -- the run ------------------------------------------------------------------
    def run(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        state: State | None = None,
        task_states: dict | None = None,
        return_tasks: Iterable | None = None,
        parameters: dict | None = None,
        task_runner_state_handlers: Iterable | None = None,
        executor: Any = None,
        context: dict | None = None,
        task_contexts: dict | None = None,
    ) -> State:
        """Run every task that is not finished yet; return the flow's new State."""
        flow = self.flow
        self.logger.info("Beginning Flow run for '%s'", flow.name)
        return_tasks = set(return_tasks or ())
        token = _context.push(self._flow_frame(context, parameters))
        try:
            state = state if state is not None else Pending()
            if state.is_finished() or (
                isinstance(state, Scheduled)
                and state.start_time is not None
                and state.start_time > datetime.now(timezone.utc)
            ):
                return state
            given = _context.get("parameters")
            missing = sorted(
                p.name for p in flow.parameters() if p.required and p.name not in given
            )
            if not isinstance(state, Running):
                state = self.handle_state_change(state, Running("Running flow."))
            graph, plans = self._compiled(task_runner_state_handlers)
            self._apply_task_contexts(plans, task_contexts)
            states = self._run_pass(graph, plans, dict(task_states or {}), executor)
            return self._final_state(state, states, return_tasks, missing)
        except Exception as exc:  # noqa: BLE001 - unexpected engine error: Failed flow state
            if _context.get("raise_on_exception"):
                raise
            self.logger.exception("Unexpected error while running flow '%s'", flow.name)
            return Failed(f"Unexpected error while running flow: {exc!r}", result=exc)
        finally:
            _context.pop(token)

    def _run_pass(self, graph: Any, plans: dict, states: dict, executor: Any) -> dict:
        if executor is None:
            executor = getattr(self.flow, "executor", None) or get_default_executor_class()()
        with executor.start():
            submit = submitter(executor)
            if self.task_runner_cls is not _stock_task_runner():
                submit = _via_runner_class(submit, self.task_runner_cls, self.flow)
            return run_pass(plans, graph.order, states, submit, executor.wait)

    def _apply_task_contexts(self, plans: dict, task_contexts: dict | None) -> None:
        for task, extra in (task_contexts or {}).items():
            if task in plans:
                plans[task].frame.update(extra)

    def _final_state(
        self, state: State, states: dict, return_tasks: set, missing: list[str]
    ) -> State:
        flow = self.flow
        returned = {t: states.get(t, Pending("Task not run.")) for t in return_tasks}
        terminal = _expand(states[t] for t in flow.terminal_tasks())
        if not all(s.is_finished() for s in terminal):
            self.logger.info("Flow run RUNNING: terminal tasks are incomplete.")
            new = Running(state.message, result=returned)
            new.context = state.context
            return new
        reference = _expand(states[t] for t in flow.reference_tasks())
        if any(s.is_failed() for s in reference):
            self.logger.info("Flow run FAILED: some reference tasks failed.")
            message = "Some reference tasks failed."
            if missing:
                message += " Required parameters were not provided: " + ", ".join(missing) + "."
            final: State = Failed(message, result=returned)
        elif all(s.is_successful() for s in reference):
            self.logger.info("Flow run SUCCESS: all reference tasks succeeded")
            final = Success("All reference tasks succeeded.", result=returned)
        else:
            self.logger.info("Flow run SUCCESS: no reference tasks failed")
            final = Success("No reference tasks failed.", result=returned)
        handler = getattr(flow, "terminal_state_handler", None)
        if handler is not None:
            replaced = handler(flow, final, set(reference))
            final = replaced if replaced is not None else final
        return self.handle_state_change(state, final)
