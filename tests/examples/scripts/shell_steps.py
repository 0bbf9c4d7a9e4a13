"""ShellTask steps sharing a helper script; the last one fails."""

import os
import tempfile

from prefect import Flow
from prefect.tasks.shell import ShellTask

workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "notes.txt"), "w") as handle:
    handle.write("one\ntwo\n")

step = ShellTask(helper_script=f"cd {workdir}")
with Flow("shell steps") as flow:
    listing = step(command="ls")
    counted = step(command="wc -l < notes.txt")
    broken = step(command="mv missing.txt elsewhere.txt")

state = flow.run()
print("listing:", state.result[listing].result)
print("count:", state.result[counted].result.strip())
print("broken:", type(state.result[broken]).__name__, state.result[broken].message)
