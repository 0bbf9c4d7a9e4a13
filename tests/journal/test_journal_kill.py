"""`kill -9` a real process part-way through a checkpointed mapped flow, then resume it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from prefect_compat._journal import store

SCRIPT = Path(__file__).resolve().parent / "scripts" / "killable.py"
REPO = Path(__file__).resolve().parents[2]
ITEMS = 300


def _env(tmp: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(
        PREFECT__HOME_DIR=str(tmp / "home"),
        PREFECT__USER_CONFIG_PATH=str(tmp / "none.toml"),
        PREFECT__LOGGING__LEVEL="WARNING",
        PYTHONPATH=str(REPO),
        ITEM_LOG=str(tmp / f"{name}.log"),
        RESULT_DIR=str(tmp / "results"),
        ITEMS=str(ITEMS),
    )
    return env


def _run(tmp: Path, name: str, *args: str) -> dict:
    tmp.mkdir(exist_ok=True)
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=_env(tmp, name),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _recorded(journal: Path) -> tuple[store.RunInfo | None, set[int]]:
    """The newest run and the items recorded as successful so far."""
    try:
        conn = store.open_read(str(journal))
    except store.JournalUnavailable:  # not created yet, or its tables not yet written
        return None, set()
    try:
        runs = store.list_runs(conn, limit=1)
        if not runs:
            return None, set()
        run = runs[0]
        slugs = run.slugs()
        rows = store.task_rows(conn, run.num)
    finally:
        conn.close()
    done = {r[1] for r in rows if slugs[r[0]] == "work-1" and r[1] >= 0 and r[3] == store.KIND_OK}
    return run, done


def _lines(path: Path) -> Counter:
    return Counter(path.read_text().splitlines()) if path.exists() else Counter()


def test_a_killed_run_resumes_where_the_journal_says_it_stopped(tmp_path):
    reference = _run(tmp_path / "reference", "reference")
    assert reference["state"] == "Success"

    work = tmp_path / "work"
    work.mkdir()
    journal = work / "home" / "journal.db"
    first = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        env=_env(work, "first"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # kill once the journal has committed a third of the items
            assert first.poll() is None, "the first run ended before it could be killed"
            assert time.monotonic() < deadline, "the journal never recorded 100 items"
            _, done = _recorded(journal)
            if len(done) >= ITEMS // 3:
                break
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == -signal.SIGKILL

    killed, recorded = _recorded(journal)
    assert killed is not None and killed.status() == "Unfinished"
    assert ITEMS // 3 <= len(recorded) < ITEMS
    first_log = _lines(work / "first.log")
    started_first = {int(line.split()[1]) for line in first_log if line.startswith("start")}
    in_flight = started_first - recorded  # running, or done but not yet committed

    resumed = _run(work, "second", "last")
    second_log = _lines(work / "second.log")
    assert resumed == reference  # same state, total and every item's result

    done_first = Counter({int(k.split()[1]): n for k, n in first_log.items() if k[0] == "d"})
    done_second = Counter({int(k.split()[1]): n for k, n in second_log.items() if k[0] == "d"})
    # nothing the journal recorded as successful was computed again
    assert not set(done_second) & recorded
    # every item reached success exactly once across both runs, except those in flight
    for item in range(ITEMS):
        total = done_first[item] + done_second[item]
        if item in in_flight:
            assert done_second[item] == 1, item
        else:
            assert total == 1, (item, done_first[item], done_second[item])
    assert journal.exists()
    conn = store.open_read(str(journal))
    try:
        newest = store.list_runs(conn, limit=1)[0]
        assert newest.resumed_from == killed.id and newest.state == "Success"
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_two_processes_journal_into_one_file_at_once(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    procs = []
    for name in ("one", "two", "three"):
        env = _env(shared, name)
        env["RESULT_DIR"] = str(tmp_path / name)
        procs.append(
            subprocess.Popen(
                [sys.executable, str(SCRIPT)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, (out[-3000:], err[-3000:])
        assert json.loads(out.splitlines()[-1])["state"] == "Success"
        assert "journal" not in err.lower()  # no warning: every commit got through
    conn = store.open_read(str(shared / "home" / "journal.db"))
    try:
        runs = store.list_runs(conn)
        assert len(runs) == 3 and {r.pid for r in runs} == {p.pid for p in procs}
        counts = store.counts(conn, runs)
        assert all(counts[r.num] == (ITEMS + 2, 0, 0) for r in runs)
        assert all(r.state == "Success" and r.status() == "Success" for r in runs)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
