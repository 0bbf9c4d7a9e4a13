"""Notification payloads, checked against Prefect 1.4.1 with differential probes."""

from __future__ import annotations

import prefect_compat
from prefect_compat.engine.state import Failed, Success
from prefect_compat.utilities import notifications


def attachment(state):
    payload = notifications.slack_message_formatter(prefect_compat.Task(name="tt"), state)
    return payload["attachments"][0]


def test_slack_payload_fields():
    assert attachment(Success())["fields"] == []
    assert attachment(Failed(None, result=[1]))["fields"] == []
    assert attachment(Failed(None, result=ValueError("x")))["fields"] == [
        {"title": "Message", "value": "```ValueError('x')```", "short": False}
    ]
    # only an Exception is shown as code; a BaseException leaves the message
    assert attachment(Failed("m", result=KeyboardInterrupt()))["fields"] == [
        {"title": "Message", "value": "m", "short": False}
    ]
    assert attachment(Success("ok"))["author_icon"].startswith("https://emoji.slack-edge.com/")


def test_snowflake_message_formatter():
    task = prefect_compat.Task(name="tt")
    fmt = notifications.snowflake_message_formatter
    assert fmt(task, Failed("bad", result=ValueError("x"))) == {
        "flow_id": None,
        "flow_name": None,
        "task_name": "tt",
        "state": "Failed",
        "message": [{"value": "ValueError(''x'')"}],
    }
    assert fmt(task, Success("it's"))["message"] == [{"value": "it''s"}]
    assert fmt(task, Success())["message"] == []
    assert fmt(prefect_compat.Flow("ff"), Success("ok"))["task_name"] == "ff"
    with prefect_compat.context(flow_run_id="FR", flow_name="fn"):
        row = fmt(task, Success("ok"))
    assert (row["flow_id"], row["flow_name"]) == ("FR", "fn")
