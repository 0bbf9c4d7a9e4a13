"""0.13's `Webhook` storage."""

from __future__ import annotations

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import webhook as _webhook

__all__ = ["Webhook"]


class Webhook(Legacy013, _webhook.Webhook):
    """0.13 path of `prefect.storage.Webhook`."""

    default_label = "webhook-flow-storage"
