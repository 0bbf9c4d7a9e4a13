"""A script that fails before any flow runs."""

from prefect import Flow  # noqa: F401

raise RuntimeError("script broke on purpose")
