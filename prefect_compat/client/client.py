"""`Client`: Prefect's Cloud/Server API client, present as a name only.

prefect-compat runs flows in the calling process and talks to no API, so building a
Client raises `NoBackendError` saying so and what to use instead. Nothing else here.
"""

from __future__ import annotations

from typing import Any, NoReturn

from prefect_compat.exceptions import no_backend

__all__ = ["Client"]


class Client:
    """Stands in for `prefect.Client`; constructing one raises `NoBackendError`."""

    def __new__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise no_backend(
            "prefect.Client",
            "Read secrets with prefect.client.Secret(name).get() (local secrets from "
            "context.secrets / PREFECT__CONTEXT__SECRETS__<NAME>), and keep results with "
            "Result classes instead of the API.",
        )
