"""Watch the flow runs of a `prefect-compat run`: live counts while running, a summary after.

How runs are observed: the `Session` registers itself with the engine's one entry
(`_engine/observers.add_observer`), so every flow run the script starts, through
`flow.run()` or a FlowRunner of any class, reaches `Session.observe` before its first
task. It registers a `RunRecord` per runner (one per `flow.run()`, all passes for
retries included), adds a `TransitionCounter` to the runner-level task state
handlers, and records the final state. The counter only does arithmetic on (old, new)
state types under the record's lock; it holds a key, not the record, so it pickles to
a no-op for executors that run tasks in other processes (counts are then filled in
from the final state when the run returns).

Output: on a terminal a rich Live region (one line per active run: spinner, done,
failed, running, elapsed); otherwise plain lines (start, at most one progress line per
`PLAIN_INTERVAL` seconds, finish). The summary (final state, counts per state type,
time, checkpoint locations, failed tasks and their messages) is built as plain
`(text, style)` lines and printed either way. rich is imported only when a terminal
display is actually made; this module must stay importable in worker processes.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import time
from typing import Any, Iterable

from prefect_compat._engine.observers import add_observer, watch_v2_flows
from prefect_compat.engine.state import Failed, Looped, Mapped, Running, State
from prefect_compat.utilities.logging import get_logger

__all__ = ["RunRecord", "Session", "TransitionCounter"]

PLAIN_INTERVAL = 2.0
MAX_LISTED = 10
MAX_MESSAGE = 300
# where `--result-dir` puts results of flows without a Result: one directory per run
RESULT_DIR_LOCATION = "{flow_name}/{flow_run_id}/{task_full_name}.pkl"

_SESSION: Session | None = None
_RECORDS: dict[int, RunRecord] = {}
_KEYS = itertools.count(1)


def format_elapsed(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


def _truncate(text: str, limit: int = MAX_MESSAGE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class TransitionCounter:
    """Runner-level task state handler: counts transitions into the run's record."""

    __slots__ = ("key",)

    def __init__(self, key: int) -> None:
        self.key = key

    def __call__(self, runner: Any, old: State, new: State) -> None:
        record = _RECORDS.get(self.key)  # absent in worker processes: a no-op there
        if record is not None:
            record.on_transition(old, new)

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (TransitionCounter, (self.key,))


class RunRecord:
    """One `flow.run()`: live counters, then its final state."""

    def __init__(self, flow: Any) -> None:
        self.key = next(_KEYS)
        self.flow = flow
        self.name = flow.name
        self.started = time.monotonic()
        self.ended: float | None = None
        self.state: State | None = None
        self.done = self.failed = self.running = 0
        self.lock = threading.Lock()
        self.counter = TransitionCounter(self.key)
        self.last_plain = self.started

    def on_transition(self, old: State, new: State) -> None:
        with self.lock:
            if isinstance(new, Running) and not isinstance(old, Running):
                self.running += 1
            elif isinstance(old, Running) and not isinstance(new, Running):
                self.running = max(0, self.running - 1)
            if new.is_finished() and not isinstance(new, (Mapped, Looped)):
                if new.is_failed():
                    self.failed += 1
                else:
                    self.done += 1
        session = _SESSION
        if session is not None:
            session.display.progress(self)

    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def counts(self) -> tuple[int, int, int]:
        with self.lock:
            return self.done, self.failed, self.running

    def settle(self, state: State) -> None:
        """Take the counts from the states a pass returned (exact for every executor)."""
        runs = task_runs(state)
        with self.lock:
            self.state = state
            self.done = sum(1 for _, s in runs if s.is_finished() and not s.is_failed())
            self.failed = sum(1 for _, s in runs if s.is_failed())
            self.running = 0

    def progress_text(self) -> str:
        done, failed, running = self.counts()
        return (
            f"Flow '{self.name}': {done} done, {failed} failed, {running} running "
            f"({format_elapsed(self.elapsed())})"
        )


def _in_run_order(results: dict, flow: Any) -> list[tuple[Any, State]]:
    """`results` items in the flow's topological order (the dict's own order is a set's)."""
    if flow is None:
        return list(results.items())
    ordered = [(t, results[t]) for t in flow.sorted_tasks() if t in results]
    if len(ordered) < len(results):
        seen = {t for t, _ in ordered}
        ordered += [(t, s) for t, s in results.items() if t not in seen]
    return ordered


def task_runs(state: State | None, flow: Any = None) -> list[tuple[str, State]]:
    """(label, state) of every task run in a flow state; mapped children, not parents."""
    found: list[tuple[str, State]] = []
    results = getattr(state, "result", None)
    if not isinstance(results, dict):
        return found
    for task, task_state in _in_run_order(results, flow):
        name = getattr(task, "name", str(task))
        if isinstance(task_state, Mapped) and task_state.map_states:
            found.extend((f"{name}[{i}]", s) for i, s in enumerate(task_state.map_states))
        elif not isinstance(task_state, Mapped):
            found.append((name, task_state))
    return found


def _state_counts(state: State | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    results = getattr(state, "result", None)
    for task_state in results.values() if isinstance(results, dict) else ():
        members = [task_state]
        if isinstance(task_state, Mapped):
            members += list(task_state.map_states)
        for member in members:
            kind = type(member).__name__
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def checkpoint_locations(state: State | None, flow: Any = None) -> list[str]:
    """Where task results were stored: locations of storage-backed results, in run order."""
    from prefect_compat.engine.result.base import NoResultType, Result
    from prefect_compat.engine.results import ConstantResult, PrefectResult

    skip = (ConstantResult, PrefectResult, NoResultType)  # their "location" is the value
    locations = []
    for _, task_state in task_runs(state, flow):
        result = getattr(task_state, "_result", None)
        location = getattr(result, "location", None)
        if location and type(result) is not Result and not isinstance(result, skip):
            locations.append(str(location))
    return locations


def _checkpoint_lines(locations: list[str]) -> list[tuple[str, str]]:
    if not locations:
        return [("  Checkpoints: none written", "dim")]
    local = all(os.path.isabs(loc) for loc in locations)
    root = os.path.commonpath([os.path.dirname(loc) for loc in locations]) if local else ""
    lines = [(f"  Checkpoints: {len(locations)} written" + (f" under {root}" if root else ""), "")]
    for location in locations[:MAX_LISTED]:
        shown = os.path.relpath(location, root) if root else location
        lines.append((f"    {shown}", "cyan"))
    if len(locations) > MAX_LISTED:
        lines.append((f"    ... and {len(locations) - MAX_LISTED} more", "dim"))
    if root:
        lines.append((f"  Browse them with: prefect-compat results ls {root}", "dim"))
    return lines


def _failure_lines(state: State | None, flow: Any) -> list[tuple[str, str]]:
    failed = [(label, s) for label, s in task_runs(state, flow) if s.is_failed()]
    if not failed:
        return []
    lines = [(f"  Failed tasks ({len(failed)}):", "bold red")]
    for label, task_state in failed[:MAX_LISTED]:
        why = task_state.message or repr(task_state.result)
        lines.append((f"    {label}: {type(task_state).__name__}: {_truncate(str(why))}", "red"))
    if len(failed) > MAX_LISTED:
        lines.append((f"    ... and {len(failed) - MAX_LISTED} more", "dim"))
    return lines


def summary_lines(record: RunRecord) -> list[tuple[str, str]]:
    """The end-of-run summary for one flow run, as (text, rich style) lines."""
    state = record.state
    if state is None:
        return [(f"Flow '{record.name}': no state (the run did not return)", "bold red")]
    ok = state.is_successful()
    verdict = "finished" if state.is_finished() else "ended unfinished"
    lines = [
        (
            f"Flow '{record.name}' {verdict}: {type(state).__name__}"
            f"({_truncate(state.message or '')!r}) in {format_elapsed(record.elapsed())}",
            "bold green" if ok else "bold red",
        )
    ]
    counts = _state_counts(state)
    if counts:
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        lines.append((f"  Task states: {parts}", ""))
    elif not isinstance(state.result, dict) and isinstance(state, Failed):
        lines.append((f"  Error: {_truncate(repr(state.result))}", "red"))
    lines += _checkpoint_lines(checkpoint_locations(state, record.flow))
    lines += _failure_lines(state, record.flow)
    return lines


# -- displays -------------------------------------------------------------------------


class PlainDisplay:
    """Progress as plain lines on stdout (not a terminal: logs, CI, pipes)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def _emit(self, text: str) -> None:
        with self.lock:
            print(f"prefect-compat: {text}", flush=True)

    def begin(self, record: RunRecord) -> None:
        self._emit(f"Flow '{record.name}' started ({len(record.flow.tasks)} tasks)")

    def progress(self, record: RunRecord) -> None:
        now = time.monotonic()
        if now - record.last_plain >= PLAIN_INTERVAL:
            record.last_plain = now
            self._emit(record.progress_text())

    def finish(self, record: RunRecord) -> None:
        self._emit(record.progress_text())

    def close(self) -> None:
        pass

    def summary(self, lines: Iterable[tuple[str, str]]) -> None:
        with self.lock:
            for text, _ in lines:
                print(text, flush=True)


class LiveDisplay:
    """A rich Live region with one line per active flow run (stdout is a terminal)."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(file=sys.stdout)
        self.active: list[RunRecord] = []
        self.live: Any = None
        self.lock = threading.RLock()
        self._streams: list[tuple[logging.StreamHandler, Any]] = []

    def _render(self) -> Any:
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.table import Table

        # No self.lock here: rich's refresh thread calls this holding Live's own lock,
        # while finish()/close() hold self.lock and then stop Live (which takes Live's
        # lock): taking ours here would deadlock them. Copying the list is atomic.
        active = list(self.active)
        grid = Table.grid(padding=(0, 1))
        for record in active:
            done, failed, running = record.counts()
            grid.add_row(
                Spinner("dots", style="cyan") if record.ended is None else "•",
                f"[bold]Flow '{record.name}'[/]",
                f"[green]{done} done[/]",
                f"[red]{failed} failed[/]",
                f"[yellow]{running} running[/]",
                f"[dim]{format_elapsed(record.elapsed())}[/]",
            )
        return Group(grid)

    def begin(self, record: RunRecord) -> None:
        from rich.live import Live

        with self.lock:
            self.active.append(record)
            if self.live is None:
                self.live = Live(
                    console=self.console, refresh_per_second=8, get_renderable=self._render
                )
                self.live.start(refresh=True)
                self._route_logs()

    def progress(self, record: RunRecord) -> None:
        pass  # the Live region refreshes itself on a timer

    def finish(self, record: RunRecord) -> None:
        with self.lock:
            if record not in self.active:
                return
            if len(self.active) > 1:  # others still run: leave a static line for this one
                self.active.remove(record)
                self.console.print(record.progress_text(), soft_wrap=True)
                return
            self._stop()

    def _stop(self) -> None:
        if self.live is not None:
            self.live.refresh()
            self.live.stop()
            self.live = None
        self._unroute_logs()
        self.active.clear()

    def close(self) -> None:
        with self.lock:
            self._stop()

    def summary(self, lines: Iterable[tuple[str, str]]) -> None:
        from rich.text import Text

        for text, style in lines:
            self.console.print(Text(text, style=style or ""), soft_wrap=True)

    def _route_logs(self) -> None:
        """Send the `prefect` log handlers through the Live region, not under it."""
        for handler in get_logger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (
                sys.__stdout__,
                sys.__stderr__,
            ):
                proxy = sys.stdout if handler.stream is sys.__stdout__ else sys.stderr
                self._streams.append((handler, handler.setStream(proxy)))

    def _unroute_logs(self) -> None:
        for handler, stream in self._streams:
            handler.setStream(stream)
        self._streams.clear()


# -- the session and the runner -------------------------------------------------------


class Session:
    """Everything one `prefect-compat run` observes: records, CLI overrides, the display."""

    def __init__(self, display: Any, parameters: dict[str, str], result_dir: str | None) -> None:
        from prefect_compat._config import cast_string

        self.display = display
        self.raw_parameters = dict(parameters)  # as typed: str parameters get this text
        self.parameters = {name: cast_string(raw) for name, raw in parameters.items()}
        self.used_parameters: set[str] = set()
        self.usage_error: Exception | None = None
        self.result_dir = result_dir
        self.records: list[RunRecord] = []
        self.v2_runs: list[tuple[Any, Any]] = []  # (flow, final state) of 2.x flow calls
        # keyed by the runner itself (one per `flow.run()`), kept alive so keys stay unique
        self._by_runner: dict[Any, RunRecord] = {}

    def __enter__(self) -> Session:
        global _SESSION
        _SESSION = self
        self._unobserve = add_observer(self.observe)
        self._unwatch = watch_v2_flows(lambda flow, state: self.v2_runs.append((flow, state)))
        return self

    def __exit__(self, *exc: Any) -> None:
        global _SESSION
        self._unobserve()
        self._unwatch()
        self.display.close()
        _SESSION = None

    def observe(self, flow: Any, runner: Any, options: dict[str, Any]) -> Any:
        """A flow run starts (any runner class): apply the CLI's options, count its tasks.

        The `--param` values are checked here, before any task of the run.
        """
        options["parameters"] = {**(options.get("parameters") or {}), **self.overrides_for(flow)}
        self.apply_result_dir(flow)
        counter = self.record_for(runner).counter
        options["task_runner_state_handlers"] = [
            *(options.get("task_runner_state_handlers") or ()),
            counter,
        ]
        return lambda state: self.finished(runner, state)

    def record_for(self, runner: Any) -> RunRecord:
        record = self._by_runner.get(runner)
        if record is None:
            record = RunRecord(runner.flow)
            self._by_runner[runner] = record
            self.records.append(record)
            _RECORDS[record.key] = record
            self.display.begin(record)
        return record

    def overrides_for(self, flow: Any) -> dict[str, Any]:
        """The `--param` values this flow declares, checked against it (they override what
        the script passes). Raises ParameterError, before any task runs, for a name no
        flow of the script declares or a value unfit for its parameter."""
        from prefect_compat.cli._checks import ParameterError, check_parameter_values

        try:
            chosen = check_parameter_values(
                flow, self.parameters, self.raw_parameters, _script_flows()
            )
        except ParameterError as exc:
            self.usage_error = exc
            raise
        self.used_parameters.update(chosen)
        return chosen

    def apply_result_dir(self, flow: Any) -> None:
        if self.result_dir is None or flow.result is not None:
            return
        from prefect_compat.engine.results import LocalResult

        result = LocalResult(dir=self.result_dir, location=RESULT_DIR_LOCATION)
        result.dir = os.path.abspath(self.result_dir)  # even inside home_dir: the user asked
        flow.result = result

    def finished(self, runner: Any, state: State) -> None:
        record = self._by_runner[runner]
        record.settle(state)
        if state.is_finished():
            record.ended = time.monotonic()
            _RECORDS.pop(record.key, None)
            self.display.finish(record)

    def print_summaries(self) -> None:
        self.display.close()
        for record in self.records:
            if record.ended is None:
                record.ended = time.monotonic()
            self.display.summary(summary_lines(record))

    def exit_code(self) -> int:
        ok = all(r.state is not None and r.state.is_successful() for r in self.records)
        ok = ok and all(state.is_completed() for _, state in self.v2_runs)
        return 0 if ok else 1


def _script_flows() -> list[Any]:
    """The Flows the running script has defined at module level so far."""
    from prefect_compat.core.flow import Flow

    module = sys.modules.get("__main__")
    return [v for v in list(getattr(module, "__dict__", {}).values()) if isinstance(v, Flow)]
