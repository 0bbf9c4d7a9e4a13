"""What a task run carries to a worker, and what it brings back.

Worker threads and processes do not see the caller's context (a new thread starts
from the seeded defaults; a process has its own config). So a non-inline executor
gets `submit(runner, frame, label, fn, *args)`: the frame is one dict (a `Frame`) of the
flow-level keys (flow_name, parameters, checkpointing, custom context, ...), built
once per pass, that the worker pushes for the length of the call. Objects that each
process has anyway (config, loggers) are not shipped; so a `set_temporary_config`
block is seen by thread workers but not by process workers, except for
`checkpointing`, which the flow frame carries.

Two runners:
  run_in_frame    worker threads in this process: push the frame, call, pop.
  run_in_process  workers in other processes. It also (1) pickles the final state
                  on the worker, so a value that cannot cross processes fails *that*
                  task, by name, instead of surfacing later as a transfer error in
                  whichever task or gather touched it; the bytes are kept and reused
                  when the value is shipped, so the check costs no second pickle;
                  (2) captures the `prefect` log records the call emits and sends
                  them back with the state, so the client re-emits them through its
                  own handlers (in order, complete when the result arrives).
Its result comes back as an `Envelope(value, records, payload)`; consumers on workers
unwrap envelopes from their arguments, and executors call `open_envelopes` on what
they gather, which emits the records once and returns the bare states. Executors
that do not declare `crosses_processes` (executors/base.py) get `run_in_frame`.

Mapped fan-outs are submitted in *chunks* (`Submitter.many`): about four per worker
thread, each a single Dask task that runs its children one after another and returns
their states as one list. Dask's per-task cost (~1 ms of scheduling and messaging)
is then paid per chunk instead of per child, while every child still runs on a
worker and checkpoints there. Child i is referred to as `(CHUNK, chunk_future, j)`;
Dask resolves the future inside that tuple, and `unwrap` / `open_envelopes` pick
element j. Chunks of two fan-outs of the same width line up, so chained maps stay
depth first (chunk k of the second map depends on chunk k of the first only).

A future whose task never produced a state is reported by the executor as
`Died(label, error)` (its worker died while running it) or `LOST` (it depended on
such a future). The run loop runs LOST runs again once their upstream is known, and
runs each Died one alone; one that dies alone too ends `worker_died(label, error)`,
a Failed state naming it. The children of a chunk that died are all LOST: they are
resubmitted one by one, so only the child that kills its worker ends Failed.

This module must not import dask or distributed.
"""

from __future__ import annotations

import logging
import pickle
from contextvars import ContextVar
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat.configuration import config
from prefect_compat.engine.state import Failed
from prefect_compat.utilities.logging import ROOT_NAME

__all__ = [
    "CHUNK",
    "LOST",
    "Died",
    "Envelope",
    "Frame",
    "open_envelopes",
    "run_in_frame",
    "run_in_process",
    "submitter",
    "worker_died",
]

_LOCAL_ONLY = frozenset({"config", "logger"})
CHUNK = "prefect_compat.chunk"  # (CHUNK, chunk future or its value, index in chunk)
CHUNKS_PER_THREAD = 4
_PLAIN = (str, int, float, bool, type(None))


class Frame(dict):  # type: ignore[type-arg]
    """The flow-level context shipped with each task run.

    A dict subclass on purpose: Dask walks plain dicts, lists and tuples in task
    arguments looking for futures, and the frame never holds any, so its own type
    keeps it opaque and the walk stays proportional to the upstream states only.
    """

    __slots__ = ()


class _Lost:
    """Marker for a future that erred only because a future it depended on died."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<LOST>"

    def __reduce__(self) -> str:
        return "LOST"


LOST = _Lost()


class Envelope:
    """A worker's return value plus the log records emitted while computing it."""

    __slots__ = ("payload", "records", "value")

    def __init__(
        self, value: Any, records: list[dict[str, Any]], payload: bytes | None = None
    ) -> None:
        self.value = value
        self.records = records
        self.payload = payload

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if self.payload is None:
            return (Envelope, (self.value, self.records))
        return (_open_payload, (self.payload, self.records))


def _open_payload(payload: bytes, records: list[dict[str, Any]]) -> Envelope:
    return Envelope(pickle.loads(payload), records, payload)


class Died:
    """What an executor reports for a run whose worker process died while running it.

    Not yet a verdict: other runs on that worker die with it. The run loop decides
    (see `_engine/loop.py`, suspects) and builds the Failed state with `worker_died`.
    """

    __slots__ = ("error", "label")

    def __init__(self, label: str, error: BaseException) -> None:
        self.label = label
        self.error = error

    def __repr__(self) -> str:
        return f"<Died: {self.label}>"


def worker_died(label: str, error: BaseException) -> Failed:
    """The state of a task whose worker process died while running it."""
    worker = getattr(getattr(error, "last_worker", None), "address", None)
    where = f" on {worker}" if worker else ""
    return Failed(
        f"Task '{label}': its worker process died while running it "
        f"({type(error).__name__}{where}). A task "
        "that ends its own process (os._exit, a crash in native code, the OOM killer) "
        "cannot report a state; nothing it would have checkpointed was written. Fix "
        "the task, or give the workers more memory.",
        result=error,
    )


# -- worker side -----------------------------------------------------------------------


def _is_ref(value: tuple[Any, ...]) -> bool:
    return len(value) == 3 and value[0] == CHUNK


def _pick(chunk: Any, index: int) -> Any:
    """Element `index` of a chunk's states; LOST if the chunk never produced them."""
    return chunk[index] if type(chunk) is list else LOST


def unwrap(value: Any) -> Any:
    """`value` with every Envelope and chunk reference in it (through dicts, lists,
    tuples) replaced by the state it stands for."""
    kind = type(value)
    if kind is Envelope:
        return value.value
    if kind is dict:
        return {k: unwrap(v) for k, v in value.items()}
    if kind is list:
        return [unwrap(v) for v in value]
    if kind is tuple:
        if _is_ref(value):
            return _pick(unwrap(value[1]), value[2])
        return tuple(unwrap(v) for v in value)
    return value


def run_chunk(fn: Callable[..., Any], rows: list[tuple[Any, ...]]) -> list[Any]:
    """One Dask task for a slice of a fan-out: `[fn(*row) for row in rows]`."""
    return [fn(*row) for row in rows]


def run_in_frame(frame: dict[str, Any], label: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call `fn(*args)` with `frame` pushed on this worker thread's context."""
    token = _context.push(dict(frame))
    try:
        return fn(*unwrap(args))
    finally:
        _context.pop(token)


_capture: ContextVar[list[Any] | None] = ContextVar("prefect_compat.worker_records", default=None)
_installed = False


class _CaptureHandler(logging.Handler):
    """Appends records to the current task's list (set in `run_in_process`)."""

    def emit(self, record: logging.LogRecord) -> None:
        records = _capture.get()
        if records is not None:
            records.append(_portable(record))


def _not_capturing(record: logging.LogRecord) -> bool:
    # the worker's own stream handler stays quiet while the client will print the record
    return _capture.get() is None


def _install_capture() -> None:
    """Once per worker process: capture `prefect` (and extra) loggers' records."""
    global _installed
    names = [ROOT_NAME, *(config.logging.get("extra_loggers") or [])]
    handler = _CaptureHandler()
    for name in names:
        logger = logging.getLogger(name)
        for other in logger.handlers:
            other.addFilter(_not_capturing)
        logger.addHandler(handler)
    _installed = True


def _portable(record: logging.LogRecord) -> dict[str, Any]:
    """A record as a picklable dict: message formatted, traceback as text."""
    data = dict(record.__dict__)
    data["msg"] = record.getMessage()
    data["args"] = None
    if record.exc_info:
        data["exc_text"] = logging.Formatter().formatException(record.exc_info)
    data["exc_info"] = None
    for key, value in data.items():
        if not isinstance(value, _PLAIN):
            data[key] = repr(value)
    return data


def run_in_process(frame: dict[str, Any], label: Any, fn: Callable[..., Any], *args: Any) -> Any:
    """`run_in_frame` for another process: capture logs, prove the state can travel.

    `label` is the task's label, or the list of child labels when `fn` is `run_chunk`.
    """
    if not _installed:
        _install_capture()
    records: list[dict[str, Any]] = []
    capture_token = _capture.set(records)
    token = _context.push(dict(frame))
    try:
        value = fn(*unwrap(args))
    finally:
        _context.pop(token)
        _capture.reset(capture_token)
    value, payload = _pickled(label, value)
    return Envelope(value, records, payload)


def _pickled(label: Any, value: Any) -> tuple[Any, bytes | None]:
    """(value, its pickle); a state that cannot be pickled becomes a Failed one."""
    import cloudpickle

    try:
        return value, cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as err:
        if type(label) is not list:
            return _unpicklable(label, value, err), None
    # a chunk: fail only the children whose states cannot be pickled
    states = [_pickled(child, state)[0] for child, state in zip(label, value)]
    return states, None


def _unpicklable(label: str, state: Any, error: BaseException) -> Failed:
    value = getattr(state, "result", None)
    kind = type(value)
    return Failed(
        f"Task '{label}': its result of type {kind.__module__}.{kind.__qualname__} cannot "
        f"be pickled to leave the worker process ({error!r}). Return a picklable value, "
        "or run the flow on threads (LocalDaskExecutor(scheduler='threads'), or a "
        "LocalCluster(processes=False)).",
        result=error,
    )


# -- client side -----------------------------------------------------------------------


def open_envelopes(value: Any, _seen: set[int] | None = None) -> Any:
    """Emit the records of every Envelope in `value` here (once each), and return the
    bare states, with chunk references resolved."""
    seen = set() if _seen is None else _seen
    kind = type(value)
    if kind is Envelope:
        if id(value) not in seen:
            seen.add(id(value))
            for data in value.records:
                record = logging.makeLogRecord(data)
                logging.getLogger(record.name).handle(record)
        return value.value
    if kind is dict:
        return {k: open_envelopes(v, seen) for k, v in value.items()}
    if kind is list:
        return [open_envelopes(v, seen) for v in value]
    if kind is tuple:
        if _is_ref(value):
            return _pick(open_envelopes(value[1], seen), value[2])
        return tuple(open_envelopes(v, seen) for v in value)
    return value


def shippable_frame() -> Frame:
    """The caller's visible context minus what every worker has of its own."""
    return Frame((k, v) for k, v in _context.flatten().items() if k not in _LOCAL_ONLY)


class Submitter:
    """`submit(fn, *args, label=...)` and `many(fn, arglists, labels)` for one pass."""

    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.frame = shippable_frame()
        self.runner = run_in_process if executor.crosses_processes else run_in_frame

    def __call__(self, fn: Callable[..., Any], *args: Any, label: str = "") -> Any:
        return self.executor.submit(
            self.runner, self.frame, label, fn, *args, extra_context={"task_full_name": label}
        )

    def many(
        self,
        fn: Callable[..., Any],
        arglists: list[tuple[Any, ...]],
        labels: list[str],
        batch: bool = True,
    ) -> list[Any]:
        """Submit `fn(*args)` for every argument tuple; returns one reference per call.

        With `batch`, calls are grouped into chunks (module docstring); a reference
        is then `(CHUNK, future, index)`, else the call's own future.
        """
        threads = self.executor.parallelism if batch else 0
        count = min(len(arglists), CHUNKS_PER_THREAD * threads) if threads else len(arglists)
        if count == len(arglists):
            return self._submit_rows(fn, [(label, args) for label, args in zip(labels, arglists)])
        bounds = [len(arglists) * k // count for k in range(count + 1)]
        chunks = []
        for start, stop in zip(bounds, bounds[1:]):
            names = labels[start:stop]
            chunks.append((names, (fn, arglists[start:stop])))
        refs: list[Any] = []
        for (names, _), future in zip(chunks, self._submit_rows(run_chunk, chunks)):
            refs.extend((CHUNK, future, j) for j in range(len(names)))
        return refs

    def _submit_rows(self, fn: Callable[..., Any], rows: list[tuple[Any, ...]]) -> list[Any]:
        labels = [_text(label) for label, _ in rows]
        full = [(self.frame, label, fn, *args) for label, args in rows]
        return list(self.executor.submit_many(self.runner, full, labels))


def _text(label: Any) -> str:
    """A chunk's name for Dask keys and messages: `inc[0]..inc[62]`."""
    return f"{label[0]}..{label[-1]}" if type(label) is list else str(label)


def submitter(executor: Any) -> Callable[..., Any]:
    """`executor.submit` for inline executors; a frame-carrying Submitter otherwise."""
    if executor.inline:
        return executor.submit  # type: ignore[no-any-return]
    return Submitter(executor)
