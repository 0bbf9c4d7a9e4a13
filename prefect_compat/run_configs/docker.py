"""`DockerRun`: run in a Docker container started by a Docker agent (stored, inert)."""

from __future__ import annotations

from collections.abc import Iterable

from prefect_compat.run_configs.base import RunConfig

__all__ = ["DockerRun"]


class DockerRun(RunConfig):
    """Image, ports and Docker host config for an agent's container (unused locally)."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        *,
        image: str | None = None,
        env: dict | None = None,
        labels: Iterable[str] | None = None,
        ports: Iterable[int] | None = None,
        host_config: dict | None = None,
    ) -> None:
        super().__init__(env=env, labels=labels)
        self.image = image
        self.host_config = host_config
        self.ports = ports
