"""A Prefect 1.x script that defines two flows; the caller must pick one."""

from prefect import Flow, task


@task
def say(word):
    print("said:", word)
    return word


with Flow("first") as first:
    say("one")

with Flow("second") as second:
    say("two")
