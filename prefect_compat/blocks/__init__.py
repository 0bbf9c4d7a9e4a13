"""Prefect 2.x blocks (`prefect.blocks`): configuration objects saved by name.

Without an API server, saved blocks live in a local registry under `PREFECT_HOME`
(see `prefect_compat._blocks`). `Block` is in `prefect_compat.blocks.core`.
"""
