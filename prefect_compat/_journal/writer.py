"""Recording a flow run: in memory on the run's path, written by a background thread.

A journaled run is a `JournalRun`. The engine hands it each task run's final state as
it ends (`note((plan, map_index, state))`, a bare `list.extend`, see
`_engine/loop.py`); that is all a task run pays. The queue is flat (three entries per
task run): it keeps no container of its own alive, which would make the garbage
collector run more often. One `Writer` per journal file per process (`batch.py`): its
thread wakes every `batch.INTERVAL_S` seconds, takes what has accumulated, encodes it
as one compact batch and commits it in one transaction together with new runs and
heartbeats. When a run ends, what is left of it is committed the same way in the
run's own thread before `flow.run()` returns. A crash of the process therefore loses
at most what was noted since the last commit, and SQLite's WAL never leaves a torn
file.

Everything that can fail happens in a cycle of the writer: opening the file (missing
directory, read-only disk, a corrupt or foreign file, a lock held too long by another
process). Any such failure logs one warning per affected run ("the run journal is off
for this run") and drops that run's records; the flow run itself never sees it.

The thread ends after `batch.IDLE_S` seconds without runs and is started again by the
next one; at interpreter exit every writer commits what is left and closes its file
(`atexit`). `flush(path)` commits everything noted so far (resume and the CLI call it
first).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from contextvars import ContextVar
from typing import Any, NamedTuple

from prefect_compat import _context

__all__ = ["JournalRun", "Scope", "Settings", "begin", "current", "flush", "settings"]

LOGGER = logging.getLogger("prefect.Journal")
FINISH_WAIT = 10.0  # seconds a finished run waits for its commit at most

SCRIPT: list[str | None] = [None]  # the script `prefect-compat run` is running
CLI_REQUEST: list[Any] = []  # (spec, force) of `prefect-compat run --resume`, used once


class Settings(NamedTuple):
    enabled: bool
    path: str
    keep_runs: int


def settings() -> Settings:
    """The `[journal]` section of the configuration in effect."""
    config = _context.get("config")
    if config is None:
        from prefect_compat.configuration import config
    section = dict.get(config, "journal")
    section = section if isinstance(section, dict) else {}
    path = section.get("path")
    if not path:
        home = dict.get(config, "home_dir") or "~/.prefect"
        path = os.path.join(str(home), "journal.db")
    keep = section.get("keep_runs")
    keep = keep if isinstance(keep, int) and not isinstance(keep, bool) and keep > 0 else 100
    enabled = section.get("enabled", True) is not False
    return Settings(enabled, os.path.abspath(os.path.expanduser(str(path))), keep)


class JournalRun:
    """One flow run being recorded. `note` is the engine's recorder (see module doc)."""

    def __init__(  # noqa: PLR0913 - what a run's row holds
        self,
        flow_name: str,
        frame: dict[str, Any],
        shape: Any,
        config: Settings,
        resumed: Any = None,
        scoped: bool = False,
    ) -> None:
        self.id = str(frame["flow_run_id"])
        self.flow_name = flow_name
        self.parameters = dict(frame.get("parameters") or {})
        self.shape = shape
        self.path = config.path
        self.keep = config.keep_runs
        self.script = SCRIPT[0]
        self.started = time.time()
        self.resumed = resumed
        self.scoped = scoped
        self.items: list[Any] = []  # plan, map index, state, plan, ...
        self.note = self.items.extend
        self.num: int | None = None  # its key in the file, once written
        self.seq = 0  # the number of its next batch of task runs
        self.final: tuple[Any, ...] | None = None
        self.off = False
        self.beat = 0.0  # when its heartbeat was last written
        self.copied: list[tuple[Any, ...]] = []  # resumed task runs, written when begun
        self.live = False  # this pass noted its task runs as they ended
        self.token: Any = None

    def finish(self, state: Any, error: BaseException | None = None) -> None:
        """The run ended (`state`), or flow.run raised `error`: wait until the writer
        has committed the run (what is left since its last batch, and its end).

        So a run is on disk when `flow.run()` returns, its states are not kept alive
        past it (which would make the garbage collector work harder), and the writer
        does not compete with whatever the process does next."""
        final: tuple[str, str | None]
        if error is not None:
            final = ("Failed", f"flow.run raised {error!r}")
        elif state is None:
            final = ("Unknown", None)
        else:
            final = (type(state).__name__, _text(state.message))
        self.final = (*final, time.time())
        writer = _WRITERS.get(self.path)
        if writer is not None:
            writer.flush(FINISH_WAIT)

    def snapshot(self, states: dict[Any, Any]) -> None:
        """Note every state of a pass that was not noted live (deferred executors)."""
        from prefect_compat._engine.lazy import is_lazy
        from prefect_compat.engine.state import Mapped, State

        for task, state in states.items():  # resumed states were recorded when begun
            plan = _PlanRef(task)
            if not isinstance(state, State):  # a future left by a pass that broke off
                continue
            if isinstance(state, Mapped):
                self.note((plan, -1, state))
                for index, child in enumerate(state.map_states):
                    if isinstance(child, State) and not is_lazy(child._result):
                        self.note((plan, index, child))
            elif not is_lazy(state._result):
                self.note((plan, -1, state))


class _PlanRef:
    """Stands in for a plan when only the task is known (the writer reads `.task`)."""

    __slots__ = ("task",)

    def __init__(self, task: Any) -> None:
        self.task = task


def _text(message: Any) -> str | None:
    return message if message is None or type(message) is str else str(message)


class Scope:
    """Flow.run's passes share one journal run: the first pass begins it, the caller
    ends it. Holds the resume plan of a resumed run."""

    def __init__(self, flow: Any, resumed: Any = None) -> None:
        self.flow = flow
        self.resumed = resumed
        self.run: JournalRun | None = None
        self.tried = False
        self.token = _SCOPE.set(self)

    def close(self, state: Any, error: BaseException | None = None) -> None:
        _SCOPE.reset(self.token)
        if self.run is not None:
            self.run.finish(state, error)


_SCOPE: ContextVar[Scope | None] = ContextVar("prefect_compat.journal_scope", default=None)
_CURRENT: ContextVar[JournalRun | None] = ContextVar("prefect_compat.journal_run", default=None)


def current() -> JournalRun | None:
    """The run being recorded in this context (set for the length of a pass)."""
    return _CURRENT.get()


def resuming(flow: Any) -> Any:
    """The resume plan of the flow run in progress, if it resumes one."""
    scope = _SCOPE.get()
    return scope.resumed if scope is not None and scope.flow is flow else None


def begin(flow: Any, frame: dict[str, Any]) -> JournalRun | None:
    """The journal run of this pass (begun now or by an earlier pass), or None when the
    journal is off. Never raises."""
    scope = _SCOPE.get()
    if scope is not None and scope.flow is flow:
        if not scope.tried:
            scope.tried = True
            scope.run = _start(flow, frame, scope.resumed, True)
        jr = scope.run
    else:
        jr = _start(flow, frame, None, False)
    if jr is not None:
        jr.live = False
        jr.token = _CURRENT.set(jr)
    return jr


def end_pass(jr: JournalRun, task_states: dict[Any, Any], state: Any) -> None:
    """After a pass: note what was not noted live; end a run that is just this pass."""
    try:
        if not jr.live:
            jr.snapshot(task_states)
        if not jr.scoped:
            jr.finish(state)
    finally:
        _CURRENT.reset(jr.token)


def _start(flow: Any, frame: dict[str, Any], resumed: Any, scoped: bool) -> JournalRun | None:
    try:
        config = settings()
        if not config.enabled:
            return None
        from prefect_compat._engine.graph import compile_graph
        from prefect_compat._journal.shape import shape_of

        shape = shape_of(flow, compile_graph(flow))
        jr = JournalRun(flow.name, frame, shape, config, resumed, scoped)
        _writer(config.path).add(jr)
        return jr
    except Exception as exc:  # noqa: BLE001 - the journal never breaks a flow run
        LOGGER.warning("The run journal is off for this run of flow %r: %s", flow.name, exc)
        return None


# -- the writer thread -------------------------------------------------------------------

_WRITERS: dict[str, Any] = {}
_WRITERS_LOCK = threading.Lock()


def _writer(path: str) -> Any:
    writer = _WRITERS.get(path)
    if writer is None:
        from prefect_compat._journal.batch import Writer

        with _WRITERS_LOCK:
            writer = _WRITERS.get(path)
            if writer is None:
                writer = _WRITERS[path] = Writer(path)
                if len(_WRITERS) == 1:
                    atexit.register(_flush_all)
    return writer


def flush(path: str | None = None, timeout: float = 30.0) -> None:
    """Wait until what was noted so far (for `path`, default: all files) is committed."""
    writers = list(_WRITERS.values()) if path is None else [_WRITERS.get(path)]
    for writer in writers:
        if writer is not None:
            writer.flush(timeout)


def _flush_all() -> None:
    """At exit: commit what is left, then close each file (which tidies its WAL)."""
    for writer in list(_WRITERS.values()):
        writer.stop(10.0)


def _forget_in_child() -> None:
    """A forked child starts with no writers (their threads stayed in the parent)."""
    _WRITERS.clear()


os.register_at_fork(after_in_child=_forget_in_child)
