"""`FilterTask`: drop unwanted items (by default None, NoResult and exceptions) from a list."""

from __future__ import annotations

from typing import Any, Callable

from prefect_compat.core.task import Task
from prefect_compat.engine.result.base import NoResultType
from prefect_compat.triggers import all_finished
from prefect_compat.utilities.logging import get_logger

__all__ = ["FilterTask"]


def _keep(item: Any) -> bool:
    return not isinstance(item, (NoResultType, BaseException, type(None)))


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
            get_logger(self.name).info(self.log_func(kept))
        return kept
