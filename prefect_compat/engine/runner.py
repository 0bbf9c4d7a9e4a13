"""`Runner`: the base of FlowRunner and TaskRunner, kept for code that subclasses it.

It owns the runner-level state handlers (`handler(runner, old_state, new_state)`),
`handle_state_change` and `call_runner_target_handlers`, and it works out, once per
class, which of the engine's hook methods a subclass overrides: the engine calls
those at their point of the run and uses its own steps for the rest (`_engine/hooks.py`).
A subclass method whose name is one letter off a hook (`check_task_triger`) would
never be called, so defining one warns, once, when the class is created.
"""

from __future__ import annotations

import difflib
import functools
import warnings
from collections.abc import Sequence
from typing import Any, Callable, ClassVar, Iterable

from prefect_compat import _context
from prefect_compat.engine.signals import ENDRUN, PAUSE, PrefectStateSignal
from prefect_compat.engine.state import Failed, Pending, State
from prefect_compat.utilities.logging import get_logger

__all__ = ["ENDRUN", "Runner", "call_state_handlers"]


class Runner:
    """Common state-handler plumbing for flow and task runners."""

    # The engine's hook names for this kind of runner (set by FlowRunner/TaskRunner).
    _hook_names: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, state_handlers: Iterable[Callable] | None = None) -> None:
        if state_handlers is not None and (
            not isinstance(state_handlers, Sequence) or isinstance(state_handlers, (str, bytes))
        ):
            raise TypeError("state_handlers should be iterable.")
        # The sequence given is kept as it is (a tuple stays the same tuple), as in Prefect.
        self.state_handlers = state_handlers if state_handlers is not None else []
        self.logger = get_logger(type(self).__name__)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _warn_near_misses(cls)

    @classmethod
    def _overridden(cls, stock: type[Runner]) -> frozenset[str]:
        """The hook names whose method on `cls` is not `stock`'s (cached per class)."""
        cache = cls.__dict__.get("_overrides_cache")
        if cache is None or cache[0] is not stock:
            names = frozenset(
                name
                for name in stock._hook_names
                if getattr(cls, name, None) is not getattr(stock, name, None)
            )
            cache = (stock, names)
            cls._overrides_cache = cache  # type: ignore[attr-defined]
        return cache[1]  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f'<"{type(self).__name__}">'

    def initialize_run(self, state: State | None, context: dict[str, Any]) -> Any:
        """The state a run starts from: meta states unwrapped, None as Pending()."""
        while state is not None and state.is_meta_state():
            state = state.state  # type: ignore[attr-defined]
        return (state if state is not None else Pending()), context

    def call_runner_target_handlers(self, old_state: Any, new_state: Any) -> Any:
        """Hook for subclasses: the runner's target (flow or task) handlers."""
        return new_state

    def handle_state_change(self, old_state: Any, new_state: Any) -> Any:
        """Target handlers first, then this runner's own handlers.

        A handler's PAUSE or ENDRUN propagates; another state signal gives its state;
        any other error ends the run: ENDRUN(Failed(...)) naming the error.
        """
        try:
            new_state = self.call_runner_target_handlers(old_state, new_state)
            for handler in self.state_handlers:
                replaced = handler(self, old_state, new_state)
                if replaced is not None:
                    new_state = replaced
        except (ENDRUN, PAUSE):
            raise
        except PrefectStateSignal as sig:
            if _context.get("raise_on_exception"):
                raise
            return sig.state
        except Exception as exc:  # noqa: BLE001 - user handler code ends the run Failed
            if _context.get("raise_on_exception"):
                raise
            self.logger.exception("Unexpected error while calling state handlers")
            message = f"Unexpected error while calling state handlers: {exc!r}"
            raise ENDRUN(Failed(message, result=exc)) from exc
        return new_state


def _warn_near_misses(cls: type) -> None:
    known = set(getattr(cls, "_hook_names", ()))
    if not known:
        return
    public = {name for klass in cls.__mro__[1:] for name in vars(klass)}
    for name, value in vars(cls).items():
        if name.startswith("_") or name in known or name in public or not callable(value):
            continue
        near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if near:
            warnings.warn(
                f"{cls.__name__}.{name} is not a {cls.__mro__[1].__name__} method, so the "
                f"engine never calls it; did you mean {near[0]}?",
                UserWarning,
                stacklevel=3,
            )


def call_state_handlers(method: Callable) -> Callable:
    """Decorator for Runner methods `(self, state, ...) -> State` that fires handlers.

    Whenever the method's outcome is a different state object than the one it was
    given, the runner's `handle_state_change(old, new)` runs and its answer is the
    outcome. The outcome is what the method returns, what an ENDRUN it raises
    carries (re-raised with the handled state), a state signal's state, or, for any
    other error, `Failed("Unexpected error: ...")`.
    """

    @functools.wraps(method)
    def wrapper(self: Runner, state: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            new_state = method(self, state, *args, **kwargs)
        except ENDRUN as stop:
            if stop.state is state:
                raise
            raise ENDRUN(self.handle_state_change(state, stop.state)) from None
        except PrefectStateSignal as sig:
            if _context.get("raise_on_exception"):
                raise
            self.logger.info("%s signal raised: %r", type(sig).__name__, sig)
            new_state = sig.state
        except Exception as exc:  # noqa: BLE001 - Prefect's decorator turns errors into Failed
            if _context.get("raise_on_exception"):
                raise
            self.logger.exception("Unexpected error: %r", exc)
            new_state = Failed(f"Unexpected error: {exc!r}", result=exc)
        if new_state is state:
            return new_state
        return self.handle_state_change(state, new_state)

    return wrapper
