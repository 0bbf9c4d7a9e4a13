"""Sending notifications: local secrets, a JSON POST, and an SMTP send, with timeouts.

Shared by the notification tasks (`tasks.notifications`) and the notifier state
handlers (`utilities.notifications`). Standard library only (`urllib`, `smtplib`), so
no extra is needed. Every network call has a timeout (`DEFAULT_TIMEOUT`, 10 s), and
failures are translated here into one error that says what was tried, where, why it
failed and what to check. Webhook URLs carry their token in the path, so errors show
only the scheme, host and port.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from typing import Any

from prefect_compat import _context

__all__ = ["DEFAULT_TIMEOUT", "check_smtp_type", "local_secret", "post_json", "send_email"]

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait for a webhook or mail server before giving up."""

SMTP_TYPES = ("SSL", "STARTTLS", "INSECURE")


def local_secret(name: str) -> Any:
    """The value of secret `name` from `context.secrets` (JSON text is parsed)."""
    secrets = _context.get("secrets") or {}
    if name not in secrets:
        raise ValueError(
            f'Local Secret "{name}" was not found. Set it in context.secrets, e.g. '
            f"PREFECT__CONTEXT__SECRETS__{name}=... or [context.secrets] in config.toml."
        )
    value = secrets[name]
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def redact(url: str) -> str:
    """`scheme://host:port/...`: the URL without the path, which holds the token."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/..." if parts.netloc else "<invalid URL>"


def post_json(
    url: str,
    payload: Any,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    proxies: dict[str, str] | None = None,
) -> None:
    """POST `payload` as JSON; ConnectionError if unreachable, ValueError on an HTTP error.

    `what` names the sender in errors ("SlackTask 'notify'").
    """
    if not isinstance(url, str) or not urllib.parse.urlsplit(url).netloc:
        raise ValueError(f"{what}: {url!r} is not a webhook URL (expected https://...).")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies or None))
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read(200).decode("utf-8", "replace")
        raise ValueError(
            f"{what}: the webhook at {redact(url)} answered HTTP {exc.code} {exc.reason}: "
            f"{body!r}. Check the webhook URL and the message payload."
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ConnectionError(
            f"{what}: could not reach the webhook at {redact(url)} within {timeout:g} s: "
            f"{reason}. Check the URL, the network and any proxy settings."
        ) from exc


def _connect(server: str, port: int, smtp_type: str, timeout: float) -> smtplib.SMTP:
    if smtp_type == "SSL":
        return smtplib.SMTP_SSL(server, port, context=ssl.create_default_context(), timeout=timeout)
    connection = smtplib.SMTP(server, port, timeout=timeout)
    if smtp_type == "STARTTLS":
        connection.starttls(context=ssl.create_default_context())
    return connection


def check_smtp_type(smtp_type: str) -> None:
    if smtp_type not in SMTP_TYPES:
        raise ValueError(
            f"{smtp_type} is an unsupported value for smtp_type. Use one of: "
            + ", ".join(SMTP_TYPES)
        )


def send_email(
    message: Message,
    where: tuple[str, int, str],
    credentials: tuple[str, str] | None,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Send `message` to `where` = (server, port, "SSL" | "STARTTLS" | "INSECURE").

    Recipients come from the To/Cc/Bcc headers (smtplib strips Bcc before sending).
    Logs in when `credentials` are given. Connection problems become ConnectionError
    naming the server; SMTP protocol errors (refused login, rejected recipient) keep
    their smtplib type.
    """
    server, port, smtp_type = where
    check_smtp_type(smtp_type)
    try:
        with _connect(server, port, smtp_type, timeout) as connection:
            if credentials is not None:
                connection.login(*credentials)
            connection.send_message(message)
    except smtplib.SMTPException:
        raise
    except OSError as exc:
        raise ConnectionError(
            f"{what}: could not reach the mail server {server}:{port} ({smtp_type}) within "
            f"{timeout:g} s: {exc}. Check smtp_server, smtp_port, smtp_type and the network."
        ) from exc
