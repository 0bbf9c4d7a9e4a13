"""Runner lines, the cheap path of the most frequent log records, and the handler,
formatter and record factory it works with. `utilities/logging.py` configures these
(from the `logging.*` config keys) and re-exports every name defined here.

The runner lines of every task run ("Starting task run...", "Finished task run...")
are the most frequent records by far, so they are cheap on purpose:
  * when the configured `prefect` handler is the only thing that would see the
    record (no other handler anywhere up the chain, no filter, Prefect's default
    format; checked per record), `RunnerLine` writes the formatted line straight to
    that handler and makes no LogRecord at all;
  * otherwise it builds the record from a per-logger template instead of letting
    `LogRecord.__init__` probe the caller's frame, file name, process and thread
    names for each one, and sends it through `logger.handle`, so levels, filters,
    propagation and every handler a user attached see it as usual;
  * the handler's formatter renders the timestamp once per second (the default
    `datefmt` has no finer unit) instead of once per record;
  * when the stream is a file or a pipe (not a terminal), the handler flushes at most
    every `FLUSH_INTERVAL` seconds and at the end of each flow run, instead of after
    every record; the stream is the same `sys.stdout` object `print` uses, so the
    order of output within the process is unchanged.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import Any

from prefect_compat import _context
from prefect_compat.utilities.context import RUN_KEY

PREFECT_LOG_RECORD_ATTRIBUTES = (
    "flow_name",
    "flow_run_id",
    "task_name",
    "task_slug",
    "task_run_id",
)

DEFAULT_FORMAT = "[%(asctime)s] %(levelname)s - %(name)s | %(message)s"  # config.toml's
FLUSH_INTERVAL = 0.2  # seconds a buffered line may wait when the stream is not a terminal
# Prefect 2.x's run loggers -> the record attribute naming the run; their records are
# printed in 2.x's console format while `logging.format` is the default one
V2_RUN_LOGGERS = {
    "prefect.flow_runs": "flow_run_name",
    "prefect.task_runs": "task_run_name",
    "prefect.engine": None,
}
# logging's own level -> name table (`logging.addLevelName` updates this very dict)
_LEVEL_NAMES: dict[int, str] = logging._levelToName  # type: ignore[attr-defined]
# The file runner-line records name as theirs (`pathname`, `filename`, `module`): the
# public module's, as before this code moved here.
_PUBLIC_FILE = os.path.join(os.path.dirname(__file__), "logging.py")


class _Formatter(logging.Formatter):
    """`logging.Formatter` that renders the timestamp once per second of records.

    Only when `datefmt` has no sub-second field; `%(msecs)` in the format still works.
    """

    def __init__(self, fmt: str | None, datefmt: str | None) -> None:
        super().__init__(fmt, datefmt)
        self._second = self._v2_second = -1
        self._stamp = self._v2_clock = ""
        self._cacheable = bool(datefmt) and "%f" not in (datefmt or "")
        # Prefect's default format, rendered by hand below (same text, a third the cost)
        self._plain = self._cacheable and fmt == DEFAULT_FORMAT

    def format(self, record: logging.LogRecord) -> str:
        if self._plain and record.name in V2_RUN_LOGGERS and _from_a_v2_run(record):
            return self._v2_format(record)
        if not self._plain or record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        return f"[{record.asctime}] {record.levelname} - {record.name} | {record.message}"

    def _v2_format(self, record: logging.LogRecord) -> str:
        """A record of a 2.x run logger in 2.x's console format (see `v2_text`)."""
        record.message = record.getMessage()
        run_name = getattr(record, V2_RUN_LOGGERS[record.name] or "-", None)
        text = self.v2_text(record.created, record.levelname, record.name, run_name, record.message)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            text = f"{text}\n{record.exc_text}"
        if record.stack_info:
            text = f"{text}\n{self.formatStack(record.stack_info)}"
        return text

    def v2_text(
        self, created: float, levelname: str, name: str, run_name: str | None, message: str
    ) -> str:
        """`HH:MM:SS.mmm | LEVEL   | Flow run 'name' - message` (`Task run` for task runs,
        the logger's name for other loggers or a record without a run name), as Prefect
        2.x prints its run loggers on the console."""
        second = int(created)
        if second != self._v2_second:
            self._v2_clock = time.strftime("%H:%M:%S", self.converter(created))
            self._v2_second = second
        stamp = f"{self._v2_clock}.{int((created - second) * 1000):03d}"
        kind = _RUN_KINDS.get(name)
        if run_name is None or kind is None:
            return f"{stamp} | {levelname:<7} | {name} - {message}"
        return f"{stamp} | {levelname:<7} | {kind} {run_name!r} - {message}"

    def stamp(self, created: float) -> str:
        """The `asctime` of a record made at `created` (plain formatters only)."""
        second = int(created)
        if second != self._second:
            self._stamp = super().formatTime(_Created(created), self.datefmt)  # type: ignore[arg-type]
            self._second = second
        return self._stamp

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        if not self._cacheable or datefmt != self.datefmt:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            self._stamp = super().formatTime(record, datefmt)
            self._second = second
        return self._stamp


_RUN_KINDS = {"prefect.flow_runs": "Flow run", "prefect.task_runs": "Task run"}


def _from_a_v2_run(record: logging.LogRecord) -> bool:
    """A record about a 2.x run (not, say, a 1.x task that happens to be called `engine`)."""
    data = record.__dict__
    return "flow_run_name" in data or "task_run_name" in data


class _Created:
    """What `Formatter.formatTime` reads of a record."""

    __slots__ = ("created",)

    def __init__(self, created: float) -> None:
        self.created = created


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """StreamHandler that does not flush a file or pipe after every record."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._buffered = _is_buffered(stream)
        self._flushed = 0.0
        self._gone = False

    def setStream(self, stream: Any) -> Any:  # noqa: N802 - logging's name
        old = super().setStream(stream)
        self._buffered = _is_buffered(self.stream)
        return old

    def flush(self) -> None:
        self._flushed = time.monotonic()
        super().flush()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A reader that went away (`prefect-compat run ... | head`) ends the output
        quietly: no traceback per record from then on, as a shell user expects."""
        if isinstance(sys.exc_info()[1], BrokenPipeError):
            self._gone = True
            _silence_stream(self.stream)
            return
        super().handleError(record)

    def write_line(self, text: str, line: RunnerLine, msg: str, args: tuple[Any, ...]) -> None:
        """Write one formatted line as `handle(record)` would have written it (the record
        is made only if an error has to be reported)."""
        if self._gone:
            return
        with self.lock:  # type: ignore[union-attr]  # what Handler.handle holds for emit
            try:
                self.stream.write(text + self.terminator)
                if not self._buffered or time.monotonic() - self._flushed >= FLUSH_INTERVAL:
                    self.flush()
            except RecursionError:
                raise
            except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
                self.handleError(line.record(msg, args))

    def emit(self, record: logging.LogRecord) -> None:
        if self._gone:
            return
        if not self._buffered:
            super().emit(record)
            return
        try:
            self.stream.write(self.format(record) + self.terminator)
            if time.monotonic() - self._flushed >= FLUSH_INTERVAL:
                self.flush()
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
            self.handleError(record)


def _silence_stream(stream: Any) -> None:
    """Point a closed pipe's file descriptor at /dev/null, so the interpreter's last
    flush at exit does not report the broken pipe either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass


def _is_buffered(stream: Any) -> bool:
    """True for a real file or pipe; terminals and stream proxies flush every record."""
    try:
        return not stream.isatty() and isinstance(stream.fileno(), int)
    except (AttributeError, OSError, ValueError):
        return False


class RunnerLine:
    """Emit one kind of INFO line on one logger, cheaply (see the module docstring).

    `emit(msg, *args)` behaves as `logger.info(msg, *args)` for everything a handler
    or filter can observe, except that `funcName`, `pathname` and `lineno` name the
    engine's call site, fixed when the template is made.
    """

    __slots__ = ("logger", "template")
    _by_logger: dict[str, RunnerLine] = {}  # noqa: RUF012 - one maker per logger name

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.template: dict[str, Any] | None = None

    @classmethod
    def of(cls, logger: logging.Logger) -> RunnerLine:
        """The shared maker for `logger` (templates are built once per logger)."""
        line = cls._by_logger.get(logger.name)
        if line is None or line.logger is not logger:
            line = cls._by_logger[logger.name] = cls(logger)
        return line

    def _template(self) -> dict[str, Any]:
        probe = self.logger.makeRecord(
            self.logger.name, logging.INFO, _PUBLIC_FILE, 0, "", (), None, "run"
        )
        template = dict(probe.__dict__)
        for key in ("msg", "args", "created", "msecs", "relativeCreated", "thread", "threadName"):
            template.pop(key, None)
        for key in PREFECT_LOG_RECORD_ATTRIBUTES + _log_attributes():  # per run: see record()
            template.pop(key, None)
        self.template = template
        return template

    def emit(self, msg: str, *args: Any) -> None:
        logger = self.logger
        if not logger.isEnabledFor(logging.INFO):
            return
        handler = _sole_handler(logger)
        if handler is None:
            logger.handle(self.record(msg, args))
            return
        # nobody else sees it: no record needed, only its text
        stamp = handler.formatter.stamp(time.time())  # type: ignore[union-attr]
        text = f"[{stamp}] {_LEVEL_NAMES[20]} - {logger.name} | {msg % args if args else msg}"
        handler.write_line(text, self, msg, args)

    def emit_run(self, level: int, run_name: str | None, msg: str, *args: Any) -> None:
        """A line of a 2.x run logger (`V2_RUN_LOGGERS`) about run `run_name`, as
        `logger.log(level, msg, *args, extra={<run attribute>: run_name})` would log it."""
        logger = self.logger
        if not logger.isEnabledFor(level):
            return
        handler = _sole_handler(logger, level)
        if handler is None:
            record = self.record(msg, args, level)
            record.__dict__[V2_RUN_LOGGERS.get(logger.name) or "flow_run_name"] = run_name
            logger.handle(record)
            return
        text = handler.formatter.v2_text(  # type: ignore[union-attr]
            time.time(), _LEVEL_NAMES[level], logger.name, run_name, msg % args if args else msg
        )
        handler.write_line(text, self, msg, args)

    def record(
        self, msg: str, args: tuple[Any, ...], level: int = logging.INFO
    ) -> logging.LogRecord:
        """The LogRecord `logger.log(level, msg, *args)` would make (see the class docstring)."""
        template = self.template or self._template()
        record = logging.LogRecord.__new__(logging.LogRecord)
        data = record.__dict__
        data.update(template)
        if level != logging.INFO:
            data["levelno"], data["levelname"] = level, logging.getLevelName(level)
        now = time.time()
        data["created"] = now
        data["msecs"] = (now - int(now)) * 1000
        data["relativeCreated"] = (now - logging._startTime) * 1000  # type: ignore[attr-defined]
        data["msg"] = msg
        data["args"] = args
        data["thread"] = threading.get_ident()
        data["threadName"] = threading.current_thread().name
        _copy_context(record, _log_attributes())  # what the record factory adds
        return record


def _sole_handler(logger: logging.Logger, level: int = logging.INFO) -> _Handler | None:
    """The configured `prefect` handler when it is the only thing that would see an INFO
    record of `logger` (no filter on the way, no other handler up the chain, Prefect's
    default format), else None. Checked per record: a handler or filter a user adds
    at any time sends the next record down the usual path."""
    if logger.disabled:
        return None
    found = None
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        for handler in current.handlers:
            if found is not None or type(handler) is not _Handler:
                return None
            found = handler
        if not current.propagate:
            break
        current = current.parent
    if found is None or found.filters or found.level > level:
        return None
    formatter = found.formatter
    return found if type(formatter) is _Formatter and formatter._plain else None


_ABSENT = object()


def _copy_context(record: logging.LogRecord, always: tuple[str, ...]) -> None:
    """Put Prefect's run attributes (`flow_name`, `task_run_id`, ...) that the context
    holds onto `record`, and the `log_attributes` names `always` (None when unset).

    Not in a 2.x run: Prefect 2.x sets no such attributes, and its run loggers pass
    the same names as `extra=`, which a record may not already have."""
    if _context.lookup(RUN_KEY, None) is not None:
        return
    data = record.__dict__
    for name in PREFECT_LOG_RECORD_ATTRIBUTES:
        value = _context.lookup(name, _ABSENT)
        if value is not _ABSENT:
            data[name] = value
    for name in always:
        data[name] = _context.get(name)


class _RecordFactory:
    """The log record factory once logging is configured: as Prefect's, every record
    made while a flow runs carries the run attributes the context holds, plus the
    `logging.log_attributes` keys, whatever logger or handler it is for."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.names: tuple[str, ...] = ()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        _copy_context(record, self.names)
        return record


def _record_factory(names: list[str]) -> _RecordFactory:
    """Install (once) the context-copying record factory and set its `log_attributes`."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _RecordFactory):
        factory = _RecordFactory(factory)
        logging.setLogRecordFactory(factory)
    factory.names = tuple(names)
    return factory


def _log_attributes() -> tuple[str, ...]:
    """The configured `logging.log_attributes` (empty before logging is configured)."""
    factory = logging.getLogRecordFactory()
    return factory.names if isinstance(factory, _RecordFactory) else ()
