"""`SlackTask`: post a message to a Slack incoming webhook.

The webhook URL is `webhook_url` when given to run(), otherwise the local secret named
`webhook_secret` (default "SLACK_WEBHOOK_URL"). A string message is sent as
`{"text": message}`, a dict as the payload itself (blocks, attachments, ...). The
request has a `request_timeout` (10 s); an unreachable webhook fails the task with a
ConnectionError naming the host, an HTTP error status with a ValueError.
"""

from __future__ import annotations

from typing import Any, Union

from prefect_compat.core.task import Task
from prefect_compat.utilities.notifications._delivery import (
    DEFAULT_TIMEOUT,
    local_secret,
    post_json,
)
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["SlackTask"]


class SlackTask(Task):
    """Send `message` (text, or a full Slack payload dict) to a Slack webhook."""

    request_timeout: float = DEFAULT_TIMEOUT
    """Seconds to wait for Slack; set it on the instance or a subclass to change it."""

    def __init__(
        self,
        message: Union[str, dict[str, Any], None] = None,
        webhook_secret: str = "SLACK_WEBHOOK_URL",
        **kwargs: Any,
    ) -> None:
        self.message = message
        self.webhook_secret = webhook_secret
        super().__init__(**kwargs)

    @defaults_from_attrs("message", "webhook_secret")
    def run(  # type: ignore[override]  # run() takes the task's inputs
        self,
        message: Union[str, dict[str, Any], None] = None,
        webhook_secret: str | None = None,
        webhook_url: str | None = None,
    ) -> None:
        """Post the message; returns None."""
        url = webhook_url or local_secret(webhook_secret or "SLACK_WEBHOOK_URL")
        payload = message if isinstance(message, dict) else {"text": message}
        post_json(url, payload, f"SlackTask '{self.name}'", timeout=self.request_timeout)
