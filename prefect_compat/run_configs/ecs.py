"""`ECSRun`: run as an AWS ECS task started by an agent (stored, inert).

Unlike Prefect, a local `task_definition_path` is not read (docs/compat-notes.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from prefect_compat.run_configs.base import RunConfig, _text

__all__ = ["ECSRun"]


class ECSRun(RunConfig):
    """Task definition, image, resources and roles for an ECS agent."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        *,
        task_definition: dict | None = None,
        task_definition_path: str | None = None,
        task_definition_arn: str | None = None,
        image: str | None = None,
        env: dict | None = None,
        cpu: int | str | None = None,
        memory: int | str | None = None,
        task_role_arn: str | None = None,
        execution_role_arn: str | None = None,
        run_task_kwargs: dict | None = None,
        labels: Iterable[str] | None = None,
    ) -> None:
        given = [task_definition, task_definition_path, task_definition_arn]
        if sum(value is not None for value in given) > 1:
            raise ValueError(
                "Can only provide one of `task_definition`, `task_definition_path`, or "
                "`task_definition_arn`"
            )
        if task_definition_arn is not None and image is not None:
            raise ValueError(
                "Cannot provide both `task_definition_arn` and `image`, since an ECS task's "
                "`image` can only be configured as part of the task definition"
            )
        super().__init__(env=env, labels=labels)
        self.task_definition = task_definition
        self.task_definition_path = task_definition_path
        self.task_definition_arn = task_definition_arn
        self.image = image
        self.cpu = _text(cpu)
        self.memory = _text(memory)
        self.task_role_arn = task_role_arn
        self.execution_role_arn = execution_role_arn
        self.run_task_kwargs = run_task_kwargs
