"""`allow_failure`, `quote` and `unmapped` (prefect.utilities.annotations), as in 2.6.9."""

from __future__ import annotations

import prefect_compat
from prefect_compat import flow, task
from prefect_compat.utilities import annotations
from prefect_compat.utilities.annotations import allow_failure, quote, unmapped


@task
def bad():
    raise ValueError("b")


@task
def one():
    return 1


@task
def ident(x):
    return x


def test_the_names_are_where_2x_scripts_import_them():
    assert prefect_compat.allow_failure is allow_failure
    assert annotations.unmapped is prefect_compat.unmapped is unmapped
    assert quote([1]).unquote() == [1] and allow_failure(5).unwrap() == 5


def test_allow_failure_passes_the_exception_and_lets_wait_for_go_on():
    @flow
    def caller():
        failed = bad.submit()
        return (
            ident(allow_failure(failed)),
            ident(allow_failure(one.submit())),
            one(wait_for=[allow_failure(failed)]),
            one(wait_for=[failed], return_state=True).name,
        )

    error, value, waited, not_ready = caller()
    assert isinstance(error, ValueError) and error.args == ("b",)
    assert (value, waited, not_ready) == (1, 1, "NotReady")


def test_quote_hands_the_value_over_untouched():
    @flow
    def caller():
        future = one.submit()
        nested = [[1], {"a": 2}]
        got = ident(quote(nested))
        return type(ident(quote(future))).__name__, got is nested

    assert caller() == ("PrefectFuture", True)


def test_map_over_allow_failure_maps_its_items():
    @flow
    def caller():
        return [f.result() for f in ident.map(allow_failure([1, 2]))]

    assert caller() == [1, 2]
