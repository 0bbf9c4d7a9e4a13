"""`prefect.tasks.notifications`: send a Slack message, an email or a Pushbullet push."""

from prefect_compat.tasks.notifications.email_task import EmailTask
from prefect_compat.tasks.notifications.pushbullet_task import PushbulletTask
from prefect_compat.tasks.notifications.slack_task import SlackTask

__all__ = ["EmailTask", "PushbulletTask", "SlackTask"]
