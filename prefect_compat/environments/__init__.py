"""0.13's `prefect.environments`: execution environments and (in `storage`) flow storage.

Stored on `Flow(environment=...)` and inert, apart from what `execution.py` lists.
"""

from prefect_compat.environments import execution, storage
from prefect_compat.environments.execution import (
    DaskCloudProviderEnvironment,
    DaskKubernetesEnvironment,
    Environment,
    FargateTaskEnvironment,
    KubernetesJobEnvironment,
    LocalEnvironment,
    RemoteDaskEnvironment,
    RemoteEnvironment,
)

__all__ = [
    "DaskCloudProviderEnvironment",
    "DaskKubernetesEnvironment",
    "Environment",
    "FargateTaskEnvironment",
    "KubernetesJobEnvironment",
    "LocalEnvironment",
    "RemoteDaskEnvironment",
    "RemoteEnvironment",
    "execution",
    "storage",
]
