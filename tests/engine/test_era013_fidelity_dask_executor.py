"""0.13-era scripts: the 0.13 DaskExecutor starts its cluster without log lines."""

from __future__ import annotations

import logging
import warnings

import pytest

from prefect_compat.engine.executors import DaskExecutor
from prefect_compat.utilities.configuration import set_temporary_config

CLUSTER = {"n_workers": 1, "processes": False, "dashboard_address": None}


def _startup_lines(version: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.clear()
    with set_temporary_config({"compat.prefect_version": version}), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 1.x: "has been moved"
        executor = DaskExecutor(cluster_kwargs=dict(CLUSTER))
        logger = executor.logger
        with caplog.at_level(logging.DEBUG, logger="prefect"), executor.start():
            assert executor.wait(executor.submit(lambda: 3)) == 3
    assert executor.logger is logger  # the real logger is back after starting
    return [r.getMessage() for r in caplog.records if r.name == "prefect.DaskExecutor"]


def test_013_dask_executor_logs_nothing_when_it_creates_its_cluster(caplog):
    assert _startup_lines("0.13", caplog) == []


def test_1x_dask_executor_still_names_the_cluster_it_creates(caplog):
    lines = _startup_lines("1", caplog)
    assert any(line.startswith("Creating a new Dask cluster with `distributed") for line in lines)


def test_013_startup_logger_drops_only_info_and_debug(caplog):
    """While the 0.13 cluster starts, warnings and errors still reach the log."""
    from prefect_compat._compat.paths import _NoInfo

    quiet = _NoInfo(logging.getLogger("prefect.DaskExecutor"), {})
    with caplog.at_level(logging.DEBUG, logger="prefect"):
        quiet.debug("d")
        quiet.info("i")
        quiet.warning("w")
        quiet.error("e")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "w"),
        ("ERROR", "e"),
    ]
