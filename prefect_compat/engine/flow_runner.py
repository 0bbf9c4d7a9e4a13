"""`FlowRunner`: Prefect's flow runner, a face over the engine's one entry.

`FlowRunner(flow).run(...)` runs one pass of the flow through `_engine/flow_run.py`
and returns the flow's State (retries across passes are `Flow.run`'s job, as in
Prefect). The steps of that pass are methods under Prefect's names and signatures
(`initialize_run`, `check_flow_is_pending_or_running`, `check_flow_reached_start_time`,
`set_flow_to_running`, `get_flow_run_state`, `determine_final_state`), each
callable on its own; a subclass that overrides one has it called at that point of
every run, and a `task_runner_cls` subclass has its overrides called per task run.
`run_task` is a module function here, as in Prefect (never a FlowRunner method).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator, NamedTuple

from prefect_compat import context as prefect_context
from prefect_compat._engine import flow_run, flow_steps, hooks
from prefect_compat._engine.flow_run import FlowHooks, FlowRun
from prefect_compat._engine.mapping import gathered
from prefect_compat.engine import get_default_task_runner_class
from prefect_compat.engine.runner import ENDRUN, Runner, call_state_handlers
from prefect_compat.engine.state import Mapped, State
from prefect_compat.engine.task_runner import TaskRunner
from prefect_compat.utilities.logging import get_logger

__all__ = [
    "ENDRUN",
    "FlowRunner",
    "FlowRunnerInitializeResult",
    "call_state_handlers",
    "flow_hooks",
    "run_task",
]


class FlowRunnerInitializeResult(NamedTuple):
    state: Any
    task_states: Any
    context: Any
    task_contexts: Any


def _task_runner_names(cls: Any) -> frozenset[str]:
    """The TaskRunner methods `cls` overrides; a class of another kind runs whole."""
    if isinstance(cls, type) and issubclass(cls, TaskRunner):
        return cls._overridden(TaskRunner)
    return frozenset({"run"})


def flow_hooks(runner: Any) -> FlowHooks:
    """What the engine needs to know about `runner` (any object with Prefect's `run`)."""
    if isinstance(runner, FlowRunner):
        return runner._hooks()
    logger = get_logger(type(runner).__name__)
    return FlowHooks(runner, frozenset({"run"}), TaskRunner, frozenset(), logger)


class FlowRunner(Runner):
    """Runs a Flow once: `FlowRunner(flow).run(...)` returns the flow's State."""

    _hook_names = hooks.FLOW_HOOKS

    def __init__(self, flow: Any, task_runner_cls: type | None = None, state_handlers: Any = None):
        super().__init__(state_handlers)
        self.flow = flow
        self.task_runner_cls = task_runner_cls or get_default_task_runner_class()

    def __repr__(self) -> str:
        return f"<FlowRunner: {self.flow.name}>"

    def _hooks(self) -> FlowHooks:
        cls = self.task_runner_cls
        names = self._overridden(FlowRunner)
        task_logger = get_logger(cls.__name__ if isinstance(cls, type) else "TaskRunner")
        return FlowHooks(self, names, cls, _task_runner_names(cls), self.logger, task_logger)

    def _flow_run(self, executor: Any = None) -> FlowRun:
        return FlowRun(self.flow, self._hooks(), executor)

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
        return flow_run.run_flow(
            self.flow,
            self._hooks(),
            state=state,
            task_states=task_states,
            return_tasks=return_tasks,
            parameters=parameters,
            task_runner_state_handlers=task_runner_state_handlers,
            executor=executor,
            context=context,
            task_contexts=task_contexts,
        )

    # -- the steps of a pass, callable one by one ----------------------------------------
    def call_runner_target_handlers(self, old_state: State, new_state: State) -> State:
        """The flow's own state handlers, then its `on_failure` on a failed state."""
        return flow_steps.call_runner_target_handlers(self._flow_run(), old_state, new_state)

    def initialize_run(  # type: ignore[override]  # noqa: PLR0913 - Prefect's signature
        self,
        state: State | None,
        task_states: dict,
        context: dict,
        task_contexts: dict,
        parameters: dict,
    ) -> FlowRunnerInitializeResult:
        """The starting state and the flow-level context keys of this run.

        As Prefect's, it fills the dicts it is given and returns them.
        """
        task_states = {} if task_states is None else task_states
        context = {} if context is None else context
        task_contexts = {} if task_contexts is None else task_contexts
        found = flow_steps.initialize_run(
            self._flow_run(), state, task_states, context, task_contexts, parameters or {}
        )
        slugs = self.flow.slugs
        for task in self.flow.tasks:
            own = task_contexts.setdefault(task, {})
            own.update(task_name=task.name, task_slug=slugs.get(task) or task.name)
        return FlowRunnerInitializeResult(*found)

    def check_flow_is_pending_or_running(self, state: State) -> State:
        return flow_steps.check_flow_is_pending_or_running(self._flow_run(), state)

    def check_flow_reached_start_time(self, state: State) -> State:
        return flow_steps.check_flow_reached_start_time(self._flow_run(), state)

    def set_flow_to_running(self, state: State) -> State:
        return flow_steps.set_flow_to_running(self._flow_run(), state)

    def get_flow_run_state(  # noqa: PLR0913 - Prefect's signature
        self,
        state: State,
        task_states: dict,
        task_contexts: dict,
        return_tasks: Iterable,
        task_runner_state_handlers: Iterable,
        executor: Any,
    ) -> State:
        """Run the unfinished tasks once with `executor`; the flow's state after that."""
        return flow_steps.get_flow_run_state(
            self._flow_run(executor),
            state,
            task_states=task_states,
            task_contexts=task_contexts,
            return_tasks=return_tasks,
            task_runner_state_handlers=task_runner_state_handlers,
            executor=executor,
        )

    @contextmanager
    def check_for_cancellation(self) -> Iterator[None]:
        """Held while the tasks of a pass run; a subclass may stop the run from here.

        The stock runner has nothing to watch (local runs are cancelled by the user).
        """
        yield

    def determine_final_state(
        self,
        state: State,
        key_states: set,
        return_states: dict,
        terminal_states: set,
    ) -> State:
        """Running while terminal tasks are unfinished; else judged by reference tasks."""
        return flow_steps.determine_final_state(
            self._flow_run(), state, key_states, return_states, terminal_states
        )


def run_task(  # noqa: PLR0913, PLR0917 - Prefect's signature (a module function there too)
    task: Any,
    state: State | None,
    upstream_states: dict,
    context: dict,
    flow_result: Any,
    task_runner_cls: Any,
    task_runner_state_handlers: Iterable,
    upstream_mapped_states: dict,
    is_mapped_parent: bool = False,
) -> State:
    """Run one task (or mapped child) with a fresh `task_runner_cls`; its new State.

    A Mapped upstream on an unmapped edge is given the children found in
    `upstream_mapped_states[edge]` first, so the task sees their results.
    """
    upstream = dict(upstream_states or {})
    for edge, children in (upstream_mapped_states or {}).items():
        parent = upstream.get(edge)
        if isinstance(parent, Mapped) and not edge.mapped:
            upstream[edge] = gathered(parent.message, list(children), len(children))
    with prefect_context(**(context or {})):
        runner = task_runner_cls(
            task=task,
            state_handlers=list(task_runner_state_handlers or ()),
            flow_result=flow_result,
        )
        return runner.run(  # type: ignore[no-any-return]
            state=state,
            upstream_states=upstream,
            is_mapped_parent=is_mapped_parent,
            context=context,
        )
