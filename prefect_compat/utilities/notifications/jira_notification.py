"""`jira_notifier`: accepted as a state handler; calling it fails clearly.

Prefect's version needs the `jira` client and a Jira server; prefect-compat ships no
Jira integration. The error is raised when the handler runs, as Prefect raises its
missing-extra ImportError then.
"""

from __future__ import annotations

from typing import Any

from prefect_compat.utilities.notifications.notifications import handler_factory

__all__ = ["jira_notifier"]


@handler_factory
def jira_notifier(tracked_obj: Any, old_state: Any, new_state: Any, **options: Any) -> Any:
    """Would open a Jira ticket on a state change; raises ImportError."""
    raise ImportError(
        f"jira_notifier (on {tracked_obj}): prefect-compat has no Jira integration. Use "
        "callback_factory(fn, check) with your own function that calls the `jira` client."
    )
