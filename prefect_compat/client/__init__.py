"""`prefect.client`: local secrets, and the name `Client` (there is no backend to call).

`Secret(name).get()` reads `prefect.context.secrets`, which is filled from the
`[context.secrets]` config section and `PREFECT__CONTEXT__SECRETS__<NAME>` variables,
as Prefect's local-secrets mode does. `Client` exists so scripts that import it load;
constructing it raises `NoBackendError`.
"""

from __future__ import annotations

from prefect_compat.client import secrets
from prefect_compat.client.client import Client
from prefect_compat.client.secrets import Secret

__all__ = ["Client", "Secret", "secrets"]
