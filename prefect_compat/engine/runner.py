"""`Runner`: the base of FlowRunner and TaskRunner, kept for code that subclasses it.

It owns the runner-level state handlers (`handler(runner, old_state, new_state)`)
and `call_runner_target_handlers`, the hook subclasses override.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from prefect_compat.engine.signals import ENDRUN
from prefect_compat.utilities.logging import get_logger

__all__ = ["ENDRUN", "Runner", "call_state_handlers"]


class Runner:
    """Common state-handler plumbing for flow and task runners."""

    def __init__(self, state_handlers: Iterable[Callable] | None = None) -> None:
        if state_handlers is not None and isinstance(state_handlers, (str, bytes)):
            raise TypeError("state_handlers should be iterable.")
        self.state_handlers = list(state_handlers or [])
        self.logger = get_logger(type(self).__name__)

    def call_runner_target_handlers(self, old_state: Any, new_state: Any) -> Any:
        """Hook for subclasses: the runner's target (flow or task) handlers."""
        return new_state

    def handle_state_change(self, old_state: Any, new_state: Any) -> Any:
        """Target handlers first, then this runner's own handlers."""
        new_state = self.call_runner_target_handlers(old_state, new_state)
        for handler in self.state_handlers:
            replaced = handler(self, old_state, new_state)
            if replaced is not None:
                new_state = replaced
        return new_state


def call_state_handlers(method: Callable) -> Callable:
    """Decorator for Runner methods `(self, state, ...) -> State` that fires handlers."""

    def wrapper(self: Runner, state: Any, *args: Any, **kwargs: Any) -> Any:
        new_state = method(self, state, *args, **kwargs)
        if new_state is state:
            return new_state
        return self.handle_state_change(state, new_state)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper
