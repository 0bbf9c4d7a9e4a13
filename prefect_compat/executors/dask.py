"""LocalDaskExecutor (dask's local schedulers) and DaskExecutor (`distributed`).

Both are *deferred* executors: `submit` returns a future right away and the run loop
(`_engine/loop.py`) only waits where it needs a value. dask and distributed are
imported when an executor is constructed or started, never when this module is
imported, so `import prefect_compat.executors` stays light (HOUSE_STYLE R9).

What they add to the Executor seam:
  crosses_processes   True when tasks run in other processes: the run loop then ships
                      `remote.run_in_process`, which checks results are picklable and
                      brings worker log records back (remote.py)
  parallelism         worker threads; the run loop cuts fan-outs into ~4 chunks per
                      thread, so Dask's per-task overhead is paid per chunk
  submit_many         one call for a whole fan-out's chunks (`client.map`)
  wait                resolves nested dicts/lists of futures, opens the Envelopes
                      (re-emitting worker logs here) and reports futures that lost
                      their worker (`remote.Died` / `remote.LOST`)
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Callable

from prefect_compat._engine import remote
from prefect_compat._lazy import require
from prefect_compat.executors.base import Executor

__all__ = ["DaskExecutor", "LocalDaskExecutor"]

_SCHEDULERS = {
    "threads": "threads",
    "threading": "threads",
    "processes": "processes",
    "multiprocessing": "processes",
    "sync": "synchronous",
    "synchronous": "synchronous",
    "single-threaded": "synchronous",
}


def _key(extra_context: dict | None) -> str | None:
    """The Dask key for a submission: `<task name>-<hex>`, or None (Dask's own
    `<function name>-<uuid>`) when the context names no task, as in Prefect."""
    context = extra_context or {}
    label = context.get("task_name") or context.get("task_full_name")
    return f"{label}-{uuid.uuid4().hex}" if label else None


def _walk(value: Any, kind: type, found: list) -> None:
    """Collect every instance of `kind` in nested dicts, lists and tuples."""
    if isinstance(value, kind):
        found.append(value)
    elif type(value) is dict:
        for item in value.values():
            _walk(item, kind, found)
    elif type(value) in (list, tuple):
        for item in value:
            _walk(item, kind, found)


def _replace(value: Any, kind: type, lookup: Callable[[Any], Any]) -> Any:
    """`value` with every instance of `kind` in it replaced by `lookup(instance)`."""
    if isinstance(value, kind):
        return lookup(value)
    if type(value) is dict:
        return {k: _replace(v, kind, lookup) for k, v in value.items()}
    if type(value) is list:
        return [_replace(v, kind, lookup) for v in value]
    if type(value) is tuple:
        return tuple(_replace(v, kind, lookup) for v in value)
    return value


class LocalDaskExecutor(Executor):
    """Runs tasks with dask's local schedulers: threads, processes, or synchronously.

    `submit` builds a `dask.delayed` call; `wait` computes, in one `dask.compute`,
    everything submitted since the last wait, so work shared by several waits runs
    once. Computed values are remembered for the length of `start()`, and later
    submissions take them as plain values instead of recomputing their graph.
    Extra keyword arguments (`num_workers`, ...) are set as dask config during runs.
    """

    def __init__(self, scheduler: str = "threads", **kwargs: Any) -> None:
        name = scheduler.lower() if isinstance(scheduler, str) else scheduler
        if name not in _SCHEDULERS:
            raise ValueError(f"Unknown scheduler {scheduler!r}")
        require("dask", extra="dask", feature="LocalDaskExecutor")
        super().__init__()
        self.scheduler = _SCHEDULERS[name]
        self.dask_config = kwargs
        self._pool: Any = None
        self._workers = 1
        self._pending: list = []
        self._done: dict = {}

    def __getstate__(self) -> dict:
        """Picklable while started (as Prefect's): the pool and results stay behind."""
        return {**self.__dict__, "_pool": None, "_pending": [], "_done": {}}

    @property
    def crosses_processes(self) -> bool:
        return self.scheduler == "processes"

    @property
    def parallelism(self) -> int:
        """Worker threads or processes a run can use (fan-outs are chunked by it)."""
        return self._workers

    @contextmanager
    def start(self) -> Iterator[None]:
        """Own a thread or process pool of `num_workers` (default: CPU count)."""
        import dask

        with dask.config.set(**self.dask_config), ExitStack() as stack:
            self._pool = self._make_pool()
            if self._pool is not None:
                stack.callback(self._pool.shutdown, wait=True, cancel_futures=True)
            try:
                yield
            finally:
                self._pool = None
                self._pending = []
                self._done = {}

    def _make_pool(self) -> Any:
        import dask
        from dask.system import CPU_COUNT

        self._workers = 1
        if self.scheduler == "synchronous":
            return None
        workers = self._workers = dask.config.get("num_workers", None) or CPU_COUNT
        if self.scheduler == "threads":
            from concurrent.futures import ThreadPoolExecutor

            return ThreadPoolExecutor(workers, thread_name_prefix="prefect-compat-dask")
        from concurrent.futures import ProcessPoolExecutor

        # the platform's default start method, as Prefect: with "spawn", a script that
        # calls flow.run() without an `if __name__ == "__main__":` guard would re-run
        # itself in every worker
        return ProcessPoolExecutor(workers)

    def submit(
        self, fn: Callable[..., Any], *args: Any, extra_context: dict | None = None, **kwargs: Any
    ) -> Any:
        from dask.delayed import Delayed, delayed

        if self._done:
            args = _replace(args, Delayed, lambda d: self._done.get(d.key, d))
        future = delayed(fn, pure=False)(*args, dask_key_name=_key(extra_context), **kwargs)
        self._pending.append(future)
        return future

    def wait(self, futures: Any) -> Any:
        from dask.delayed import Delayed

        if self._pending:
            self._compute_pending()
        missing: list = []
        _walk(futures, Delayed, missing)
        missing = [d for d in missing if d.key not in self._done]
        if missing:  # submitted before a previous start(): compute them now
            self._pending = missing
            self._compute_pending()
        return remote.open_envelopes(_replace(futures, Delayed, lambda d: self._done[d.key]))

    def _compute_pending(self) -> None:
        import dask

        todo, self._pending = self._pending, []
        options: dict[str, Any] = {"scheduler": self.scheduler, "optimize_graph": False}
        if self._pool is not None:
            options["pool"] = self._pool
        try:
            values = dask.compute(*todo, **options)
        except _broken_pool_errors() as exc:
            raise RuntimeError(
                "LocalDaskExecutor: a worker process died while running tasks "
                f"({exc!r}); a task probably ended its own process (os._exit, a crash in "
                "native code, the OOM killer). Run the flow on a DaskExecutor to keep the "
                "rest of the flow going when that happens."
            ) from exc
        for future, value in zip(todo, values):
            self._done[future.key] = remote.open_envelopes(value)


def _broken_pool_errors() -> tuple[type[BaseException], ...]:
    from concurrent.futures.process import BrokenProcessPool

    return (BrokenProcessPool,)


class DaskExecutor(Executor):
    """Runs tasks on a `distributed` cluster: an existing one, or a temporary one.

    With `address`, `start()` connects a Client to that scheduler (bounded by
    `client_kwargs["timeout"]`, default distributed's `comm.timeouts.connect`, 30 s);
    otherwise it creates `cluster_class(**cluster_kwargs)` (default: the config's
    `engine.executor.dask.cluster_class`, a LocalCluster), adapts it with
    `adapt_kwargs` if given, and closes it afterwards.
    """

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        address: str | None = None,
        cluster_class: str | Callable | None = None,
        cluster_kwargs: dict | None = None,
        adapt_kwargs: dict | None = None,
        client_kwargs: dict | None = None,
        debug: bool | None = None,
        performance_report_path: str | None = None,
        disable_cancellation_event: bool = False,
        watch_worker_status: bool | None = None,
    ) -> None:
        from prefect_compat.configuration import config

        require("distributed", extra="dask", feature="DaskExecutor")
        settings = config.engine.executor.dask
        if address is None:
            address = settings.get("address") or None
        if address is not None:
            if cluster_class is not None or cluster_kwargs is not None:
                raise ValueError("Cannot specify `address` and `cluster_class`/`cluster_kwargs`")
        else:
            cluster_class, cluster_kwargs = _cluster(
                cluster_class or settings.cluster_class, cluster_kwargs, debug, config
            )
            adapt_kwargs = dict(adapt_kwargs or {})
        if performance_report_path:
            _check_bokeh(performance_report_path)
        super().__init__()
        self.address = address
        self.cluster_class: Any = cluster_class  # resolved by _cluster() unless `address`
        self.cluster_kwargs: Any = cluster_kwargs
        self.adapt_kwargs = adapt_kwargs
        self.client_kwargs = dict(client_kwargs or {})
        self.client_kwargs.setdefault("set_as_default", False)
        self.performance_report_path = performance_report_path
        self.disable_cancellation_event = disable_cancellation_event
        self.watch_worker_status = watch_worker_status
        self.client: Any = None
        self._crosses_processes = True

    def __getstate__(self) -> dict:
        """Picklable while started (as Prefect's): the live client stays behind."""
        return {**self.__dict__, "client": None}

    @contextmanager
    def start(self) -> Iterator[None]:
        """Hold a Client (and the temporary cluster, if any) for the length of a run."""
        distributed = require("distributed", extra="dask", feature="DaskExecutor")
        with ExitStack() as stack:
            if self.address is not None:
                self.logger.info("Connecting to an existing Dask cluster at %s", self.address)
                target: Any = self.address
            else:
                cls = self.cluster_class
                name = f"{getattr(cls, '__module__', '')}.{getattr(cls, '__qualname__', cls)}"
                self.logger.info("Creating a new Dask cluster with `%s`...", name.lstrip("."))
                target = stack.enter_context(self.cluster_class(**self.cluster_kwargs))
                if self.adapt_kwargs:
                    target.adapt(**self.adapt_kwargs)
                _log_dashboard(self.logger, target)
            self.client = stack.enter_context(self._connect(distributed, target))
            if self.performance_report_path:
                # the report finds its client as "the current one": make ours current
                # (it is not the default client, set_as_default=False)
                stack.enter_context(self.client.as_current())
                stack.enter_context(distributed.performance_report(self.performance_report_path))
            pids = set(self.client.run(os.getpid).values())
            self._crosses_processes = pids != {os.getpid()}
            try:
                yield
            finally:
                self.client = None

    def _connect(self, distributed: Any, target: Any) -> Any:
        try:
            return distributed.Client(target, **self.client_kwargs)
        except OSError as exc:
            raise ConnectionError(
                f"DaskExecutor could not connect to the Dask scheduler at {target!r}: {exc}. "
                "Check that the scheduler is running and reachable at that address, or "
                "leave `address` unset to start a temporary local cluster; "
                "client_kwargs={'timeout': ...} bounds the wait."
            ) from exc

    @property
    def performance_report(self) -> str:
        """The HTML of the Dask performance report written to `performance_report_path`
        during the last run; "" (with a logged reason) when there is none."""
        if not self.performance_report_path:
            self.logger.warning("Executor was not configured to generate performance report")
            return ""
        try:
            with open(self.performance_report_path, encoding="utf-8") as report:
                return report.read()
        except OSError as exc:
            self.logger.error("Failed to get dask performance report with exception %s", exc)
            return ""

    async def on_worker_status_changed(self, op: str, message: dict) -> None:
        """Scheduler worker-status event: log (at DEBUG) the workers added or removed."""
        if op == "add":
            for worker in message.get("workers", {}):
                self.logger.debug("Worker %s added", worker)
        elif op == "remove":
            self.logger.debug("Worker %s removed", message)

    @property
    def crosses_processes(self) -> bool:
        """True unless every worker turned out to live in this process."""
        return self._crosses_processes

    @property
    def parallelism(self) -> int:
        """Worker threads right now (asked per fan-out, so adaptive clusters count);
        0 means no workers yet, and fan-outs are then not chunked."""
        if self.client is None:
            return 0
        return sum(self.client.nthreads().values())

    def submit(
        self, fn: Callable[..., Any], *args: Any, extra_context: dict | None = None, **kwargs: Any
    ) -> Any:
        return self.client.submit(fn, *args, key=_key(extra_context), pure=False, **kwargs)

    def submit_many(self, fn: Callable[..., Any], rows: list[tuple], labels: list[str]) -> list:
        """One `client.map` for a whole fan-out: one graph update instead of N."""
        if not rows:
            return []
        keys = [_key({"task_full_name": label}) for label in labels]
        return self.client.map(fn, *zip(*rows), key=keys, pure=False)  # type: ignore[no-any-return]

    def wait(self, futures: Any) -> Any:
        distributed = require("distributed", extra="dask", feature="DaskExecutor")
        found: list = []
        _walk(futures, distributed.Future, found)
        if not found:
            return remote.open_envelopes(futures)
        unique = list({f.key: f for f in found}.values())
        with self.client.as_current():
            distributed.wait(unique)
        values = {f.key: self._failure(f) for f in unique if f.status != "finished"}
        good = [f for f in unique if f.key not in values]
        values.update(zip((f.key for f in good), self.client.gather(good)))
        return remote.open_envelopes(_replace(futures, distributed.Future, lambda f: values[f.key]))

    def _failure(self, future: Any) -> Any:
        """What stands for a future that erred: its worker died, or an upstream one's did."""
        from distributed.scheduler import KilledWorker

        error = future.exception()
        if not isinstance(error, KilledWorker):
            future.result()  # an engine error or raise_on_exception: let it propagate
        if getattr(error, "task", None) != future.key:
            return remote.LOST
        return remote.Died(future.key.rsplit("-", 1)[0], error)


def _check_bokeh(path: str) -> None:
    """Dask renders its performance report with bokeh: say so now, not after the run."""
    import importlib.util

    if importlib.util.find_spec("bokeh") is None:
        raise ImportError(
            f"DaskExecutor(performance_report_path={path!r}) needs the 'bokeh' package, "
            "which Dask uses to render the report and which is not installed: "
            "pip install bokeh (or leave performance_report_path unset)."
        )


def _log_dashboard(logger: logging.Logger, cluster: Any) -> None:
    """Prefect's line naming the cluster's dashboard, when the cluster serves one."""
    try:
        link = cluster.dashboard_link
    except (AttributeError, KeyError):  # no dashboard (bokeh missing, or not a LocalCluster)
        return
    if link:
        logger.info("The Dask dashboard is available at %s", link)


def _cluster(cluster_class: Any, cluster_kwargs: dict | None, debug: Any, config: Any) -> tuple:
    """Resolve the cluster class; LocalClusters are quiet unless debugging (as Prefect)."""
    if isinstance(cluster_class, str):
        from prefect_compat.engine import _resolve

        cluster_class = _resolve(cluster_class)
    kwargs = dict(cluster_kwargs or {})
    from distributed.deploy.local import LocalCluster

    if cluster_class is LocalCluster:
        if debug is None:
            debug = config.get("debug", False)
        kwargs.setdefault("silence_logs", logging.WARNING if debug else logging.CRITICAL)
    return cluster_class, kwargs


def _prefect_callback_class() -> type:
    """`PrefectCallback`: a dask Callback that remembers every computed key's value
    (`cache`) and, on the next compute with it, hands those values to the graph instead
    of computing them again. Built on first access: dask loads only then."""
    from dask.callbacks import Callback

    class PrefectCallback(Callback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.cache: dict[Any, Any] = {}

        def _start(self, dsk: dict) -> None:
            for key in list(dsk):
                if key in self.cache:
                    dsk[key] = self.cache[key]

        def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
            self.cache[key] = result

    PrefectCallback.__module__ = __name__
    return PrefectCallback


def __getattr__(name: str) -> Any:
    if name == "PrefectCallback":
        value = _prefect_callback_class()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
