"""`Flow`: a graph of tasks (nodes), edges and constant arguments; `run()` delegates.

Editing is O(1) per task or edge: besides the public `tasks`/`edges` sets (both
insertion-ordered `OrderedSet`s) and `constants`, the flow keeps a `GraphIndex`
(`_flow_index.py`: adjacency by task, keyed inputs, slugs, Parameters). Prefect
scans every edge to answer `edges_to(task)` and sorts by list membership;
building a 2,000-task chain with it is quadratic.

Ordering, cycle detection and validation all go through `_engine.graph.compile_graph`,
which caches its result on the flow behind `_graph_version`: a number that grows on
every change of tasks, edges, constants or reference tasks, including changes made
straight to `flow.tasks` / `flow.edges` (their own change counters are part of it;
the index is rebuilt when such an outside change is noticed).

The `with Flow(...)` block (reporting new tasks to an open `case` or resource block,
warning of tasks never added) and the constructor's checks are in `_flow_building.py`;
queries beyond an index lookup, and the checks of `validate()`, in `_flow_queries.py`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Callable

from prefect_compat.core import _flow_building, _flow_editing, _flow_persistence, _flow_queries
from prefect_compat.core._flow_index import (
    GraphIndex,
    ParameterDetails,
    cache,
    eager_validation,
    require_task,
)
from prefect_compat.core._task_settings import state_handler_list
from prefect_compat.core.edge import Edge
from prefect_compat.core.parameter import Parameter
from prefect_compat.core.task import Task
from prefect_compat.utilities.collections import OrderedSet
from prefect_compat.utilities.logging import get_logger
from prefect_compat.utilities.tasks import as_task

__all__ = ["Flow", "ParameterDetails", "cache"]


_SERIALS = itertools.count(1)


class Flow:
    """A set of tasks and the dependencies between them; build it, then call `run()`.

    `Flow(<function>, ...)` (or `Flow(fn=...)`), Prefect 2.x's constructor form, builds
    the 2.x flow `@flow` would (`prefect_compat.flows.Flow`) instead.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        v2 = _flow_building.v2_flow(args, kwargs) if cls is Flow else None
        return super().__new__(cls) if v2 is None else v2

    __signature__ = _flow_building.InitSignature()  # `inspect.signature(Flow)`: __init__'s

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        name: str,
        schedule: Any = None,
        executor: Any = None,
        run_config: Any = None,
        storage: Any = None,
        tasks: Iterable[Task] | None = None,
        edges: Iterable[Edge] | None = None,
        reference_tasks: Iterable[Task] | None = None,
        state_handlers: list[Callable[..., Any]] | None = None,
        on_failure: Callable[..., Any] | None = None,
        validate: bool | None = None,
        result: Any = None,
        terminal_state_handler: Callable[..., Any] | None = None,
        environment: Any = None,
        result_handler: Any = None,
    ) -> None:
        self.name = _flow_building.checked_name(name)
        self.logger = get_logger(name)
        self.schedule = schedule
        self.executor = executor
        self.run_config = run_config
        self.storage = storage
        self.environment = environment
        self.result = _flow_building.checked_result(result, result_handler, name)
        self.result_handler = result_handler
        self.terminal_state_handler = terminal_state_handler
        self.state_handlers = state_handler_list(state_handlers, on_failure)
        self._reset_graph()
        _flow_building.add_given_graph(self, tasks, edges, validate)
        self.set_reference_tasks(reference_tasks or ())

    def _reset_graph(self) -> None:
        self.tasks: OrderedSet[Task] = OrderedSet()
        self.edges: OrderedSet[Edge] = OrderedSet()
        self.constants: defaultdict[Task, dict[str, Any]] = defaultdict(dict)
        self._index = GraphIndex()
        self.slugs: dict[Task, str] = self._index.slugs
        self._reference_tasks: OrderedSet[Task] = OrderedSet()
        self._edits = 0
        self._serial = next(_SERIALS)
        self._unused_task_tracker: OrderedSet[Task] = OrderedSet()
        self._context_tokens: list[Any] = []
        self._compiled_graph: Any = None

    # -- identity ------------------------------------------------------------------
    def __repr__(self) -> str:
        return f'<Flow: name="{self.name}">'

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        return (
            self.name == other.name  # type: ignore[attr-defined]
            and self.tasks == other.tasks  # type: ignore[attr-defined]
            and self.edges == other.edges  # type: ignore[attr-defined]
            and self.reference_tasks() == other.reference_tasks()  # type: ignore[attr-defined]
        )

    __hash__ = None  # type: ignore[assignment]  # equal by value and mutable, as in Prefect

    def __iter__(self) -> Iterator[Task]:
        return iter(self.sorted_tasks())

    @property
    def _graph_version(self) -> int:
        return self._edits + getattr(self.tasks, "_changes", 0) + getattr(self.edges, "_changes", 0)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_compiled_graph"] = None
        state["_context_tokens"] = []
        state["_unused_task_tracker"] = OrderedSet()
        return state

    # -- `with Flow(...)` --------------------------------------------------------------
    def __enter__(self) -> Flow:
        _flow_building.enter_block(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        _flow_building.exit_block(self, exc_type)

    # -- keeping the indexes in step ------------------------------------------------
    def _sync(self) -> None:
        """Rebuild the index if `tasks`/`edges` were changed directly (not via Flow)."""
        if (self.tasks._changes, self.edges._changes) != self._index.synced:
            self._index.rebuild(self.tasks, self.edges)
            self._synced_now()

    def _synced_now(self) -> None:
        self._index.synced = (self.tasks._changes, self.edges._changes)

    def _check_member(self, task: Any) -> None:
        self._sync()
        if task not in self.tasks:
            raise ValueError(f"Task {task!r} was not found in Flow {self!r}")

    # -- editing -------------------------------------------------------------------------
    def add_task(self, task: Task) -> Task:
        """Add `task` (no-op if present); returns it. A duplicate explicit slug: ValueError."""
        require_task(task)
        self._sync()
        if task in self.tasks:
            return task
        # an explicit slug may clash with another explicit slug or with a generated one
        owner = None if task.slug is None else self._index.slug_owners.get(task.slug)
        if owner is not None:
            raise ValueError(
                f'A task with the slug "{task.slug}" already exists in this flow '
                f"({owner!r}); slugs (and Parameter names) must be unique."
            )
        self.tasks.add(task)
        self._index.add_task(task)
        self._unused_task_tracker.discard(task)
        self._synced_now()
        _flow_building.report_to_blocks(self, task)
        return task

    def add_edge(  # noqa: PLR0913 - Prefect's public signature
        self,
        upstream_task: Task,
        downstream_task: Task,
        key: str | None = None,
        mapped: bool = False,
        flattened: bool = False,
        validate: bool | None = None,
    ) -> Edge:
        """Make `downstream_task` depend on `upstream_task` (feeding argument `key`).

        Non-task ends go through `as_task` (a Constant, or a collection task). A
        Constant task feeding argument `key` (not mapped or flattened) is not added:
        its value becomes a constant of `downstream_task`, and the returned Edge is
        not part of the flow (as in Prefect).

        O(1) unless `validate` (default: `config.flows.eager_edge_validation`), which
        also checks the key against run() and that no cycle was made (a failing edge
        is taken back out before the error is raised).
        """
        upstream_task, downstream_task = self._edge_ends(upstream_task, downstream_task)
        edge = Edge(upstream_task, downstream_task, key=key, mapped=mapped, flattened=flattened)
        if _flow_editing.is_constant_input(edge):
            # a Constant feeding an argument becomes a flow constant, as in Prefect
            self._unused_task_tracker.discard(upstream_task)
            self.add_task(downstream_task)
            self._add_constants(downstream_task, {key: upstream_task.value})  # type: ignore[attr-defined,dict-item]
            return edge
        self._sync()
        if edge in self.edges:
            return edge
        if validate is None:
            validate = eager_validation()
        if key is not None:
            _flow_queries.check_input_key(self, downstream_task, key, upstream_task, validate)
        added = [t for t in dict.fromkeys((upstream_task, downstream_task)) if t not in self.tasks]
        for task in added:
            self.add_task(task)
        self._insert_edge(edge)
        if validate:
            _flow_queries.compile_or_take_back(self, edge, added)
        return edge

    def _edge_ends(self, upstream: Any, downstream: Any) -> tuple[Task, Task]:
        """Both ends as tasks (`as_task` for values); a Parameter is never downstream."""
        if not isinstance(upstream, Task):
            upstream = as_task(upstream, self)
        if not isinstance(downstream, Task):
            downstream = as_task(downstream, self)
        if isinstance(downstream, Parameter):
            raise _flow_building.parameter_root_error(downstream)
        return upstream, downstream

    def _insert_edge(self, edge: Edge) -> None:
        self.edges.add(edge)
        self._index.insert_edge(edge)
        self._synced_now()

    def _delete_edge(self, edge: Edge) -> None:
        self.edges.discard(edge)
        self._index.delete_edge(edge)
        self._synced_now()

    def _delete_task(self, task: Task) -> None:
        """Remove `task`, its edges, slug and constants (its reference-task flag stays)."""
        index = self._index
        for edge in [*index.upstream[task], *index.downstream[task]]:
            self._delete_edge(edge)
        self.tasks.discard(task)
        index.delete_task(task)
        self.constants.pop(task, None)
        self._synced_now()

    def _add_constants(self, task: Task, constants: dict[str, Any]) -> None:
        if isinstance(task, Parameter):
            raise _flow_building.parameter_root_error(task)
        for key, value in constants.items():
            if (task, key) in self._index.keyed:
                _flow_editing.check_key_free(self, task, key, value)
        self.constants[task].update(constants)
        self._edits += 1

    def set_dependencies(  # noqa: PLR0913 - Prefect's public signature
        self,
        task: Any,
        upstream_tasks: Iterable[Any] | None = None,
        downstream_tasks: Iterable[Any] | None = None,
        keyword_tasks: dict[str, Any] | None = None,
        mapped: bool = False,
        validate: bool | None = None,
    ) -> None:
        """Add `task` with unkeyed upstream/downstream edges and keyed inputs.

        Keyword values that are tasks (or collections holding tasks) become edges;
        other values become constants, unless mapped: then they become Constant
        tasks to map over. `mapped`/`unmapped`/`flatten` annotations are honoured.
        """
        _flow_editing.set_dependencies(
            self, task, upstream_tasks, downstream_tasks, keyword_tasks, mapped, validate
        )

    def chain(self, *tasks: Any, validate: bool | None = None) -> list[Edge]:
        """Edges between consecutive tasks: `chain(a, b, c)` runs a, then b, then c."""
        return _flow_editing.chain(self, tasks, validate)

    def update(
        self,
        flow: Flow,
        merge_parameters: bool = False,
        validate: bool | None = None,
        merge_reference_tasks: bool = False,
    ) -> None:
        """Add every task, edge and constant of `flow` to this one.

        With `merge_parameters`, Parameters of `flow` whose name matches one here are
        replaced by this flow's Parameter; otherwise a clash is a ValueError.
        """
        _flow_editing.update(self, flow, merge_parameters, validate, merge_reference_tasks)

    def replace(self, old: Task, new: Any, validate: bool = True) -> None:
        """Put `new` where `old` was: same edges (keys, flags) and reference-task status.

        `old`'s constants are dropped, not moved (Prefect leaves them in `constants`).
        """
        _flow_editing.replace(self, old, new, validate)

    def set_reference_tasks(self, tasks: Iterable[Task]) -> None:
        """Tasks whose states decide the flow's final state (default: terminal tasks)."""
        chosen = OrderedSet(tasks)
        self._sync()
        if any(t not in self.tasks for t in chosen):
            raise ValueError("reference tasks must be part of the flow.")
        self._reference_tasks = chosen
        self._edits += 1

    def copy(self) -> Flow:
        """A new Flow with the same tasks, edges and constants; edits do not leak back."""
        return _flow_editing.copy_flow(self, next(_SERIALS))  # type: ignore[no-any-return]

    # -- queries ---------------------------------------------------------------------------
    def upstream_tasks(self, task: Task) -> OrderedSet[Task]:
        self._check_member(task)
        return OrderedSet(e.upstream_task for e in self._index.upstream[task])

    def downstream_tasks(self, task: Task) -> OrderedSet[Task]:
        self._check_member(task)
        return OrderedSet(e.downstream_task for e in self._index.downstream[task])

    def edges_to(self, task: Task) -> OrderedSet[Edge]:
        self._check_member(task)
        return OrderedSet(self._index.upstream[task])

    def edges_from(self, task: Task) -> OrderedSet[Edge]:
        self._check_member(task)
        return OrderedSet(self._index.downstream[task])

    def all_upstream_edges(self) -> dict[Task, OrderedSet[Edge]]:
        self._sync()
        return {t: OrderedSet(self._index.upstream[t]) for t in self.tasks}

    def all_downstream_edges(self) -> dict[Task, OrderedSet[Edge]]:
        self._sync()
        return {t: OrderedSet(self._index.downstream[t]) for t in self.tasks}

    def root_tasks(self) -> OrderedSet[Task]:
        """Tasks with no upstream edges."""
        self._sync()
        return OrderedSet(t for t in self.tasks if not self._index.upstream[t])

    def terminal_tasks(self) -> OrderedSet[Task]:
        """Tasks with no downstream edges."""
        self._sync()
        return OrderedSet(t for t in self.tasks if not self._index.downstream[t])

    def reference_tasks(self) -> OrderedSet[Task]:
        """The tasks set with `set_reference_tasks`, else the terminal tasks.

        As in Prefect, the default skips a resource manager's init and cleanup tasks
        (`_exclude_from_terminal`), and a task whose only downstream tasks are resource
        cleanups (`_resource_cleanup`) counts as terminal here.
        """
        if self._reference_tasks:
            return self._reference_tasks.copy()
        return _flow_queries.default_reference_tasks(self)

    def parameters(self) -> OrderedSet[Parameter]:
        """The flow's Parameter tasks."""
        self._sync()
        return self._index.parameters.copy()

    def get_tasks(
        self,
        name: str | None = None,
        slug: str | None = None,
        tags: Iterable[str] | None = None,
        task_type: type | None = None,
    ) -> list[Task]:
        """Tasks matching every given filter (`tags`: the task has all of them)."""
        return _flow_queries.get_tasks(self, name, slug, tags, task_type)

    def sorted_tasks(self, root_tasks: Iterable[Task] | None = None) -> tuple[Task, ...]:
        """Tasks in run order; with `root_tasks`, only those and everything downstream.

        An empty `root_tasks` means all tasks; a root task not in the flow: ValueError.
        """
        return _flow_queries.sorted_tasks(self, root_tasks)

    def validate(self) -> None:
        """Raise ValueError for a cycle (naming its tasks), stray edges or reference tasks."""
        _flow_queries.validate(self)

    def visualize(
        self,
        flow_state: Any = None,
        filename: str | None = None,
        format: str | None = None,  # noqa: A002 - Prefect's public argument name
        horizontal: bool = False,
    ) -> Any:
        """Draw the flow with graphviz (the `viz` extra); see `core/_visualize.py`."""
        from prefect_compat.core._visualize import visualize

        return visualize(self, flow_state, filename, format, horizontal)

    def run(
        self,
        parameters: dict[str, Any] | None = None,
        run_on_schedule: bool | None = None,
        runner_cls: type | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the flow in this process and return its final State.

        With a schedule (and `run_on_schedule`, default `config.flows.run_on_schedule`),
        run at each scheduled time until the schedule ends; a LocalRun/UniversalRun
        `run_config` applies its env and working directory (`core/_flow_running.py`).
        """
        from prefect_compat.core import _flow_running

        if parameters is not None and not isinstance(parameters, Mapping):
            raise TypeError(
                f"flow.run(parameters=...) takes a dict of parameter names to values "
                f"(received {type(parameters).__name__}) for flow {self.name!r}."
            )
        return _flow_running.run(self, parameters, run_on_schedule, runner_cls, kwargs)

    def serialize(self, build: bool = False) -> dict[str, Any]:
        """The flow as `FlowSchema` writes it (after `validate()`); `build` builds storage."""
        return _flow_persistence.serialize(self, build)

    def serialized_hash(self, build: bool = False) -> str:
        """A SHA-256 hex digest of `serialize(build)`: the same for the same structure."""
        return _flow_persistence.serialized_hash(self, build)

    def save(self, fpath: str | None = None) -> str:
        """Pickle the flow to `fpath` (default `<home_dir>/flows/<slug>.prefect`); the path."""
        return _flow_persistence.save(self, fpath)

    @staticmethod
    def load(fpath: str) -> Flow:
        """The flow saved at `fpath` by `Flow.save`."""
        return _flow_persistence.load(fpath)  # type: ignore[no-any-return]

    def register(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        project_name: str | None = None,
        build: bool = True,
        labels: list[str] | None = None,
        set_schedule_active: bool = True,
        version_group_id: str | None = None,
        no_url: bool = False,
        idempotency_key: str | None = None,
        **kwargs: Any,
    ) -> str | None:
        """Not available: registering needs Prefect Cloud/Server (raises NoBackendError).

        While a flow file is being loaded (`loading_flow` in the context), it warns and
        returns None instead, as Prefect does.
        """
        from prefect_compat.core import _flow_running

        _flow_running.register(self)
        return None

    def run_agent(
        self,
        token: str | None = None,
        show_flow_logs: bool = False,
        log_to_cloud: bool | None = None,
        api_key: str | None = None,
    ) -> None:
        """Not available: an agent needs Prefect Cloud/Server (raises NoBackendError)."""
        from prefect_compat.exceptions import no_backend

        raise no_backend(f"flow.run_agent() for flow {self.name!r}")
