"""Control flow: `case`, `ifelse`, `switch`, `merge`, `FilterTask`."""

from prefect_compat.tasks.control_flow.case import case
from prefect_compat.tasks.control_flow.conditional import ifelse, merge, switch
from prefect_compat.tasks.control_flow.filter import FilterTask

__all__ = ["FilterTask", "case", "ifelse", "merge", "switch"]
