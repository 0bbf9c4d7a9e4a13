"""`SecretResultHandler`: values come from a secret task (becomes `SecretResult`)."""

from __future__ import annotations

from typing import Any

from prefect_compat.engine.result_handlers.result_handler import ResultHandler

__all__ = ["SecretResultHandler"]


class SecretResultHandler(ResultHandler):
    """`read` runs the secret task; `write` stores nothing and returns the task's name."""

    def __init__(self, secret_task: Any) -> None:
        self.secret_task = secret_task

    def write(self, result: Any) -> str:
        return self.secret_task.name

    def read(self, name: str) -> Any:
        return self.secret_task.run()
