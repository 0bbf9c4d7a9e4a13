"""SlackTask, EmailTask and the notifier state handlers against real local servers.

The servers are started here on 127.0.0.1: an HTTP server that records webhook posts
(and answers 500 when asked to), and a small SMTP server speaking just enough of the
protocol (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT) to receive a message. The
failure tests use a port nothing listens on.
"""

from __future__ import annotations

import base64
import email
import inspect
import json
import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.state import Failed, Running, Success
from prefect_compat.tasks.notifications import EmailTask, PushbulletTask, SlackTask
from prefect_compat.utilities import notifications
from prefect_compat.utilities.notifications import (
    callback_factory,
    gmail_notifier,
    jira_notifier,
    slack_message_formatter,
    slack_notifier,
)

# -- local servers -------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posts.append((self.path, self.headers.get("Content-Type"), body))
        failing = self.path.endswith("/fail")
        self.send_response(500 if failing else 200)
        self.end_headers()
        self.wfile.write(b"nope" if failing else b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    server.posts = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/token"
    server.shutdown()
    server.server_close()


class _SMTP(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        login = None
        envelope = {"rcpt": []}
        self.reply("220 test ESMTP")
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-test\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb == "AUTH" and line.split(" ")[1].upper() == "PLAIN":
                login = base64.b64decode(line.split(" ")[2]).split(b"\0")[1:]
                self.reply("235 ok")
            elif verb == "AUTH":
                self.reply("334 VXNlcm5hbWU6")
                user = base64.b64decode(self.rfile.readline().strip())
                self.reply("334 UGFzc3dvcmQ6")
                login = [user, base64.b64decode(self.rfile.readline().strip())]
                self.reply("235 ok")
            elif verb == "MAIL":
                envelope["from"] = line[10:]
                self.reply("250 ok")
            elif verb == "RCPT":
                envelope["rcpt"].append(line[8:])
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.received.append({**envelope, "login": login, "data": data})
                envelope = {"rcpt": []}
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTP)
    server.daemon_threads = True
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_one(task_, **kwargs):
    with Flow("notify") as flow:
        ref = task_(**kwargs)
    return flow.run().result[ref]


# -- SlackTask -------------------------------------------------------------------------------


def test_slack_task_signature_is_prefects():
    assert list(inspect.signature(SlackTask.__init__).parameters)[1:] == [
        "message",
        "webhook_secret",
        "kwargs",
    ]
    assert list(inspect.signature(SlackTask.run).parameters)[1:] == [
        "message",
        "webhook_secret",
        "webhook_url",
    ]
    assert SlackTask().webhook_secret == "SLACK_WEBHOOK_URL"


def test_slack_task_posts_text_and_payloads(webhook):
    server, url = webhook
    assert isinstance(run_one(SlackTask(message="hello"), webhook_url=url), Success)
    SlackTask(message={"blocks": [{"type": "divider"}]}).run(webhook_url=url)
    assert server.posts == [
        ("/services/T0/B0/token", "application/json", b'{"text": "hello"}'),
        ("/services/T0/B0/token", "application/json", b'{"blocks": [{"type": "divider"}]}'),
    ]


def test_slack_task_reads_the_webhook_from_a_local_secret(webhook):
    server, url = webhook
    with prefect_compat.context(secrets={"SLACK_WEBHOOK_URL": url, "OTHER_HOOK": url}):
        SlackTask(message="default secret").run()
        SlackTask(message="named secret", webhook_secret="OTHER_HOOK").run()
    assert [json.loads(body)["text"] for _, _, body in server.posts] == [
        "default secret",
        "named secret",
    ]


def test_slack_task_without_a_webhook_names_the_secret():
    state = run_one(SlackTask(message="hi"))
    assert isinstance(state, Failed)
    assert 'Local Secret "SLACK_WEBHOOK_URL" was not found' in str(state.result)


def test_slack_task_reports_an_unreachable_webhook_without_its_token(closed_port):
    url = f"http://127.0.0.1:{closed_port}/services/T0/B0/secret-token"
    task_ = SlackTask(name="alert", message="hi")
    with pytest.raises(ConnectionError, match="could not reach the webhook") as info:
        task_.run(webhook_url=url)
    message = str(info.value)
    assert f"127.0.0.1:{closed_port}" in message
    assert "SlackTask 'alert'" in message and "within 10 s" in message
    assert "secret-token" not in message


def test_slack_task_reports_an_http_error(webhook):
    _, url = webhook
    state = run_one(SlackTask(message="hi"), webhook_url=url.replace("/token", "/fail"))
    assert isinstance(state.result, ValueError)
    assert "answered HTTP 500" in str(state.result)


def test_the_request_timeout_bounds_a_silent_server():
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        task_ = SlackTask(message="hi")
        task_.request_timeout = 0.2
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
        with pytest.raises(ConnectionError, match="within 0.2 s"):
            task_.run(webhook_url=url)


# -- EmailTask -------------------------------------------------------------------------------


def test_email_task_signature_is_prefects():
    assert list(inspect.signature(EmailTask.run).parameters)[1:] == [
        "subject",
        "msg",
        "email_to",
        "email_from",
        "smtp_server",
        "smtp_port",
        "smtp_type",
        "msg_plain",
        "email_to_cc",
        "email_to_bcc",
        "attachments",
    ]
    defaults = EmailTask()
    assert (defaults.smtp_server, defaults.smtp_port, defaults.smtp_type) == (
        "smtp.gmail.com",
        465,
        "SSL",
    )
    assert defaults.email_from == "notifications@prefect.io"


def test_email_task_sends_a_full_message(smtp_server, tmp_path):
    attachment = tmp_path / "report.txt"
    attachment.write_text("attached text")
    port = smtp_server.server_address[1]
    task_ = EmailTask(
        subject="Run report",
        msg="<b>done</b>",
        msg_plain="done",
        email_to="a@example.com, b@example.com",
        email_to_cc="cc@example.com",
        email_to_bcc="hidden@example.com",
        attachments=[str(attachment)],
        smtp_server="127.0.0.1",
        smtp_port=port,
        smtp_type="INSECURE",
    )
    assert isinstance(run_one(task_), Success)
    (received,) = smtp_server.received
    assert received["login"] is None
    assert received["from"] == "<notifications@prefect.io>"
    assert sorted(received["rcpt"]) == [
        "<a@example.com>",
        "<b@example.com>",
        "<cc@example.com>",
        "<hidden@example.com>",
    ]
    message = email.message_from_bytes(received["data"])
    assert message["Subject"] == "Run report"
    assert message["Cc"] == "cc@example.com"
    assert message["Bcc"] is None
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["text/plain"].get_payload(decode=True).strip() == b"done"
    assert parts["text/html"].get_payload(decode=True).strip() == b"<b>done</b>"
    assert parts["application/octet-stream"].get_filename() == "report.txt"
    assert parts["application/octet-stream"].get_payload(decode=True) == b"attached text"


def test_email_task_logs_in_with_the_local_secrets(smtp_server):
    # STARTTLS/SSL need TLS, which the test server lacks: a refused STARTTLS proves the
    # secrets were read and the STARTTLS path taken
    port = smtp_server.server_address[1]
    task_ = EmailTask(subject="s", msg="m", email_to="a@example.com", smtp_server="127.0.0.1")
    with prefect_compat.context(secrets={"EMAIL_USERNAME": "me", "EMAIL_PASSWORD": "pw"}):
        state = run_one(task_, smtp_port=port, smtp_type="STARTTLS")
    assert isinstance(state, Failed)
    assert "STARTTLS extension not supported" in str(state.result)


def test_email_task_needs_credentials_unless_insecure():
    state = run_one(EmailTask(subject="s", msg="m", email_to="a@example.com"))
    assert 'Local Secret "EMAIL_USERNAME" was not found' in str(state.result)


def test_email_task_reports_an_unreachable_server(closed_port):
    task_ = EmailTask(
        name="mailer",
        email_to="a@example.com",
        smtp_server="127.0.0.1",
        smtp_port=closed_port,
        smtp_type="INSECURE",
    )
    with pytest.raises(ConnectionError, match=f"127.0.0.1:{closed_port}") as info:
        task_.run()
    assert "EmailTask 'mailer'" in str(info.value)


def test_email_task_refuses_unknown_smtp_types_and_no_recipient():
    with pytest.raises(ValueError, match="BOGUS is an unsupported value for smtp_type"):
        EmailTask(email_to="a@example.com", smtp_type="BOGUS").run()
    with pytest.raises(ValueError, match="no recipient"):
        EmailTask(smtp_type="INSECURE").run()


def test_pushbullet_task_builds_but_does_not_run():
    task_ = PushbulletTask(msg="hi")
    state = run_one(task_)
    assert isinstance(state.result, NotImplementedError)
    assert "no Pushbullet integration" in str(state.result)


# -- notifier state handlers -----------------------------------------------------------------


def test_callback_factory_calls_fn_when_the_check_passes():
    seen = []
    handler = callback_factory(lambda obj, state: seen.append((obj, state)), Failed.is_failed)

    @task(state_handlers=[handler])
    def boom():
        raise ValueError("no")

    with Flow("cb") as flow:
        boom()
    flow.run()
    assert [(obj.name, type(state)) for obj, state in seen] == [("boom", Failed)]


def test_slack_notifier_posts_the_wanted_states(webhook):
    server, url = webhook

    @task(state_handlers=[slack_notifier(only_states=[Failed], backend_info=False)])
    def boom():
        raise ValueError("bad thing")

    @task(state_handlers=[slack_notifier])
    def fine():
        return 1

    with Flow("notified") as flow:
        boom()
        fine()
    with prefect_compat.context(secrets={"SLACK_WEBHOOK_URL": url}):
        flow.run()
    payloads = [json.loads(body)["attachments"][0] for _, _, body in server.posts]
    summary = sorted((p["text"], p["title"], p["color"]) for p in payloads)
    assert summary == [
        ("boom is now in a Failed state", "Failed", "#eb0000"),
        ("fine is now in a Running state", "Running", "#3d67ff"),
        ("fine is now in a Success state", "Success", "#28a745"),
    ]
    failed = next(p for p in payloads if p["title"] == "Failed")
    assert failed["fields"][0]["value"] == "```ValueError('bad thing')```"


def test_slack_notifier_ignore_states_and_flow_handlers(webhook):
    server, url = webhook
    flow = Flow("watched", state_handlers=[slack_notifier(ignore_states=[Running])])
    flow.add_task(prefect_compat.Task())
    with prefect_compat.context(secrets={"SLACK_WEBHOOK_URL": url}):
        assert isinstance(flow.run(), Success)
    (only,) = [json.loads(body)["attachments"][0] for _, _, body in server.posts]
    assert only["text"] == "watched is now in a Success state"


def test_a_failing_notification_fails_the_task(webhook):
    _, url = webhook

    @task(state_handlers=[slack_notifier])
    def fine():
        return 1

    with Flow("noisy") as flow:
        ref = fine()
    with prefect_compat.context(secrets={"SLACK_WEBHOOK_URL": url.replace("/token", "/fail")}):
        state = flow.run().result[ref]
    assert isinstance(state, Failed)
    assert "Slack notification for <Task: fine> failed" in state.message


def test_slack_message_formatter_uses_the_state_message():
    payload = slack_message_formatter(prefect_compat.Task(name="t"), Success("all good"))
    (attachment,) = payload["attachments"]
    assert attachment["fields"] == [{"title": "Message", "value": "all good", "short": False}]
    assert attachment["footer"] == "Prefect notification"


def test_gmail_notifier_sends_to_the_account_it_logs_in_with(smtp_server, monkeypatch):
    # GMAIL_SMTP is where the notifier sends; point it at the local server without TLS
    monkeypatch.setattr(
        notifications.notifications,
        "GMAIL_SMTP",
        ("127.0.0.1", smtp_server.server_address[1], "INSECURE"),
    )

    @task(state_handlers=[gmail_notifier(only_states=[Success])])
    def fine():
        return 1

    with Flow("mailed") as flow:
        fine()
    with prefect_compat.context(secrets={"EMAIL_USERNAME": "me@x.io", "EMAIL_PASSWORD": "pw"}):
        assert isinstance(flow.run(), Success)
    (received,) = smtp_server.received
    assert received["rcpt"] == ["<me@x.io>"]
    message = email.message_from_bytes(received["data"])
    assert message["Subject"] == "Prefect state change notification for fine"


def test_gmail_notifier_without_secrets_fails_the_task():
    @task(state_handlers=[gmail_notifier])
    def fine():
        return 1

    with Flow("unmailed") as flow:
        ref = fine()
    state = flow.run().result[ref]
    assert isinstance(state, Failed)
    assert 'Local Secret "EMAIL_USERNAME" was not found' in state.message


def test_notifiers_without_an_integration_fail_clearly():
    with pytest.raises(ImportError, match="no Jira integration"):
        jira_notifier(prefect_compat.Task(), Running(), Failed())
