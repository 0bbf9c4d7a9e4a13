"""`prefect.client.schemas` (2.x): where Prefect 2 defines its `State` class.

Re-exported from `prefect_compat.states`, the 2.x state's home here, so
`from prefect.client.schemas import State` works as it does on Prefect 2.6.9.
"""

from __future__ import annotations

from prefect_compat.states import State, StateDetails, StateType

__all__ = ["State", "StateDetails", "StateType"]
