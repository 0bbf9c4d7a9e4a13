"""`prefect.client`: local secrets as Prefect's local mode reads them; Client is inert."""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat.client import Client, Secret
from prefect_compat.exceptions import ClientError, NoBackendError
from tests.fixtures.fresh import fresh_python


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("plain", "plain"),
        ('{"k": 1}', {"k": 1}),
        ("12", 12),
        ("true", True),
        ("[1,2]", [1, 2]),
        (5, 5),
    ],
)
def test_secret_get_reads_context_secrets_and_parses_json_text(stored, expected):
    with prefect_compat.context(secrets={"TOKEN": stored}):
        assert Secret("TOKEN").get() == expected
        assert Secret("TOKEN").exists() is True
        assert Secret("OTHER").exists() is False


def test_a_missing_secret_is_a_value_error_naming_it_and_how_to_set_it():
    with pytest.raises(
        ValueError,
        match=r'^Local Secret "NOPE" was not found\. Set it with the environment variable '
        r"PREFECT__CONTEXT__SECRETS__NOPE=<value>, under \[context.secrets\]",
    ):
        Secret("NOPE").get()


def test_secrets_from_environment_variables_keep_their_case(tmp_path):
    code = "from prefect_compat.client import Secret; print(Secret('My_Key').get()['a'])"
    secret = {"PREFECT__CONTEXT__SECRETS__My_Key": '{"a": 1}'}
    assert fresh_python(code, tmp_path, **secret) == ["1"]


def test_client_exists_but_constructing_it_says_there_is_no_backend():
    assert Client.__module__ == "prefect_compat.client.client"
    with pytest.raises(
        NoBackendError, match=r"^prefect.Client needs a Prefect Cloud/Server backend"
    ) as info:
        Client(api_server="http://localhost:4200")
    assert "flow.run()" in str(info.value)
    assert isinstance(info.value, ClientError)
