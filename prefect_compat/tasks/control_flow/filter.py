"""`FilterTask`: drop unwanted items (by default None and exceptions) from a list.

The default filter keeps what Prefect's keeps: it drops None and instances of
`Exception`. Under Prefect 1.x the state signals (`SKIP`, `FAIL`, ...) are
BaseExceptions, so a skipped mapped child's `SKIP` stays in the list, and so does
`NoResult`; under `compat.prefect_version = "0.13"` the signals are Exceptions and are
dropped, and `NoResult` is dropped too, as in 0.13. Pass `filter_func` to choose.
"""

from __future__ import annotations

from typing import Any, Callable

from prefect_compat.core.task import Task
from prefect_compat.engine.result.base import NoResultType
from prefect_compat.triggers import all_finished

__all__ = ["FilterTask"]


def _keep(item: Any) -> bool:
    if item is None or isinstance(item, Exception):
        return False
    if isinstance(item, NoResultType):
        from prefect_compat._compat.era import legacy_013

        return not legacy_013()
    return True


class FilterTask(Task):
    """Returns the items of its input for which `filter_func(item)` is true."""

    def __init__(
        self,
        filter_func: Callable[[Any], bool] | None = None,
        log_func: Callable[[list], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.filter_func = filter_func or _keep
        self.log_func = log_func
        kwargs.setdefault("skip_on_upstream_skip", False)
        kwargs.setdefault("trigger", all_finished)
        super().__init__(**kwargs)

    def run(self, task_results: list[Any]) -> list[Any]:  # type: ignore[override]  # run() takes the task's inputs
        kept = [item for item in task_results if self.filter_func(item)]
        if self.log_func is not None:
            self.logger.info(self.log_func(kept))
        return kept
