"""`JSONResultHandler`: the value's JSON text is its location (becomes `PrefectResult`)."""

from __future__ import annotations

import json
from typing import Any

from prefect_compat.engine.result_handlers.result_handler import ResultHandler

__all__ = ["JSONResultHandler"]


class JSONResultHandler(ResultHandler):
    """`write` returns `json.dumps(value)`; `read` parses it back. Nothing is stored."""

    def write(self, result: Any) -> str:
        return json.dumps(result)

    def read(self, jblob: str) -> Any:
        return json.loads(jblob)
