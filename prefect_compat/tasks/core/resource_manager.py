"""`resource_manager`: set up a resource before a block of tasks and clean it up after.

    @resource_manager
    class Database:
        def __init__(self, url): ...
        def setup(self): return connection
        def cleanup(self, connection): ...

    with Flow("f") as flow:
        with Database(url) as conn:
            query(conn)

adds three tasks to the flow when `Database(url)` is called: init (constructs the
class), setup (its result is `conn`; none when the class has no `setup`, and the
block then gives None) and cleanup. When the block closes, each task created in it
with no upstream task in the block runs after setup, and each with no downstream task
in the block runs before cleanup. Cleanup runs whether they succeeded or not, unless
init or setup did not succeed (then cleanup is Skipped). Setup and cleanup run again
in every pass of `flow.run()` unless Cached, as in Prefect. Flow construction reports
new tasks to the open block through the context key `resource`.
"""

from __future__ import annotations

import warnings
from typing import Any

from prefect_compat import context
from prefect_compat.core.task import Task
from prefect_compat.engine import signals

__all__ = [
    "ResourceCleanupTask",
    "ResourceInitTask",
    "ResourceManager",
    "ResourceSetupTask",
    "resource_manager",
]


class ResourceInitTask(Task):
    """Constructs the user's resource class with the block's arguments."""

    def __init__(self, resource_class: type, **kwargs: Any) -> None:
        self.resource_class = resource_class
        super().__init__(**kwargs)
        self._exclude_from_terminal = True

    def run(self, **kwargs: Any) -> Any:
        return self.resource_class(**kwargs)


class ResourceSetupTask(Task):
    """Calls `setup()` on the constructed manager; its result is the resource."""

    _restart_each_pass = True  # a later pass of flow.run() sets the resource up again

    def run(self, mgr: Any) -> Any:  # type: ignore[override]  # run() takes the task's inputs
        return mgr.setup()


def resource_cleanup_trigger(upstream_states: dict) -> bool:
    """All upstream finished; skip cleanup when init or setup did not succeed."""
    for edge, state in upstream_states.items():
        if not state.is_finished():
            raise signals.TRIGGERFAIL(
                'Trigger was "resource_cleanup_trigger" but some of the upstream tasks were '
                "not finished."
            )
        # the key is None for unkeyed edges, and .get(None) is None
        stage = {"mgr": "init", "resource": "setup"}.get(getattr(edge, "key", None))  # type: ignore[arg-type]
        if stage and state.is_skipped():
            raise signals.SKIP(f"Resource manager {stage} skipped")
        if stage and not state.is_successful():
            raise signals.SKIP(f"Resource manager {stage} failed")
    return True


class ResourceCleanupTask(Task):
    """Calls `cleanup(resource)` on the manager."""

    _restart_each_pass = True  # ... and cleans it up again
    _resource_cleanup = True  # the tasks before it may still be reference tasks

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trigger", resource_cleanup_trigger)
        kwargs.setdefault("skip_on_upstream_skip", False)
        super().__init__(**kwargs)
        self._exclude_from_terminal = True

    def run(self, mgr: Any, resource: Any = None) -> None:  # type: ignore[override]  # run() takes the task's inputs
        mgr.cleanup(resource)


class ResourceContext:
    """The `with MyResource(...) as res:` block: records the tasks created inside it and,
    when it closes, runs the first of them after setup and cleanup after the last."""

    def __init__(self, init_task: Task, setup_task: Task | None, cleanup_task: Task, flow: Any):
        self.init_task = init_task
        self.setup_task = setup_task
        self.cleanup_task = cleanup_task
        self._flow = flow
        self._tasks: dict[Task, None] = {}  # insertion-ordered set
        self._scope: Any = None

    def add_task(self, task: Task, flow: Any) -> None:
        """Record `task`, created inside the block (Flow.add_task calls this)."""
        if flow is not self._flow:
            raise ValueError(
                f"Task {task.name!r} is added to flow {getattr(flow, 'name', flow)!r} inside a "
                f"resource block of flow {getattr(self._flow, 'name', self._flow)!r}: one "
                "resource block serves one flow."
            )
        self._tasks[task] = None

    def __enter__(self) -> Task | None:
        self._scope = context(resource=self)
        self._scope.__enter__()
        return self.setup_task

    def __exit__(self, *exc: Any) -> None:
        self._scope.__exit__(*exc)
        flow, inside = self._flow, self._tasks.keys()
        for task in self._tasks:
            # a task with no upstream in the block runs after setup; one with no
            # downstream in the block runs before cleanup (existing edges are kept)
            setup, upstream = self.setup_task, flow.upstream_tasks(task)
            if setup is not None and not (upstream & inside or setup in upstream):
                task.set_upstream(setup, flow=flow)
            downstream = flow.downstream_tasks(task)
            if not (downstream & inside or self.cleanup_task in downstream):
                task.set_downstream(self.cleanup_task, flow=flow)


def _bind_arguments(cls: type, args: tuple, kwargs: dict) -> dict:
    import inspect

    return dict(inspect.signature(cls).bind(*args, **kwargs).arguments)


class ResourceManager:
    """What `@resource_manager` returns: call it inside a flow to get a block."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        resource_class: type,
        name: str | None = None,
        init_task_kwargs: dict | None = None,
        setup_task_kwargs: dict | None = None,
        cleanup_task_kwargs: dict | None = None,
    ) -> None:
        if not callable(getattr(resource_class, "cleanup", None)):
            # Prefect accepts it and the cleanup task fails at run time; so do we, but say so
            warnings.warn(
                f"Resource manager {resource_class.__name__} has no `cleanup(resource)` method: "
                f"its cleanup task will fail in every run. Define one (`setup()` is optional).",
                stacklevel=2,
            )
        self.resource_class = resource_class
        self.name = name = name or resource_class.__name__
        self.init_task_kwargs = dict(init_task_kwargs or {})
        self.init_task_kwargs.setdefault("name", name)
        self.setup_task_kwargs = dict(setup_task_kwargs or {})
        self.setup_task_kwargs.setdefault("name", f"{name}.setup")
        self.setup_task_kwargs.setdefault("checkpoint", False)
        self.cleanup_task_kwargs = dict(cleanup_task_kwargs or {})
        self.cleanup_task_kwargs.setdefault("name", f"{name}.cleanup")
        self.cleanup_task_kwargs.setdefault("trigger", resource_cleanup_trigger)
        self.cleanup_task_kwargs.setdefault("skip_on_upstream_skip", False)
        self.cleanup_task_kwargs.setdefault("checkpoint", False)

    def __call__(self, *args: Any, flow: Any = None, **kwargs: Any) -> ResourceContext:
        """Add the init, setup and cleanup tasks to `flow` (default: the open one)."""
        if flow is None:
            flow = context.get("flow")
            if flow is None:
                raise ValueError(
                    "Could not infer an active Flow context: use the resource manager "
                    "inside `with Flow(...)` or pass flow=..."
                )
        bound = _bind_arguments(self.resource_class, args, kwargs)
        init_task = ResourceInitTask(self.resource_class, **self.init_task_kwargs)
        init_task.bind(flow=flow, **bound)
        setup_task = None
        cleanup_task = ResourceCleanupTask(**self.cleanup_task_kwargs)
        if callable(getattr(self.resource_class, "setup", None)):
            setup_task = ResourceSetupTask(**self.setup_task_kwargs)
            setup_task.bind(mgr=init_task, flow=flow)
            cleanup_task.bind(mgr=init_task, resource=setup_task, flow=flow)
        else:
            cleanup_task.bind(mgr=init_task, flow=flow)
        return ResourceContext(init_task, setup_task, cleanup_task, flow)


def resource_manager(
    resource_class: type | None = None,
    *,
    name: str | None = None,
    init_task_kwargs: dict | None = None,
    setup_task_kwargs: dict | None = None,
    cleanup_task_kwargs: dict | None = None,
) -> Any:
    """Class decorator turning a setup/cleanup class into a ResourceManager."""

    def wrap(cls: type) -> ResourceManager:
        return ResourceManager(cls, name, init_task_kwargs, setup_task_kwargs, cleanup_task_kwargs)

    if resource_class is None:
        return wrap
    return wrap(resource_class)
