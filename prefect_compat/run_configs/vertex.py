"""`VertexRun`: run as a Google Vertex AI custom job started by an agent (stored, inert)."""

from __future__ import annotations

from collections.abc import Iterable

from prefect_compat.run_configs.base import RunConfig

__all__ = ["VertexRun"]


class VertexRun(RunConfig):
    """Image, machine type and worker pools for a Vertex agent."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        *,
        env: dict | None = None,
        labels: Iterable[str] | None = None,
        image: str | None = None,
        machine_type: str = "e2-standard-4",
        scheduling: dict | None = None,
        service_account: str | None = None,
        network: str | None = None,
        worker_pool_specs: list[dict] | None = None,
    ) -> None:
        super().__init__(env=env, labels=labels)
        self.image = image
        self.machine_type = machine_type
        self.scheduling = scheduling
        self.service_account = service_account
        self.network = network
        self.worker_pool_specs = worker_pool_specs
