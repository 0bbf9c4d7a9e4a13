"""Run configs at Prefect's import path (`prefect.run_configs`): stored on `flow.run_config`.

They describe how a backend agent would start a flow run. prefect-compat runs flows
without a backend, so they are inert, except that a local `flow.run()` applies the
`env` of a LocalRun/UniversalRun and the `working_dir` of a LocalRun.
"""

from prefect_compat.run_configs import base, docker, ecs, kubernetes, local, vertex
from prefect_compat.run_configs.base import RunConfig, UniversalRun
from prefect_compat.run_configs.docker import DockerRun
from prefect_compat.run_configs.ecs import ECSRun
from prefect_compat.run_configs.kubernetes import KubernetesRun
from prefect_compat.run_configs.local import LocalRun
from prefect_compat.run_configs.vertex import VertexRun

__all__ = [
    "DockerRun",
    "ECSRun",
    "KubernetesRun",
    "LocalRun",
    "RunConfig",
    "UniversalRun",
    "VertexRun",
    "base",
    "docker",
    "ecs",
    "kubernetes",
    "local",
    "vertex",
]
