"""`PushbulletTask`: accepted so scripts import and build; running one fails clearly.

Prefect's version needs the third-party `pushbullet.py` client and a Pushbullet
account; prefect-compat does not ship an integration for it.
"""

from __future__ import annotations

from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["PushbulletTask"]


class PushbulletTask(Task):
    """Would push `msg` with Pushbullet; raises NotImplementedError when run."""

    def __init__(self, msg: str | None = None, **kwargs: Any) -> None:
        self.msg = msg
        super().__init__(**kwargs)

    @defaults_from_attrs("msg")
    def run(self, msg: str | None = None, access_token: str | None = None) -> None:  # type: ignore[override]
        raise NotImplementedError(
            f"PushbulletTask '{self.name}': prefect-compat has no Pushbullet integration. "
            "Send the message from your own @task with the `pushbullet.py` client, or use "
            "SlackTask / EmailTask."
        )
