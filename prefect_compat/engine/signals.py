"""State signals: exceptions that end a task run in a chosen state.

Raising `FAIL("why")` inside a task, trigger or state handler ends the run as
`Failed("why")`; each signal builds its state when constructed and carries it as
`signal.state`. When no `result=` is given, the signal itself becomes the state's
result (so a FAIL'd task's `state.result` is the FAIL), except LOOP, whose default
result is `repr(signal)`. `ENDRUN(state)` stops the run with exactly `state`.

All derive from `PrefectSignal(BaseException)`, so user code's `except Exception:`
does not swallow them (Prefect 1.x behaviour). With `compat.prefect_version = "0.13"`
they derive from `PrefectError(Exception)` instead, as in Prefect 0.13 (so a blanket
`except Exception:` does catch a TRIGGERFAIL or a FAIL). The base is picked once,
when this module is first imported. Nothing here touches the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Type

from prefect_compat.engine.state import (
    Failed,
    Looped,
    Paused,
    Retrying,
    Skipped,
    State,
    Success,
    TriggerFailed,
    ValidationFailed,
)
from prefect_compat.exceptions import PrefectError, PrefectSignal

__all__ = [
    "ENDRUN",
    "FAIL",
    "LOOP",
    "PAUSE",
    "RETRY",
    "SKIP",
    "SUCCESS",
    "TRIGGERFAIL",
    "VALIDATIONFAIL",
    "PrefectError",
    "PrefectSignal",
    "PrefectStateSignal",
    "signal_from_state",
]


def _prefect_013() -> bool:
    from prefect_compat._config import prefect_version
    from prefect_compat.configuration import config

    return prefect_version(config) == "0.13"


if TYPE_CHECKING:
    _StateSignalBase = PrefectSignal
    _EndRunBase = PrefectSignal
elif _prefect_013():  # Prefect 0.13: signals are ordinary Exceptions
    _StateSignalBase = PrefectError
    _EndRunBase = Exception
else:
    _StateSignalBase = PrefectSignal
    _EndRunBase = PrefectSignal
# ENDRUN's exception args as each release has them: ("",) in 1.x, () in 0.13.
_ENDRUN_ARGS: tuple[str, ...] = () if _EndRunBase is Exception else ("",)


class PrefectStateSignal(_StateSignalBase):
    """Base of the state signals; `_state_cls` is the state class each one produces."""

    _state_cls: Type[State] = State

    def __init__(self, message: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(message)  # type: ignore[arg-type]  # None is allowed, as in Prefect
        kwargs.setdefault("result", self)
        # Keyword `message` plus positional extras raises TypeError, exactly as in Prefect.
        self.state = self._state_cls(message=message, *args, **kwargs)  # type: ignore[misc]  # noqa: B026


class FAIL(PrefectStateSignal):
    """End the run as Failed (retries apply)."""

    _state_cls = Failed


class TRIGGERFAIL(FAIL):
    """A trigger did not pass: the task ends TriggerFailed without running."""

    _state_cls = TriggerFailed


class VALIDATIONFAIL(FAIL):
    """The task's output failed validation: the task ends ValidationFailed."""

    _state_cls = ValidationFailed


class SUCCESS(PrefectStateSignal):
    """End the run as Success, optionally with `result=`."""

    _state_cls = Success


class RETRY(PrefectStateSignal):
    """End the run as Retrying, whatever `max_retries` says."""

    _state_cls = Retrying


class SKIP(PrefectStateSignal):
    """End the run as Skipped; downstream tasks skip too unless told otherwise."""

    _state_cls = Skipped


class PAUSE(PrefectStateSignal):
    """End the run as Paused until someone resumes it."""

    _state_cls = Paused


class LOOP(PrefectStateSignal):
    """End this iteration as Looped; the engine runs the task again.

    A LOOP's result is checkpointed like a return value, so its default is a plain
    string (the signal's repr) rather than the signal object. As in Prefect, it is taken
    before the message is set, so it shows positional arguments only: `LOOP("m")`
    gives "LOOP('m')" but `LOOP(message="m")` gives "LOOP()".
    """

    _state_cls = Looped

    def __init__(self, message: str | None = None, *args: Any, **kwargs: Any) -> None:
        if "result" not in kwargs:
            kwargs["result"] = repr(self)
        super().__init__(message, *args, **kwargs)


class ENDRUN(_EndRunBase):
    """Stop the task run immediately with exactly `state` (no retry or cache steps)."""

    def __init__(self, state: State | None) -> None:
        self.state = state
        super().__init__(*_ENDRUN_ARGS)  # repr "ENDRUN('')" (1.x) or "ENDRUN()" (0.13)

    def __reduce__(self) -> Any:
        # Rebuilt from its state, whatever the args are.
        return (type(self), (self.state,), self.__dict__)


def _signals_by_state_name() -> Dict[str, Type[PrefectStateSignal]]:
    """State class name -> signal class, over all subclasses (later definitions win)."""
    table: Dict[str, Type[PrefectStateSignal]] = {}
    pending = list(reversed(PrefectStateSignal.__subclasses__()))
    while pending:
        signal_cls = pending.pop()
        table[signal_cls._state_cls.__name__] = signal_cls
        pending.extend(reversed(signal_cls.__subclasses__()))
    return table


def signal_from_state(state: State) -> Type[PrefectStateSignal]:
    """The signal class that produces a state of this class (matched by class name)."""
    signal_cls = _signals_by_state_name().get(type(state).__name__)
    if signal_cls is None:
        raise ValueError(f"No signal matches the provided state: {state}")
    return signal_cls
