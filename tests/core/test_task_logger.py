"""`task.logger` on every task, and the 0.13/1.x switch for GetItem task names."""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys

import pytest

from prefect_compat import Flow, Task, task
from prefect_compat.utilities import logging as logging_module
from prefect_compat.utilities.configuration import set_temporary_config


class Doubler(Task):
    def run(self, x):
        return 2 * x


@task(nout=2)
def pair():
    return (1, 2)


def test_every_task_has_a_prefect_logger_named_after_it():
    assert pair.logger.name == "prefect.pair"
    assert Doubler().logger.name == "prefect.Doubler"
    assert Doubler(name="twice").logger.name == "prefect.twice"
    assert isinstance(pair.logger, logging.Logger)


def test_copies_and_renames_keep_the_logger_of_the_built_name():
    original = Doubler(name="first")
    assert original.copy(name="second").logger.name == "prefect.first"
    original.name = "renamed"
    assert original.logger.name == "prefect.first"


def test_the_logger_can_be_replaced():
    replaced = Doubler()
    replaced.logger = logging.getLogger("custom")
    assert replaced.logger.name == "custom"


def test_a_state_handler_logs_through_the_task_logger(caplog):
    def announce(tracked, old, new):
        tracked.logger.info("%s -> %s", type(old).__name__, type(new).__name__)
        return new

    @task(state_handlers=[announce])
    def work():
        return 1

    with Flow("logs") as flow:
        work(task_args={"name": "work-copy"})
    with caplog.at_level(logging.INFO, logger="prefect"):
        flow.run()
    lines = [(r.name, r.getMessage()) for r in caplog.records if r.name == "prefect.work"]
    assert lines == [("prefect.work", "Pending -> Running"), ("prefect.work", "Running -> Success")]


def test_the_logger_is_looked_up_once_per_task_not_per_run(monkeypatch):
    calls = []
    real = logging_module.get_logger

    def counting(name=None):
        calls.append(name)
        return real(name)

    monkeypatch.setattr(logging_module, "get_logger", counting)

    def uses_logger(tracked, old, new):
        tracked.logger.debug("state %s", new)
        return new

    mapped = Doubler(name="mapped-doubler", state_handlers=[uses_logger])
    with Flow("many runs") as flow:
        mapped.map(list(range(25)))
    flow.run()
    flow.run()
    assert calls.count("mapped-doubler") == 1


def test_tasks_pickle_after_their_logger_was_used():
    used = Doubler(name="pickled")
    assert used.logger.name == "prefect.pickled"
    restored = pickle.loads(pickle.dumps(used))
    assert restored.logger is used.logger


def getitem_names():
    with Flow("items"):
        first, second = pair()
    return first.name, second.name


def test_getitem_tasks_are_named_after_the_expression_by_default():
    assert getitem_names() == ("pair[0]", "pair[1]")


def test_prefect_013_behaviour_keeps_the_plain_getitem_name():
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        assert getitem_names() == ("GetItem", "GetItem")
    with set_temporary_config({"compat.prefect_version": "1.x"}):
        assert getitem_names() == ("pair[0]", "pair[1]")


def test_the_version_switch_is_read_from_the_environment():
    code = (
        "from prefect_compat import Flow, task\n"
        "@task(nout=2)\n"
        "def pair(): return (1, 2)\n"
        "with Flow('f'):\n"
        "    a, b = pair()\n"
        "print(a.name)\n"
    )
    env = {**os.environ, "PREFECT__COMPAT__PREFECT_VERSION": "0.13"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert out.stdout.strip() == "GetItem", out.stderr


def test_an_unknown_version_is_refused_naming_the_key():
    with set_temporary_config({"compat.prefect_version": "latest"}):
        with pytest.raises(
            ValueError, match=r"compat\.prefect_version = 'latest' is not supported"
        ):
            getitem_names()
