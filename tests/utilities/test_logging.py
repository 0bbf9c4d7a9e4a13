"""Loggers under `prefect`, configured from the `logging.*` keys of the config."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import pytest

import prefect_compat
from prefect_compat.utilities.configuration import set_temporary_config
from prefect_compat.utilities.logging import configure_logging, get_logger

EXTRA = "pc_test_extra_logger"


@pytest.fixture
def restore_logging():
    """Put the `prefect` logger (and our extra logger) back exactly as they were."""
    names = ["prefect", EXTRA]
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level) for n in names}
    yield
    for name, (handlers, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)


def test_get_logger_names():
    assert get_logger() is logging.getLogger("prefect")
    assert get_logger("x") is logging.getLogger("prefect.x")
    assert get_logger("x").parent is get_logger()
    assert prefect_compat.utilities.logging.get_logger is get_logger


def test_import_installs_one_stdout_handler():
    ours = [h for h in get_logger().handlers if getattr(h, "_prefect_compat_handler", False)]
    assert len(ours) == 1
    assert isinstance(ours[0], logging.StreamHandler)


def test_default_format_goes_to_stdout(restore_logging, capsys):
    configure_logging()
    get_logger("fmt").info("hello %s", "world")
    out, err = capsys.readouterr()
    pattern = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4}\] INFO - prefect\.fmt \| hello world\n"
    assert re.fullmatch(pattern, out), out
    assert "hello" not in err


def test_configured_format(restore_logging, capsys):
    with set_temporary_config({"logging.format": "%(levelname)s|%(name)s|%(message)s"}):
        configure_logging()
    get_logger("x").warning("careful")
    assert capsys.readouterr().out == "WARNING|prefect.x|careful\n"


def test_reconfiguring_replaces_the_handler(restore_logging, capsys):
    with set_temporary_config({"logging.format": "%(message)s"}):
        configure_logging()
        configure_logging()
    get_logger().info("once")
    assert capsys.readouterr().out == "once\n"


def test_level_from_config(restore_logging, capsys):
    with set_temporary_config({"logging.level": "warning", "logging.format": "%(message)s"}):
        configure_logging()
    assert get_logger().level == logging.WARNING
    get_logger("lvl").info("hidden")
    get_logger("lvl").warning("shown")
    assert capsys.readouterr().out == "shown\n"

    with set_temporary_config({"logging.level": "DEBUG"}):
        configure_logging()
    assert get_logger().level == logging.DEBUG


def test_extra_loggers_get_the_handler(restore_logging, capsys):
    settings = {"logging.extra_loggers": [EXTRA], "logging.format": "%(name)s:%(message)s"}
    with set_temporary_config(settings):
        configure_logging()
    extra = logging.getLogger(EXTRA)
    assert any(getattr(h, "_prefect_compat_handler", False) for h in extra.handlers)
    assert extra.level == logging.INFO
    extra.info("from elsewhere")
    assert capsys.readouterr().out == f"{EXTRA}:from elsewhere\n"


def test_log_attributes_copy_context_keys_onto_records(restore_logging, capsys):
    settings = {
        "logging.log_attributes": ["flow_run_id", "map_index"],
        "logging.format": "%(flow_run_id)s/%(map_index)s %(message)s",
    }
    with set_temporary_config(settings):
        configure_logging()
    with prefect_compat.context(flow_run_id="run-1", map_index=3):
        get_logger("attrs").info("in a run")
    get_logger("attrs").info("outside")
    assert capsys.readouterr().out == "run-1/3 in a run\nNone/None outside\n"


def test_numeric_level_is_accepted(restore_logging):
    with set_temporary_config({"logging.level": 10}):
        configure_logging()
    assert get_logger().level == logging.DEBUG


def test_numeric_level_env_var_at_import(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env["PREFECT__LOGGING__LEVEL"] = "30"  # cast to the int 30 by the config loader
    proc = subprocess.run(
        [sys.executable, "-c", "import prefect_compat as p; print(p.get_logger().level)"],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "30"


def test_the_default_format_is_rendered_exactly_as_logging_formats_it():
    """The handler renders Prefect's default format by hand (it is on every runner line);
    the text must stay what `logging.Formatter` makes of it, tracebacks included."""
    import sys

    from prefect_compat.utilities.logging import DEFAULT_FORMAT, _Formatter

    datefmt = "%Y-%m-%d %H:%M:%S%z"
    ours, std = _Formatter(DEFAULT_FORMAT, datefmt), logging.Formatter(DEFAULT_FORMAT, datefmt)
    logger = logging.getLogger("prefect.fmt")
    cases = [("plain", ()), ("Task '%s': run %d", ("a[3]", 3)), ("%(k)s", ({"k": "v"},))]
    for msg, args in cases:
        record = logger.makeRecord("prefect.fmt", logging.INFO, __file__, 1, msg, args, None)
        assert ours.format(record) == std.format(record)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        info = sys.exc_info()
    record = logger.makeRecord("prefect.fmt", logging.ERROR, __file__, 1, "failed", (), info)
    assert ours.format(record) == std.format(record)
    assert "ZeroDivisionError: boom" in ours.format(record)
    custom = _Formatter("%(levelname)s:%(message)s", datefmt)  # any other format: logging's
    record = logger.makeRecord("prefect.fmt", logging.INFO, __file__, 1, "x", (), None)
    assert custom.format(record) == "INFO:x"
