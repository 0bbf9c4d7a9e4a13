"""DateTimeParameter reads the ISO 8601 forms Prefect 1.4.1 (pendulum) reads.

Expected values were observed with real Prefect 1.4.1. Parsing does not depend on
`datetime.fromisoformat`, so the results are the same on every supported Python.
"""

from __future__ import annotations

import pytest

from prefect_compat.core.parameter import DateTimeParameter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-04 05:06:07", "2021-03-04T05:06:07+00:00"),
        ("2021-03-04T05:06", "2021-03-04T05:06:00+00:00"),
        ("20210304T050607Z", "2021-03-04T05:06:07+00:00"),
        ("2021-W09-4", "2021-03-04T00:00:00+00:00"),
        ("2021-03-04T05:06:07.5Z", "2021-03-04T05:06:07.500000+00:00"),
        ("2021-063", "2021-03-04T00:00:00+00:00"),
        ("2021-03", "2021-03-01T00:00:00+00:00"),
        ("2021", "2021-01-01T00:00:00+00:00"),
        ("2021-03-04T05:06:07-0530", "2021-03-04T05:06:07-05:30"),
        ("2021-03-04T05:06:07.123456789Z", "2021-03-04T05:06:07.123456+00:00"),
    ],
)
def test_iso_8601_forms_parse_as_in_prefect(text, expected):
    assert DateTimeParameter("d", default=text, required=False).run().isoformat() == expected


@pytest.mark.parametrize("text", ["Thu, 04 Mar 2021", "2021-366", "2021-02-30", "2021-03-04T25:00"])
def test_text_that_is_not_an_iso_8601_datetime_fails_naming_the_parameter(text):
    with pytest.raises(ValueError, match=f'Parameter "d": cannot parse {text!r} as an ISO 8601'):
        DateTimeParameter("d", default=text, required=False).run()
