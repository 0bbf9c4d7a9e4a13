"""`prefect-compat runs ls | show | gc`: the flow runs recorded in the run journal.

`ls` lists runs newest first (id, flow, start, duration, final state, and task runs
ok / failed / pending; `--flow`, `--limit`). A run whose process died before it
ended shows as `Unfinished` (no heartbeat for a while, or its process is gone), never
as running forever. `show RUN_ID` (an id or a unique prefix of one) prints the run
and each task run with its state, message and checkpoint location. `gc` applies
the retention (`journal.keep_runs`, or `--keep`) now. All read the file given by
`journal.path` (see docs/resume.md) and never change it, except `gc`.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import click

__all__ = ["runs"]

HINT = "list recorded runs with: prefect-compat runs ls"


def _open() -> Any:
    from prefect_compat._journal import store
    from prefect_compat._journal.writer import settings

    try:
        return store.open_read(settings().path)
    except store.JournalUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def _when(stamp: float | None) -> str:
    if stamp is None:
        return "-"
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _table(rows: list[Any]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        click.echo("  ".join(cells).rstrip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def runs() -> None:
    """Flow runs recorded in the run journal (journal.path)."""


@runs.command("ls")
@click.option("--flow", "flow_name", default=None, metavar="NAME", help="Only this flow's runs.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
def ls(flow_name: str | None, limit: int) -> None:
    """List runs, newest first."""
    from prefect_compat._journal import store

    conn = _open()
    try:
        found = store.list_runs(conn, flow_name, limit)
        counts = store.counts(conn, found)
    finally:
        conn.close()
    if not found:
        which = f" of flow {flow_name!r}" if flow_name else ""
        click.echo(f"No runs{which} recorded.")
        return
    now = time.time()
    rows = [("RUN ID", "FLOW", "STARTED", "DURATION", "STATE", "OK", "FAILED", "PENDING")]
    for run in found:
        ok, failed, pending = counts[run.num]
        rows.append(
            (
                run.id,
                run.flow_name,
                _when(run.started),
                _duration(run.duration(now)),
                run.status(now),
                str(ok),
                str(failed),
                str(pending),
            )
        )
    _table(rows)


@runs.command("show")
@click.argument("run_id")
def show(run_id: str) -> None:
    """Show one run and its task runs (state, message, checkpoint location)."""
    from prefect_compat._journal import store
    from prefect_compat._journal.values import decode_parameters

    conn = _open()
    try:
        found = store.find_run(conn, run_id)
        if len(found) != 1:
            what = "no run" if not found else "more than one run"
            raise click.ClickException(f"{what} with id {run_id!r} in the run journal; {HINT}")
        run = found[0]
        rows = store.task_rows(conn, run.num)
    finally:
        conn.close()
    params = decode_parameters(run.parameters, load=False)
    for label, value in (
        ("Run", run.id),
        ("Flow", run.flow_name),
        ("State", run.status() + (f": {run.message}" if run.message else "")),
        ("Started", _when(run.started)),
        ("Ended", _when(run.ended)),
        ("Duration", _duration(run.duration())),
        ("Script", run.script or "-"),
        ("Parameters", ", ".join(f"{k}={v!r}" for k, v in params.items()) or "-"),
        ("Resumed from", run.resumed_from or "-"),
        ("Process", f"{run.pid} on {run.host}"),
    ):
        click.echo(f"{label + ':':<14}{value}")
    slugs = run.slugs()
    table = [("TASK RUN", "STATE", "MESSAGE", "CHECKPOINT")]
    for task, index, state_name, _, message, loop_count, n_map, result, _, _, origin in rows:
        name = slugs[task] if index < 0 else f"{slugs[task]}[{index}]"
        state = state_name
        if loop_count:
            state += f" (loop {loop_count})"
        if n_map is not None:
            state += f" ({n_map} runs)"
        where = json.loads(result).get("location") if result else None
        where = str(where) if where is not None else "-"
        if origin:
            where += f"  (from run {origin[:8]})"
        table.append((name, state, _short(message), where))
    click.echo("")
    _table(table)


def _short(message: str | None, limit: int = 60) -> str:
    text = " ".join((message or "").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@runs.command("gc")
@click.option(
    "--keep",
    type=click.IntRange(min=0),
    default=None,
    help="Runs to keep (default: journal.keep_runs).",
)
def gc(keep: int | None) -> None:
    """Delete all but the newest runs now (runs still in progress are kept)."""
    from prefect_compat._journal import store
    from prefect_compat._journal.writer import flush, settings

    config = settings()
    keep = config.keep_runs if keep is None else keep
    _open().close()  # a missing or unreadable journal is reported, never created
    flush(config.path)
    try:
        conn = store.connect(config.path)
        try:
            deleted = store.gc(conn, keep)
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - sqlite and OS errors: one line for the user
        raise click.ClickException(
            f"cannot clean the run journal at {config.path!r}: {exc}"
        ) from None
    click.echo(f"Deleted {deleted} run(s); the newest {keep} are kept.")
