"""Errors of Results that do not persist values (ResultNotImplementedError, as in Prefect)."""

from __future__ import annotations

import pytest

from prefect_compat.engine.result import NoResult, Result, ResultNotImplementedError
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
