"""`ShellTask`: run a shell command as a task; its last output line is the result.

What users rely on (observed on Prefect 1.4.1):
  - the command (after `helper_script`, if any) is written to a temporary file and run
    as `<shell> <file>`, in the current directory, with `os.environ` updated by `env`;
  - stderr is merged into stdout; each line is decoded and right-stripped; the result is
    the last line (None when there is no output), or every line with `return_all=True`;
  - `stream_output` (True, a level name such as "WARNING", or a number) logs each line as
    it arrives on the task's logger (`prefect.<task name>`) at that level;
  - a non-zero exit logs "Command failed with exit code N" at ERROR and raises FAIL with
    that message and the output (last line, or all lines) as the state's result;
    `log_stderr=True` also logs that output at ERROR, unless it was already streamed.
Deliberate difference: bytes that are not UTF-8 are replaced (U+FFFD) instead of
failing the task with UnicodeDecodeError (docs/compat-notes.md).
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.engine import signals
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["ShellTask"]


def _stream_level(stream_output: Any) -> int | bool:
    """False (no streaming) or the numeric level each output line is logged at."""
    if isinstance(stream_output, bool):
        return logging.INFO if stream_output else False
    if isinstance(stream_output, int):
        return stream_output
    level = logging.getLevelName(stream_output) if isinstance(stream_output, str) else None
    if not isinstance(level, int):
        raise TypeError(
            f"'stream_output': Level {stream_output} is not a valid log level. Pass True "
            "(INFO), an upper-case level name such as 'WARNING', or a number such as 30."
        )
    return level


class ShellTask(Task):
    """Run `command` with `shell` (default bash) and return its output's last line."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        command: str | None = None,
        env: dict[str, str] | None = None,
        helper_script: str | None = None,
        shell: str = "bash",
        return_all: bool = False,
        log_stderr: bool = False,
        stream_output: bool | int | str = False,
        **kwargs: Any,
    ) -> None:
        self.command = command
        self.env = env
        self.helper_script = helper_script
        self.shell = shell
        self.return_all = return_all
        self.log_stderr = log_stderr
        self.stream_output = _stream_level(stream_output)
        super().__init__(**kwargs)

    @defaults_from_attrs("command", "env", "helper_script")
    def run(  # type: ignore[override]  # run() takes the task's inputs
        self,
        command: str | None = None,
        env: dict[str, str] | None = None,
        helper_script: str | None = None,
    ) -> str | list[str] | None:
        """Run the command; FAIL (with the output as result) when it exits non-zero."""
        if command is None:
            raise TypeError("run() missing required argument: 'command'")
        script = f"{helper_script}\n{command}" if helper_script else command
        run_env = os.environ.copy()
        run_env.update(env or {})
        with tempfile.NamedTemporaryFile("w", prefix="prefect-") as script_file:
            script_file.write(script)
            script_file.flush()
            code, lines = self._execute([self.shell, script_file.name], run_env)
        output = lines if self.return_all else (lines[-1] if lines else None)
        if code:
            message = f"Command failed with exit code {code}"
            self.logger.error(message)
            if self.log_stderr and not self.stream_output and lines:
                self.logger.error("\n".join(lines) if self.return_all else lines[-1])
            raise signals.FAIL(message, result=output)
        return output

    def _execute(self, argv: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
        level = self.stream_output
        lines = []
        try:
            process = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
            )
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                exc.errno,
                f"Task '{self.name}': shell {self.shell!r} was not found on PATH. Pass "
                "shell='bash' or shell='sh', or the full path of an installed shell.",
            ) from None
        with process:
            assert process.stdout is not None  # noqa: S101 - stdout=PIPE above
            for raw in process.stdout:
                line = raw.decode("utf-8", errors="replace").rstrip()
                lines.append(line)
                if level:
                    self.logger.log(level, line)
        return process.returncode, lines
