"""The writer of one journal file: noted states -> one batch per run -> one commit.

See `writer.py` for the design. A cycle: take every run's accumulated notes, write
the rows of new runs first (their `num` keys the batches), then one batch of task
runs per run (`store.task_rows` describes the format), ended runs and heartbeats, and
commit once. Encoding is here, off the task's path: the state's class (and its kind,
cached per class), message, LOOP count, a mapped parent's width, and for a result
with a location where it was checkpointed (`values.CheckpointEncoder`).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from typing import Any

from prefect_compat._journal import store
from prefect_compat._journal.values import CheckpointEncoder, encode_parameters

__all__ = ["Writer", "encode_entries"]

LOGGER = logging.getLogger("prefect.Journal")
_KINDS: dict[type, tuple[str, int]] = {}
_UPSERT_RUN = """
INSERT INTO flow_runs (id, flow_name, fingerprint, script, parameters, started, host,
    pid, heartbeat, resumed_from)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET ended = NULL, state = NULL, message = NULL,
    host = excluded.host, pid = excluded.pid, heartbeat = excluded.heartbeat
"""


def _kind(cls: type) -> tuple[str, int]:
    from prefect_compat.engine.state import Finished, Looped, Mapped, Success

    found = _KINDS.get(cls)
    if found is None:
        if issubclass(cls, Mapped):
            kind = store.KIND_MAPPED
        elif issubclass(cls, Looped):
            kind = store.KIND_LOOPED
        elif issubclass(cls, Success):
            kind = store.KIND_OK
        elif issubclass(cls, Finished):
            kind = store.KIND_FAILED  # Failed and its kinds, Cancelled
        else:
            kind = store.KIND_PENDING
        found = _KINDS[cls] = (cls.__name__, kind)
    return found


def encode_entries(jr: Any, items: list[Any]) -> list[list[Any]]:
    """The batch entries (`store.task_rows`) of noted items (plan, map index, state,
    plan, ...: three per task run).

    Consecutive task runs that end in the same state with the same message and no
    checkpoint share one group entry (the children of one mapped task; plain task
    runs): a fan-out or a chain of plain results is a handful of entries, not one per
    task run. Consecutive successful children of one mapped task checkpointed to
    LocalResult files of one dir and serializer share a checkpoint group (their
    result JSON differs only in the location). This loop runs once per task run, so
    it keeps the last plan's position and the last state class's kind at hand.
    """
    positions = jr.shape.positions
    entries: list[list[Any]] = []
    group: list[Any] = [None, None, None, None, None]  # children of one mapped task
    plain: list[Any] = [None, None, None, None]  # plain task runs
    saved: list[Any] = [None] * 8  # checkpointed children of one mapped task
    last_plan = last_cls = task_no = name = kind = None
    checkpoint = _encoder()
    flat = iter(items)
    for plan, map_index, state in zip(flat, flat, flat):
        if plan is not last_plan:
            last_plan, task_no = plan, positions.get(plan.task)
        cls = type(state)
        if cls is not last_cls:
            last_cls = cls
            name, kind = _KINDS.get(cls) or _kind(cls)
        if task_no is None:
            continue
        message, result = state.message, getattr(state, "_result", None)
        location = getattr(result, "location", None)
        if location is not None and kind == store.KIND_OK and map_index >= 0:
            parts = checkpoint.parts(result)
            if parts is not None:
                saved = _add_saved(entries, saved, (task_no, name, message), map_index, parts)
                continue
        if kind > store.KIND_FAILED or location is not None:  # type: ignore[operator]
            group, plain = [None, None, None, None, None], [None, None, None, None]
            stored = location is not None and kind != store.KIND_MAPPED
            found = checkpoint(result) if stored else _NO_CHECKPOINT
            entries.append(_record(task_no, map_index, name, kind, state, found))
        elif map_index < 0:
            if plain[0] == name and plain[2] == message:
                plain[3].append(task_no)
            else:
                plain = [name, kind, _text(message), [task_no]]
                entries.append(plain)
        elif group[0] == task_no and group[1] == name and group[3] == message:
            group[4].append(map_index)
        else:
            group = [task_no, name, kind, _text(message), [map_index]]
            entries.append(group)
    return entries


def _text(message: Any) -> str | None:
    return message if message is None or type(message) is str else str(message)


def _encoder() -> CheckpointEncoder:
    from prefect_compat.engine.results.local_result import LocalResult

    return CheckpointEncoder(LocalResult)


_NO_CHECKPOINT: tuple[Any, ...] = (None, None, None)


def _add_saved(
    entries: list[Any], saved: list[Any], key: tuple[Any, Any, Any], index: int, parts: Any
) -> list[Any]:
    """Add a checkpointed child to the checkpoint group `saved` when it is the last
    entry and alike (same task, state, message and result shape), else to a new one;
    returns the group it went to."""
    task_no, state_name, message = key
    shape, file_name, stamp = parts
    if (
        entries
        and entries[-1] is saved
        and saved[0] == task_no
        and saved[1] == state_name
        and saved[3] == message
        and saved[5] is shape
    ):
        saved[4].append(index)
        saved[6].append(file_name)
        saved[7].append(stamp)
        return saved
    saved = [task_no, state_name, store.KIND_OK, _text(message), [index], shape]
    saved += [[file_name], [stamp]]
    entries.append(saved)
    return saved


def _record(  # noqa: PLR0913 - one entry's fields
    task_no: int, index: int, name: Any, kind: Any, state: Any, checkpoint: tuple[Any, ...]
) -> list[Any]:
    """The full entry of a task run with a checkpoint, a LOOP iteration or a fan-out."""
    return [
        task_no,
        index,
        name,
        kind,
        _text(state.message),
        state.loop_count if kind == store.KIND_LOOPED else None,
        state.n_map_states if kind == store.KIND_MAPPED else None,
        *checkpoint,
        None,
    ]


class Writer:
    """The writer of one journal file in this process: a background thread commits a
    batch every `INTERVAL_S`; `flush` commits one at once in the calling thread (a run
    that ends, a resume, the CLI). `cycle_lock` keeps the two from overlapping and
    guards the connection."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.runs: list[Any] = []
        self.lock = threading.Lock()  # guards `runs` and `thread`
        self.cycle_lock = threading.Lock()  # one cycle at a time, on `conn`
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.conn: sqlite3.Connection | None = None
        self.stopping = False

    def add(self, jr: Any) -> None:
        with self.lock:
            self.runs.append(jr)
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._main, name="prefect-compat-journal", daemon=True
                )
                self.thread.start()

    def flush(self, timeout: float) -> None:
        """Commit everything noted so far, here and now (waits for a cycle under way)."""
        if self.cycle_lock.acquire(timeout=timeout):
            try:
                self._cycle_now()
            finally:
                self.cycle_lock.release()

    def stop(self, timeout: float) -> None:
        """Commit what is left and close the file (at interpreter exit)."""
        self.flush(timeout)
        with self.lock:
            thread = self.thread
            self.stopping = True
        self.wake.set()
        if thread is not None:
            thread.join(timeout)

    def _main(self) -> None:
        idle_since = time.monotonic()
        while True:
            self.wake.wait(INTERVAL_S[0])
            self.wake.clear()
            with self.cycle_lock:
                if self._cycle_now():
                    idle_since = time.monotonic()
                with self.lock:
                    idle = not self.runs
                    if self.stopping or (idle and time.monotonic() - idle_since > IDLE_S[0]):
                        self.thread = None
                        self._close()
                        return

    def _cycle_now(self) -> bool:
        """One cycle over the runs being recorded (under `cycle_lock`); any runs?"""
        with self.lock:
            runs = list(self.runs)
        if runs:
            self._cycle(runs)
            with self.lock:
                self.runs = [jr for jr in self.runs if not (jr.off or jr.num == -1)]
        return bool(runs)

    def _close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
            self.conn = None

    def _cycle(self, runs: list[Any]) -> None:
        taken = [(jr, _take(jr)) for jr in runs if not jr.off]
        now = time.time()
        if not any(_due(jr, items, now) for jr, items in taken):
            return
        try:
            conn = self.conn or self._open()
            conn.execute("BEGIN IMMEDIATE")
            try:
                ended = self._write(conn, taken, now)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except Exception as exc:  # noqa: BLE001 - locked, read-only, corrupt: never the run's problem
            self._close()
            for jr, _ in taken:
                _switch_off(jr, exc)
            return
        for jr in ended:
            jr.num = -1  # done: dropped from the writer
        if ended:
            self._retain(ended[0].keep)

    def _open(self) -> sqlite3.Connection:
        self.conn = store.connect(self.path)
        return self.conn

    def _write(self, conn: sqlite3.Connection, taken: list[Any], now: float) -> list[Any]:
        batches: list[tuple[Any, ...]] = []
        beating, ended = [], []
        for jr, items in taken:
            entries: list[Any] = []
            if jr.num is None:
                _insert_run(conn, jr, now)
                entries.extend(list(row) for row in jr.copied)
            if items:
                entries.extend(encode_entries(jr, items))
            if entries:
                batches.append((jr.num, jr.seq, json.dumps(entries, separators=(",", ":"))))
                jr.seq += 1
            if jr.final is not None and not jr.items:
                ended.append(jr)
            elif items or now - jr.beat >= HEARTBEAT_S[0]:
                beating.append((now, jr.num))
                jr.beat = now
        if batches:
            conn.executemany(store.INSERT_BATCH, batches)
        conn.executemany("UPDATE flow_runs SET heartbeat = ? WHERE num = ?", beating)
        conn.executemany(
            "UPDATE flow_runs SET state = ?, message = ?, ended = ?, heartbeat = ? WHERE num = ?",
            [(*jr.final, now, jr.num) for jr in ended],
        )
        return ended

    def _retain(self, keep: int) -> None:
        try:
            conn = self.conn or self._open()
            (count,) = conn.execute("SELECT COUNT(*) FROM flow_runs").fetchone()
            if count > keep:
                store.gc(conn, keep)
        except Exception as exc:  # noqa: BLE001 - retention is best effort
            LOGGER.debug("Run journal retention at %s skipped: %s", self.path, exc)


def _due(jr: Any, items: list[Any], now: float) -> bool:
    """Whether the run has anything to write now."""
    return bool(items or jr.num is None or jr.final is not None or now - jr.beat >= HEARTBEAT_S[0])


def _take(jr: Any) -> list[Any]:
    """The run's noted items so far, whole triples only. The run's thread only ever
    appends, so the first `count` items stay put while they are copied and removed."""
    items = jr.items
    count = len(items)
    count -= count % 3
    taken = items[:count]
    del items[:count]
    return taken


def _insert_run(conn: sqlite3.Connection, jr: Any, now: float) -> None:
    resumed = jr.resumed
    shape = jr.shape
    if not conn.execute(
        "SELECT 1 FROM shapes WHERE fingerprint = ?", (shape.fingerprint,)
    ).fetchone():
        conn.execute("INSERT INTO shapes VALUES (?, ?)", (shape.fingerprint, shape.text))
    conn.execute(
        _UPSERT_RUN,
        (
            jr.id,
            jr.flow_name,
            shape.fingerprint,
            jr.script,
            encode_parameters(jr.parameters),
            jr.started,
            store.HOST,
            os.getpid(),
            now,
            resumed.run.id if resumed is not None else None,
        ),
    )
    jr.num = conn.execute("SELECT num FROM flow_runs WHERE id = ?", (jr.id,)).fetchone()[0]
    (jr.seq,) = conn.execute(  # a run id seen before (one FlowRunner pass after another)
        "SELECT COALESCE(MAX(seq), -1) + 1 FROM task_batches WHERE run = ?", (jr.num,)
    ).fetchone()
    jr.beat = now
    if resumed is not None:
        jr.copied = resumed.rows_for(jr.shape)


def _switch_off(jr: Any, exc: BaseException) -> None:
    if not jr.off:
        jr.off = True
        LOGGER.warning(
            "The run journal at %s is off for this run of flow %r (%s); the flow run goes "
            "on unrecorded.",
            jr.path,
            jr.flow_name,
            exc,
        )
    jr.items.clear()


# tunables as one-element lists, so tests and benchmarks can change them in place
INTERVAL_S = [0.2]
HEARTBEAT_S = [5.0]
IDLE_S = [2.0]
