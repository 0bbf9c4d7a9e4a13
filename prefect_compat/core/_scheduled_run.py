"""`flow.run()` with a schedule: wait for each scheduled time, run, repeat.

What it is for: Prefect's local scheduled runs. `Flow.run` calls `run_on_schedule`
only when the flow has a schedule and `run_on_schedule` (argument, else config
`flows.run_on_schedule`) is true; each run itself is the `run_once` callable it is
given, so this module knows nothing about runners or executors.

The loop, as observed on Prefect 1.4.1:
- ask the schedule for its next event after now; log "Waiting for next scheduled
  run at <time>" on the flow's logger (`prefect.<flow name>`) and sleep until then;
- run with the parameters given to `flow.run()` overlaid by the event's clock
  `parameter_defaults` (the clock wins, as in Prefect; names the flow does not
  declare are ignored), and the context key `scheduled_start_time` set to the event
  time; every run shares one `flow_run_id`, as in Prefect;
- stop when the schedule has no more events and return the last run's State. If it
  has none at the start: ValueError "Flow has no more scheduled runs." (Prefect's).

Ctrl-C (KeyboardInterrupt) while waiting ends the loop and returns the last State
(None if nothing ran yet); Prefect lets the interrupt escape. An interrupt during a
run propagates, as it does for a flow run without a schedule.

What it must not do: sleep beyond the next event, or hold the whole schedule in memory.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from prefect_compat import _context

__all__ = ["run_on_schedule", "schedule_applies", "split_run_arguments"]

RunOnce = Callable[[dict, dict], Any]
_LONGEST_NAP = 60.0  # seconds; re-read the clock at least this often while waiting
_sleep = time.sleep  # the only way this module waits (tests replace it to press Ctrl-C)


def schedule_applies(flow: Any, run_on_schedule: bool | None) -> bool:
    """True when `flow.run()` should follow `flow.schedule` rather than run once now."""
    if getattr(flow, "schedule", None) is None:
        return False
    if run_on_schedule is None:
        config = _context.get("config")
        flows = config.get("flows", {}) if config is not None else {}
        run_on_schedule = bool(flows.get("run_on_schedule", True))
    if not run_on_schedule:
        return False
    # flow.run() while a flow file is being loaded, or inside `with Flow(...)`, is
    # reported by the plain run path at once, before any waiting
    return not (_context.get("loading_flow") or _context.get("flow") is flow)


def split_run_arguments(
    flow: Any, parameters: dict | None, kwargs: dict
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(parameters, context, other kwargs) from `flow.run()`'s arguments.

    Keyword arguments named like a Parameter are parameters (as in `flow.run(x=1)`).
    Raises ValueError for unknown parameters, and for required ones that neither the
    call nor every clock of the schedule provides (Prefect's message as the prefix).
    """
    declared = {p.name: p for p in flow.parameters()}
    params = dict(parameters or {})
    rest = dict(kwargs)
    for name in [n for n in rest if n in declared]:
        params[name] = rest.pop(name)
    unexpected = [name for name in params if name not in declared]  # in the order given
    if unexpected:
        raise ValueError(
            "Flow.run received the following unexpected parameters: " + ", ".join(unexpected)
        )
    clocks = getattr(flow.schedule, "clocks", [])
    supplied = set.intersection(*(set(c.parameter_defaults) for c in clocks)) if clocks else set()
    missing = sorted(
        n for n, p in declared.items() if p.required and n not in params and n not in supplied
    )
    if missing:
        raise ValueError(
            "Flow.run did not receive the following required parameters: "
            + ", ".join(missing)
            + " (pass them to flow.run(), or give every clock of the schedule "
            "parameter_defaults for them)"
        )
    context = dict(rest.pop("context", None) or {})
    return params, context, rest


def _wait_until(when: datetime) -> None:
    while True:
        left = (when - datetime.now(timezone.utc)).total_seconds()
        if left <= 0:
            return
        _sleep(min(left, _LONGEST_NAP))


def _next_event(schedule: Any) -> Any:
    events = schedule.next(1, return_events=True)
    return events[0] if events else None


def run_on_schedule(
    flow: Any,
    schedule: Any,
    run_once: RunOnce,
    parameters: dict | None = None,
    context: dict | None = None,
) -> Any:
    """Run `run_once(parameters, context)` at each event of `schedule`; return the last State."""
    from prefect_compat.utilities.logging import get_logger

    logger = get_logger(flow.name)
    declared = {p.name for p in flow.parameters()}
    base_context = dict(context or {})
    base_context.setdefault("flow_run_id", str(uuid.uuid4()))
    state = None
    event = _next_event(schedule)
    if event is None:
        raise ValueError(
            "Flow has no more scheduled runs. (Every clock of flow.schedule ends before "
            "now; pass run_on_schedule=False to run the flow once now.)"
        )
    while event is not None:
        logger.info("Waiting for next scheduled run at %s", event.start_time.isoformat())
        try:
            _wait_until(event.start_time)
        except KeyboardInterrupt:
            logger.info("Scheduled runs of flow %r interrupted; stopping.", flow.name)
            return state
        clock_params = {k: v for k, v in event.parameter_defaults.items() if k in declared}
        run_context = {**base_context, "scheduled_start_time": event.start_time}
        state = run_once({**(parameters or {}), **clock_params}, run_context)
        event = _next_event(schedule)
    return state
