"""Run documentation and seed example code as written, with `prefect` meaning prefect_compat.

The example's own `import prefect` / `from prefect import ...` lines resolve to
prefect_compat through an `__import__` given to that code only, so the process-wide
import alias (`install_alias`) is never installed by the tests.
"""

from __future__ import annotations

import builtins
import re
import textwrap
from pathlib import Path

_real_import = builtins.__import__


def _aliased_import(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002
    if level == 0 and (name == "prefect" or name.startswith("prefect.")):
        name = "prefect_compat" + name[len("prefect") :]
    return _real_import(name, globals, locals, fromlist, level)


def run_example(source: str, implicit: str = "", label: str = "example") -> dict:
    """Execute one example's text as written; its module namespace."""
    namespace = {
        "__name__": "example",
        "__builtins__": dict(vars(builtins), __import__=_aliased_import),
    }
    code = compile(implicit + textwrap.dedent(source), f"<{label}>", "exec")
    exec(code, namespace)  # noqa: S102 - the documentation's own example code
    return namespace


def python_blocks(path: Path, until: str | None = None) -> list[str]:
    """The ```python fenced blocks of a Markdown file, in order (those before the
    line `until`, if given)."""
    text = path.read_text()
    if until is not None:
        text = text.split(f"\n{until}\n", 1)[0]
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
