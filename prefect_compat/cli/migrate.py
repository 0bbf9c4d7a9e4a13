"""`prefect-compat migrate PATH... [--write]`: rewrite 0.10/0.13-era code to the Result API.

What changes (tables in `_migrate_tables.py`): Prefect's result handler classes become
Result classes with their arguments mapped; `result_handler=` becomes `result=`;
imports from moved modules are pointed at the new ones (`prefect.engine.executors` ->
`prefect.executors`, ...). `prefect` and `prefect_compat` spellings are both
recognised. What cannot be rewritten safely is left alone under a
`# TODO(prefect-compat): ...` comment saying why: custom handlers, names removed in
1.x, handler secrets with no Result equivalent.

How: libcst keeps formatting and comments outside the nodes it changes, and
QualifiedNameProvider resolves names, so aliases and shadowing are respected. A
pre-pass (`_Survey`) learns what the rewrite needs about the whole module, then
`_Migrator` (rules in `_migrate_codemod.py` and `_migrate_imports.py`) rewrites it. A
second run changes nothing.

Without --write a unified diff goes to stdout; with it files are rewritten in place
(atomically). A file that cannot be read or parsed is reported on stderr and left
untouched, the others are still processed, and the exit code is 1.

libcst (extra `migrate`) and click (extra `cli`) are imported only by this command's
modules, never by `import prefect_compat`.
"""

from __future__ import annotations

import ast
import difflib
import os
import sys
import tempfile
from typing import Any, Iterator, List, Sequence, Tuple

from prefect_compat._lazy import require
from prefect_compat.cli._migrate_codemod import _CallRules, _NameRules, _Survey, cst, meta
from prefect_compat.cli._migrate_imports import _ImportRules

click = require("click", extra="cli", feature="prefect-compat migrate")

__all__ = ["migrate", "migrate_code"]


class _Migrator(_NameRules, _CallRules, _ImportRules, cst.CSTTransformer):
    METADATA_DEPENDENCIES = (meta.QualifiedNameProvider,)

    def __init__(self, survey: _Survey, module: Any) -> None:
        super().__init__()
        self.survey = survey
        self.module = module
        self.todos: List[List[str]] = []  # one list per enclosing statement
        self.in_import = 0
        self.depth = 0  # indented blocks around the current node
        self.header = frozenset(line.comment.value for line in module.header if line.comment)
        self.emitted: set = set()  # (module, name, asname) imports written so far


def migrate_code(source: Any) -> Any:
    """`source` (str or bytes) rewritten; raises libcst.ParserSyntaxError if it does not parse."""
    wrapper = meta.MetadataWrapper(cst.parse_module(source))
    survey = _Survey()
    wrapper.visit(survey)
    survey.decide()
    new = wrapper.visit(_Migrator(survey, wrapper.module))
    return new.bytes if isinstance(source, bytes) else new.code


# -- the command ------------------------------------------------------------------------------

_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages"}


def _python_files(paths: Sequence[str]) -> Iterator[Tuple[str, str | None]]:
    """(path, None) per file to process, or (path, error) for a path that is not usable."""
    for path in paths:
        if os.path.isfile(path):
            yield path, None
        elif os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(folder, name), None
        else:
            yield path, "no such file or directory"


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), path, path
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _write_atomically(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".migrate-", suffix=".py.part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _migrate_file(path: str, write: bool) -> Tuple[bool, str | None]:
    """(changed, error) for one file; prints its diff unless `write`."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        new = migrate_code(data)
    except cst.ParserSyntaxError as exc:
        return False, f"does not parse ({_syntax_error(data, path) or exc.message})"
    except (OSError, UnicodeDecodeError, LookupError) as exc:
        return False, f"cannot be read ({exc})"
    if new == data:
        return False, None
    if write:
        try:
            _write_atomically(path, new)
        except OSError as exc:
            return False, f"cannot be written ({exc})"
    else:
        encoding = cst.parse_module(data).encoding
        click.echo(_diff(path, data.decode(encoding), new.decode(encoding)), nl=False)
    return True, None


def _syntax_error(data: bytes, path: str) -> str | None:
    """Python's own description of a syntax error (clearer than the parser's), if any."""
    try:
        compile(data, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except ValueError as exc:  # e.g. null bytes
        return str(exc)
    return None


@click.command(name="migrate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--write", is_flag=True, help="Rewrite files in place instead of printing a diff.")
def migrate(paths: Tuple[str, ...], write: bool) -> None:
    """Rewrite Prefect 0.10/0.13 code (result handlers, moved imports) to the Result API.

    PATHS are Python files or directories (searched for *.py). Prints a unified diff,
    or with --write rewrites the files. Files that do not parse are reported and left
    untouched; the exit code is then 1.
    """
    changed = failed = 0
    for path, problem in _python_files(paths):
        was_changed, error = _migrate_file(path, write) if problem is None else (False, problem)
        changed += was_changed
        if error is not None:
            failed += 1
            click.echo(f"{path}: {error}; left untouched.", err=True)
        elif was_changed and write:
            click.echo(f"rewrote {path}", err=True)
    if failed or changed:
        verb = "rewritten" if write else "to change"
        click.echo(f"migrate: {changed} file(s) {verb}, {failed} failed.", err=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    migrate()
