"""Notifier state handlers: `callback_factory`, `slack_notifier`, `gmail_notifier`.

A notifier is a state handler `(tracked_obj, old_state, new_state) -> new_state`
attached to a Task or a Flow. Called with only options (`slack_notifier(
only_states=[Failed])`) it returns a handler with those options bound, as Prefect's
curried notifiers do. `ignore_states` / `only_states` are lists of State classes
matched with isinstance. A notification that cannot be delivered raises; the engine
then treats it as any failing state handler.

Deliberate difference: `backend_info` is accepted and ignored, since there is no
Prefect Cloud/Server to link to (docs/compat-notes.md).
"""

from __future__ import annotations

import functools
import html
from email.message import EmailMessage
from typing import Any, Callable

from prefect_compat.utilities.notifications._delivery import (
    local_secret,
    post_json,
    send_email,
)

__all__ = [
    "callback_factory",
    "email_message_formatter",
    "gmail_notifier",
    "handler_factory",
    "slack_message_formatter",
    "slack_notifier",
    "snowflake_logger",
    "snowflake_message_formatter",
]

GMAIL_SMTP = ("smtp.gmail.com", 465, "SSL")
"""Where gmail_notifier sends (server, port, TLS mode)."""

_POSITIONAL = ("tracked_obj", "old_state", "new_state")


def handler_factory(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Let `fn(**options)` return a handler with the options bound (partial application)."""

    @functools.wraps(fn)
    def notifier(*args: Any, **kwargs: Any) -> Any:
        if len(args) + sum(name in kwargs for name in _POSITIONAL) >= len(_POSITIONAL):
            return fn(*args, **kwargs)
        return functools.partial(notifier, *args, **kwargs)

    return notifier


def callback_factory(
    fn: Callable[[Any, Any], Any], check: Callable[[Any], bool]
) -> Callable[..., Any]:
    """A state handler calling `fn(tracked_obj, new_state)` whenever `check(new_state)`."""

    def state_handler(obj: Any, old_state: Any, new_state: Any) -> Any:
        if check(new_state):
            fn(obj, new_state)
        return new_state

    return state_handler


# the icon Prefect's Slack messages show next to "Prefect"
SLACK_AUTHOR_ICON = "https://emoji.slack-edge.com/TAN3D79AL/prefect/2497370f58500a5a.png"


def _wanted(state: Any, ignore_states: Any, only_states: Any) -> bool:
    if any(isinstance(state, kind) for kind in ignore_states or ()):
        return False
    return not only_states or any(isinstance(state, kind) for kind in only_states)


def _state_detail(state: Any) -> str:
    """What to say about a state: the exception it holds, else its message."""
    if isinstance(state.result, BaseException):
        return repr(state.result)
    return str(state.message)


def slack_message_formatter(tracked_obj: Any, state: Any, backend_info: bool = True) -> dict:
    """The Slack payload for "<name> is now in a <State> state" (colour of the state).

    The Message field shows the exception the state holds (as code), else the state's
    message; a state with neither gets no field.
    """
    if isinstance(state.result, Exception):
        fields = [{"title": "Message", "value": f"```{state.result!r}```", "short": False}]
    elif state.message is not None:
        fields = [{"title": "Message", "value": str(state.message), "short": False}]
    else:
        fields = []
    kind = type(state).__name__
    return {
        "attachments": [
            {
                "fallback": "State change notification",
                "color": state.color,
                "author_name": "Prefect",
                "author_link": "https://www.prefect.io/",
                "author_icon": SLACK_AUTHOR_ICON,
                "title": kind,
                "fields": fields,
                "text": f"{tracked_obj.name} is now in a {kind} state",
                "footer": "Prefect notification",
            }
        ]
    }


def snowflake_message_formatter(tracked_obj: Any, state: Any) -> dict:
    """The row `snowflake_logger` would insert for a state change, as Prefect builds it.

    `flow_id` is the context's `flow_run_id` and `flow_name` its `flow_name` (None
    outside a run); `task_name` is the tracked Task's or Flow's name. The message is
    the exception the state holds (its repr, single quotes doubled for SQL), else the
    state's message; a state with neither gets an empty list.
    """
    from prefect_compat import _context

    if isinstance(state.result, Exception):
        message = [{"value": repr(state.result).replace("'", "''")}]
    elif state.message is not None:
        message = [{"value": str(state.message).replace("'", "''")}]
    else:
        message = []
    return {
        "flow_id": _context.get("flow_run_id"),
        "flow_name": _context.get("flow_name"),
        "task_name": tracked_obj.name,
        "state": type(state).__name__,
        "message": message,
    }


def _email(tracked_obj: Any, state: Any, email_to: str) -> EmailMessage:
    kind = type(state).__name__
    name = html.escape(str(tracked_obj.name))
    detail = html.escape(_state_detail(state))
    message = EmailMessage()
    message["Subject"] = f"Prefect state change notification for {tracked_obj.name}"
    message["From"] = "notifications@prefect.io"
    message["To"] = email_to
    message.set_content(f"{tracked_obj.name} is now in a {kind} state\n\nMessage: {detail}\n")
    message.add_alternative(
        f'<p><b>{name}</b> is now in a <b style="color: {state.color}">{kind}</b> state</p>'
        f"<p>Message: <code>{detail}</code></p>",
        subtype="html",
    )
    return message


def email_message_formatter(tracked_obj: Any, state: Any, email_to: str) -> str:
    """The email (headers and plain + HTML bodies) as text."""
    return _email(tracked_obj, state, email_to).as_string()


@handler_factory
def slack_notifier(  # noqa: PLR0913, PLR0917 - Prefect's public signature
    tracked_obj: Any,
    old_state: Any,
    new_state: Any,
    ignore_states: list[type] | None = None,
    only_states: list[type] | None = None,
    webhook_secret: str | None = None,
    backend_info: bool = True,
    proxies: dict[str, str] | None = None,
) -> Any:
    """Post each wanted state change to the Slack webhook in secret `webhook_secret`."""
    if not _wanted(new_state, ignore_states, only_states):
        return new_state
    url = local_secret(webhook_secret or "SLACK_WEBHOOK_URL")
    payload = slack_message_formatter(tracked_obj, new_state, backend_info)
    post_json(url, payload, f"Slack notification for {tracked_obj} failed", proxies=proxies)
    return new_state


@handler_factory
def gmail_notifier(
    tracked_obj: Any,
    old_state: Any,
    new_state: Any,
    ignore_states: list[type] | None = None,
    only_states: list[type] | None = None,
) -> Any:
    """Email each wanted state change to yourself through Gmail.

    Logs in with the local secrets EMAIL_USERNAME / EMAIL_PASSWORD (a Gmail address and
    an app password) and sends to EMAIL_USERNAME.
    """
    if not _wanted(new_state, ignore_states, only_states):
        return new_state
    username = local_secret("EMAIL_USERNAME")
    password = local_secret("EMAIL_PASSWORD")
    message = _email(tracked_obj, new_state, username)
    send_email(message, GMAIL_SMTP, (username, password), f"gmail_notifier on {tracked_obj}")
    return new_state


@handler_factory
def snowflake_logger(tracked_obj: Any, old_state: Any, new_state: Any, **options: Any) -> Any:
    """Would log state changes to a Snowflake table; raises ImportError."""
    raise ImportError(
        f"snowflake_logger (on {tracked_obj}): prefect-compat has no Snowflake integration. "
        "Use callback_factory(fn, check) with your own function that writes the row."
    )
