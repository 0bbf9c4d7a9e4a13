"""`Docker` storage: a flow baked into a Docker image (stored, inert: no docker import).

The arguments are kept as Prefect keeps them (`python_dependencies` gains "wheel",
`env_vars` gains `PREFECT__USER_CONFIG_PATH`); the defaults that name an image or an
install command refer to prefect-compat. Building, pushing or pulling an image needs a
Docker engine and a backend, so those raise `NoBackendError`.
"""

from __future__ import annotations

import sys
from typing import Any

from prefect_compat.storage.base import Storage, slugify

__all__ = ["Docker", "multiline_indent"]


def multiline_indent(string: str, spaces: int) -> str:
    """Indent every line but the first by `spaces` (for multi-line Dockerfile commands)."""
    return string.replace("\n", "\n" + " " * spaces)


class Docker(Storage):
    """Registry, image, base image and build settings of a Docker image holding flows."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        registry_url: str | None = None,
        base_image: str | None = None,
        dockerfile: str | None = None,
        dockerignore: str | None = None,
        python_dependencies: list[str] | None = None,
        image_name: str | None = None,
        image_tag: str | None = None,
        env_vars: dict | None = None,
        files: dict | None = None,
        prefect_version: str | None = None,
        local_image: bool = False,
        ignore_healthchecks: bool = False,
        base_url: str | None = None,
        tls_config: Any = False,
        build_kwargs: dict | None = None,
        prefect_directory: str = "/opt/prefect",
        path: str | None = None,
        stored_as_script: bool = False,
        extra_dockerfile_commands: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        from prefect_compat import __version__

        if base_image is not None and dockerfile is not None:
            raise ValueError("Only one of `base_image` and `dockerfile` can be provided.")
        self.registry_url = registry_url
        self.image_name = image_name
        self.image_tag = image_tag
        self.python_dependencies = [*(python_dependencies or []), "wheel"]
        self.prefect_directory = prefect_directory
        self.path = path
        self.env_vars = {
            **(env_vars or {}),
            "PREFECT__USER_CONFIG_PATH": f"{prefect_directory}/config.toml",
        }
        self.files = files or {}
        self.local_image = local_image
        self.prefect_version = prefect_version or __version__
        self.installation_commands = [
            f"pip show prefect-compat || pip install prefect-compat=={self.prefect_version}"
        ]
        self.ignore_healthchecks = ignore_healthchecks
        self.base_url = base_url or "unix://var/run/docker.sock"
        self.tls_config = tls_config
        self.build_kwargs = build_kwargs or {}
        self.rm_build_kwarg = True
        self.extra_dockerfile_commands = extra_dockerfile_commands
        python = f"{sys.version_info.major}.{sys.version_info.minor}"
        self.base_image = None if dockerfile else base_image or f"python:{python}-slim"
        self.dockerfile = dockerfile
        self.dockerignore = dockerignore
        super().__init__(stored_as_script=stored_as_script, **kwargs)

    @property
    def name(self) -> str:
        """`<registry_url>/<image_name>:<image_tag>` (without the registry when unset)."""
        if not (self.image_name and self.image_tag):
            raise ValueError("Docker storage is missing required fields image_name and image_tag")
        image = f"{self.image_name}:{self.image_tag}"
        return f"{self.registry_url.rstrip('/')}/{image}" if self.registry_url else image

    def add_flow(self, flow: Any) -> str:
        if self.stored_as_script and self.path:
            return self._record(flow, self.path)
        return self._record(flow, f"{self.prefect_directory}/flows/{slugify(flow.name)}.prefect")

    def build(self, push: bool = True) -> Storage:
        """Build (and push) the image: needs a Docker engine and a backend, so it raises."""
        from prefect_compat.exceptions import no_backend

        raise no_backend("Building Docker storage")

    def create_dockerfile_object(self, directory: str) -> str:
        """Write the image's Dockerfile: part of building, so it raises."""
        from prefect_compat.exceptions import no_backend

        raise no_backend("Building Docker storage")

    def push_image(self, image_name: str, image_tag: str) -> None:
        """Push the image to its registry: needs a Docker engine, so it raises."""
        from prefect_compat.exceptions import no_backend

        raise no_backend("Pushing a Docker storage image")

    def pull_image(self) -> None:
        """Pull the base image: needs a Docker engine, so it raises."""
        from prefect_compat.exceptions import no_backend

        raise no_backend("Pulling a Docker storage base image")
