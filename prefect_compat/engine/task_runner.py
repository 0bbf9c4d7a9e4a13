"""`TaskRunner`: Prefect's task runner, a face over the engine's task-run pipeline.

`TaskRunner(task).run(state, upstream_states, context)` runs the task through the
engine's one entry (`_engine/flow_run.run_task`), the same pipeline a flow run uses.
Every pipeline step is also a method under Prefect's name and signature, callable on
its own (`check_task_trigger(state, upstream_states)` returns the state or raises
`ENDRUN(new_state)`, firing state handlers on the way, as Prefect's do). A subclass
that overrides one gets it called at that point of every run; see `_engine/hooks.py`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator, MutableMapping, NamedTuple

from prefect_compat import _context
from prefect_compat._engine import flow_run, hooks
from prefect_compat._engine.plan import Hooks, direct_plan
from prefect_compat._engine.taskrun import EndRun, TaskRun, transition
from prefect_compat.engine.result.base import Result
from prefect_compat.engine.runner import ENDRUN, Runner, call_state_handlers
from prefect_compat.engine.state import Failed, Looped, Paused, Pending, Resume, Retrying, State
from prefect_compat.utilities.logging import get_logger

__all__ = ["ENDRUN", "TaskRunner", "TaskRunnerInitializeResult", "call_state_handlers"]


class TaskRunnerInitializeResult(NamedTuple):
    state: Any
    context: Any


class _ContextView(MutableMapping[str, Any]):
    """The run context as a mapping: reads see every frame, writes land in the top one.

    A step called directly by a subclass sees the same keys (`task_run_count`,
    `task_full_name`, ...) it sees inside a run, and its writes reach the context.
    """

    def __getitem__(self, key: str) -> Any:
        return _context.lookup(key)

    def __setitem__(self, key: str, value: Any) -> None:
        _context.assign(key, value)

    def __delitem__(self, key: str) -> None:
        _context.delete(key)

    def __iter__(self) -> Iterator[str]:
        return _context.keys()

    def __len__(self) -> int:
        return len(_context.flatten())


class TaskRunner(Runner):
    """Runs a single Task through the task-run pipeline."""

    _hook_names = hooks.TASK_HOOKS

    def __init__(self, task: Any, state_handlers: Any = None, flow_result: Any = None) -> None:
        super().__init__(state_handlers)
        self.context = _context.flatten()
        self.task = task
        self.flow_result = flow_result
        if task.result is not None:
            self.result = task.result
        else:
            self.result = flow_result.copy() if flow_result is not None else Result()
        self._plan: Any = None

    def __repr__(self) -> str:
        return f"<TaskRunner: {self.task.name}>"

    def _hooks(self) -> Hooks:
        return Hooks(self, self._overridden(TaskRunner), tuple(self.state_handlers), None)

    def run(
        self,
        state: State | None = None,
        upstream_states: dict | None = None,
        context: dict | None = None,
        is_mapped_parent: bool = False,
    ) -> State:
        """Run the task from `state` given its upstream states; return the new State."""
        return flow_run.run_task(
            self.task,
            self._hooks(),
            state=state,
            upstream_states=upstream_states,
            context=context,
            is_mapped_parent=is_mapped_parent,
            flow_result=self.flow_result,
        )

    # -- handlers -------------------------------------------------------------------
    def call_runner_target_handlers(self, old_state: State, new_state: State) -> State:
        """The task's own state handlers (its `on_failure` among them)."""
        for handler in self.task.state_handlers or ():
            replaced = handler(self.task, old_state, new_state)
            if replaced is not None:
                new_state = replaced
        return new_state

    # -- the pipeline steps, callable one by one ----------------------------------------
    def _direct_plan(self) -> Any:
        """The plan the methods below run steps on (built once per runner).

        Its state changes go through `self.handle_state_change`, as a decorated
        Prefect method's do (so a handler's error ends in ENDRUN(Failed(...))).
        """
        if self._plan is None:
            found = Hooks(self, frozenset({"handle_state_change"}), (), None)
            self._plan = direct_plan(self.task, self.flow_result, found)
        return self._plan

    def _step(
        self,
        name: str,
        state: State,
        upstream: dict | None = None,
        inputs: dict | None = None,
        returns: bool = False,
    ) -> TaskRun:
        """Run the engine's step `name` on a one-off TaskRun, as a decorated method.

        Handlers fire on a change of state. A step that ends the run raises
        ENDRUN(state), unless `returns`: Prefect's method returns that state instead
        (a cache or target hit is only acted on by the steps after it).
        """
        current = hooks.calling_run()
        plan: Any
        frame: Any
        if current is not None and current.plan.task is self.task:
            plan, frame = current.plan, current.frame  # a super() call inside a run
        else:
            plan, frame = self._direct_plan(), _ContextView()
        run = TaskRun(plan, state, dict(upstream or {}), frame)
        if inputs:
            run.inputs = dict(inputs)
            run.raw_inputs = {key: result.value for key, result in run.inputs.items()}
        try:
            hooks.STOCK[name](run)
        except EndRun as stop:
            if stop.state is not run.state:
                transition(run, stop.state)
            if not returns:
                raise ENDRUN(run.state) from None
        except Exception as exc:  # noqa: BLE001 - as Prefect's decorator: errors become Failed
            if _context.get("raise_on_exception"):
                raise
            self.logger.exception("Unexpected error: %r", exc)
            transition(run, Failed(f"Unexpected error: {exc!r}", result=exc))
        return run

    def initialize_run(self, state: State | None, context: dict) -> TaskRunnerInitializeResult:
        """The state to start from; the run's keys set in `context` (in place, as Prefect).

        The run count follows the state (a Retrying one's attempt + 1), loop keys come
        from a retried loop's state, and `resume` from a Resume state.
        """
        if context is None:
            raise TypeError("TaskRunner.initialize_run needs a context dict to fill.")
        state, context = super().initialize_run(state, context)
        if isinstance(state, Retrying):
            context["task_run_count"] = (state.run_count or 1) + 1
        else:
            context["task_run_count"] = state.context.get("task_run_count", 1)
        loop_count = state.context.pop("_loop_count", None)
        if loop_count is not None:
            context["task_loop_count"] = loop_count
            context["task_loop_result"] = state.context.pop("_loop_result", state.result)
        if isinstance(state, Resume) or (
            isinstance(state, Paused)
            and state.start_time is not None
            and state.start_time <= datetime.now(timezone.utc)
        ):
            context["resume"] = True
        context["task_name"] = self.task.name
        context["task_tags"] = self.task.tags
        context.setdefault("checkpointing", _checkpointing(context))
        full_name = context.get("task_full_name")
        mapped = isinstance(context.get("map_index"), int) and full_name
        context["logger"] = get_logger(full_name if mapped else self.task.name)
        return TaskRunnerInitializeResult(state, context)

    def check_task_is_ready(self, state: State) -> State:
        return self._step("check_task_is_ready", state).state

    def check_task_reached_start_time(self, state: State) -> State:
        return self._step("check_task_reached_start_time", state).state

    def check_upstream_finished(self, state: State, upstream_states: dict) -> State:
        return self._step("check_upstream_finished", state, upstream_states).state

    def check_upstream_skipped(self, state: State, upstream_states: dict) -> State:
        if not self.task.skip_on_upstream_skip:
            return state
        return self._step("check_upstream_skipped", state, upstream_states).state

    def check_task_ready_to_map(self, state: State, upstream_states: dict) -> State:
        return self._step("check_task_ready_to_map", state, upstream_states).state

    def check_task_trigger(self, state: State, upstream_states: dict) -> State:
        return self._step("check_task_trigger", state, upstream_states).state

    def load_results(self, state: State, upstream_states: dict) -> tuple[State, dict]:
        return state, upstream_states

    def get_task_inputs(self, state: State, upstream_states: dict) -> dict:
        return self._step("get_task_inputs", state, upstream_states).inputs

    def set_task_run_name(self, task_inputs: dict) -> None:
        """`task_run_name` rendered into the current context (not decorated: errors raise)."""
        if self.task.task_run_name:
            view: Any = _ContextView()
            run = TaskRun(self._direct_plan(), Pending(), {}, view)
            run.raw_inputs = {key: result.value for key, result in task_inputs.items()}
            hooks.STOCK["set_task_run_name"](run)

    def check_target(self, state: State, inputs: dict) -> State:
        if not self.task.target:
            return state
        return self._step("check_target", state, inputs=inputs, returns=True).state

    def check_task_is_cached(self, state: State, inputs: dict) -> State:
        return self._step("check_task_is_cached", state, inputs=inputs, returns=True).state

    def set_task_to_running(self, state: State, inputs: dict) -> State:
        if not isinstance(state, Pending):  # Cached and Mapped too: only Pending states start
            raise ENDRUN(state)
        return self._step("set_task_to_running", state, inputs=inputs).state

    def get_task_run_state(self, state: State, inputs: dict) -> State:
        return self._step("get_task_run_state", state, inputs=inputs).state

    def cache_result(self, state: State, inputs: dict) -> State:
        if self.task.cache_for is None:
            return state
        return self._step("cache_result", state, inputs=inputs).state

    def check_for_retry(self, state: State, inputs: dict) -> State:
        if not self.task.max_retries:
            return state
        return self._step("check_for_retry", state, inputs=inputs).state

    def check_task_is_looping(
        self,
        state: State,
        inputs: dict | None = None,
        upstream_states: dict | None = None,
        context: dict | None = None,
    ) -> State:
        """A Looped state runs the task again with the loop keys advanced in `context`."""
        if not isinstance(state, Looped):
            return state
        if context is None:
            context = _context.flatten()
        count = (state.loop_count or 1) + 1
        context.update(task_loop_count=count, task_loop_result=state.result)
        return self.run(
            state=Pending(f"Looping task (on loop index {count - 1})"),
            upstream_states=upstream_states,
            context=context,
        )


def _checkpointing(context: dict) -> Any:
    config = context.get("config") or _context.get("config")
    return config.flows.checkpointing if config is not None else False
