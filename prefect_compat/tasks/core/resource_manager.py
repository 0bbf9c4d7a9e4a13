"""`resource_manager`: set up a resource before a block of tasks and clean it up after.

    @resource_manager
    class Database:
        def __init__(self, url): ...
        def setup(self): return connection
        def cleanup(self, connection): ...

    with Flow("f") as flow:
        with Database(url) as conn:
            query(conn)

builds three tasks: init (constructs the class), setup (its result is `conn`) and
cleanup. Tasks created in the block run after setup; cleanup runs after all of them,
whether they succeeded or not, unless init or setup did not succeed (then cleanup is
Skipped). Setup and cleanup never count as terminal or reference tasks. Flow
construction reports new tasks to the open block through the context key `resource`.
"""

from __future__ import annotations

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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._exclude_from_terminal = True

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

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trigger", resource_cleanup_trigger)
        kwargs.setdefault("skip_on_upstream_skip", False)
        super().__init__(**kwargs)
        self._exclude_from_terminal = True

    def run(self, mgr: Any, resource: Any) -> None:  # type: ignore[override]  # run() takes the task's inputs
        mgr.cleanup(resource)


class ResourceContext:
    """The `with MyResource(...) as res:` block: records the tasks created inside it."""

    def __init__(self, manager: ResourceManager, args: tuple, kwargs: dict, flow: Any) -> None:
        self.manager = manager
        self.args = args
        self.kwargs = kwargs
        self.flow = flow
        self._tasks: list[Task] = []
        self._scope: Any = None

    def add_task(self, task: Task, flow: Any) -> None:
        self._tasks.append(task)

    def __enter__(self) -> Task:
        flow = self.flow or context.get("flow")
        if flow is None:
            raise ValueError(
                "Could not infer an active Flow context: use the resource manager inside "
                "`with Flow(...)` or pass flow=..."
            )
        self.flow = flow
        m = self.manager
        bound = _bind_arguments(m.resource_class, self.args, self.kwargs)
        self.init_task = ResourceInitTask(m.resource_class, name=m.name, **m.init_task_kwargs)
        self.init_task.bind(flow=flow, **bound)
        self.setup_task = ResourceSetupTask(name=f"{m.name}.setup", **m.setup_task_kwargs)
        self.setup_task.bind(mgr=self.init_task, flow=flow)
        self._scope = context(resource=self)
        self._scope.__enter__()
        return self.setup_task

    def __exit__(self, *exc: Any) -> None:
        self._scope.__exit__(*exc)
        if exc[0] is not None:
            return
        m = self.manager
        flow = self.flow
        inside = set(self._tasks)
        cleanup = ResourceCleanupTask(name=f"{m.name}.cleanup", **m.cleanup_task_kwargs)
        cleanup.bind(mgr=self.init_task, resource=self.setup_task, flow=flow)
        for task in self._tasks:
            if not (flow.upstream_tasks(task) & inside) and task is not self.setup_task:
                flow.add_edge(self.setup_task, task)
            flow.add_edge(task, cleanup)


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
        for method in ("setup", "cleanup"):
            if not callable(getattr(resource_class, method, None)):
                raise TypeError(
                    f"Resource manager {resource_class.__name__} must define `{method}()`."
                )
        self.resource_class = resource_class
        self.name = name or resource_class.__name__
        self.init_task_kwargs = dict(init_task_kwargs or {})
        self.setup_task_kwargs = dict(setup_task_kwargs or {})
        self.cleanup_task_kwargs = dict(cleanup_task_kwargs or {})

    def __call__(self, *args: Any, flow: Any = None, **kwargs: Any) -> ResourceContext:
        return ResourceContext(self, args, kwargs, flow)


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
