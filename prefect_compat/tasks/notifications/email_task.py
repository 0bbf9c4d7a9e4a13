"""`EmailTask`: send an email through an SMTP server.

Login credentials are the local secrets EMAIL_USERNAME and EMAIL_PASSWORD, read only
when `smtp_type` is "SSL" (the default, port 465) or "STARTTLS"; "INSECURE" sends
without TLS or login. `msg` is the HTML body, `msg_plain` an optional plain-text part,
`attachments` file paths. Comma-separated `email_to`, `email_to_cc` and `email_to_bcc`
are all recipients; Bcc is not written into the headers. The connection has a
`request_timeout` (10 s); an unreachable server fails the task with a ConnectionError
naming it.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.utilities.notifications._delivery import (
    DEFAULT_TIMEOUT,
    check_smtp_type,
    local_secret,
    send_email,
)
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["EmailTask"]

_FIELDS = (
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
)


def _addresses(value: str | None) -> list[str]:
    return [a.strip() for a in (value or "").split(",") if a.strip()]


def build_message(fields: dict[str, Any]) -> EmailMessage:
    """The MIME message: plain part (if any), HTML part, then attachments."""
    message = EmailMessage()
    message["Subject"] = fields["subject"] or ""
    message["From"] = fields["email_from"]
    message["To"] = fields["email_to"] or ""
    if fields["email_to_cc"]:
        message["Cc"] = fields["email_to_cc"]
    if fields["email_to_bcc"]:
        message["Bcc"] = fields["email_to_bcc"]  # smtplib sends to it and strips the header
    if fields["msg_plain"]:
        message.set_content(fields["msg_plain"])
        message.add_alternative(fields["msg"] or "", subtype="html")
    else:
        message.set_content(fields["msg"] or "", subtype="html")
    for path in fields["attachments"] or ():
        data = Path(path).read_bytes()
        message.add_attachment(
            data, maintype="application", subtype="octet-stream", filename=Path(path).name
        )
    return message


class EmailTask(Task):
    """Send an email; every argument can be given here or to run()."""

    request_timeout: float = DEFAULT_TIMEOUT
    """Seconds to wait for the mail server; set it on the instance to change it."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        subject: str | None = None,
        msg: str | None = None,
        email_to: str | None = None,
        email_from: str = "notifications@prefect.io",
        smtp_server: str = "smtp.gmail.com",
        smtp_port: int = 465,
        smtp_type: str = "SSL",
        msg_plain: str | None = None,
        email_to_cc: str | None = None,
        email_to_bcc: str | None = None,
        attachments: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.subject = subject
        self.msg = msg
        self.email_to = email_to
        self.email_from = email_from
        self.smtp_server = smtp_server
        self.smtp_port = smtp_port
        self.smtp_type = smtp_type
        self.msg_plain = msg_plain
        self.email_to_cc = email_to_cc
        self.email_to_bcc = email_to_bcc
        self.attachments = list(attachments or [])
        super().__init__(**kwargs)

    @defaults_from_attrs(*_FIELDS)
    def run(  # type: ignore[override]  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        subject: str | None = None,
        msg: str | None = None,
        email_to: str | None = None,
        email_from: str | None = None,
        smtp_server: str | None = None,
        smtp_port: int | None = None,
        smtp_type: str | None = None,
        msg_plain: str | None = None,
        email_to_cc: str | None = None,
        email_to_bcc: str | None = None,
        attachments: list[str] | None = None,
    ) -> None:
        """Build and send the message; returns None."""
        fields = dict(locals())
        smtp_type = (smtp_type or "SSL").upper()
        check_smtp_type(smtp_type)
        if not (_addresses(email_to) or _addresses(email_to_cc) or _addresses(email_to_bcc)):
            raise ValueError(
                f"EmailTask '{self.name}': no recipient; pass email_to='someone@example.com'."
            )
        credentials = None
        if smtp_type != "INSECURE":
            credentials = (local_secret("EMAIL_USERNAME"), local_secret("EMAIL_PASSWORD"))
        send_email(
            build_message(fields),
            (smtp_server or "smtp.gmail.com", int(smtp_port or 465), smtp_type),
            credentials,
            f"EmailTask '{self.name}'",
            timeout=self.request_timeout,
        )
