"""Errors and loggers of Results and handlers, probed against Prefect 1.4.1 and 0.13."""

from __future__ import annotations

import logging

import pytest

from prefect_compat.engine.result import NoResult, Result, ResultNotImplementedError
from prefect_compat.engine.result_handlers import JSONResultHandler
from prefect_compat.engine.results import SecretResult


class NamedSecret:
    name = "TOKEN"

    def run(self, name=None):
        return f"value of {name}"


def test_base_result_says_it_keeps_values_in_memory():
    with pytest.raises(ResultNotImplementedError, match=r"Result\.exists\(\) .* in memory only"):
        Result(1).exists("x")


@pytest.mark.parametrize(
    ("result", "name"), [(SecretResult(NamedSecret()), "SecretResult"), (NoResult, "NoResultType")]
)
def test_subclasses_name_themselves_not_the_base_class(result, name):
    with pytest.raises(ResultNotImplementedError) as caught:
        result.exists("TOKEN")
    message = str(caught.value)
    assert message.startswith(f"{name}.exists() is not available: {name} does not persist")
    assert "base Result class" not in message


def test_secret_result_still_reads_by_name():
    assert SecretResult(NamedSecret()).read("OTHER").value == "value of OTHER"


class LoggingResult(Result):
    """A user's Result that sets its own logger in __init__, as Prefect's docs show."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.logger = logging.getLogger("my.results")


def test_a_result_subclass_may_set_its_own_logger():
    result = LoggingResult(location="q")
    assert result.logger.name == "my.results"
    assert result.copy().logger.name == "my.results"
    assert Result().logger.name == "prefect.Result"
    assert SecretResult(NamedSecret()).logger.name == "prefect.SecretResult"


def test_a_result_handler_may_set_its_own_logger():
    handler = JSONResultHandler()
    assert handler.logger.name == "prefect.JSONResultHandler"
    handler.logger = logging.getLogger("my.handler")
    assert handler.logger.name == "my.handler"
    assert JSONResultHandler().logger.name == "prefect.JSONResultHandler"
