"""`prefect.utilities.notifications`: state handlers that notify Slack or email."""

from prefect_compat.utilities.notifications.jira_notification import jira_notifier
from prefect_compat.utilities.notifications.notifications import (
    callback_factory,
    gmail_notifier,
    slack_message_formatter,
    slack_notifier,
    snowflake_logger,
    snowflake_message_formatter,
)

__all__ = [
    "callback_factory",
    "gmail_notifier",
    "jira_notifier",
    "slack_message_formatter",
    "slack_notifier",
    "snowflake_logger",
    "snowflake_message_formatter",
]
