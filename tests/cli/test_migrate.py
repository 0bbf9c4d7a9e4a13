"""`prefect-compat migrate`: the codemod on legacy sample files and on small snippets.

The samples under `legacy_samples/` are real 0.10/0.13-era modules in `import prefect`
style; next to each is the exact diff the command must print for it.
`handlers_flow.py` also runs (through `prefect_compat.install_alias()`): the original
and the migrated file must produce the same results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from prefect_compat.cli.migrate import migrate, migrate_code

SAMPLES = Path(__file__).parent / "legacy_samples"
REPO = Path(__file__).resolve().parents[2]
SAMPLE_NAMES = ["handlers_flow", "prefect_013_paths"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A copy of the samples as the current directory (diff headers use relative paths)."""
    for name in SAMPLE_NAMES:
        shutil.copy(SAMPLES / f"{name}.py", tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def runner():
    """A CliRunner keeping stderr apart from stdout: click 8.2+ always does; 8.1 (the last
    release for Python 3.9) mixes them unless told not to."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click 8.2+: no such argument, streams already apart
        return CliRunner()


def run(*args):
    return runner().invoke(migrate, [str(a) for a in args], catch_exceptions=False)


# -- the samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_prints_the_expected_diff_and_changes_nothing(workdir, name):
    before = (workdir / f"{name}.py").read_bytes()
    result = run(f"{name}.py")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (SAMPLES / f"{name}.diff").read_text()
    assert (workdir / f"{name}.py").read_bytes() == before
    assert "1 file(s) to change, 0 failed" in result.stderr


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_write_rewrites_in_place_and_a_second_run_prints_nothing(workdir, name):
    path = workdir / f"{name}.py"
    original = path.read_bytes()
    mode = os.stat(path).st_mode
    result = run(path, "--write")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"rewrote {path}" in result.stderr
    migrated = path.read_bytes()
    assert migrated == migrate_code(original) != original
    assert os.stat(path).st_mode == mode
    compile(migrated, str(path), "exec")

    again = run(path)
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    run(path, "--write")
    assert path.read_bytes() == migrated
    assert sorted(os.listdir(workdir)) == sorted(f"{n}.py" for n in SAMPLE_NAMES)  # no temp files


def run_sample(path, results_dir):
    """Run a sample script as __main__ in a fresh interpreter, `import prefect` aliased to
    prefect-compat; its JSON report."""
    code = (
        "import runpy, sys; "
        f"sys.path.insert(0, {str(REPO)!r}); "
        "import prefect_compat; prefect_compat.install_alias(); "
        f"sys.argv = [{str(path)!r}, {str(results_dir)!r}]; "
        f"runpy.run_path({str(path)!r}, run_name='__main__')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env["PREFECT__HOME_DIR"] = str(Path(results_dir).parent / "home")  # its run journal too
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_migrated_flow_gives_the_same_results_as_the_original(workdir):
    original = run_sample(workdir / "handlers_flow.py", workdir / "out-original")
    assert run(workdir / "handlers_flow.py", "--write").exit_code == 0
    migrated = run_sample(workdir / "handlers_flow.py", workdir / "out-migrated")
    assert migrated == original
    tasks = original["tasks"]
    assert original["state"] == "Success"
    assert tasks["square"] == [
        ["LocalResult", 1, "squares"],
        ["LocalResult", 4, "squares"],
        ["LocalResult", 9, "squares"],
    ]
    assert tasks["total"] == [["PrefectResult", 14, "14"]]
    assert tasks["describe"] == [["ResultHandlerResult", "total=14 scale=3", "slot-0"]]
    assert tasks["scaled"] == [["LocalResult", 42, "."]]  # the flow-level handler
    for out in ("out-original", "out-migrated"):
        assert len(os.listdir(workdir / out / "squares")) == 3


# -- bad input --------------------------------------------------------------------------------


def test_a_file_that_does_not_parse_is_reported_and_the_others_are_processed(workdir):
    broken = workdir / "broken.py"
    broken.write_text("from prefect.engine.result_handlers import LocalResultHandler\ndef f(:\n")
    before = broken.read_bytes()

    result = run("broken.py", "handlers_flow.py")
    assert result.exit_code == 1
    assert "broken.py: does not parse (line 2: invalid syntax); left untouched." in result.stderr
    assert result.stdout == (SAMPLES / "handlers_flow.diff").read_text()

    result = run(".", "--write")
    assert result.exit_code == 1
    assert broken.read_bytes() == before
    assert "rewrote ./handlers_flow.py" in result.stderr
    assert "2 file(s) rewritten, 1 failed" in result.stderr
    assert run(".").stdout == ""  # everything that parses is migrated


def test_a_missing_path_is_reported(workdir):
    result = run("nope.py", "prefect_013_paths.py")
    assert result.exit_code == 1
    assert "nope.py: no such file or directory; left untouched." in result.stderr
    assert result.stdout.startswith("--- prefect_013_paths.py\n+++ prefect_013_paths.py\n")


def test_directories_are_searched_for_python_files(workdir):
    nested = workdir / "pkg" / "sub"
    nested.mkdir(parents=True)
    shutil.move("prefect_013_paths.py", nested / "flows.py")
    (nested / "notes.txt").write_text("from prefect.engine.executors import LocalExecutor\n")
    (workdir / ".hidden").mkdir()
    (workdir / ".hidden" / "x.py").write_text("import prefect.engine.executors\n")
    result = run("pkg")
    assert result.exit_code == 0
    headers = [line for line in result.stdout.splitlines() if line.startswith("---")]
    assert headers == [f"--- {os.path.join('pkg', 'sub', 'flows.py')}"]


def test_is_a_subcommand_of_prefect_compat(workdir):
    from prefect_compat.cli.main import main

    result = runner().invoke(main, ["migrate", "prefect_013_paths.py"])
    assert result.exit_code == 0
    assert result.stdout == (SAMPLES / "prefect_013_paths.diff").read_text()


def test_runs_as_a_module_and_documents_itself():
    proc = subprocess.run(
        [sys.executable, "-m", "prefect_compat.cli.migrate", "--help"],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage: " in proc.stdout and "--write" in proc.stdout


# -- rules, on snippets -----------------------------------------------------------------------


def migrated(source):
    source = textwrap.dedent(source)
    once = migrate_code(source)
    assert migrate_code(once) == once  # idempotent
    return once


def test_arguments_are_mapped_and_formatting_and_comments_kept():
    source = """\
        from prefect.engine.result_handlers import LocalResultHandler, ConstantResultHandler

        x = LocalResultHandler( "/d" ,   validate = False )  # keep me
        y = ConstantResultHandler(
            {"a": 1},  # the constant
        )
        """
    assert migrated(source) == textwrap.dedent(
        """\
        from prefect.engine.results import ConstantResult, LocalResult

        x = LocalResult( "/d" ,   validate_dir = False )  # keep me
        y = ConstantResult(
            value={"a": 1},  # the constant
        )
        """
    )


def test_aliases_and_spelled_out_paths_follow_the_imports():
    source = """\
        import prefect
        import prefect.engine.result_handlers as rh
        from prefect.engine import executors as ex

        a = rh.JSONResultHandler()
        b = prefect.engine.result_handlers.S3ResultHandler(bucket="b", boto3_kwargs={})
        c = ex.DaskExecutor(address="tcp://x")
        d = prefect.engine.executors.LocalExecutor()
        """
    assert migrated(source) == textwrap.dedent(
        """\
        import prefect
        import prefect.engine.results as rh
        from prefect import executors as ex

        a = rh.PrefectResult()
        b = prefect.engine.results.S3Result(bucket="b", boto3_kwargs={})
        c = ex.DaskExecutor(address="tcp://x")
        d = prefect.executors.LocalExecutor()
        """
    )


def test_prefect_compat_spelling_and_module_import_are_rewritten():
    source = """\
        from prefect_compat.engine import result_handlers

        handler = result_handlers.GCSResultHandler("bucket")
        """
    assert migrated(source) == textwrap.dedent(
        """\
        from prefect_compat.engine import results

        handler = results.GCSResult("bucket")
        """
    )


def test_names_that_are_not_prefects_are_left_alone():
    source = """\
        from prefect.engine.result_handlers import LocalResultHandler


        def build(LocalResultHandler):  # a parameter shadows the import
            return LocalResultHandler(dir="x")


        class Task:
            def __init__(self, result_handler=None):
                self.result_handler = result_handler
        """
    out = migrated(source)
    assert "def build(LocalResultHandler):" in out
    assert 'return LocalResultHandler(dir="x")' in out
    assert "from prefect.engine.results import LocalResult\n" in out
    unrelated = "class LocalResultHandler:\n    pass\n\n\nx = LocalResultHandler()\n"
    assert migrate_code(unrelated) == unrelated


def test_an_existing_import_is_not_duplicated():
    source = """\
        from prefect.engine.results import LocalResult
        from prefect.engine.result_handlers import LocalResultHandler

        a, b = LocalResult(dir="a"), LocalResultHandler(dir="b")
        """
    assert migrated(source) == textwrap.dedent(
        """\
        from prefect.engine.results import LocalResult

        a, b = LocalResult(dir="a"), LocalResult(dir="b")
        """
    )


def test_a_handler_used_as_a_base_class_keeps_its_import():
    source = """\
        from prefect.engine.result_handlers import LocalResultHandler as LRH


        class Mine(LRH):
            pass


        plain = LRH(dir="x")
        """
    out = migrated(source)
    assert "from prefect.engine.result_handlers import LocalResultHandler as LRH\n" in out
    assert "TODO(prefect-compat): LRH still comes from prefect.engine.result_handlers" in out
    assert 'plain = LRH(dir="x")' in out  # cannot be rewritten through the kept alias
    assert "Mine subclasses LocalResultHandler" in out


def test_removed_names_and_star_imports_get_todos():
    source = """\
        from prefect.engine.result import SafeResult
        from prefect.engine.results import ResultHandlerResult
        from prefect.engine.result_handlers import *
        import prefect.utilities.exceptions
        """
    out = migrated(source)
    for reason in (
        "SafeResult was removed in Prefect 1.x",
        "ResultHandlerResult was removed in Prefect 1.x",
        "star import from prefect.engine.result_handlers",
        "prefect.utilities.exceptions was removed in Prefect 1.x",
    ):
        assert f"# TODO(prefect-compat): {reason}" in out
    assert out.endswith("import prefect.utilities.exceptions\n")


def test_result_handler_keyword_is_renamed_only_when_safe():
    source = """\
        from prefect import Task
        from prefect.engine.result_handlers import JSONResultHandler

        h = JSONResultHandler()
        a = Task(result_handler=h)
        b = Task(result_handler=None)
        c = Task(result_handler=make_handler())
        """
    out = migrated(source)
    assert "a = Task(result=h)" in out
    assert "b = Task(result=None)" in out
    assert "c = Task(result_handler=make_handler())" in out
    assert "result_handler=make_handler() left as is: cannot tell" in out


def test_code_without_prefect_is_untouched():
    source = "import os\n\n\ndef f(result_handler=None):\n    return os.sep  # nothing to do\n"
    assert migrate_code(source) == source
    assert migrate_code(source.encode()) == source.encode()
