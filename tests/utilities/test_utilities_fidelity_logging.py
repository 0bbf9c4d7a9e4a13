"""`prefect.utilities.logging` details checked against Prefect 1.4.1 with differential probes."""

from __future__ import annotations

import logging

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.utilities import logging as plog
from prefect_compat.utilities.configuration import set_temporary_config

RUN_ATTRIBUTES = plog.PREFECT_LOG_RECORD_ATTRIBUTES


@pytest.fixture
def restore_logging():
    names = ["prefect", "prefect-test-logger"]
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level) for n in names}
    factory = logging.getLogRecordFactory()
    saved_names = getattr(factory, "names", ())
    yield
    for name, (handlers, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
    if hasattr(factory, "names"):
        factory.names = saved_names


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def collect():
    handler = Collect()
    loggers = [plog.get_logger(), logging.getLogger("pc_fidelity_other")]
    loggers[1].setLevel(logging.INFO)
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def test_configure_logging_testing_sets_up_the_test_logger(restore_logging):
    logger = plog.configure_logging(testing=True)
    assert logger.name == "prefect-test-logger"
    assert logger.level == logging.INFO
    assert [type(h).__bases__[0] for h in logger.handlers] == [logging.StreamHandler]
    assert plog.configure_logging().name == "prefect"
    assert len(plog.get_logger().handlers) == 1


def test_records_made_in_a_run_carry_the_run_attributes(restore_logging, collect):
    plog.configure_logging()
    other = logging.getLogger("pc_fidelity_other")

    @task
    def work():
        prefect_compat.context.logger.info("in task")
        other.info("other logger in task")

    with Flow("attrs-flow") as flow:
        work()
    assert flow.run().is_successful()
    other.info("outside")

    def attrs(record):
        return {k: getattr(record, k, "<absent>") for k in RUN_ATTRIBUTES}

    by_message = {r.getMessage(): attrs(r) for r in collect.records}
    for message in ("in task", "other logger in task", "Task 'work': Starting task run..."):
        found = by_message[message]
        assert (found["flow_name"], found["task_name"], found["task_slug"]) == (
            "attrs-flow",
            "work",
            "work-1",
        ), message
        assert found["flow_run_id"] != "<absent>" and found["task_run_id"] != "<absent>"
    flow_line = by_message["Flow run SUCCESS: all reference tasks succeeded"]
    assert flow_line["flow_name"] == "attrs-flow" and flow_line["task_name"] == "<absent>"
    assert set(by_message["outside"].values()) == {"<absent>"}


def test_run_attributes_can_be_used_in_the_format(restore_logging, capsys):
    with set_temporary_config({"logging.format": "%(flow_name)s/%(task_slug)s %(message)s"}):
        plog.configure_logging()

    @task
    def one():
        return 1

    with Flow("fmt-flow") as flow:
        one()
    flow.run()
    out = capsys.readouterr().out
    assert "fmt-flow/one-1 Task 'one': Starting task run...\n" in out
    assert "fmt-flow/one-1 Task 'one': Finished task run" in out


def test_log_attributes_reach_records_of_any_logger(restore_logging, collect):
    with set_temporary_config({"logging.log_attributes": ["pc_key"]}):
        plog.configure_logging()
    other = logging.getLogger("pc_fidelity_other")
    with prefect_compat.context(pc_key="v"):
        other.info("inside")
    other.info("outside")
    assert [(r.getMessage(), r.pc_key) for r in collect.records] == [
        ("inside", "v"),
        ("outside", None),
    ]


def test_a_2x_run_logger_keeps_its_own_extra(restore_logging, collect):
    plog.configure_logging()
    from prefect_compat import flow, get_run_logger

    @flow
    def v2_flow():
        get_run_logger().info("from a 2.x flow")
        return 1

    assert v2_flow() == 1
    logger = logging.getLogger("prefect.flow_runs")
    logger.addHandler(collect)
    try:
        assert v2_flow() == 1
    finally:
        logger.removeHandler(collect)
    record = next(r for r in collect.records if r.getMessage() == "from a 2.x flow")
    assert record.flow_name == "v2-flow"
    assert record.flow_run_name
