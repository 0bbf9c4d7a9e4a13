"""`install_alias()`: `prefect.*` names are the very same modules as `prefect_compat.*`.

The alias lives for the whole process, so every check runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import textwrap

import pytest

# module paths users import (API_SURFACE.md §1) that exist in prefect-compat today
ALIASED_MODULES = [
    "prefect.core.flow",
    "prefect.core.task",
    "prefect.core.edge",
    "prefect.engine",
    "prefect.engine.state",
    "prefect.engine.signals",
    "prefect.engine.result",
    "prefect.engine.result.base",
    "prefect.engine.results",
    "prefect.engine.results.local_result",
    "prefect.engine.serializers",
    "prefect.engine.flow_runner",
    "prefect.engine.task_runner",
    "prefect.engine.runner",
    "prefect.engine.cache_validators",
    "prefect.executors",
    "prefect.triggers",
    "prefect.exceptions",
    "prefect.configuration",
    "prefect.utilities.configuration",
    "prefect.utilities.context",
    "prefect.utilities.edges",
    "prefect.utilities.tasks",
    "prefect.utilities.collections",
    "prefect.utilities.logging",
    "prefect.tasks.core.constants",
    "prefect.tasks.control_flow",
]


def _check(cli, body: str) -> dict:
    """Run `body` (which sets `report`) in a fresh interpreter; return the report."""
    code = (
        "import json, sys\n" + textwrap.dedent(body) + "\nprint('REPORT ' + json.dumps(report))\n"
    )
    proc = cli.python(code)
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT "))
    return json.loads(line[len("REPORT ") :])


def test_plain_import_does_not_activate_the_alias(cli):
    report = _check(
        cli,
        """
        import importlib.util, os
        import prefect_compat
        from prefect_compat._compat.alias import AliasFinder, alias_installed
        spec = importlib.util.find_spec("prefect")
        ours = os.path.dirname(prefect_compat.__file__)
        report = {
            "finder": any(isinstance(f, AliasFinder) for f in sys.meta_path),
            "installed": alias_installed(),
            "prefect_loaded": "prefect" in sys.modules,
            "spec_is_ours": spec is not None and (spec.origin or "").startswith(ours),
        }
        """,
    )
    assert report == {
        "finder": False,
        "installed": False,
        "prefect_loaded": False,
        "spec_is_ours": False,
    }


@pytest.mark.parametrize("chunk", [ALIASED_MODULES[i::3] for i in range(3)])
def test_every_prefect_path_is_the_same_module_object(cli, chunk):
    report = _check(
        cli,
        f"""
        import importlib
        import prefect_compat
        prefect_compat.install_alias()
        report = {{}}
        for name in {chunk!r}:
            alias = importlib.import_module(name)
            real = sys.modules["prefect_compat" + name[len("prefect"):]]
            report[name] = [
                alias is real,
                sys.modules[name] is real,
                real.__name__,
                real.__spec__.name,
            ]
        """,
    )
    for name in chunk:
        real_name = "prefect_compat" + name[len("prefect") :]
        # same object under both names; its own name and spec untouched
        assert report[name] == [True, True, real_name, real_name], name


def test_top_level_names_classes_and_isinstance_agree(cli):
    report = _check(
        cli,
        """
        import prefect_compat
        prefect_compat.install_alias()
        import prefect
        from prefect import Flow, Parameter, task
        from prefect.engine.state import Failed, Success
        from prefect.engine.results import LocalResult
        import prefect_compat.engine.state as compat_state

        @task
        def add(x, y):
            return x + y

        with Flow("alias") as flow:
            total = add(Parameter("x", default=1), 2)
        state = flow.run()
        report = {
            "top": prefect is prefect_compat,
            "spec": prefect_compat.__spec__.name,
            "flow_class": Flow is prefect_compat.Flow,
            "success_class": Success is compat_state.Success,
            "isinstance": isinstance(state, compat_state.Success),
            "task_state": isinstance(state.result[total], Success),
            "not_failed": not isinstance(state, Failed),
            "value": state.result[total].result,
            "result_module": LocalResult.__module__,
        }
        """,
    )
    assert report == {
        "top": True,
        "spec": "prefect_compat",
        "flow_class": True,
        "success_class": True,
        "isinstance": True,
        "task_state": True,
        "not_failed": True,
        "value": 3,
        "result_module": "prefect_compat.engine.results.local_result",
    }


def test_pickles_agree_across_both_names(cli):
    report = _check(
        cli,
        """
        import pickle
        import prefect_compat
        prefect_compat.install_alias()
        from prefect.engine.state import Success
        import prefect_compat.engine.state as compat_state

        # what a pickle written by Prefect-era code refers to: `prefect.engine.state`
        legacy = pickle.dumps(compat_state.Success("done", result=7), protocol=0)
        legacy = legacy.replace(b"prefect_compat.", b"prefect.")
        loaded = pickle.loads(legacy)
        ours = pickle.loads(pickle.dumps(Success("x", result=1)))
        report = {
            "legacy_mentions_prefect": b"cprefect.engine.state" in legacy,
            "legacy_class": type(loaded) is compat_state.Success,
            "legacy_value": [loaded.message, loaded.result],
            "ours_class": type(ours) is Success,
            "global": pickle.loads(b"cprefect.engine.state\\nFailed\\n.") is compat_state.Failed,
        }
        """,
    )
    assert report == {
        "legacy_mentions_prefect": True,
        "legacy_class": True,
        "legacy_value": ["done", 7],
        "ours_class": True,
        "global": True,
    }


def test_out_of_scope_modules_raise_a_clear_import_error(cli):
    report = _check(
        cli,
        """
        import prefect_compat
        prefect_compat.install_alias()
        report = {}
        for name in ("prefect.artifacts", "prefect.agent.local", "prefect.backend"):
            try:
                __import__(name)
            except ModuleNotFoundError as exc:
                report[name] = [exc.name, str(exc)]
        try:
            from prefect.agent import LocalAgent  # noqa: F401
        except ImportError as exc:
            report["from"] = type(exc).__name__
        """,
    )
    assert report["from"] == "ModuleNotFoundError"
    for name, missing in (
        ("prefect.artifacts", "prefect.artifacts"),
        ("prefect.agent.local", "prefect.agent"),
        ("prefect.backend", "prefect.backend"),
    ):
        exc_name, message = report[name]
        assert exc_name == missing
        assert message.startswith(f"No module named '{missing}': prefect-compat does not provide")
        assert "out of scope" in message


def test_a_missing_dependency_inside_a_module_keeps_its_own_error(cli, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "_alias_probe.py").write_text("import definitely_not_installed_xyz\n")
    report = _check(
        cli,
        f"""
        import prefect_compat
        prefect_compat.__path__.append({str(extra)!r})
        prefect_compat.install_alias()
        try:
            import prefect._alias_probe
        except ModuleNotFoundError as exc:
            report = {{"name": exc.name, "message": str(exc)}}
        """,
    )
    assert report == {
        "name": "definitely_not_installed_xyz",
        "message": "No module named 'definitely_not_installed_xyz'",
    }


def test_install_is_idempotent_and_refuses_a_foreign_prefect(cli):
    report = _check(
        cli,
        """
        import types
        import prefect_compat
        from prefect_compat._compat.alias import AliasFinder
        prefect_compat.install_alias()
        prefect_compat.install_alias()
        finders = sum(isinstance(f, AliasFinder) for f in sys.meta_path)
        first = isinstance(sys.meta_path[0], AliasFinder)
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, AliasFinder)]
        sys.modules["prefect"] = types.ModuleType("prefect")
        try:
            prefect_compat.install_alias()
            refused = None
        except RuntimeError as exc:
            refused = str(exc)
        report = {"finders": finders, "first": first, "refused": refused}
        """,
    )
    assert report["finders"] == 1
    assert report["first"] is True
    assert "a different `prefect` is already imported" in report["refused"]


def test_alias_pulls_in_no_cli_or_heavy_modules(cli):
    report = _check(
        cli,
        """
        import prefect_compat
        prefect_compat.install_alias()
        import prefect
        from prefect import Flow, task  # noqa: F401
        import prefect.engine.results  # noqa: F401
        heavy = ("click", "rich", "dask", "distributed", "boto3", "libcst")
        report = sorted(m for m in heavy if m in sys.modules)
        """,
    )
    assert report == []
