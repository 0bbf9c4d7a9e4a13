"""The journal file: an SQLite database (standard library `sqlite3`) in WAL mode.

Three tables. `flow_runs`: one row per flow run (`num` is its short integer key, `id`
the flow_run_id), with the flow's name and fingerprint (its shape, `_journal/shape.py`,
is stored once per fingerprint in `shapes`), the script
path when run through the CLI, the parameters, start/end times, the final state, and
`host`/`pid`/`heartbeat` so a reader can tell a live run from one whose process died.
`task_batches`: the run's task runs, one JSON batch per commit (see `task_rows`).
Each task run is recorded with its task (its position in the recorded shape), map
index (-1 for a plain task or a mapped parent), the state's class and message, its
kind (pending/ok/failed/mapped/looped), the LOOP count, a mapped parent's width, and
where the result was checkpointed: `result` is the `_result` entry of the state
serialization (`serialization/result.py`: result type and location, never the
value), `serializer` the serializer's class name, and `stamp` a local file's size and
mtime (a rewritten file no longer matches). `origin` names the run a resumed task
run came from. Batches rather than a row per task run: one SQLite row costs several
microseconds to insert, a JSON entry a fraction of one.

WAL with `synchronous=NORMAL` keeps every committed batch across a crash of the
process and never leaves a torn file; several processes may write at once (each
commit takes the write lock briefly; `busy_timeout` makes the others wait).

Writers (`_journal/writer.py`) open with `connect`; readers (resume, `prefect-compat
runs`) with `open_read`, which never creates or changes anything. Nothing here runs
on a task's path.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from typing import Any, NamedTuple

from prefect_compat._journal import values

__all__ = [
    "KIND_FAILED",
    "KIND_LOOPED",
    "KIND_MAPPED",
    "KIND_OK",
    "KIND_PENDING",
    "HOST",
    "JournalUnavailable",
    "RunInfo",
    "connect",
    "counts",
    "find_run",
    "gc",
    "list_runs",
    "open_read",
    "task_rows",
]

SCHEMA_VERSION = 1
BUSY_TIMEOUT = 3.0  # seconds a writer waits for another process's commit
STALE_AFTER = 30.0  # a run without a heartbeat for this long is not running
HOST = socket.gethostname()
KIND_PENDING, KIND_OK, KIND_FAILED, KIND_MAPPED, KIND_LOOPED = range(5)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS flow_runs (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    flow_name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    script TEXT,
    parameters TEXT,
    started REAL NOT NULL,
    ended REAL,
    state TEXT,
    message TEXT,
    host TEXT,
    pid INTEGER,
    heartbeat REAL,
    resumed_from TEXT
);
CREATE INDEX IF NOT EXISTS flow_runs_by_start ON flow_runs (started);
CREATE INDEX IF NOT EXISTS flow_runs_by_flow ON flow_runs (flow_name, started);
CREATE TABLE IF NOT EXISTS shapes (
    fingerprint TEXT PRIMARY KEY,
    shape TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS task_batches (
    run INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run, seq)
) WITHOUT ROWID;
"""

_RUN_COLUMNS = (
    "r.num, r.id, r.flow_name, r.fingerprint, s.shape, r.script, r.parameters, r.started, "
    "r.ended, r.state, r.message, r.host, r.pid, r.heartbeat, r.resumed_from "
    "FROM flow_runs r JOIN shapes s ON s.fingerprint = r.fingerprint"
)

INSERT_BATCH = "INSERT OR REPLACE INTO task_batches VALUES (?, ?, ?)"
# a task run's record, as readers get it (see `task_rows`)
FIELDS = (
    "task",
    "map_index",
    "state",
    "kind",
    "message",
    "loop_count",
    "n_map",
    "result",
    "serializer",
    "stamp",
    "origin",
)


class JournalUnavailable(Exception):
    """The journal cannot be opened or read; the message says which file and why."""


def connect(path: str) -> sqlite3.Connection:
    """A writing connection, creating the file and its tables when needed."""
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"it was written by a newer prefect-compat (journal format {version})"
            )
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
            )
    except BaseException:
        conn.close()
        raise
    return conn


def open_read(path: str) -> sqlite3.Connection:
    """A read-only connection; JournalUnavailable says why there is none."""
    if not os.path.exists(path):
        raise JournalUnavailable(
            f"there is no run journal at {path!r} (no flow run has been recorded there; "
            "the file is set by journal.path)"
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:  # created a moment ago: its tables are still being written
            conn.close()
            raise JournalUnavailable(f"the run journal at {path!r} has no runs recorded yet")
        if version != SCHEMA_VERSION:
            conn.close()
            raise JournalUnavailable(
                f"the run journal at {path!r} has format {version}, this prefect-compat "
                f"reads format {SCHEMA_VERSION}"
            )
        conn.execute("SELECT num FROM flow_runs LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        raise JournalUnavailable(f"the run journal at {path!r} cannot be read: {exc}") from exc
    return conn


class RunInfo(NamedTuple):
    num: int
    id: str
    flow_name: str
    fingerprint: str
    shape: str
    script: str | None
    parameters: str | None
    started: float
    ended: float | None
    state: str | None
    message: str | None
    host: str | None
    pid: int | None
    heartbeat: float | None
    resumed_from: str | None

    def alive(self, now: float | None = None) -> bool:
        """Whether the run's process is still at work (not ended, heartbeat fresh)."""
        if self.ended is not None:
            return False
        now = time.time() if now is None else now
        if self.heartbeat is None or now - self.heartbeat > STALE_AFTER:
            return False
        return self.host != HOST or self.pid is None or _pid_alive(self.pid)

    def status(self, now: float | None = None) -> str:
        """The final state's class name, `Running`, or `Unfinished` (its process died)."""
        if self.ended is not None:
            return self.state or "Unknown"
        return "Running" if self.alive(now) else "Unfinished"

    def duration(self, now: float | None = None) -> float:
        end = self.ended or (self.heartbeat if not self.alive(now) else None)
        return max(0.0, (end or (time.time() if now is None else now)) - self.started)

    def params(self) -> dict[str, Any]:
        from prefect_compat._journal.values import decode_parameters

        return decode_parameters(self.parameters)

    def slugs(self) -> list[str]:
        return list(json.loads(self.shape)["tasks"])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def list_runs(
    conn: sqlite3.Connection, flow_name: str | None = None, limit: int | None = 20
) -> list[RunInfo]:
    """Runs, newest first."""
    sql = f"SELECT {_RUN_COLUMNS}"
    args: list[Any] = []
    if flow_name is not None:
        sql += " WHERE r.flow_name = ?"
        args.append(flow_name)
    sql += " ORDER BY r.started DESC, r.num DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [RunInfo(*row) for row in conn.execute(sql, args)]


def find_run(conn: sqlite3.Connection, run_id: str) -> list[RunInfo]:
    """The runs whose id is `run_id` or starts with it (at least 4 characters)."""
    exact = conn.execute(f"SELECT {_RUN_COLUMNS} WHERE r.id = ?", (run_id,))
    found = [RunInfo(*row) for row in exact]
    if found or len(run_id) < 4:
        return found
    pattern = run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(f"SELECT {_RUN_COLUMNS} WHERE r.id LIKE ? ESCAPE '\\' LIMIT 5", (pattern,))
    return [RunInfo(*row) for row in rows]


def _entries(conn: sqlite3.Connection, num: int) -> Any:
    rows = conn.execute("SELECT body FROM task_batches WHERE run = ? ORDER BY seq", (num,))
    for (body,) in rows:
        yield from json.loads(body)


def task_rows(conn: sqlite3.Connection, num: int) -> list[tuple[Any, ...]]:
    """Every task run of run `num` as a record (`FIELDS`), in (task, map_index) order.

    A batch (one commit) is a JSON list of entries, in the order the task runs ended:
    a record of all FIELDS, or, for consecutive task runs that ended in the same state
    with the same message and no checkpoint, a group: `[task, state, kind, message,
    [map_index, ...]]` for children of one mapped task, `[state, kind, message, [task,
    ...]]` for plain task runs; for children of one mapped task checkpointed alike, a
    checkpoint group `[task, state, kind, message, [map_index, ...], [head, tail,
    serializer, dir prefix], [file name, ...], [stamp, ...]]` (`values.CheckpointEncoder`,
    `values.spliced`). A later
    entry for the same task run (a retry, a later pass) replaces an earlier one but
    keeps its LOOP count.
    """
    latest: dict[tuple[int, int], tuple[Any, ...]] = {}
    for entry in _entries(conn, num):
        if len(entry) == 8:
            task, state, kind, message, indexes, shape, names, stamps = entry
            for index, name, stamp in zip(indexes, names, stamps):
                old = latest.get((task, index))
                loop = old[5] if old is not None else None
                text = values.spliced(shape, name)
                record = (task, index, state, kind, message, loop, None, text, shape[2], stamp)
                latest[(task, index)] = (*record, None)
            continue
        if len(entry) == 4:
            state, kind, message, tasks = entry
            for task in tasks:
                old = latest.get((task, -1))
                loop = old[5] if old is not None else None
                latest[(task, -1)] = (task, -1, state, kind, message, loop, *_NONE5)
            continue
        if len(entry) == 5:
            task, state, kind, message, indexes = entry
            for index in indexes:
                old = latest.get((task, index))
                loop = old[5] if old is not None else None
                latest[(task, index)] = (task, index, state, kind, message, loop, *_NONE5)
            continue
        record = tuple(entry)
        old = latest.get((record[0], record[1]))
        if record[5] is None and old is not None and old[5] is not None:
            record = (*record[:5], old[5], *record[6:])
        latest[(record[0], record[1])] = record
    return [latest[key] for key in sorted(latest)]


_NONE5 = (None, None, None, None, None)


def counts(conn: sqlite3.Connection, runs: list[RunInfo]) -> dict[int, tuple[int, int, int]]:
    """{num: (ok, failed, pending)} task runs; a mapped parent counts as its width and
    a task without any record as one pending run."""
    out = {}
    for run in runs:
        tally = dict.fromkeys(range(5), 0)
        width = 0
        for record in task_rows(conn, run.num):
            tally[record[3]] += 1
            if record[3] == KIND_MAPPED:
                width += record[6] or 0
        ok, failed = tally[KIND_OK], tally[KIND_FAILED]
        expected = len(run.slugs()) - tally[KIND_MAPPED] + width
        out[run.num] = (ok, failed, max(0, expected - ok - failed))
    return out


def gc(conn: sqlite3.Connection, keep: int) -> int:
    """Delete all but the newest `keep` runs (never a live one); how many were deleted."""
    doomed = [run for run in list_runs(conn, limit=None)[max(0, keep) :] if not run.alive()]
    if not doomed:
        return 0
    nums = [(run.num,) for run in doomed]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("DELETE FROM task_batches WHERE run = ?", nums)
        conn.executemany("DELETE FROM flow_runs WHERE num = ?", nums)
        conn.execute(
            "DELETE FROM shapes WHERE fingerprint NOT IN (SELECT fingerprint FROM flow_runs)"
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(doomed)
