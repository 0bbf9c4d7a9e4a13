"""Flow-level bookkeeping of a run: parameters, the flow frame, between-pass waits.

Small pure helpers of `flow_run.py`, kept apart so the entry reads as the run's steps:
parameter checks as `Flow.run` does them, the context frame a flow run pushes (run
ids, parameters, Prefect's date keys, checkpointing), the earliest start time among
waiting tasks, the stdin prompt for Paused tasks, and the process-wide cache of
Cached states.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

from prefect_compat import _context
from prefect_compat._datetime import DateTime
from prefect_compat.engine.state import Cached, Mapped, Paused, Resume, Scheduled, State

__all__ = [
    "RUN_INSIDE_FLOW",
    "expand",
    "flow_frame",
    "merge_caches",
    "next_start",
    "resume_paused",
    "split_parameters",
]

FLOW_LOGGER = logging.getLogger("prefect.FlowRunner")
RUN_INSIDE_FLOW = (
    "Don't call `flow.run()` from within a `Flow` context manager: build the flow inside "
    "`with Flow(...) as flow:` and call `flow.run()` after the block."
)


def split_parameters(
    flow: Any, parameters: dict[str, Any] | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    declared = {p.name: p for p in flow.parameters()}
    params = dict(parameters or {})
    unexpected = [name for name in params if name not in declared]  # in the order given
    if unexpected:
        raise ValueError(
            "Flow.run received the following unexpected parameters: " + ", ".join(unexpected)
        )
    for name in list(kwargs):
        if name in declared:
            params[name] = kwargs.pop(name)
    missing = sorted(n for n, p in declared.items() if p.required and n not in params)
    if missing:
        raise ValueError(
            "Flow.run did not receive the following required parameters: " + ", ".join(missing)
        )
    return params


def next_start(states: dict[Any, State]) -> datetime | None:
    starts: list[datetime] = []
    for state in states.values():
        children: Sequence[Any] = state.map_states if isinstance(state, Mapped) else (state,)
        for child in children:
            waiting = isinstance(child, Scheduled) and not isinstance(child, Paused)
            if waiting and child.start_time is not None:
                starts.append(child.start_time)
    return min(starts) if starts else None


def resume_paused(states: dict[Any, State]) -> bool:
    """Ask on stdin whether to resume Paused tasks, as Prefect's local runs do."""
    resumed = False
    for task, state in list(states.items()):
        if isinstance(state, Paused):
            try:
                answer = input(f"{task} is currently Paused; enter 'y' to resume:\n")
            except EOFError:
                return False
            if answer.strip().lower() == "y":
                states[task] = Resume("Resuming task run.")
                resumed = True
    return resumed


def merge_caches(states: dict[Any, State]) -> None:
    """After a run, `context.caches[cache_key or name]` holds, for every task of the run,
    its earlier candidates plus this run's Cached states, less those that have expired
    or never expire (as in Prefect, a task that cached nothing gets an empty list)."""
    caches = _context.get("caches")
    if caches is None:
        return
    now = datetime.now(timezone.utc)
    for task, state in states.items():
        found = list(state.map_states) if isinstance(state, Mapped) else [state]
        key = task.cache_key or task.name
        caches[key] = [
            s
            for s in [*caches.get(key, ()), *(s for s in found if isinstance(s, Cached))]
            if s.cached_result_expiration and s.cached_result_expiration > now
        ]


def _run_date(frame: dict[str, Any], now: datetime) -> datetime:
    """The run's `date`: a preset one (an ISO string is parsed in place), else now."""
    date = frame.get("date") or _context.get("date")
    if isinstance(date, str):
        try:
            parsed = DateTime.fromisoformat(date)
        except ValueError:
            FLOW_LOGGER.warning(
                "`date` was set in the context manually but could not be parsed (%r); the "
                "date strings (today, yesterday, ...) are taken from the current time.",
                date,
            )
            return now
        date = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
        frame["date"] = date
    return date if isinstance(date, datetime) else now


def _date_keys(now: datetime) -> dict[str, Any]:
    fmt = "%Y-%m-%d"
    day = timedelta(days=1)
    return {
        "date": now,
        "today": now.strftime(fmt),
        "yesterday": (now - day).strftime(fmt),
        "tomorrow": (now + day).strftime(fmt),
        "today_nodash": now.strftime("%Y%m%d"),
        "yesterday_nodash": (now - day).strftime("%Y%m%d"),
        "tomorrow_nodash": (now + day).strftime("%Y%m%d"),
    }


def expand(states: Iterable[State]) -> list[State]:
    out: list[State] = []
    for state in states:
        if isinstance(state, Mapped) and state.map_states:
            out.extend(expand(state.map_states))
        else:
            out.append(state)
    return out


def flow_frame(
    flow: Any, context: dict[str, Any] | None, parameters: dict[str, Any] | None
) -> dict[str, Any]:
    """Set the flow-level context keys of a run in `context` (returned)."""
    frame: dict[str, Any] = context if context is not None else {}
    params = {p.name: p.default for p in flow.parameters() if not p.required}
    params.update(_context.get("parameters") or {})
    params.update(frame.get("parameters") or {})
    params.update(parameters or {})
    frame["parameters"] = params
    frame["flow_name"] = flow.name
    frame.setdefault("flow_id", flow.name)
    frame.setdefault("flow_run_id", _context.get("flow_run_id") or str(uuid.uuid4()))
    frame.setdefault("flow_run_name", _context.get("flow_run_name") or frame["flow_run_id"])
    now = DateTime.now(timezone.utc)  # prints as Prefect's pendulum times (_datetime.py)
    frame.setdefault("scheduled_start_time", now)
    for key, value in _date_keys(_run_date(frame, now)).items():
        frame.setdefault(key, value)
    if "checkpointing" not in frame and not _context.contains("checkpointing"):
        config = _context.get("config")
        frame["checkpointing"] = config.flows.checkpointing if config is not None else False
    return frame
